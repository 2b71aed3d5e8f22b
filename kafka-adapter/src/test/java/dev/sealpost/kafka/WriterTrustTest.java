package dev.sealpost.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.SignMode;
import dev.sealpost.codec.Suite;
import dev.sealpost.codec.format.EnvelopeHeader;
import dev.sealpost.codec.keys.Ed25519PrivateKey;
import dev.sealpost.codec.keys.PemKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writer signatures through the adapter (SPEC.md 16, docs/bindings/kafka.md section 8): producers
 * sign with {@code sealpost.signer.*}, consumers require trusted writers per topic with
 * {@code sealpost.trust.<name>.*} [KB-23].
 */
class WriterTrustTest {
  @TempDir Path dir;
  Map<String, Object> props;
  Ed25519PrivateKey writer;
  Ed25519PrivateKey other;

  @BeforeEach
  void setUp() throws Exception {
    props = Keys.props(Keys.writeKeyring(dir, "app.keyring", 1));
    writer = Ed25519PrivateKey.generate();
    other = Ed25519PrivateKey.generate();
    Files.writeString(dir.resolve("writer.key"), PemKeys.toPem(writer));
    Files.writeString(dir.resolve("writer.pub"), PemKeys.toPem(writer.publicKey()));
    Files.writeString(dir.resolve("other.pub"), PemKeys.toPem(other.publicKey()));
  }

  private Map<String, Object> signing(String mode) {
    Map<String, Object> p = new HashMap<>(props);
    p.put(SealpostKafkaConfig.SIGNER_KEY, dir.resolve("writer.key").toString());
    p.put(SealpostKafkaConfig.SIGNER_ID, "orders-service");
    p.put(SealpostKafkaConfig.SIGNER_VERSION, "2");
    p.put(SealpostKafkaConfig.SIGNER_MODE, mode);
    return p;
  }

  private Map<String, Object> trusting(String field, String value, String keys) {
    Map<String, Object> p = new HashMap<>(props);
    p.put("sealpost.trust.orders." + field, value);
    p.put("sealpost.trust.orders.keys", keys);
    return p;
  }

  private String writerKeys() {
    return "orders-service:2:" + dir.resolve("writer.pub");
  }

  private Records.Wire produce(Map<String, Object> p, String topic, String key, String value) {
    SealpostSerializer<String> k = new SealpostSerializer<>();
    k.configure(p, true);
    SealpostSerializer<String> v = new SealpostSerializer<>();
    v.configure(p, false);
    return Records.produce(k, v, topic, key, value);
  }

  private Records.Read<String, String> consume(Map<String, Object> p, Records.Wire w) {
    SealpostDeserializer<String> k = new SealpostDeserializer<>();
    k.configure(p, true);
    SealpostDeserializer<String> v = new SealpostDeserializer<>();
    v.configure(p, false);
    return Records.consume(k, v, w);
  }

  private static String readValue(Map<String, Object> p, Records.Wire w) {
    SealpostDeserializer<String> v = new SealpostDeserializer<>();
    v.configure(p, false);
    return Records.consume(new org.apache.kafka.common.serialization.StringDeserializer(), v, w).value;
  }

  private SealpostRecordException rejected(Map<String, Object> p, Records.Wire w) {
    return assertThrows(SealpostRecordException.class, () -> consume(p, w));
  }

  // [KB-23], [SIG-2]: a signing producer writes 0101 values and 0103 keys; a consumer trusting
  // the writer for the topic (exactly or by pattern) reads them.
  @Test
  void kb23_signedRecordsReadByTrustingConsumer() throws Exception {
    for (String mode : new String[] {"per-dek", "per-message"}) {
      Records.Wire w = produce(signing(mode), "orders", "o1", "3 widgets");
      assertEquals(Suite.AES_256_GCM_SIGNED, EnvelopeHeader.parse(w.value).suite());
      assertEquals(Suite.AES_256_SIV_SIGNED, EnvelopeHeader.parse(w.key).suite());
      assertEquals(mode.equals("per-dek") ? SignMode.PER_DEK : SignMode.PER_MESSAGE,
          EnvelopeHeader.parse(w.value).signer().orElseThrow().mode());
      for (Map<String, Object> reader : List.of(trusting("topics", "orders, returns", writerKeys()),
          trusting("pattern", "ord.*", writerKeys()), props)) {
        Records.Read<String, String> r = consume(reader, w);
        assertEquals("o1", r.key);
        assertEquals("3 widgets", r.value);
      }
    }
  }

