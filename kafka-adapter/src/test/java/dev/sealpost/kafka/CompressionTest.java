package dev.sealpost.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealpost.codec.Compression;
import dev.sealpost.codec.Recipient;
import dev.sealpost.codec.Suite;
import dev.sealpost.codec.format.EnvelopeHeader;
import dev.sealpost.codec.keys.Ed25519PrivateKey;
import dev.sealpost.codec.keys.PemKeys;
import dev.sealpost.vectors.ScriptedRandom;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compression inside the envelope through the serializers (SPEC.md 18): opt-in per topic
 * ({@code sealpost.compression.topics|pattern|type}) [CMP-1], [KB-24]; consumers need no setting.
 */
class CompressionTest {
  /** A JSON-like value that any compressor shrinks to well under half: 40 near-identical lines. */
  static final String LOG_LINE;

  static {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      sb.append("{\"level\":\"INFO\",\"service\":\"checkout\",\"msg\":\"request served\",\"n\":").append(i).append("}\n");
    }
    LOG_LINE = sb.toString();
  }

  @TempDir Path dir;
  Map<String, Object> props;

  @BeforeEach
  void setUp() throws Exception {
    props = Keys.props(Keys.writeKeyring(dir, "app.keyring", 1)); // rule orders.* -> kek:orders
  }

  private static SealpostSerializer<String> values(Map<String, Object> p) {
    SealpostSerializer<String> s = new SealpostSerializer<>();
    s.configure(p, false);
    return s;
  }

  private static SealpostSerializer<String> keys(Map<String, Object> p) {
    SealpostSerializer<String> s = new SealpostSerializer<>();
    s.configure(p, true);
    return s;
  }

  private static Records.Read<String, String> consume(Map<String, Object> p, Records.Wire w) {
    SealpostDeserializer<String> k = new SealpostDeserializer<>();
    k.configure(p, true);
    SealpostDeserializer<String> v = new SealpostDeserializer<>();
    v.configure(p, false);
    return Records.consume(k, v, w);
  }

  private static int suiteId(byte[] envelope) throws Exception {
    return EnvelopeHeader.parse(envelope).suite().id();
  }

  private ConfigException refused(Map<String, Object> p) {
    return assertThrows(ConfigException.class, () -> values(p));
  }

  @Test
  void cmp1_kb24_onlyTheOptedInTopicCompressesItsValues() throws Exception {
    props.put(SealpostKafkaConfig.COMPRESSION_TOPICS, "orders-log");
    SealpostSerializer<String> v = values(props);
    SealpostSerializer<String> k = keys(props);
    Records.Wire compressed = Records.produce(k, v, "orders-log", "o1", LOG_LINE);
    Records.Wire plain = Records.produce(k, v, "orders", "o1", LOG_LINE); // same rule, same key: not named
    assertEquals(0x0401, suiteId(compressed.value));
    assertEquals(0x0001, suiteId(plain.value), "a topic not named for compression keeps 0001");
    assertEquals(0x0003, suiteId(compressed.key), "record keys never compress: deterministic suite [KB-24]");
    // The point of it: the compressed envelope is well under the plaintext's length, the other above it.
    assertTrue(compressed.value.length < LOG_LINE.length() / 2, compressed.value.length + " bytes");
    assertTrue(plain.value.length > LOG_LINE.length(), plain.value.length + " bytes");
    assertFalse(new String(compressed.value, UTF_8).contains("checkout"));

    // A consumer with no compression setting reads both: the suite is in the envelope.
    Map<String, Object> reader = Keys.props(dir.resolve("app.keyring"));
    assertEquals(LOG_LINE, consume(reader, compressed).value);
    assertEquals("o1", consume(reader, compressed).key);
    assertEquals(LOG_LINE, consume(reader, plain).value);
  }

  @Test
  void cmp1_nothingCompressesWithoutATopicOrPattern() throws Exception {
    props.put(SealpostKafkaConfig.COMPRESSION_TYPE, "lz4"); // a type alone opts nothing in
    assertEquals(0x0001, suiteId(values(props).serialize("orders", LOG_LINE)));
    assertEquals(0x0001, suiteId(values(Keys.props(dir.resolve("app.keyring"))).serialize("orders", LOG_LINE)));
  }

  @Test
  void cmp1_patternMatchesTheWholeTopicName() throws Exception {
    props.put(SealpostKafkaConfig.DEFAULT_RECIPIENTS, "kek:orders");
    props.put(SealpostKafkaConfig.COMPRESSION_PATTERN, "log\\..*");
    SealpostSerializer<String> v = values(props);
    assertEquals(0x0401, suiteId(v.serialize("log.checkout", LOG_LINE)));
    assertEquals(0x0001, suiteId(v.serialize("orders.log.eu", LOG_LINE)), "contains a match, is not one");
    assertEquals(0x0001, suiteId(v.serialize("log", LOG_LINE)));
    assertEquals(0x0001, suiteId(v.serialize("orders", LOG_LINE)));
    assertEquals(0x0401, suiteId(v.serialize("log.checkout", LOG_LINE)), "the same answer the second time (cached)");
  }

  @Test
  void lz4TypeAndChachaSuiteRoundTrip() throws Exception {
    props.put(SealpostKafkaConfig.COMPRESSION_TOPICS, "orders-a, orders-b");
    props.put(SealpostKafkaConfig.COMPRESSION_TYPE, "lz4");
    props.put(SealpostKafkaConfig.VALUE_SUITE, "CHACHA20_POLY1305");
    Records.Wire w = Records.produce(keys(props), values(props), "orders-b", "k", LOG_LINE);
    assertEquals(0x0402, suiteId(w.value));
    assertTrue(w.value.length < LOG_LINE.length() / 2, w.value.length + " bytes");
    assertEquals(LOG_LINE, consume(Keys.props(dir.resolve("app.keyring")), w).value);
    assertEquals(Compression.LZ4, SealpostKafkaConfig.parse(props).compressionFor("orders-a"));
    assertEquals(Compression.NONE, SealpostKafkaConfig.parse(props).compressionFor("orders-c"));
  }

  @Test
  void kb24_secretHeadersTravelInsideACompressedValue() {
    props.put(SealpostKafkaConfig.COMPRESSION_TOPICS, "orders");
    props.put(SealpostKafkaConfig.SECRET_HEADERS, "x-pii-.*");
    RecordHeaders h = new RecordHeaders();
    h.add("x-pii-email", "ada@example.org".getBytes(UTF_8));
    Records.Wire w = Records.produce(keys(props), values(props), "orders", "k", LOG_LINE, h);
    assertNull(w.headers.lastHeader("x-pii-email"), "removed from the record [KB-10]");
    Records.Read<String, String> r = consume(props, w);
    assertEquals(LOG_LINE, r.value);
    assertEquals("ada@example.org", new String(r.headers.lastHeader("x-pii-email").value(), UTF_8));
  }

  @Test
  void kb24_tombstoneAuthenticatorIsNotCompressed() throws Exception {
    props.put(SealpostKafkaConfig.COMPRESSION_TOPICS, "orders");
    Records.Wire w = Records.produce(keys(props), values(props), "orders", "k", null);
    assertNull(w.value);
    Header auth = w.headers.lastHeader(HeaderPolicy.TOMBSTONE_HEADER);
    assertEquals(0x0001, suiteId(auth.value()), "the empty plaintext has nothing to compress");
  }

  @Test
  void cmp1_signedCompressedValuesAre0501AndReadByATrustingConsumer() throws Exception {
    Ed25519PrivateKey writer = Ed25519PrivateKey.generate();
    Files.writeString(dir.resolve("writer.key"), PemKeys.toPem(writer));
    Files.writeString(dir.resolve("writer.pub"), PemKeys.toPem(writer.publicKey()));
    props.put(SealpostKafkaConfig.COMPRESSION_TOPICS, "orders-log");
    props.put(SealpostKafkaConfig.SIGNER_KEY, dir.resolve("writer.key").toString());
    props.put(SealpostKafkaConfig.SIGNER_ID, "log-service");
    Records.Wire w = Records.produce(keys(props), values(props), "orders-log", "k", LOG_LINE);
    Records.Wire other = Records.produce(keys(props), values(props), "orders", "k", LOG_LINE);
    assertEquals(0x0501, suiteId(w.value));
    assertEquals(0x0101, suiteId(other.value));
    assertEquals(0x0103, suiteId(w.key), "signed keys stay deterministic");

    Map<String, Object> reader = Keys.props(dir.resolve("app.keyring"));
    reader.put("sealpost.trust.logs.topics", "orders-log");
    reader.put("sealpost.trust.logs.keys", "log-service:1:" + dir.resolve("writer.pub"));
    assertEquals(LOG_LINE, consume(reader, w).value);
  }

  @Test
  void configValidation() {
    Map<String, Object> p = new HashMap<>(props);
    p.put(SealpostKafkaConfig.COMPRESSION_TOPICS, "orders");
    p.put(SealpostKafkaConfig.COMPRESSION_TYPE, "gzip");
    assertTrue(refused(p).getMessage().contains(SealpostKafkaConfig.COMPRESSION_TYPE), "unknown type");
    p.put(SealpostKafkaConfig.COMPRESSION_TYPE, "none");
    refused(p);

    p = new HashMap<>(props);
    p.put(SealpostKafkaConfig.COMPRESSION_PATTERN, "orders(");
    assertTrue(refused(p).getMessage().contains(SealpostKafkaConfig.COMPRESSION_PATTERN), "bad regex");

    p = new HashMap<>(props);
    p.put("sealpost.compression.topic", "orders");
    String m = refused(p).getMessage();
    assertTrue(m.contains("did you mean 'sealpost.compression.topics'"), m);

    p = new HashMap<>(props);
    p.put(SealpostKafkaConfig.COMPRESSION_TOPICS, "metrics");
    p.put(SealpostKafkaConfig.PLAINTEXT_TOPICS, "metrics");
    assertTrue(refused(p).getMessage().contains("metrics"), "plaintext and compressed at once");

    for (String k : new String[] {SealpostKafkaConfig.COMPRESSION_TOPICS, SealpostKafkaConfig.COMPRESSION_PATTERN,
        SealpostKafkaConfig.COMPRESSION_TYPE}) {
      assertTrue(KnownProperties.isKnown(k, SealpostKafkaConfig.configDef().names()), k);
    }
  }

  /**
   * The packed payload inside an adapter-written envelope, opened with SPEC.md 5.2 and 8 from the
   * DEK (all zero: the scripted randomness) rather than by the codec's reader, so the method byte
   * is checked independently; then a payload with an unknown method, sealed the same way, fails
   * the deserializer with malformed-payload [CMP-4] like any other category.
   */
  @Test
  void cmp4_methodByteFollowsTheTypeAndAMalformedPayloadIsMalformedPayload() throws Exception {
    dev.sealpost.codec.keys.Keyring ring = Keys.keyring(1);
    for (Compression type : new Compression[] {Compression.ZSTD, Compression.LZ4}) {
      SealpostSettings s = SealpostSettings.builder()
          .topic("orders", Recipient.symmetric(ring, "orders"))
          .compressTopics("orders")
          .compression(type)
          .random(new ScriptedRandom().orZeros())
          .decryptor(dev.sealpost.codec.Decryptor.builder().kekSource(ring).build())
          .build();
      // A thread each: the codec's per-thread Cipher refuses the replayed (zero) key and nonce.
      byte[] envelope = BindingVectorGenerator.inFreshThread(
          () -> SealpostSerializer.forValues(new StringSerializer(), s).serialize("orders", LOG_LINE));
      EnvelopeHeader h = EnvelopeHeader.parse(envelope);
      assertEquals(0x0401, h.suite().id());
      byte[] header = java.util.Arrays.copyOf(envelope, h.headerLength());
      byte[] aad = concat(header, SealpostSerializer.externalContext("orders", false).encode());
      byte[] kMsg = dev.sealpost.codec.internal.Hkdf.expand(
          dev.sealpost.codec.internal.Hkdf.extract("sealpost/v1".getBytes(UTF_8), new byte[32]),
          concat("sealpost/v1 key".getBytes(UTF_8), new byte[] {0x04, 0x01}), 32);
      byte[] packed = gcm(javax.crypto.Cipher.DECRYPT_MODE, kMsg, h.nonce(), aad,
          java.util.Arrays.copyOfRange(envelope, h.headerLength(), envelope.length));
      // The framed value (inner framing: version 1, no headers) is what was packed.
      int framedLength = 3 + LOG_LINE.length();
      assertEquals(type == Compression.ZSTD ? 0x01 : 0x02, packed[0], "method byte for " + type);
      assertEquals(framedLength, java.nio.ByteBuffer.wrap(packed, 1, 4).getInt(), "declared length");
      assertTrue(packed.length < framedLength / 2, "compressed: " + packed.length);

      SealpostDeserializer<String> reader =
          SealpostDeserializer.forValues(new org.apache.kafka.common.serialization.StringDeserializer(), s);
      assertEquals(LOG_LINE, reader.deserialize("orders", envelope));
      byte[] bad = packed.clone();
      bad[0] = 0x07; // unassigned method
      byte[] forged = concat(header, gcm(javax.crypto.Cipher.ENCRYPT_MODE, kMsg, h.nonce(), aad, bad));
      SealpostRecordException e = assertThrows(SealpostRecordException.class, () -> reader.deserialize("orders", forged));
      assertEquals(dev.sealpost.codec.ErrorCategory.MALFORMED_PAYLOAD, e.category());
      assertEquals(SealpostRecordException.Reason.DECRYPTION_FAILED, e.reason());
      assertTrue(e.getMessage().contains("malformed-payload"), e.getMessage());
    }
  }

  private static byte[] gcm(int mode, byte[] key, byte[] nonce, byte[] aad, byte[] in) throws Exception {
    javax.crypto.Cipher c = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
    c.init(mode, new javax.crypto.spec.SecretKeySpec(key, "AES"), new javax.crypto.spec.GCMParameterSpec(128, nonce));
    c.updateAAD(aad);
    return c.doFinal(in);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /**
   * [CMP-7]: the user documentation says what compression reveals and when not to use it, and
   * names the properties that turn it on.
   */
  @Test
  void cmp7_docsWarnWhatTheLengthRevealsAndWhenNotToCompress() throws Exception {
    String root = System.getProperty("sealpost.root");
    String doc = Files.readString((root != null ? Path.of(root) : Path.of("..")).resolve("docs/kafka.md"), UTF_8);
    int start = doc.indexOf("## Compression inside the envelope");
    assertTrue(start > 0, "docs/kafka.md has the section");
    int end = doc.indexOf("\n## ", start + 3);
    String section = doc.substring(start, end < 0 ? doc.length() : end);
    for (String needle : new String[] {"### When not to compress", "length", "CRIME", "BREACH", "**Do not compress**",
        "tokens", "passwords", "[CMP-7]", SealpostKafkaConfig.COMPRESSION_TOPICS, SealpostKafkaConfig.COMPRESSION_PATTERN,
        SealpostKafkaConfig.COMPRESSION_TYPE}) {
      assertTrue(section.contains(needle), "the section mentions " + needle);
    }
  }

  @Test
  void programmaticSettings() throws Exception {
    dev.sealpost.codec.keys.Keyring ring = Keys.keyring(1);
    SealpostSettings s = SealpostSettings.builder()
        .pattern("orders.*", Recipient.symmetric(ring, "orders"))
        .compressPattern(Pattern.compile("orders-log-.*"))
        .compression(Compression.LZ4)
        .build();
    SealpostSerializer<String> v = SealpostSerializer.forValues(new StringSerializer(), s);
    assertEquals(0x0401, suiteId(v.serialize("orders-log-1", LOG_LINE)));
    assertEquals(0x0001, suiteId(v.serialize("orders-1", LOG_LINE)));
    assertThrows(ConfigException.class, () -> SealpostSettings.builder().compression(Compression.NONE));
    // Record keys of a compressed topic still use the deterministic suite.
    byte[] key = SealpostSerializer.forKeys(new StringSerializer(), s).serialize("orders-log-1", "k");
    assertEquals(Suite.AES_256_SIV, EnvelopeHeader.parse(key).suite());
  }
}
