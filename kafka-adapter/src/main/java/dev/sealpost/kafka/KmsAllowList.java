package dev.sealpost.kafka;

import dev.sealpost.codec.Decryptor;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which KMS keys a reader may call to unwrap (SPEC.md [KMS-3]): the URIs of {@code
 * sealpost.kms.key.uris} (an entry ending in {@code *} is a prefix), plus the {@code kms:}
 * recipients the same configuration writes for, which the application chose just as explicitly.
 * Discovery (any URI the client supports) only with {@code sealpost.kms.discovery=true}, and
 * with a warning: then whoever writes to a topic picks the keys its readers call.
 */
final class KmsAllowList {
  private static final Logger LOG = LoggerFactory.getLogger(KmsAllowList.class);

  private final Set<String> uris = new TreeSet<>();
  private final Set<String> prefixes = new TreeSet<>();
  private final boolean discovery;

  private KmsAllowList(boolean discovery) {
    this.discovery = discovery;
  }

  static KmsAllowList of(List<String> configured, Collection<String> recipientUris, boolean discovery) {
    KmsAllowList a = new KmsAllowList(discovery);
    for (String raw : configured) {
      String entry = raw.trim();
      if (entry.isEmpty()) {
        continue;
      }
      if (entry.endsWith("*")) {
        String prefix = entry.substring(0, entry.length() - 1);
        if (prefix.isEmpty() || prefix.indexOf('*') >= 0) {
          throw new ConfigException(SealpostKafkaConfig.KMS_KEY_URIS, raw,
              "'*' is only allowed at the end of a non-empty prefix; allowing every key is "
                  + SealpostKafkaConfig.KMS_DISCOVERY + "=true");
        }
        a.prefixes.add(prefix);
      } else if (entry.indexOf('*') >= 0) {
        throw new ConfigException(SealpostKafkaConfig.KMS_KEY_URIS, raw, "'*' is only allowed at the end of an entry");
      } else {
        a.uris.add(entry);
      }
    }
    a.uris.addAll(recipientUris);
    return a;
  }

  /** Nothing allowed: the KMS client cannot serve decryption. */
  boolean isEmpty() {
    return uris.isEmpty() && prefixes.isEmpty() && !discovery;
  }

  void applyTo(Decryptor.Builder d) {
    uris.forEach(d::kmsKeyUri);
    prefixes.forEach(d::kmsKeyUriPrefix);
    if (discovery) {
      LOG.warn("{}=true: this reader calls any KMS key its client supports, so whoever can write to a topic"
          + " chooses which KMS keys are called with this reader's credentials. Prefer {}.",
          SealpostKafkaConfig.KMS_DISCOVERY, SealpostKafkaConfig.KMS_KEY_URIS);
      d.kmsDiscovery();
    }
  }
}
