package dev.sealpost.kafka;

import dev.sealpost.codec.internal.LogSafe;
import dev.sealpost.codec.ErrorCategory;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Every failure of the Sealpost serializers and deserializers: a {@link SerializationException}
 * (so Kafka clients and Kafka Streams treat it as one) that carries what went wrong, as a
 * SPEC.md section 9 {@link ErrorCategory} and an adapter-level {@link Reason}, the topic, whether
 * it was the record key or value, and the partition and offset when they are known.
 *
 * <p>A {@link org.apache.kafka.common.serialization.Deserializer} is never told the partition or
 * offset. The consumer wraps a deserializer's exception in a {@link
 * RecordDeserializationException} that does know them; {@link #from(RecordDeserializationException)}
 * combines the two:
 *
 * <pre>{@code
 * try {
 *   records = consumer.poll(timeout);
 * } catch (RecordDeserializationException e) {
 *   SealpostRecordException.from(e).ifPresent(s ->
 *       log.error("{} at {}-{}@{}", s.reason(), s.topic(), s.partition(), s.offset()));
 *   consumer.seek(e.topicPartition(), e.offset() + 1); // skip it, or stop here
 * }
 * }</pre>
 *
 * Messages never contain key material or plaintext; record-derived text (topic, header names) is
 * escaped [SEC-4].
 */
public class SealpostRecordException extends SerializationException {
  private static final long serialVersionUID = 1L;

  /** What the adapter was doing when it failed. */
  public enum Reason {
    /** Produce: the topic has no key and is not listed as allowed to stay plaintext. */
    NO_KEY_FOR_TOPIC,
    /** Consume: a record without an envelope on a topic not allowed to carry plaintext [SEC-1]. */
    PLAINTEXT_REJECTED,
    /** Produce: the codec refused to encrypt (key material, limits). */
    ENCRYPTION_FAILED,
    /** Consume: the envelope did not decrypt (wrong key, wrong topic, tampering, ...). */
    DECRYPTION_FAILED,
    /** Consume: the decrypted plaintext does not follow the adapter's inner framing. */
    BAD_INNER_FRAMING,
    /** Produce: a tombstone (null value) carries headers that would have to travel encrypted. */
    SECRET_HEADERS_ON_TOMBSTONE,
    /**
     * Produce: a record for a topic that is not encrypted (plaintext list) carries headers that
     * must travel encrypted; consume: a clear header has the name of a secret header.
     */
    SECRET_HEADERS_IN_CLEAR,
    /** Produce: the inner serializer returned bytes for a null key or value on an encrypted topic. */
    INNER_BYTES_FOR_NULL,
    /**
     * Produce: the value serializer does not know the record key's digest, because the key
     * serializer is not a {@link SealpostSerializer} (or the value is not bound to the key).
     */
    NO_KEY_BINDING
  }

  private final Reason reason;
  private final ErrorCategory category;
  private final String topic;
  private final boolean key;
  private final int partition;
  private final long offset;

  public SealpostRecordException(
      Reason reason, ErrorCategory category, String topic, boolean key, String message, Throwable cause) {
    this(reason, category, topic, key, -1, -1L, message, cause);
  }

  private SealpostRecordException(
      Reason reason,
      ErrorCategory category,
      String topic,
      boolean key,
      int partition,
      long offset,
      String message,
      Throwable cause) {
    super(describe(reason, category, topic, key, partition, offset, message), cause);
    this.reason = Objects.requireNonNull(reason, "reason");
    this.category = Objects.requireNonNull(category, "category");
    this.topic = topic;
    this.key = key;
    this.partition = partition;
    this.offset = offset;
  }

  private static String describe(
      Reason reason, ErrorCategory category, String topic, boolean key, int partition, long offset, String message) {
    StringBuilder sb = new StringBuilder("sealpost: ").append(message);
    sb.append(" [").append(reason).append(", ").append(category.id());
    sb.append(", topic '").append(LogSafe.escape(topic)).append('\'');
    if (partition >= 0) {
      sb.append(", partition ").append(partition);
    }
    if (offset >= 0) {
      sb.append(", offset ").append(offset);
    }
    sb.append(", record ").append(key ? "key" : "value").append(']');
    return sb.toString();
  }

  /**
   * The Sealpost failure inside a consumer's {@link RecordDeserializationException}, with the
   * partition and offset that exception carries; empty when the failure was not Sealpost's.
   */
  public static Optional<SealpostRecordException> from(RecordDeserializationException e) {
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t instanceof SealpostRecordException) {
        SealpostRecordException s = (SealpostRecordException) t;
        return Optional.of(s.at(e.topicPartition().partition(), e.offset()));
      }
    }
    return Optional.empty();
  }

  /** A copy of this exception located at a partition and offset. */
  public SealpostRecordException at(int partition, long offset) {
    String plain = getMessage();
    int cut = plain.lastIndexOf(" [");
    String message = plain.substring("sealpost: ".length(), cut < 0 ? plain.length() : cut);
    SealpostRecordException located =
        new SealpostRecordException(reason, category, topic, key, partition, offset, message, getCause());
    located.setStackTrace(getStackTrace());
    return located;
  }

  public Reason reason() {
    return reason;
  }

  /** The SPEC.md section 9 category, e.g. {@code not-an-envelope} for rejected plaintext. */
  public ErrorCategory category() {
    return category;
  }

  public String topic() {
    return topic;
  }

  /** True for the record key, false for the value. */
  public boolean isKey() {
    return key;
  }

  /** The partition, or -1 when unknown (inside a deserializer it always is; see {@link #from}). */
  public int partition() {
    return partition;
  }

  /** The offset, or -1 when unknown. */
  public long offset() {
    return offset;
  }
}
