package dev.sealpost.kafka;

import dev.sealpost.codec.EncryptionContext;
import dev.sealpost.codec.SealpostException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The value contexts [KB-4] of one serializer or deserializer, without building and sorting a map
 * per record. Records whose context depends on the topic alone (a null key, or no key binding
 * [KB-8], and no authenticated header) share one context per topic; every other record fills the
 * topic's {@link EncryptionContext.Template} with its digests, which gives the bytes {@link
 * RecordBinding#valueContext} gives (the topic and part are checked once, the digests are hex).
 * At most {@link #MAX_TOPICS} topics are kept; beyond that the maps start over.
 */
final class ValueContexts {
  static final int MAX_TOPICS = 4096;

  private final Map<String, EncryptionContext> nullKey = new ConcurrentHashMap<>();
  private final Map<String, EncryptionContext> unbound = new ConcurrentHashMap<>();
  private final Map<String, EncryptionContext.Template> keyed = new ConcurrentHashMap<>();
  private final Map<String, EncryptionContext.Template> headersOnly = new ConcurrentHashMap<>();

  /** As {@link RecordBinding#valueContext}; {@code keyDigest} null leaves the key digest out. */
  EncryptionContext of(String topic, String keyDigest, String headersDigest) throws SealpostException {
    boolean noHeaders = RecordBinding.NO_HEADERS_DIGEST.equals(headersDigest);
    if (noHeaders && (keyDigest == null || RecordBinding.NULL_KEY.equals(keyDigest))) {
      Map<String, EncryptionContext> cache = keyDigest == null ? unbound : nullKey;
      EncryptionContext c = cache.get(topic);
      if (c == null) {
        c = RecordBinding.valueContext(topic, keyDigest, headersDigest);
        put(cache, topic, c);
      }
      return c;
    }
    if (keyDigest == null) {
      return template(headersOnly, topic, RecordBinding.HEADERS_SHA256).with(headersDigest);
    }
    return template(keyed, topic, RecordBinding.KEY_SHA256, RecordBinding.HEADERS_SHA256).with(keyDigest, headersDigest);
  }

  private static EncryptionContext.Template template(
      Map<String, EncryptionContext.Template> cache, String topic, String... slots) throws SealpostException {
    EncryptionContext.Template t = cache.get(topic);
    if (t == null) {
      t = EncryptionContext.template(
          Map.of(RecordBinding.TOPIC, topic, RecordBinding.PART, RecordBinding.PART_VALUE), slots);
      put(cache, topic, t);
    }
    return t;
  }

  private static <V> void put(Map<String, V> cache, String topic, V value) {
    if (cache.size() >= MAX_TOPICS) {
      cache.clear(); // bounded: a client of this many topics builds again, it does not grow
    }
    cache.put(topic, value);
  }
}
