package dev.sealpost.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8 finding 5: no path sends a secret header or a value in the clear. Each test replays
 * one way the adapter used to let them out.
 */
class SecretHeaderPolicyTest {
  @TempDir Path dir;
  Map<String, Object> props;

  @BeforeEach
  void setUp() throws Exception {
    props = Keys.props(Keys.writeKeyring(dir, "app.keyring", 1));
    props.put(SealpostKafkaConfig.SECRET_HEADERS, "x-pii-.*|authorization");
    props.put(SealpostKafkaConfig.PLAINTEXT_TOPICS, "metrics");
  }

  private <T> SealpostSerializer<T> serializer(SealpostSerializer<T> s, boolean key) {
    s.configure(props, key);
    return s;
  }

  private SealpostSerializer<String> keys() {
    return serializer(new SealpostSerializer<>(), true);
  }

  private SealpostSerializer<String> values() {
    return serializer(new SealpostSerializer<>(), false);
  }

  private SealpostDeserializer<String> reader(boolean key) {
    SealpostDeserializer<String> d = new SealpostDeserializer<>();
    d.configure(props, key);
    return d;
  }

  @Test
  void secretHeaderOnAPlaintextTopicIsRefused() {
    // [KB-20] exploit: the header used to go out in the clear on a plaintext-listed topic.
    Headers h = new RecordHeaders().add("x-pii-ssn", "078-05-1120".getBytes(UTF_8));
    SealpostRecordException e = assertThrows(SealpostRecordException.class,
        () -> Records.produce(keys(), values(), "metrics", "k", "cpu=3", h));
    assertEquals(SealpostRecordException.Reason.SECRET_HEADERS_IN_CLEAR, e.reason());
    assertTrue(e.getMessage().contains("x-pii-ssn"), e.getMessage());
  }

  @Test
  void secretHeaderWhenTheInnerSerializerReturnsNullIsRefused() {
    // [KB-20] exploit: an inner serializer that maps a value to null made a tombstone that kept
    // its secret headers in the clear.
    SealpostSerializer<String> values = serializer(new SealpostSerializer<>(nullFor("drop-me")), false);
    Headers h = new RecordHeaders().add("x-pii-name", "alice".getBytes(UTF_8));
    SealpostRecordException e = assertThrows(SealpostRecordException.class,
        () -> Records.produce(keys(), values, "orders", "k", "drop-me", h));
    assertEquals(SealpostRecordException.Reason.SECRET_HEADERS_ON_TOMBSTONE, e.reason());
  }

  @Test
  void nullValueWithInnerBytesOnAnEncryptedTopicIsRefused() {
    // [KB-15] exploit: {"deleted":true,"ssn":...} was sent as plaintext for a null value.
    SealpostSerializer<String> values = serializer(new SealpostSerializer<>(bytesForNull("{\"deleted\":true,\"ssn\":\"078-05-1120\"}")), false);
    SealpostRecordException e = assertThrows(SealpostRecordException.class,
        () -> Records.produce(keys(), values, "orders", "k", null));
    assertEquals(SealpostRecordException.Reason.INNER_BYTES_FOR_NULL, e.reason());
    assertTrue(!e.getMessage().contains("078-05-1120"), "no plaintext in the message");
  }

  @Test
  void nullKeyWithInnerBytesOnAnEncryptedTopicIsRefused() {
    // [KB-15] the same for record keys.
    SealpostSerializer<String> keys = serializer(new SealpostSerializer<>(bytesForNull("customer-4711")), true);
    SealpostRecordException e = assertThrows(SealpostRecordException.class,
        () -> keys.serialize("orders", new RecordHeaders(), null));
    assertEquals(SealpostRecordException.Reason.INNER_BYTES_FOR_NULL, e.reason());
  }

  @Test
  void nullValueWithInnerBytesOnAPlaintextTopicIsPlaintextAsConfigured() {
    SealpostSerializer<String> values = serializer(new SealpostSerializer<>(bytesForNull("none")), false);
    assertArrayEquals("none".getBytes(UTF_8), Records.produce(keys(), values, "metrics", "k", null).value);
  }