  // [KB-23]: unsigned records, records of an untrusted signer and bad signatures are refused on
  // a topic with trusted writers; other topics read as before.
  @Test
  void kb23_untrustedAndBadSignaturesRefused() throws Exception {
    Map<String, Object> reader = trusting("topics", "orders", writerKeys());
    Records.Wire unsigned = produce(props, "orders", "o1", "v");
    SealpostRecordException e = rejected(reader, unsigned);
    assertEquals(ErrorCategory.UNTRUSTED_WRITER, e.category());
    assertEquals(SealpostRecordException.Reason.DECRYPTION_FAILED, e.reason());
    assertEquals("v", consume(reader, produce(props, "orders-eu", "o1", "v")).value, "no trust configured for orders-eu");

    // The same signer id and version under another key: signature-invalid.
    Map<String, Object> wrongKey = trusting("topics", "orders", "orders-service:2:" + dir.resolve("other.pub"));
    assertEquals(ErrorCategory.SIGNATURE_INVALID, rejected(wrongKey, produce(signing("per-dek"), "orders", "o1", "v")).category());
    // Another version: untrusted-writer.
    Map<String, Object> otherVersion = trusting("topics", "orders", "orders-service:3:" + dir.resolve("writer.pub"));
    assertEquals(ErrorCategory.UNTRUSTED_WRITER, rejected(otherVersion, produce(signing("per-dek"), "orders", "o1", "v")).category());
    // The key envelope is checked as well: a signed value with an unsigned key fails.
    Records.Wire signedValue = produce(signing("per-dek"), "orders", "o1", "v");
    Records.Wire mixed = signedValue.with("orders", unsigned.key, signedValue.value, signedValue.copyHeaders());
    assertEquals(ErrorCategory.UNTRUSTED_WRITER, rejected(reader, mixed).category());
  }

  // The test through the adapter: a forger holding only the consumer's X25519 public key
  // produces records the consumer would read, until it requires a trusted writer.
  @Test
  void kb23_forgeryWithOnlyTheConsumersPublicKeyIsRefused() throws Exception {
    Keys.writeX25519(dir, "consumer"); // the forger reads consumer.pub only
    // Values only, not bound to keys: the forger has no KEK for record keys.
    Map<String, Object> forger = new HashMap<>();
    forger.put(SealpostKafkaConfig.TOPIC_PREFIX + "orders", "x25519:consumer");
    forger.put(SealpostKafkaConfig.X25519_PUBLIC_PREFIX + "consumer", dir.resolve("consumer.pub").toString());
    forger.put(SealpostKafkaConfig.VALUE_BIND_KEY, "false");
    forger.put(SealpostKafkaConfig.VALUE_INNER_SERIALIZER, "org.apache.kafka.common.serialization.StringSerializer");
    Map<String, Object> reader = new HashMap<>();
    reader.put(SealpostKafkaConfig.X25519_PRIVATE_PREFIX + "consumer", dir.resolve("consumer.key").toString());
    reader.put(SealpostKafkaConfig.VALUE_BIND_KEY, "false");
    reader.put(SealpostKafkaConfig.VALUE_INNER_DESERIALIZER, "org.apache.kafka.common.serialization.StringDeserializer");
    SealpostSerializer<String> values = new SealpostSerializer<>();
    values.configure(forger, false);
    Records.Wire forged = Records.produce(new org.apache.kafka.common.serialization.StringSerializer(), values,
        "orders", "o1", "refund 1000 EUR");
    assertEquals("refund 1000 EUR", readValue(reader, forged), "without trust the forgery is read");
    reader.put("sealpost.trust.orders.topics", "orders");
    reader.put("sealpost.trust.orders.keys", writerKeys());
    SealpostRecordException e = assertThrows(SealpostRecordException.class, () -> readValue(reader, forged));
    assertEquals(ErrorCategory.UNTRUSTED_WRITER, e.category());
  }

  // [KB-23]: no plaintext on a topic with trusted writers: an exact overlap with the plaintext
  // lists is a configuration error, a pattern overlap is refused per record.
  @Test
  void kb23_noPlaintextOnTrustedTopics() throws Exception {
    Map<String, Object> exact = trusting("topics", "orders", writerKeys());
    exact.put(SealpostKafkaConfig.CONSUME_PLAINTEXT_TOPICS, "orders");
    assertThrows(ConfigException.class, () -> SealpostKafkaConfig.parse(exact));
    Map<String, Object> byPattern = trusting("pattern", "ord.*", writerKeys());
    byPattern.put(SealpostKafkaConfig.CONSUME_PLAINTEXT_TOPICS, "orders");
    Records.Wire plain = new Records.Wire("orders", null, "cpu=3".getBytes(UTF_8), new RecordHeaders());
    SealpostRecordException e = rejected(byPattern, plain);
    assertEquals(ErrorCategory.NOT_AN_ENVELOPE, e.category());
    assertEquals(SealpostRecordException.Reason.PLAINTEXT_REJECTED, e.reason());
    // Without trust, the migration list still passes plaintext.
    Map<String, Object> migrating = new HashMap<>(props);
    migrating.put(SealpostKafkaConfig.CONSUME_PLAINTEXT_TOPICS, "orders");
    assertEquals("cpu=3", consume(migrating, plain).value);
  }

