package dev.sealpost.cli;

import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.SignerRef;
import dev.sealpost.codec.format.EnvelopeHeader;
import dev.sealpost.kafka.SealpostDeserializer;
import dev.sealpost.kafka.SealpostKafkaConfig;
import dev.sealpost.kafka.SealpostSettings;
import dev.sealpost.kafka.SealpostRecordException;
import dev.sealpost.kafka.SealpostTombstoneInterceptor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads raw records (fetched as bytes) through the adapter's {@link SealpostDeserializer}s,
 * configured by the same properties as a consumer's, one record at a time, so that one record
 * that fails is reported and the next is read. Calls them as the Kafka consumer does: on one
 * thread, key first (not for a null key), then value (not for a null value), with one Headers
 * object, so the value is checked against the record's key digest and authenticated headers.
 */
final class RecordDecoder implements AutoCloseable {
  /** A record after decryption: plaintext key and value, headers with the secret ones restored. */
  static final class Decoded {
    final ConsumerRecord<byte[], byte[]> raw;
    byte[] key;
    byte[] value;
    Headers headers;
    /** For a tombstone: whether its authenticator checks out [KB-12]; null for other records. */
    Boolean tombstoneAuthenticated;
    /** Null when the record decrypted. */
    Failure failure;
    /**
     * The writers the adapter verified for the key and the value: the header's signer of a part
     * that decrypted on a topic with trusted writers, which the codec refuses unless step 10a
     * verified that very signer (SPEC.md 16) [SIG-8]; null otherwise.
     */
    SignerRef keySigner;
    SignerRef valueSigner;

    Decoded(ConsumerRecord<byte[], byte[]> raw) {
      this.raw = raw;
    }
  }

  /** Why a record did not decrypt: its SPEC.md category (null if the failure is not Sealpost's), the adapter's reason. */
  record Failure(String part, String category, String reason, String message) {}

  private final SealpostDeserializer<byte[]> keys = new SealpostDeserializer<>(new ByteArrayDeserializer());
  private final SealpostDeserializer<byte[]> values = new SealpostDeserializer<>(new ByteArrayDeserializer());
  private final SealpostTombstoneInterceptor<byte[], byte[]> tombstones = new SealpostTombstoneInterceptor<>();
  /** The same settings the deserializers parse: here only for the topic's trusted writers. */
  private final SealpostSettings settings;

  /**
   * The inner deserializers are always byte arrays: the command shows bytes (text when they are
   * UTF-8), whatever the application's inner deserializer would have made of them.
   */
  RecordDecoder(Map<String, Object> props) {
    keys.configure(props, true);
    values.configure(props, false);
    settings = SealpostKafkaConfig.parse(props);
    // Tombstones are always checked, whatever the file's policy, so that the result can be shown.
    Map<String, Object> checked = new HashMap<>(props);
    checked.put("sealpost.tombstone.policy", "drop-unauthenticated");
    tombstones.configure(checked);
  }

  Decoded decode(ConsumerRecord<byte[], byte[]> r) {
    Decoded d = new Decoded(r);
    // A copy: the deserializer adds the restored secret headers to it.
    Headers headers = new RecordHeaders();
    for (Header h : r.headers()) {
      headers.add(h.key(), h.value());
    }
    d.headers = headers;
    try {
      d.key = r.key() == null ? null : keys.deserialize(r.topic(), headers, r.key());
      d.keySigner = verified(r.topic(), r.key());
    } catch (RuntimeException e) {
      d.failure = failure("key", e);
      return d;
    }
    if (r.value() == null) {
      TopicPartition tp = new TopicPartition(r.topic(), r.partition());
      ConsumerRecord<byte[], byte[]> seen = new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.timestamp(),
          r.timestampType(), r.serializedKeySize(), -1, d.key, null, headers, r.leaderEpoch());
      d.tombstoneAuthenticated = !tombstones.onConsume(new ConsumerRecords<>(Map.of(tp, List.of(seen)), Map.of())).isEmpty();
      return d;
    }
    try {
      d.value = values.deserialize(r.topic(), headers, r.value());
      d.valueSigner = verified(r.topic(), r.value());
    } catch (RuntimeException e) {
      d.failure = failure("value", e);
    }
    return d;
  }

  /** Called after a part decrypted: its signer, if the topic requires trusted writers. */
  private SignerRef verified(String topic, byte[] stored) {
    if (stored == null || !settings.trustFor(topic).requiresTrustedWriter()) {
      return null;
    }
    EnvelopeHeader h = header(stored);
    return h == null ? null : h.signer().orElse(null);
  }

  private static Failure failure(String part, RuntimeException e) {
    if (e instanceof SealpostRecordException s) {
      String m = s.getMessage();
      int cut = m.lastIndexOf(" [");
      String message = m.substring(m.startsWith("sealpost: ") ? "sealpost: ".length() : 0, cut < 0 ? m.length() : cut);
      // The codec's message repeats the category the line already shows.
      message = message.replace("cannot decrypt: " + s.category().id() + ": ", "cannot decrypt: ");
      return new Failure(part, s.category().id(), s.reason().name(), Main.oneLine(message));
    }
    // Not the adapter's: still one record's failure, not the run's.
    return new Failure(part, null, e.getClass().getSimpleName(), Main.oneLine(String.valueOf(e.getMessage())));
  }

  /** The envelope header of a stored key or value; null when it has none or it does not parse. */
  static EnvelopeHeader header(byte[] stored) {
    if (stored == null || !EnvelopeHeader.hasMagic(stored, 0, stored.length)) {
      return null;
    }
    try {
      return EnvelopeHeader.parse(stored);
    } catch (SealpostException e) {
      return null;
    }
  }

  @Override
  public void close() {
    keys.close();
    values.close();
    tombstones.close();
  }
}
