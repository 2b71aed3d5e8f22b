package dev.sealpost.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.Recipient;
import dev.sealpost.codec.Suite;
import dev.sealpost.codec.format.EnvelopeHeader;
import dev.sealpost.codec.keys.KeyringFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The serializers without a broker: configuration, policies, framing, keys. */
class SealpostSerdeTest {
  @TempDir Path dir;
  Map<String, Object> props;

  @BeforeEach
  void setUp() throws Exception {
    props = Keys.props(Keys.writeKeyring(dir, "app.keyring", 1));
  }

  private SealpostSerializer<String> values(Map<String, Object> p) {
    SealpostSerializer<String> s = new SealpostSerializer<>();
    s.configure(p, false);
    return s;
  }

  private SealpostDeserializer<String> valueReader(Map<String, Object> p) {
    SealpostDeserializer<String> d = new SealpostDeserializer<>();
    d.configure(p, false);
    return d;
  }

  private SealpostSerializer<String> keys(Map<String, Object> p) {
    SealpostSerializer<String> s = new SealpostSerializer<>();
    s.configure(p, true);
    return s;
  }

  private SealpostDeserializer<String> keyReader(Map<String, Object> p) {
    SealpostDeserializer<String> d = new SealpostDeserializer<>();
    d.configure(p, true);
    return d;
  }

  @Test
  void valueRoundTripThroughPropertiesOnly() {
    Records.Wire w = Records.produce(keys(props), values(props), "orders", "o1", "order #1: 3 widgets");
    byte[] wire = w.value;
    assertTrue(EnvelopeHeader.hasMagic(wire, 0, wire.length), "[DET-1] value is an envelope");
    assertFalse(new String(wire, UTF_8).contains("widgets"));
    Records.Read<String, String> r = Records.consume(keyReader(props), valueReader(props), w);
    assertEquals("o1", r.key);
    assertEquals("order #1: 3 widgets", r.value);
  }

  @Test
  void valueUsesRandomizedSuiteAndKeyUsesSiv() throws Exception {
    byte[] v = values(props).serialize("orders", "x");
    byte[] k = keys(props).serialize("orders", "x");
    assertEquals(Suite.AES_256_GCM, EnvelopeHeader.parse(v).suite());
    assertEquals(Suite.AES_256_SIV, EnvelopeHeader.parse(k).suite());
    assertEquals("orders", EnvelopeHeader.parse(k).recipients().get(0).keyId());
  }

  @Test
  void recordKeysAreDeterministicPerTopic() {
    // [SIV-3]: equal keys give equal bytes, across serializer instances.
    byte[] a = keys(props).serialize("orders", "customer-42");
    byte[] b = keys(props).serialize("orders", "customer-42");
    byte[] other = keys(props).serialize("orders-eu", "customer-42");
    assertArrayEquals(a, b);
    assertFalse(java.util.Arrays.equals(a, other), "the topic is in the external context");
    assertEquals("customer-42", keyReader(props).deserialize("orders", a));
  }

  @Test
  void recordCopiedToAnotherTopicFailsToDecrypt() {
    // [CTX-5]: the topic is external context, not stored.
    byte[] wire = values(props).serialize("orders", "secret");
    SealpostRecordException e =
        assertThrows(SealpostRecordException.class, () -> valueReader(props).deserialize("orders-copy", wire));
    assertEquals(ErrorCategory.AUTHENTICATION_FAILED, e.category());
    assertEquals(SealpostRecordException.Reason.DECRYPTION_FAILED, e.reason());
    assertEquals("orders-copy", e.topic());
  }

  @Test
  void keyEnvelopeInValuePositionFails() {
    byte[] keyBytes = keys(props).serialize("orders", "k");
    SealpostRecordException e =
        assertThrows(SealpostRecordException.class, () -> valueReader(props).deserialize("orders", keyBytes));
    assertEquals(ErrorCategory.AUTHENTICATION_FAILED, e.category());
  }

  @Test
  void topicWithoutKeyFailsOnProduce() {
    SealpostRecordException e =
        assertThrows(SealpostRecordException.class, () -> values(props).serialize("payments", "card 4111"));
    assertEquals(SealpostRecordException.Reason.NO_KEY_FOR_TOPIC, e.reason());
    assertEquals(ErrorCategory.NO_MATCHING_KEY, e.category());
    assertEquals("payments", e.topic());
    assertTrue(e.getMessage().contains("payments"));
  }

