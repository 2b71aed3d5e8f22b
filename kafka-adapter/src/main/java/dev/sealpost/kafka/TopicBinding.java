package dev.sealpost.kafka;

import dev.sealpost.codec.EncryptionContext;
import dev.sealpost.codec.SealpostException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The external context that binds a record part to its topic (SPEC.md 7, [CTX-5]):
 * {@code {"kafka.topic": topic, "kafka.record.part": "key" | "value"}}, never stored, so a record
 * copied to another topic, or a key envelope moved into the value, fails to decrypt. Built once
 * per topic and cached: serializers see few topics and many records.
 */
final class TopicBinding {
  private final boolean key;
  private final Map<String, EncryptionContext> byTopic = new ConcurrentHashMap<>();

  TopicBinding(boolean key) {
    this.key = key;
  }

  EncryptionContext context(String topic) throws SealpostException {
    EncryptionContext c = byTopic.get(topic);
    if (c == null) {
      c = of(topic, key);
      byTopic.put(topic, c);
    }
    return c;
  }

  static EncryptionContext of(String topic, boolean key) throws SealpostException {
    return EncryptionContext.of(
        Map.of(SealpostSerializer.CONTEXT_TOPIC, topic, SealpostSerializer.CONTEXT_PART, key ? "key" : "value"));
  }
}
