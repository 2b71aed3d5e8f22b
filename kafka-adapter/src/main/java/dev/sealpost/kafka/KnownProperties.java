package dev.sealpost.kafka;

import dev.sealpost.codec.internal.LogSafe;
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
    // Scores are doubled edit distances; a family cut that does not fall after a dot costs one
    // more, so 'sealpost.topics.x' suggests 'sealpost.topic.x', not 'sealpost.topic.s.x'.
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String f : fixed) {
      int d = 2 * distance(k, f);
      if (d < bestDistance) {
        bestDistance = d;
        best = f;
      }
    }
    // Families: the name part is free, so compare the prefix (and a rule's field) only.
    List<String> prefixes = List.of(SealpostKafkaConfig.TOPIC_PREFIX, SealpostKafkaConfig.RULE_PREFIX,
        SealpostKafkaConfig.TRUST_PREFIX, SealpostKafkaConfig.X25519_PUBLIC_PREFIX, SealpostKafkaConfig.X25519_PRIVATE_PREFIX);
    for (String p : prefixes) {
      for (int cut = Math.max(1, p.length() - 3); cut <= Math.min(k.length(), p.length() + 3); cut++) {
        String rest = k.substring(cut);
        if (rest.isEmpty()) {
          continue;
        }
        int d = 2 * distance(k.substring(0, cut), p) + (k.charAt(cut - 1) == '.' ? 0 : 1);
        String shape;
        if (p.equals(SealpostKafkaConfig.RULE_PREFIX) || p.equals(SealpostKafkaConfig.TRUST_PREFIX)) {
          List<String> fields = p.equals(SealpostKafkaConfig.RULE_PREFIX) ? RULE_FIELDS : TRUST_FIELDS;
          int dot = rest.lastIndexOf('.');
          String name = dot > 0 ? rest.substring(0, dot) : rest;
          String field = dot > 0 ? rest.substring(dot + 1) : "";
          String bestField = fields.get(0);
          int fieldDistance = Integer.MAX_VALUE;
          for (String candidate : fields) {
            int fd = distance(field, candidate);
            if (fd < fieldDistance) {
              fieldDistance = fd;
              bestField = candidate;
            }
          }
          d += 2 * fieldDistance;
          shape = p + name + "." + bestField;
        } else {
          shape = p + rest;
        }
        if (d < bestDistance) {
          bestDistance = d;
          best = shape;
        }
      }
    }
    return best;
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