  @Test
  void headerNamesMatchCaseInsensitively() {
    // Issue 8 finding 5: 'Authorization' used to miss the documented pattern 'authorization'.
    Headers h = new RecordHeaders()
        .add("Authorization", "Bearer abc".getBytes(UTF_8))
        .add("X-PII-Email", "a@example.com".getBytes(UTF_8))
        .add("trace", "t".getBytes(UTF_8));
    Records.Wire w = Records.produce(keys(), values(), "orders", "k", "v", h);
    assertNull(w.headers.lastHeader("Authorization"), "[KB-10] moved into the envelope");
    assertNull(w.headers.lastHeader("X-PII-Email"));
    assertNotNull(w.headers.lastHeader("trace"));
    Records.Read<String, String> r = Records.consume(reader(true), reader(false), w);
    assertEquals("Bearer abc", new String(r.headers.lastHeader("Authorization").value(), UTF_8));
  }

  @Test
  void forwardingRestoredSecretHeadersToAPlaintextTopicIsRefused() {
    // Finding 5: consume-then-produce code (Streams, pipelines) forwarded restored secret
    // headers to plaintext topics.
    Headers h = new RecordHeaders().add("x-pii-ssn", "078-05-1120".getBytes(UTF_8));
    Records.Read<String, String> consumed = Records.consume(reader(true), reader(false),
        Records.produce(keys(), values(), "orders", "k", "v", h));
    assertNotNull(consumed.headers.lastHeader("x-pii-ssn"), "restored for the application");
    SealpostRecordException e = assertThrows(SealpostRecordException.class,
        () -> Records.produce(keys(), values(), "metrics", consumed.key, consumed.value, consumed.headers));
    assertEquals(SealpostRecordException.Reason.SECRET_HEADERS_IN_CLEAR, e.reason(), "[KB-20]");
  }

  @Test
  void secretHeaderAddedInTheClearIsRefusedOnConsume() {
    // [KB-14]: Sealpost never writes a secret header in the clear, so one is forged.
    Records.Wire w = Records.produce(keys(), values(), "orders", "k", "v",
        new RecordHeaders().add("x-pii-ssn", "real".getBytes(UTF_8)));
    Headers forged = w.copyHeaders().add("X-Pii-Ssn", "forged".getBytes(UTF_8));
    SealpostRecordException e = assertThrows(SealpostRecordException.class,
        () -> Records.consume(reader(true), reader(false), w.with(w.topic, w.key, w.value, forged)));
    assertEquals(SealpostRecordException.Reason.SECRET_HEADERS_IN_CLEAR, e.reason());
  }

  @Test
  void headerNamesInMessagesAreEscaped() {
    // [SEC-4]: a forged header name cannot forge a log line.
    Records.Wire w = Records.produce(keys(), values(), "orders", "k", "v", new RecordHeaders());
    Headers forged = w.copyHeaders().add("x-pii-a\nINFO fake line\u001b[31m", "x".getBytes(UTF_8));
    SealpostRecordException e = assertThrows(SealpostRecordException.class,
        () -> Records.consume(reader(true), reader(false), w.with(w.topic, w.key, w.value, forged)));
    assertTrue(e.getMessage().contains("x-pii-a\\nINFO fake line\\x1B[31m"), e.getMessage());
    assertTrue(e.getMessage().indexOf('\n') < 0 && e.getMessage().indexOf('\u001b') < 0, e.getMessage());
  }

  /** A StringSerializer that maps one value to null, as some application serializers do. */
  private static Serializer<String> nullFor(String dropped) {
    return new StringSerializer() {
      @Override
      public byte[] serialize(String topic, String data) {
        return dropped.equals(data) ? null : super.serialize(topic, data);
      }
    };
  }

  /** A serializer that writes bytes even for null (e.g. a JSON "deleted" marker). */
  private static Serializer<String> bytesForNull(String marker) {
    return new StringSerializer() {
      @Override
      public byte[] serialize(String topic, String data) {
        return super.serialize(topic, data == null ? marker : data);
      }
    };
  }
}
