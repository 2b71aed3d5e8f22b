package dev.sealpost.kafka;

import dev.sealpost.codec.EncryptionContext;
import dev.sealpost.codec.SealpostException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The external context that binds a record part to its topic only (SPEC.md 7, [CTX-5]):
 * {@code {"kafka.topic": topic, "kafka.record.part": "key" | "value"}}, never stored, so a record
 * copied to another topic, or a key envelope moved into the value, fails to decrypt. Used for
 * record keys [KB-3] and for values serialized without headers [KB-9]; values of records are
 * bound to the whole record by {@link RecordBinding}. Built once per topic and cached:
 * serializers see few topics and many records.
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
    return EncryptionContext.of(Map.of(RecordBinding.TOPIC, topic,
        RecordBinding.PART, key ? RecordBinding.PART_KEY : RecordBinding.PART_VALUE));
  }
}