  // [KB-23]: tombstone authenticators are envelopes too: a trusting interceptor keeps signed
  // ones and drops unsigned ones.
  @Test
  void kb23_tombstoneAuthenticatorsAreChecked() throws Exception {
    // Clear record keys, so that the key deserializer lets both records through to the interceptor.
    props.put(SealpostKafkaConfig.KEY_MODE, "clear");
    Map<String, Object> reader = trusting("topics", "orders", writerKeys());
    Records.Wire signed = produce(signing("per-dek"), "orders", "alice", null);
    Records.Wire unsigned = produce(props, "orders", "bob", null);
    assertEquals(List.of(0L), kept(reader, signed, unsigned));
    assertEquals(List.of(0L, 1L), kept(props, signed, unsigned), "without trust both authenticators are good");
  }

  private List<Long> kept(Map<String, Object> reader, Records.Wire signed, Records.Wire unsigned) {
    SealpostTombstoneInterceptor<String, String> interceptor = new SealpostTombstoneInterceptor<>();
    interceptor.configure(reader);
    TopicPartition tp = new TopicPartition("orders", 0);
    List<ConsumerRecord<String, String>> list = new java.util.ArrayList<>();
    long offset = 0;
    for (Records.Wire w : new Records.Wire[] {signed, unsigned}) {
      Records.Read<String, String> r = consume(reader, w.with("orders", w.key, null, w.headers));
      list.add(new ConsumerRecord<>("orders", 0, offset++, 0L, TimestampType.CREATE_TIME, w.key.length, -1, r.key, null,
          r.headers, java.util.Optional.empty()));
    }
    ConsumerRecords<String, String> kept = interceptor.onConsume(new ConsumerRecords<>(Map.of(tp, list), Map.of()));
    List<Long> offsets = new java.util.ArrayList<>();
    kept.forEach(r -> offsets.add(r.offset()));
    return offsets;
  }

  @Test
  void signerAndTrustConfiguration() throws Exception {
    // An encrypted signer key with its password.
    Path enc = dir.resolve("writer-enc.key");
    Files.copy(Path.of(getClass().getResource("/ed25519-aes256.pem").toURI()), enc);
    Map<String, Object> p = signing("per-dek");
    p.put(SealpostKafkaConfig.SIGNER_KEY, enc.toString());
    p.put(SealpostKafkaConfig.SIGNER_PASSWORD, "correct-horse-battery");
    assertTrue(SealpostKafkaConfig.parse(p).signer().isPresent());
    p.remove(SealpostKafkaConfig.SIGNER_PASSWORD);
    assertThrows(ConfigException.class, () -> SealpostKafkaConfig.parse(p));

    Map<String, Object> noId = signing("per-dek");
    noId.remove(SealpostKafkaConfig.SIGNER_ID);
    assertThrows(ConfigException.class, () -> SealpostKafkaConfig.parse(noId));
    Map<String, Object> badMode = signing("sometimes");
    assertThrows(ConfigException.class, () -> SealpostKafkaConfig.parse(badMode));
    assertThrows(ConfigException.class, () -> SealpostKafkaConfig.parse(trusting("topics", "orders", "orders-service:" + dir.resolve("writer.pub"))));
    assertThrows(ConfigException.class, () -> SealpostKafkaConfig.parse(trusting("topics", "orders", "orders-service:x:" + dir.resolve("writer.pub"))));
    Map<String, Object> noTopics = new HashMap<>(props);
    noTopics.put("sealpost.trust.orders.keys", writerKeys());
    assertThrows(ConfigException.class, () -> SealpostKafkaConfig.parse(noTopics));

    // Unknown properties name the nearest known shape.
    Map<String, Object> typo = new HashMap<>(props);
    typo.put("sealpost.trust.orders.key", writerKeys());
    ConfigException t = assertThrows(ConfigException.class, () -> SealpostKafkaConfig.parse(typo));
    assertTrue(t.getMessage().contains("'sealpost.trust.orders.keys'"), t.getMessage());
    Map<String, Object> typo2 = new HashMap<>(props);
    typo2.put("sealpost.signer.mod", "per-dek");
    ConfigException t2 = assertThrows(ConfigException.class, () -> SealpostKafkaConfig.parse(typo2));
    assertTrue(t2.getMessage().contains("'sealpost.signer.mode'"), t2.getMessage());
    assertTrue(KnownProperties.isKnown("sealpost.trust.a.b.pattern", SealpostKafkaConfig.configDef().names()));
  }
}