  @Test
  void plaintextTopicsPassThroughBothWays() {
    props.put(SealpostKafkaConfig.PLAINTEXT_TOPICS, "metrics, heartbeats");
    byte[] wire = values(props).serialize("metrics", "cpu=3");
    assertArrayEquals("cpu=3".getBytes(UTF_8), wire);
    assertEquals("cpu=3", valueReader(props).deserialize("metrics", wire));
  }

  @Test
  void defaultRecipientsCoverUnmappedTopics() throws Exception {
    props.put(SealpostKafkaConfig.DEFAULT_RECIPIENTS, "kek:audit");
    byte[] wire = values(props).serialize("anything", "x");
    assertEquals("audit", EnvelopeHeader.parse(wire).recipients().get(0).keyId());
    assertEquals("x", valueReader(props).deserialize("anything", wire));
  }

  @Test
  void exactTopicBeatsPatternAndDefault() throws Exception {
    props.put(SealpostKafkaConfig.TOPIC_PREFIX + "orders.audit", "kek:audit, kek:orders");
    props.put(SealpostKafkaConfig.DEFAULT_RECIPIENTS, "kek:orders");
    EnvelopeHeader h = EnvelopeHeader.parse(values(props).serialize("orders.audit", "x"));
    assertEquals(2, h.recipients().size());
    assertEquals("audit", h.recipients().get(0).keyId());
  }

  @Test
  void plaintextRecordRejectedByDefault() {
    // [SEC-1]: never returned as plaintext unless the topic is named.
    SealpostRecordException e = assertThrows(SealpostRecordException.class,
        () -> valueReader(props).deserialize("orders", "injected".getBytes(UTF_8)));
    assertEquals(ErrorCategory.NOT_AN_ENVELOPE, e.category());
    assertEquals(SealpostRecordException.Reason.PLAINTEXT_REJECTED, e.reason());
    assertEquals(-1, e.partition());
  }

  @Test
  void plaintextRecordAllowedOnMigrationTopic() {
    props.put(SealpostKafkaConfig.CONSUME_PLAINTEXT_TOPICS, "orders");
    SealpostDeserializer<String> d = valueReader(props);
    assertEquals("legacy", d.deserialize("orders", "legacy".getBytes(UTF_8)));
    assertEquals("new", d.deserialize("orders", values(props).serialize("orders", "new")));
    // Producing to a migration topic still encrypts.
    byte[] wire = values(props).serialize("orders", "still encrypted");
    assertTrue(EnvelopeHeader.hasMagic(wire, 0, wire.length));
  }

  @Test
  void secretHeadersTravelInsideAndAreRemovedFromTheRecord() {
    props.put(SealpostKafkaConfig.SECRET_HEADERS, "x-secret-.*|card");
    Headers headers = new RecordHeaders()
        .add("trace-id", "t1".getBytes(UTF_8))
        .add("x-secret-user", "alice".getBytes(UTF_8))
        .add("card", null)
        .add("x-secret-user", "bob".getBytes(UTF_8));
    Records.Wire w = Records.produce(keys(props), values(props), "orders", "k", "v", headers);
    assertEquals(List.of("trace-id"), names(headers), "secret headers removed before send");

    Records.Read<String, String> r = Records.consume(keyReader(props), valueReader(props), w);
    assertEquals("v", r.value);
    Headers received = r.headers;
    assertEquals(List.of("trace-id", "x-secret-user", "card", "x-secret-user"), names(received));
    Header[] users = received.toArray();
    assertEquals("alice", new String(users[1].value(), UTF_8));
    assertNull(users[2].value());
    assertEquals("bob", new String(users[3].value(), UTF_8));
  }

  @Test
  void tombstonesStayNull() {
    assertNull(Records.produce(keys(props), values(props), "orders", "k", (String) null).value);
    assertNull(valueReader(props).deserialize("orders", new RecordHeaders(), (byte[]) null));
    assertNull(keys(props).serialize("orders", null));
    // Even on a topic without a key: a tombstone carries no data.
    assertNull(values(props).serialize("unmapped", null));
  }

