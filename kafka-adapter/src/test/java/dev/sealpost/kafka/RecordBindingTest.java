package dev.sealpost.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealpost.codec.Decryptor;
import dev.sealpost.codec.EncryptionContext;
import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.format.EnvelopeHeader;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8 finding 4: a Kafka record is one unit. Each exploit of the issue is replayed against
 * the serializers without a broker; expected contexts are computed here from
 * docs/bindings/kafka.md, not taken from the adapter.
 */
class RecordBindingTest {
  private static final HexFormat HEX = HexFormat.of();

  @TempDir Path dir;
  Map<String, Object> props;

  @BeforeEach
  void setUp() throws Exception {
    props = Keys.props(Keys.writeKeyring(dir, "app.keyring", 1));
    props.put(SealpostKafkaConfig.AUTHENTICATED_HEADERS, "approved-by|x-auth-.*");
  }

  private SealpostSerializer<String> ser(Map<String, Object> p, boolean key) {
    SealpostSerializer<String> s = new SealpostSerializer<>();
    s.configure(p, key);
    return s;
  }

  private SealpostDeserializer<String> de(Map<String, Object> p, boolean key) {
    SealpostDeserializer<String> d = new SealpostDeserializer<>();
    d.configure(p, key);
    return d;
  }

  private Records.Wire produce(String topic, String key, String value, Headers headers) {
    return Records.produce(ser(props, true), ser(props, false), topic, key, value, headers);
  }

  private Records.Read<String, String> consume(Records.Wire w) {
    return Records.consume(de(props, true), de(props, false), w);
  }

  private SealpostRecordException rejected(Records.Wire w) {
    return assertThrows(SealpostRecordException.class, () -> consume(w));
  }

  // --- independent statement of the binding (docs/bindings/kafka.md) ---

