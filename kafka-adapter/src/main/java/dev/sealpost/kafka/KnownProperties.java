package dev.sealpost.kafka;

import dev.sealpost.codec.internal.LogSafe;
import dev.sealpost.codec.internal.NearestName;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigException;

/**
 * Refuses {@code sealpost.*} properties the adapter does not know, naming the nearest known one:
 * a misspelt {@code sealpost.secret.headers} must not silently send secret headers in the clear.
 * Known are the fixed keys and the shapes of the families {@code sealpost.topic.<topic>}, {@code
 * sealpost.rule.<name>.recipients|topics|pattern}, {@code sealpost.trust.<name>.keys|topics|pattern} and {@code
 * sealpost.x25519.public|private.<label>[.version]}.
 */
final class KnownProperties {
  private static final List<String> RULE_FIELDS = List.of("recipients", "topics", "pattern");
  private static final List<String> TRUST_FIELDS = List.of("keys", "topics", "pattern");
  private static final List<String> LABEL_FAMILIES =
      List.of(SealpostKafkaConfig.X25519_PUBLIC_PREFIX, SealpostKafkaConfig.X25519_PRIVATE_PREFIX);

  private KnownProperties() {}

  /** Throws a {@link ConfigException} for the first unknown {@code sealpost.*} key, in key order. */
  static void check(Map<String, ?> configs, Set<String> fixed) {
    configs.keySet().stream()
        .filter(k -> k.startsWith(SealpostKafkaConfig.PREFIX))
        .sorted()
        .filter(k -> !isKnown(k, fixed))
        .findFirst()
        .ifPresent(k -> {
          throw new ConfigException("sealpost: unknown property '" + LogSafe.escape(k) + "'; did you mean '"
              + LogSafe.escape(nearest(k, fixed)) + "'? (unknown sealpost.* properties are refused so that a typo cannot"
              + " turn a protection off)");
        });
  }

  static boolean isKnown(String k, Set<String> fixed) {
    if (fixed.contains(k)) {
      return true;
    }
    if (k.startsWith(SealpostKafkaConfig.TOPIC_PREFIX)) {
      return k.length() > SealpostKafkaConfig.TOPIC_PREFIX.length();
    }
    if (k.startsWith(SealpostKafkaConfig.RULE_PREFIX) || k.startsWith(SealpostKafkaConfig.TRUST_PREFIX)) {
      boolean rule = k.startsWith(SealpostKafkaConfig.RULE_PREFIX);
      String rest = k.substring((rule ? SealpostKafkaConfig.RULE_PREFIX : SealpostKafkaConfig.TRUST_PREFIX).length());
      int dot = rest.lastIndexOf('.');
      return dot > 0 && (rule ? RULE_FIELDS : TRUST_FIELDS).contains(rest.substring(dot + 1));
    }
    for (String p : LABEL_FAMILIES) {
      if (k.startsWith(p)) {
        String label = k.substring(p.length());
        return !label.isEmpty() && !label.equals("version");
      }
    }
    return false;
  }

  /** The known key or family shape closest to {@code k} by edit distance. */
  static String nearest(String k, Set<String> fixed) {
    Map<String, List<String>> families = new LinkedHashMap<>();
    families.put(SealpostKafkaConfig.TOPIC_PREFIX, List.of());
    families.put(SealpostKafkaConfig.RULE_PREFIX, RULE_FIELDS);
    families.put(SealpostKafkaConfig.TRUST_PREFIX, TRUST_FIELDS);
    families.put(SealpostKafkaConfig.X25519_PUBLIC_PREFIX, List.of());
    families.put(SealpostKafkaConfig.X25519_PRIVATE_PREFIX, List.of());
    return NearestName.nearest(k, fixed, families);
  }
}