  @Test
  void tombstoneWithSecretHeadersFails() {
    props.put(SealpostKafkaConfig.SECRET_HEADERS, "x-secret-.*");
    Headers h = new RecordHeaders().add("x-secret-a", new byte[] {1});
    SealpostRecordException e =
        assertThrows(SealpostRecordException.class, () -> values(props).serialize("orders", h, null));
    assertEquals(SealpostRecordException.Reason.SECRET_HEADERS_ON_TOMBSTONE, e.reason());
  }

  @Test
  void headerlessCallsAsStateStoresMakeWork() {
    // Kafka Streams state stores call serialize(topic, data): the envelope is self-contained.
    byte[] wire = values(props).serialize("orders", "store value");
    assertEquals("store value", valueReader(props).deserialize("orders", wire));
  }

  @Test
  void programmaticConfiguration() throws Exception {
    SealpostSettings settings = SealpostSettings.builder()
        .topic("orders", Recipient.symmetric(Keys.keyring(1), "orders"))
        .secretHeaders(Pattern.compile("s"))
        .valueSuite(Suite.CHACHA20_POLY1305)
        .decryptor(dev.sealpost.codec.Decryptor.builder().kekSource(Keys.keyring(1)).build())
        .build();
    SealpostSerde<String> serde = SealpostSerde.forValues(Serdes.String(), settings);
    byte[] wire = serde.serializer().serialize("orders", "hello");
    assertEquals(Suite.CHACHA20_POLY1305, EnvelopeHeader.parse(wire).suite());
    assertEquals("hello", serde.deserializer().deserialize("orders", wire));
    // Twice on one thread: a redelivered record decrypts again.
    assertEquals("hello", serde.deserializer().deserialize("orders", wire));
    // And interoperable with the property-configured reader.
    assertEquals("hello", valueReader(props).deserialize("orders", wire));
  }

  @Test
  void serdeConfiguredFromProperties() {
    props.put(SealpostKafkaConfig.VALUE_INNER_SERDE, "org.apache.kafka.common.serialization.Serdes$StringSerde");
    SealpostSerde<String> serde = new SealpostSerde<>();
    serde.configure(props, false);
    assertEquals("s", serde.deserializer().deserialize("orders", serde.serializer().serialize("orders", "s")));
  }

  @Test
  void innerObjectsAreConfiguredAndWrapped() {
    SealpostSerializer<String> s = new SealpostSerializer<>(new StringSerializer());
    s.configure(props, false);
    SealpostDeserializer<String> d = new SealpostDeserializer<>(new StringDeserializer());
    d.configure(props, false);
    assertEquals("ok", d.deserialize("orders", s.serialize("orders", "ok")));
  }

  @Test
  void x25519RecipientsFromPemFiles() throws Exception {
    Keys.writeX25519(dir, "auditor");
    Map<String, Object> writer = Keys.props(dir.resolve("app.keyring"));
    writer.put(SealpostKafkaConfig.X25519_PUBLIC_PREFIX + "auditor", dir.resolve("auditor.pub").toString());
    writer.put(SealpostKafkaConfig.X25519_PUBLIC_PREFIX + "auditor.version", "7");
    writer.put(SealpostKafkaConfig.RULE_PREFIX + "orders.recipients", "kek:orders,x25519:auditor");
    byte[] wire = values(writer).serialize("orders", "for two readers");
    assertEquals(7, EnvelopeHeader.parse(wire).recipients().get(1).keyVersion());

    Map<String, Object> auditor = Map.of(
        SealpostKafkaConfig.X25519_PRIVATE_PREFIX + "auditor", dir.resolve("auditor.key").toString(),
        SealpostKafkaConfig.X25519_PRIVATE_PREFIX + "auditor.version", "7",
        SealpostKafkaConfig.VALUE_INNER_DESERIALIZER, StringDeserializer.class);
    assertEquals("for two readers", valueReader(new java.util.HashMap<>(auditor)).deserialize("orders", wire));
  }

