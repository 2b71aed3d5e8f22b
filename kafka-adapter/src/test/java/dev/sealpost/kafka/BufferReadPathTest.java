package dev.sealpost.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealpost.codec.EncryptionContext;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The consumer's ByteBuffer form (a record inside a larger fetched batch), the payload view of the
 * inner framing, and the per-name verdict cache: same results as the byte[] form and the regexes.
 */
class BufferReadPathTest {
  @TempDir Path dir;
  Map<String, Object> props;

  @BeforeEach
  void setUp() throws Exception {
    props = Keys.props(Keys.writeKeyring(dir, "app.keyring", 1));
    props.put(SealpostKafkaConfig.SECRET_HEADERS, "x-secret-.*");
  }

  private <T> SealpostDeserializer<T> reader(boolean isKey) {
    SealpostDeserializer<T> d = new SealpostDeserializer<>();
    d.configure(props, isKey);
    return d;
  }

  private SealpostSerializer<String> writer(boolean isKey) {
    SealpostSerializer<String> s = new SealpostSerializer<>();
    s.configure(props, isKey);
    return s;
  }

  /** {@code bytes} at offset 7 of a larger array, as a slice with position 0 and nonzero array offset. */
  private static ByteBuffer inBatch(byte[] bytes) {
    byte[] batch = new byte[bytes.length + 20];
    java.util.Arrays.fill(batch, (byte) 0x5A);
    System.arraycopy(bytes, 0, batch, 7, bytes.length);
    return ByteBuffer.wrap(batch, 7, bytes.length).slice();
  }

  @Test
  void bufferInsideBatchReadsLikeTheArray() {
    RecordHeaders sent = new RecordHeaders();
    sent.add("x-secret-card", "4111".getBytes(UTF_8));
    sent.add("trace", "t1".getBytes(UTF_8));
    Records.Wire w = Records.produce(writer(true), writer(false), "orders", "k1", "v1", sent);

    Headers headers = w.copyHeaders();
    ByteBuffer key = inBatch(w.key);
    ByteBuffer value = inBatch(w.value);
    SealpostDeserializer<String> keys = reader(true);
    SealpostDeserializer<String> values = reader(false);
    assertEquals("k1", keys.deserialize("orders", headers, key));
    assertEquals("v1", values.deserialize("orders", headers, value));
    assertEquals(0, key.position(), "the key buffer is read in place, not consumed");
    assertEquals(0, value.position(), "the value buffer is read in place, not consumed");
    assertArrayEquals("4111".getBytes(UTF_8), headers.lastHeader("x-secret-card").value(), "[KB-14] restored");
  }

  @Test
  void clearSecretHeaderRefusedOnTheBufferPathWithoutFramedHeaders() {
    Records.Wire w = Records.produce(writer(true), writer(false), "orders", "k", "v");
    Headers headers = w.copyHeaders();
    headers.add("X-Secret-Injected", new byte[] {1});
    reader(true).deserialize("orders", headers, inBatch(w.key));
    SealpostRecordException e = assertThrows(SealpostRecordException.class,
        () -> reader(false).deserialize("orders", headers, inBatch(w.value)));
    assertEquals(SealpostRecordException.Reason.SECRET_HEADERS_IN_CLEAR, e.reason());
  }

  @Test
  void plaintextPassThroughHandsOverTheCallersArray() {
    props.put(SealpostKafkaConfig.CONSUME_PLAINTEXT_TOPICS, "legacy");
    props.remove(SealpostKafkaConfig.VALUE_INNER_DESERIALIZER); // bytes as they came
    byte[] raw = "not an envelope".getBytes(UTF_8);
    SealpostDeserializer<byte[]> values = reader(false);
    assertSame(raw, values.deserialize("legacy", new RecordHeaders(), raw));
    assertArrayEquals(raw, values.deserialize("legacy", new RecordHeaders(), inBatch(raw)));
  }

  @Test
  void payloadViewSharesTheDecodedArray() throws Exception {
    byte[] framed = InnerFraming.encode(java.util.List.of(new RecordHeader("h", new byte[] {4})), new byte[] {9, 8, 7});
    InnerFraming.Framed f = InnerFraming.decode(framed);
    ByteBuffer view = f.payloadView();
    assertSame(framed, view.array(), "a view, not a copy");
    assertEquals(3, view.remaining());
    assertEquals(9, view.get(view.position()));
    assertArrayEquals(new byte[] {9, 8, 7}, f.payload());
    assertTrue(InnerFraming.decode(new byte[] {1, 0, 0}).headers().isEmpty());
    assertEquals(0, InnerFraming.decode(new byte[] {1, 0, 0}).payloadView().remaining());
  }