  private static String sha256Hex(byte[] b) throws Exception {
    return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  /** [KB-6] written out: u16 name length, name, 00 for null or 01 u32 length value. */
  private static String headersHex(String... nameValue) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < nameValue.length; i += 2) {
      byte[] n = nameValue[i].getBytes(UTF_8);
      out.write(new byte[] {(byte) (n.length >> 8), (byte) n.length});
      out.write(n);
      if (nameValue[i + 1] == null) {
        out.write(0);
      } else {
        byte[] v = nameValue[i + 1].getBytes(UTF_8);
        out.write(new byte[] {1, (byte) (v.length >> 24), (byte) (v.length >> 16), (byte) (v.length >> 8), (byte) v.length});
        out.write(v);
      }
    }
    return sha256Hex(out.toByteArray());
  }

  private Decryptor decryptor() throws Exception {
    return Decryptor.builder().kekSource(Keys.keyring(1)).build();
  }

  @Test
  void valueEnvelopeIsBoundToTopicKeyAndAuthenticatedHeaders() throws Exception {
    Headers h = new RecordHeaders()
        .add("trace", "t-1".getBytes(UTF_8))
        .add("approved-by", "auditor-7".getBytes(UTF_8))
        .add("x-auth-flag", null);
    Records.Wire w = produce("orders", "alice", "limit=10", h);
    // [KB-4], [KB-5], [KB-6]: the context as the binding document defines it.
    EncryptionContext expected = EncryptionContext.of(Map.of(
        "kafka.topic", "orders",
        "kafka.record.part", "value",
        "kafka.record.key-sha256", sha256Hex(w.key),
        "kafka.record.headers-sha256", headersHex("approved-by", "auditor-7", "x-auth-flag", null)));
    byte[] framed = decryptor().decrypt(w.value, expected);
    // [KB-1]: frame version 1, no secret headers, then the inner bytes.
    assertArrayEquals(concat(new byte[] {1, 0, 0}, "limit=10".getBytes(UTF_8)), framed);
    // [KB-2], [KB-3]: the key is the deterministic suite over the inner bytes, bound to topic and part.
    byte[] key = decryptor().decrypt(w.key, EncryptionContext.of(Map.of("kafka.topic", "orders", "kafka.record.part", "key")));
    assertArrayEquals("alice".getBytes(UTF_8), key);
    assertEquals("limit=10", consume(w).value);
  }

  @Test
  void splicedRecordIsRejected() {
    // Finding 4 exploit: "spliced record accepted: key=alice value=limit=1000000". [KB-19]
    Records.Wire alice = produce("orders", "alice", "limit=10", new RecordHeaders());
    Records.Wire bob = produce("orders", "bob", "limit=1000000", new RecordHeaders());
    SealpostRecordException e = rejected(alice.with("orders", alice.key, bob.value, new RecordHeaders()));
    assertEquals(ErrorCategory.AUTHENTICATION_FAILED, e.category());
    assertEquals(SealpostRecordException.Reason.DECRYPTION_FAILED, e.reason());
    assertFalse(e.isKey(), "the key decrypts; the value does not belong to it");
    // With a null key in place of the real one, too [KB-5].
    assertEquals(ErrorCategory.AUTHENTICATION_FAILED, rejected(alice.with("orders", null, alice.value, new RecordHeaders())).category());
  }

  @Test
  void injectedChangedOrRemovedAuthenticatedHeaderIsRejected() {
    Headers h = new RecordHeaders().add("x-auth-region", "eu".getBytes(UTF_8)).add("trace", "t".getBytes(UTF_8));
    Records.Wire w = produce("orders", "k", "v", h);
    // Finding 4 exploit: a broker operator adds "approved-by=auditor-1". [KB-7]
    Headers injected = w.copyHeaders().add("approved-by", "auditor-1".getBytes(UTF_8));
    assertEquals(ErrorCategory.AUTHENTICATION_FAILED, rejected(w.with("orders", w.key, w.value, injected)).category());
    // Case does not help: 'Approved-By' is the same header.
    Headers upper = w.copyHeaders().add("Approved-By", "auditor-1".getBytes(UTF_8));
    assertEquals(ErrorCategory.AUTHENTICATION_FAILED, rejected(w.with("orders", w.key, w.value, upper)).category());
    Headers changed = new RecordHeaders().add("x-auth-region", "us".getBytes(UTF_8)).add("trace", "t".getBytes(UTF_8));
    assertEquals(ErrorCategory.AUTHENTICATION_FAILED, rejected(w.with("orders", w.key, w.value, changed)).category());
    Headers removed = new RecordHeaders().add("trace", "t".getBytes(UTF_8));
    assertEquals(ErrorCategory.AUTHENTICATION_FAILED, rejected(w.with("orders", w.key, w.value, removed)).category());
    // Headers outside the pattern stay unbound, as documented.
    Headers other = new RecordHeaders().add("x-auth-region", "eu".getBytes(UTF_8)).add("trace", "changed".getBytes(UTF_8));
    assertEquals("v", consume(w.with("orders", w.key, w.value, other)).value);
  }

  @Test
  void recordMovedToAnotherTopicIsRejected() {
    Records.Wire w = produce("orders", "k", "v", new RecordHeaders());
    SealpostRecordException e = rejected(w.with("orders-eu", w.key, w.value, new RecordHeaders()));
    assertTrue(e.isKey(), "[KB-3]: the key envelope names its topic");
    assertEquals(ErrorCategory.AUTHENTICATION_FAILED, e.category());
  }

  @Test
  void nullKeyIsBoundAsNull() throws Exception {
    Records.Wire w = produce("orders", null, "v", new RecordHeaders());
    assertNull(w.key);
    EncryptionContext expected = EncryptionContext.of(Map.of("kafka.topic", "orders", "kafka.record.part", "value",
        "kafka.record.key-sha256", "null", "kafka.record.headers-sha256", sha256Hex(new byte[0])));
    assertEquals(3 + 1, decryptor().decrypt(w.value, expected).length, "[KB-5]: the string null, [KB-6]: SHA-256 of nothing");
    assertEquals("v", consume(w).value);
  }

  @Test
  void clearKeysAreBoundButNotEncrypted() throws Exception {
    props.put(SealpostKafkaConfig.KEY_MODE, "clear");
    Records.Wire alice = produce("orders", "alice", "limit=10", new RecordHeaders());
    Records.Wire bob = produce("orders", "bob", "limit=1000000", new RecordHeaders());
    assertArrayEquals("alice".getBytes(UTF_8), alice.key);
    assertEquals("alice", consume(alice).key);
    // [KB-5]: the digest covers the key bytes as stored, here the clear ones.
    assertEquals(ErrorCategory.AUTHENTICATION_FAILED, rejected(alice.with("orders", alice.key, bob.value, new RecordHeaders())).category());
  }

  @Test
  void unboundValuesAreAnExplicitChoiceOfBothSides() throws Exception {
    Map<String, Object> unbound = new HashMap<>(props);
    unbound.put(SealpostKafkaConfig.VALUE_BIND_KEY, "false");
    // [KB-8]: the value serializer no longer needs the key serializer.
    byte[] value = ser(unbound, false).serialize("orders", new RecordHeaders(), "v");
    EncryptionContext expected = EncryptionContext.of(Map.of("kafka.topic", "orders", "kafka.record.part", "value",
        "kafka.record.headers-sha256", sha256Hex(new byte[0])));
    assertEquals(4, decryptor().decrypt(value, expected).length);
    // [KB-17]: a reader that binds keys does not fall back to the unbound context.
    Records.Wire w = new Records.Wire("orders", null, value, new RecordHeaders());
    assertEquals(ErrorCategory.AUTHENTICATION_FAILED, rejected(w).category());
    assertEquals("v", Records.consume(de(unbound, true), de(unbound, false), w).value);
  }

  @Test
  void valueSerializerWithoutTheKeySerializerFailsClosed() {
    // [KB-16]: no digest for this record, so no envelope; the message says what to do.
    SealpostSerializer<String> values = ser(props, false);
    SealpostRecordException e = assertThrows(SealpostRecordException.class,
        () -> values.serialize("orders", new RecordHeaders(), "v"));
    assertEquals(SealpostRecordException.Reason.NO_KEY_BINDING, e.reason());
    assertTrue(e.getMessage().contains(SealpostKafkaConfig.KEY_MODE) && e.getMessage().contains(SealpostKafkaConfig.VALUE_BIND_KEY));
    // Nor does a digest left by another record's key serializer count: it names other Headers.
    ser(props, true).serialize("orders", new RecordHeaders(), "someone-else");
    assertThrows(SealpostRecordException.class, () -> values.serialize("orders", new RecordHeaders(), "v"));
    // A digest is used once: the next record needs its own key.
    Headers shared = new RecordHeaders();
    ser(props, true).serialize("orders", shared, "k");
    values.serialize("orders", shared, "first");
    assertThrows(SealpostRecordException.class, () -> values.serialize("orders", shared, "second"));
    // A header on the wire claiming a digest is ignored.
    Headers claimed = new RecordHeaders().add("kafka.record.key-sha256", "null".getBytes(UTF_8));
    assertThrows(SealpostRecordException.class, () -> values.serialize("orders", claimed, "v"));
  }

  @Test
  void headerlessCallsAreBoundToTopicAndPartOnly() throws Exception {
    // [KB-9]: serialize(topic, data), e.g. state stores of older Streams versions.
    byte[] value = ser(props, false).serialize("orders", "v");
    EncryptionContext topicOnly = EncryptionContext.of(Map.of("kafka.topic", "orders", "kafka.record.part", "value"));
    assertEquals(4, decryptor().decrypt(value, topicOnly).length);
    assertEquals("v", de(props, false).deserialize("orders", value));
    // [KB-17]: read as a record (with headers) it fails: no fallback to the weaker binding.
    assertEquals(ErrorCategory.AUTHENTICATION_FAILED,
        rejected(new Records.Wire("orders", null, value, new RecordHeaders())).category());
  }

  @Test
  void streamsChangelogTopicsAreBoundToTopicAndPartOnly() throws Exception {
    // [KB-9]: Streams state stores pass the headers of the record being processed, not of the
    // stored one, so the changelog of <application.id> is bound to topic and part only.
    props.put("application.id", "orders-app");
    props.put(SealpostKafkaConfig.SECRET_HEADERS, "x-pii-.*");
    // The record being processed: restored secret header, an authenticated one, a stale authenticator.
    Headers processing = new RecordHeaders().add("approved-by", "x".getBytes(UTF_8))
        .add("x-pii-ssn", "078-05-1120".getBytes(UTF_8)).add(HeaderPolicy.TOMBSTONE_HEADER, new byte[] {1});
    String store = "orders-app-totals-changelog";
    byte[] key = ser(props, true).serialize(store, processing, "alice");
    byte[] value = ser(props, false).serialize(store, processing, "42");
    assertNull(ser(props, false).serialize(store, processing, null), "a store delete");
    EncryptionContext topicOnly = EncryptionContext.of(Map.of("kafka.topic", store, "kafka.record.part", "value"));
    assertArrayEquals(new byte[] {1, 0, 0, '4', '2'}, decryptor().decrypt(value, topicOnly), "nothing of the processed record framed");
    assertEquals(3, processing.toArray().length, "the processed record's headers are left alone");
    assertEquals("alice", de(props, true).deserialize(store, processing, key));
    assertEquals("42", de(props, false).deserialize(store, processing, value), "no forged-header check on another record's headers");
    assertEquals(3, processing.toArray().length);
  }

  @Test
  void badInnerFramingIsMalformed() throws Exception {
    // [KB-18]: a well-bound envelope whose plaintext is not frame version 1.
    Headers h = new RecordHeaders();
    byte[] key = ser(props, true).serialize("orders", h, "k");
    EncryptionContext c = EncryptionContext.of(Map.of("kafka.topic", "orders", "kafka.record.part", "value",
        "kafka.record.key-sha256", sha256Hex(key), "kafka.record.headers-sha256", sha256Hex(new byte[0])));
    for (byte[] plain : new byte[][] {{2, 0, 0, 'v'}, {1, 0, 1, 0, 9, 'x'}, {1, 0}}) {
      byte[] value = dev.sealpost.codec.Encryptor.builder()
          .recipient(dev.sealpost.codec.Recipient.symmetric(Keys.keyring(1), "orders")).build().encrypt(plain, c);
      SealpostRecordException e = rejected(new Records.Wire("orders", key, value, new RecordHeaders()));
      assertEquals(SealpostRecordException.Reason.BAD_INNER_FRAMING, e.reason());
      assertEquals(ErrorCategory.MALFORMED_HEADER, e.category());
    }
  }

  @Test
  void magicMeansEnvelopeEvenOnPlaintextTopics() {
    // [KB-13]: an envelope on a plaintext topic is decrypted (here: fails), never passed on as is.
    props.put(SealpostKafkaConfig.PLAINTEXT_TOPICS, "metrics");
    Records.Wire w = produce("orders", "k", "v", new RecordHeaders());
    SealpostRecordException e = rejected(w.with("metrics", null, w.value, new RecordHeaders()));
    assertEquals(SealpostRecordException.Reason.DECRYPTION_FAILED, e.reason());
    // [KB-22]: and without the magic, only named topics pass plaintext.
    assertEquals("cpu=3", consume(w.with("metrics", null, "cpu=3".getBytes(UTF_8), new RecordHeaders())).value);
    assertEquals(ErrorCategory.NOT_AN_ENVELOPE,
        rejected(w.with("orders", null, "cpu=3".getBytes(UTF_8), new RecordHeaders())).category());
  }

  // --- tombstones ---

  private ConsumerRecords<String, String> intercepted(Map<String, Object> p, Records.Wire... wires) {
    SealpostTombstoneInterceptor<String, String> interceptor = new SealpostTombstoneInterceptor<>();
    interceptor.configure(p);
    TopicPartition tp = new TopicPartition(wires[0].topic, 0);
    List<ConsumerRecord<String, String>> list = new java.util.ArrayList<>();
    long offset = 0;
    for (Records.Wire w : wires) {
      Records.Read<String, String> r = Records.consume(de(p, true), de(p, false), w);
      list.add(new ConsumerRecord<>(w.topic, 0, offset++, 0L, TimestampType.CREATE_TIME,
          w.key == null ? -1 : w.key.length, w.value == null ? -1 : w.value.length, r.key, r.value, r.headers, Optional.empty()));
    }
    return interceptor.onConsume(new ConsumerRecords<>(Map.of(tp, list), Map.of()));
  }

  private static List<Long> offsets(ConsumerRecords<String, String> records) {
    List<Long> out = new java.util.ArrayList<>();
    records.forEach(r -> out.add(r.offset()));
    return out;
  }

  @Test
  void tombstonesCarryAnAuthenticatorBoundToTopicAndKey() throws Exception {
    Records.Wire w = produce("orders", "alice", null, new RecordHeaders());
    assertNull(w.value);
    byte[] auth = w.headers.lastHeader(HeaderPolicy.TOMBSTONE_HEADER).value();
    // [KB-11]: an envelope of the empty plaintext under {topic, part tombstone, key digest}.
    EncryptionContext c = EncryptionContext.of(Map.of("kafka.topic", "orders", "kafka.record.part", "tombstone",
        "kafka.record.key-sha256", sha256Hex(w.key)));
    assertEquals(0, decryptor().decrypt(auth, c).length);
    assertTrue(EnvelopeHeader.parse(auth).suite().randomized());
  }

  @Test
  void tombstonePolicyDropsUnauthenticatedAndReplayedTombstones() {
    Records.Wire alice = produce("orders", "alice", null, new RecordHeaders());
    Records.Wire bob = produce("orders", "bob", "limit=5", new RecordHeaders());
    // Finding 4 exploit: the deterministic key envelope of bob, replayed with a null value,
    // deleted bob on a compacted topic. [KB-12]
    Records.Wire replayed = bob.with("orders", bob.key, null, new RecordHeaders());
    // Alice's authenticator moved onto bob's key.
    Records.Wire moved = bob.with("orders", bob.key, null, alice.copyHeaders());
    Records.Wire nullKey = produce("orders", null, null, new RecordHeaders());
    ConsumerRecords<String, String> kept = intercepted(props, alice, replayed, bob, moved, nullKey);
    assertEquals(List.of(0L, 2L, 4L), offsets(kept), "alice's tombstone, bob's value and the null-key tombstone pass");
    // accept: every tombstone passes, as without the interceptor.
    Map<String, Object> accept = new HashMap<>(props);
    accept.put(SealpostKafkaConfig.TOMBSTONE_POLICY, "accept");
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L), offsets(intercepted(accept, alice, replayed, bob, moved, nullKey)));
  }

  @Test
  void forwardedTombstoneGetsAFreshAuthenticator() throws Exception {
    // [KB-21]: the old authenticator is removed, one fresh one is attached.
    Records.Wire first = produce("orders", "alice", null, new RecordHeaders());
    Headers forwarded = first.copyHeaders();
    Records.Wire second = produce("orders-eu", "alice", null, forwarded);
    assertEquals(1, countHeaders(second.headers, HeaderPolicy.TOMBSTONE_HEADER));
    assertEquals(List.of(0L), offsets(intercepted(props, second)));
    // A value record never keeps an authenticator.
    Records.Wire value = produce("orders", "alice", "back", first.copyHeaders());
    assertEquals(0, countHeaders(value.headers, HeaderPolicy.TOMBSTONE_HEADER));
    assertNotNull(consume(value).value);
  }

  private static int countHeaders(Headers h, String name) {
    int n = 0;
    for (var x : h.headers(name)) {
      n++;
    }
    return n;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