  @Test
  void keySerializerNeedsASymmetricRecipient() throws Exception {
    Keys.writeX25519(dir, "auditor");
    props.put(SealpostKafkaConfig.X25519_PUBLIC_PREFIX + "auditor", dir.resolve("auditor.pub").toString());
    props.put(SealpostKafkaConfig.RULE_PREFIX + "orders.recipients", "x25519:auditor");
    ConfigException e = assertThrows(ConfigException.class, () -> keys(props));
    assertTrue(e.getMessage().contains("SUITE-3"), e.getMessage());
  }

  @Test
  void configurationErrorsAreConfigExceptions() {
    Map<String, Object> bad = Keys.props(dir.resolve("missing.keyring"));
    assertThrows(ConfigException.class, () -> values(bad));
    props.put(SealpostKafkaConfig.RULE_PREFIX + "orders.recipients", "aes:orders");
    assertThrows(ConfigException.class, () -> values(props));
    props.put(SealpostKafkaConfig.RULE_PREFIX + "orders.recipients", "kek:no-such-key");
    ConfigException missing = assertThrows(ConfigException.class, () -> values(props));
    // [ENC-2]: a key the writer does not hold is invalid-key-material.
    assertTrue(missing.getMessage().contains("invalid-key-material"), missing.getMessage());
    props.put(SealpostKafkaConfig.RULE_PREFIX + "orders.recipients", "kek:orders");
    props.put(SealpostKafkaConfig.RULE_PREFIX + "orders.pattern", "orders(");
    assertThrows(ConfigException.class, () -> values(props));
    props.put(SealpostKafkaConfig.RULE_PREFIX + "orders.pattern", "orders.*");
    props.put(SealpostKafkaConfig.VALUE_SUITE, "AES_256_SIV");
    assertThrows(ConfigException.class, () -> values(props));
  }

  @Test
  void rotationOldVersionsStillDecrypt() throws Exception {
    // [DEK-5]: a reader accepts any version its key source holds.
    byte[] v1 = values(props).serialize("orders", "before rotation");
    byte[] k1 = keys(props).serialize("orders", "key");
    Path rotated = Keys.writeKeyring(dir, "rotated.keyring", 2);
    Map<String, Object> after = Keys.props(rotated);
    byte[] v2 = values(after).serialize("orders", "after rotation");
    byte[] k2 = keys(after).serialize("orders", "key");
    assertEquals(1, EnvelopeHeader.parse(v1).recipients().get(0).keyVersion());
    assertEquals(2, EnvelopeHeader.parse(v2).recipients().get(0).keyVersion());
    assertFalse(java.util.Arrays.equals(k1, k2), "SPEC 13.4: the same key encrypts differently after rotation");
    SealpostDeserializer<String> reader = valueReader(after);
    assertEquals("before rotation", reader.deserialize("orders", v1));
    assertEquals("after rotation", reader.deserialize("orders", v2));
    assertEquals("key", keyReader(after).deserialize("orders", k1));
    // A reader that lacks the new version fails with a typed error.
    SealpostRecordException e = assertThrows(SealpostRecordException.class,
        () -> valueReader(props).deserialize("orders", v2));
    assertEquals(ErrorCategory.NO_MATCHING_KEY, e.category());
  }

  @Test
  void reloadingKeyringPicksUpRotationWithoutRestart() throws Exception {
    Path ring = dir.resolve("app.keyring");
    props.put(SealpostKafkaConfig.KEYRING_RELOAD_MS, "1");
    props.put(SealpostKafkaConfig.DEK_MAX_AGE_MS, "1");
    SealpostSerializer<String> s = values(props);
    SealpostDeserializer<String> d = valueReader(props);
    assertEquals(1, EnvelopeHeader.parse(s.serialize("orders", "a")).recipients().get(0).keyVersion());
    KeyringFile.write(ring, Keys.keyring(2));
    Files.setLastModifiedTime(ring, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
    Thread.sleep(20);
    byte[] wire = s.serialize("orders", "b");
    assertEquals(2, EnvelopeHeader.parse(wire).recipients().get(0).keyVersion());
    assertEquals("b", d.deserialize("orders", wire));
  }

  private static List<String> names(Headers headers) {
    List<String> out = new java.util.ArrayList<>();
    headers.forEach(h -> out.add(h.key()));
    return out;
  }
}