  @Test
  void cachedVerdictsMatchThePatterns() {
    HeaderPolicy p = HeaderPolicy.of(Pattern.compile("x-secret-.*|(?-i)Exact"), Pattern.compile("x-.*|exact"));
    for (int round = 0; round < 2; round++) { // the second round answers from the cache
      assertTrue(p.isSecret("X-SECRET-a"));
      assertFalse(p.isAuthenticated("X-SECRET-a"), "secret wins over authenticated");
      assertTrue(p.isAuthenticated("x-trace"));
      assertFalse(p.isSecret("x-trace"));
      assertTrue(p.isSecret("Exact"));
      assertFalse(p.isSecret("exact"), "a (?-i) pattern tells spellings apart: the cache is by exact name");
      assertTrue(p.isAuthenticated("exact"));
      assertFalse(p.isAuthenticated("other"));
    }
  }

  @Test
  void verdictCacheStaysBoundedAndCorrectPastCapacity() {
    HeaderPolicy p = HeaderPolicy.of(Pattern.compile("s-.*"), null);
    for (int i = 0; i < HeaderPolicy.VERDICT_CACHE_CAPACITY + 50; i++) {
      assertFalse(p.isSecret("n-" + i));
    }
    assertTrue(p.verdictCacheSize() <= HeaderPolicy.VERDICT_CACHE_CAPACITY);
    assertTrue(p.isSecret("S-after-full"), "past capacity the pattern still decides");
    assertFalse(p.isSecret("n-after-full"));
  }

  @Test
  void cachedValueContextsEqualTheBindingsOwn() throws Exception {
    ValueContexts c = new ValueContexts();
    String h = RecordBinding.NO_HEADERS_DIGEST;
    assertEquals(RecordBinding.valueContext("t", RecordBinding.NULL_KEY, h), c.of("t", RecordBinding.NULL_KEY, h));
    assertSame(c.of("t", RecordBinding.NULL_KEY, h), c.of("t", RecordBinding.NULL_KEY, h), "topic-only: cached");
    assertEquals(RecordBinding.valueContext("t", null, h), c.of("t", null, h), "[KB-8] no key digest");
    assertFalse(c.of("t", null, h).equals(c.of("t", RecordBinding.NULL_KEY, h)));
    assertFalse(c.of("u", RecordBinding.NULL_KEY, h).equals(c.of("t", RecordBinding.NULL_KEY, h)), "per topic");
    String k = RecordBinding.keyDigest("k".getBytes(UTF_8));
    assertEquals(RecordBinding.valueContext("t", k, h), c.of("t", k, h), "keyed records get their own");
    String other = RecordBinding.headersDigest(java.util.List.of(new RecordHeader("a", new byte[] {1})));
    assertEquals(RecordBinding.valueContext("t", RecordBinding.NULL_KEY, other), c.of("t", RecordBinding.NULL_KEY, other));
  }

  // [KB-4], [KB-8]: the per-record contexts filled from a topic's template are byte for byte those
  // EncryptionContext.of builds (RecordBinding.valueContext), for many topics (ASCII, Unicode,
  // the 249-character maximum of Kafka topic names), keys and header sets, bound and unbound.
  @Test
  void kb4_templateContextsEqualCanonicalEncodingForManyInputs() throws Exception {
    ValueContexts c = new ValueContexts();
    java.util.Random r = new java.util.Random(4242);
    java.util.List<String> topics = new java.util.ArrayList<>(java.util.List.of(
        "t", "orders", "a.b_c-d", "x".repeat(249), "caf\u00e9", "\u4e2d\u6587", "emoji-\uD83D\uDE00"));
    for (int i = 0; i < 40; i++) {
      StringBuilder sb = new StringBuilder();
      int n = 1 + r.nextInt(60);
      for (int j = 0; j < n; j++) {
        sb.append((char) ('-' + r.nextInt('z' - '-')));
      }
      topics.add(sb.toString());
    }
    for (String topic : topics) {
      for (int i = 0; i < 30; i++) {
        byte[] key = new byte[r.nextInt(40)];
        r.nextBytes(key);
        String k = i % 5 == 0 ? RecordBinding.NULL_KEY : RecordBinding.keyDigest(key);
        java.util.List<org.apache.kafka.common.header.Header> hs = new java.util.ArrayList<>();
        for (int j = r.nextInt(3); j > 0; j--) {
          byte[] v = new byte[r.nextInt(8)];
          r.nextBytes(v);
          hs.add(new RecordHeader("h" + r.nextInt(9), v));
        }
        String h = RecordBinding.headersDigest(hs);
        for (String keyDigest : new String[] {k, null}) {
          EncryptionContext expected = RecordBinding.valueContext(topic, keyDigest, h);
          EncryptionContext actual = c.of(topic, keyDigest, h);
          assertArrayEquals(expected.encode(), actual.encode(), topic + " " + keyDigest + " " + h);
          assertEquals(expected.asMap(), actual.asMap());
        }
      }
    }
  }
}
