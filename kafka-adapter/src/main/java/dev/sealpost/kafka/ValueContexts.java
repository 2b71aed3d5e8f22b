package dev.sealpost.kafka;

import dev.sealpost.codec.EncryptionContext;
import dev.sealpost.codec.SealpostException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The value context [KB-4] of records whose context depends on the topic alone: a null key (or no
 * key binding [KB-8]) and no authenticated header. Such topics (events without keys) would
 * otherwise build and canonically encode the same context for every record, a large part of a
 * small record's cost; records with a key are bound to it and still get their own context.
 * One entry per topic, like {@link TopicBinding}.
 */
final class ValueContexts {
  private final Map<String, EncryptionContext> nullKey = new ConcurrentHashMap<>();
  private final Map<String, EncryptionContext> unbound = new ConcurrentHashMap<>();

  /** As {@link RecordBinding#valueContext}; {@code keyDigest} null leaves the key digest out. */
  EncryptionContext of(String topic, String keyDigest, String headersDigest) throws SealpostException {
    Map<String, EncryptionContext> cache = keyDigest == null ? unbound
        : RecordBinding.NULL_KEY.equals(keyDigest) ? nullKey : null;
    if (cache == null || !RecordBinding.NO_HEADERS_DIGEST.equals(headersDigest)) {
      return RecordBinding.valueContext(topic, keyDigest, headersDigest);
    }
    EncryptionContext c = cache.get(topic);
    if (c == null) {
      c = RecordBinding.valueContext(topic, keyDigest, headersDigest);
      cache.put(topic, c);
    }
    return c;
  }
}
