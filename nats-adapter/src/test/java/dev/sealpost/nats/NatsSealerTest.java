package dev.sealpost.nats;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealpost.codec.Decryptor;
import dev.sealpost.codec.Recipient;
import dev.sealpost.codec.Suite;
import dev.sealpost.codec.keys.Keyring;
import dev.sealpost.codec.keys.KeyringFile;
import dev.sealpost.vectors.ScriptedRandom;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The adapter without a server: subject resolution, configuration, headers, error texts. */
class NatsSealerTest {
  private static final byte[] ORDERS = HexFormat.of().parseHex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
  private static final byte[] OTHER = HexFormat.of().parseHex("ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100");

  static Keyring keyring() throws Exception {
    return Keyring.builder().add("orders", 1, ORDERS).add("other", 1, OTHER).build();
  }

  @Test
  void wildcardsMatchAsNatsDoes() {
    SubjectPattern star = SubjectPattern.parse("orders.*");
    assertTrue(star.matches("orders.eu"));
    assertFalse(star.matches("orders"));
    assertFalse(star.matches("orders.eu.vip"));
    SubjectPattern gt = SubjectPattern.parse("orders.>");
    assertTrue(gt.matches("orders.eu"));
    assertTrue(gt.matches("orders.eu.vip"));
    assertFalse(gt.matches("orders"));
    assertTrue(SubjectPattern.parse("*.eu").matches("orders.eu"));
    assertTrue(SubjectPattern.parse(">").matches("a"));
    assertTrue(SubjectPattern.isPublishable("orders.eu"));
    assertTrue(SubjectPattern.isPublishable("orders.e*"), "a '*' inside a token is a literal character in NATS");
    for (String bad : List.of("orders.*", "orders.>", "*", "", "a..b", "a b", ".a", "a.", "a\tb")) {
      assertFalse(SubjectPattern.isPublishable(bad), bad);
    }
    for (String bad : List.of("", "orders..eu", "orders.>.eu", "orders.e*", "orders.eu ", ".orders", "orders.")) {
      assertThrows(IllegalArgumentException.class, () -> SubjectPattern.parse(bad), bad);
    }
  }

  /** [NB-13]: the most specific entry wins, whatever the order of configuration. */
  @Test
  void mostSpecificEntryWins() throws Exception {
    Keyring k = keyring();
    NatsSealerSettings s = NatsSealerSettings.builder()
        .subject(">", Recipient.symmetric(k, "other"))
        .subject("orders.>", Recipient.symmetric(k, "orders"))
        .subject("orders.*.vip", Recipient.symmetric(k, "other"))
        .plaintextSubjects("orders.eu.*", "orders.public")
        .build();
    assertEquals("subject:orders.>", s.resolve("orders.us.x").orElseThrow().name());
    assertEquals(Optional.empty(), s.resolve("orders.eu.x"));
    assertEquals("subject:orders.*.vip", s.resolve("orders.us.vip").orElseThrow().name());
    assertEquals(Optional.empty(), s.resolve("orders.eu.vip"), "orders.eu.* is more literal at the second token");
    assertEquals(Optional.empty(), s.resolve("orders.public"));
    assertEquals("subject:>", s.resolve("inventory").orElseThrow().name());
    assertTrue(s.acceptsPlaintext("orders.eu.x"));
    assertFalse(s.acceptsPlaintext("orders.us.x"));
  }

  /** [NB-12] [NB-14]: unmapped subjects fail both ways; consume-plaintext only opens the reading side. */
  @Test
  void unmappedSubjectsFail() throws Exception {
    Keyring k = keyring();
    NatsSealer sealer = new NatsSealer(NatsSealerSettings.builder()
        .subject("orders.*", Recipient.symmetric(k, "orders"))
        .consumePlaintextSubjects("legacy.>")
        .decryptor(Decryptor.builder().kekSource(k).build())
        .build());
    NatsSealException e = assertThrows(NatsSealException.class, () -> sealer.seal("legacy.a", null, new byte[1]));
    assertEquals(NatsSealException.Reason.NO_KEY_FOR_SUBJECT, e.reason());
    assertFalse(sealer.open(new NatsMessage("legacy.a", null, "x".getBytes(UTF_8))).wasEncrypted());
    assertThrows(NatsSealException.class, () -> sealer.open(new NatsMessage("inventory", null, "x".getBytes(UTF_8))));
    assertThrows(IllegalArgumentException.class, () -> sealer.seal("orders.*", null, new byte[1]));
  }

  @Test
  void builderRefusesContradictions() throws Exception {
    Keyring k = keyring();
    NatsSealerSettings.Builder b = NatsSealerSettings.builder().subject("orders.*", Recipient.symmetric(k, "orders"));
    assertThrows(IllegalArgumentException.class, () -> b.plaintextSubjects("orders.*"));
    assertThrows(IllegalArgumentException.class, () -> b.subject("orders.*", Recipient.symmetric(k, "other")));
    assertThrows(IllegalArgumentException.class, () -> b.valueSuite(Suite.AES_256_SIV));
    assertThrows(IllegalArgumentException.class, () -> b.kvBucket("bad.bucket", Recipient.symmetric(k, "orders")));
    assertThrows(IllegalArgumentException.class, () -> b.kvBucket("kms-only",
        Recipient.kms(dev.sealpost.codec.kms.TestKms.of(Map.of("test-kms://a", OTHER), new java.security.SecureRandom()),
            "test-kms://a")));
  }

  /** [NB-9]: headers found inside the envelope come back after the clear ones; secret headers never leave in clear. */
  @Test
  void secretHeadersRoundTripAndNeverInClear() throws Exception {
    Keyring k = keyring();
    NatsSealer sealer = new NatsSealer(NatsSealerSettings.builder()
        .subject("orders.*", Recipient.symmetric(k, "orders"))
        .secretHeaders(Pattern.compile("x-pii-.*"))
        .authenticatedHeaders(Pattern.compile("x-tenant|x-pii-both"))
        .decryptor(Decryptor.builder().kekSource(k).build())
        .build());
    Headers h = new Headers().add("X-PII-Name", "Ada").add("x-pii-both", "1").add("x-tenant", "acme").add("other", "o");
    Message sealed = sealer.seal("orders.eu", h, "data".getBytes(UTF_8));
    assertEquals(java.util.Set.of("x-tenant", "other"), sealed.getHeaders().keySet(), "[NB-21]: both patterns means secret");
    assertEquals(4, h.size(), "the application's headers are left as they were");
    OpenedMessage o = sealer.open(sealed);
    assertEquals(List.of("Ada"), o.headers().get("X-PII-Name"));
    assertEquals(List.of("1"), o.headers().get("x-pii-both"));
    assertThrows(UnsupportedOperationException.class, () -> o.headers().add("a", "b"));
  }

  /** Wire-derived text is escaped; no data, header value or key byte ever appears in an error. */
  @Test
  void errorsAreEscapedAndCarryNoSecrets() throws Exception {
    Keyring k = keyring();
    NatsSealer sealer = new NatsSealer(NatsSealerSettings.builder()
        .subject("orders.*", Recipient.symmetric(k, "orders"))
        .secretHeaders(Pattern.compile("x-pii-.*"))
        .decryptor(Decryptor.builder().kekSource(k).build())
        .build());
    NatsSealException e = assertThrows(NatsSealException.class,
        () -> sealer.open(new NatsMessage("orders.\u202eevil", null, "plain secret".getBytes(UTF_8))));
    assertTrue(e.getMessage().contains("orders.\\u{202E}evil"), e.getMessage());
    assertFalse(e.getMessage().contains("\u202e"));
    assertFalse(e.getMessage().contains("plain secret"));
    NatsSealException h = assertThrows(NatsSealException.class, () -> sealer.open(
        new NatsMessage("orders.eu", null, new Headers().add("x-pii-token", "tok-123"), new byte[0])));
    assertFalse(h.getMessage().contains("tok-123"), h.getMessage());
    String settings = sealer.settings().toString() + new NatsSealerSettings.Target("t", List.of(Recipient.symmetric(k, "orders")));
    assertFalse(settings.contains("00112233") || settings.contains("ffeeddcc"), settings);
  }

  /**
   * One message through both bindings with the same key and randomness: the envelopes have the
   * same header and ciphertext (the frame is the same bytes [NB-3]) and differ only in the tag,
   * which authenticates the broker-specific external context ([NB-5]; Kafka binding section 4).
   */
  @Test
  void kafkaAndNatsEnvelopesDifferOnlyInTheTag() throws Exception {
    Keyring k = keyring();
    byte[] dek = new byte[32];
    byte[] nonce = new byte[12];
    java.util.Arrays.fill(dek, (byte) 7);
    java.util.Arrays.fill(nonce, (byte) 9);
    NatsSealer sealer = new NatsSealer(NatsSealerSettings.builder()
        .subject("orders", Recipient.symmetric(k, "orders"))
        .secretHeaders(Pattern.compile("x-pii-.*"))
        .build(), name -> new ScriptedRandom().then(dek.clone()).then(nonce.clone()));
    byte[] nats = sealer.seal("orders", new Headers().add("x-pii-name", "Ada"), "{}".getBytes(UTF_8)).getData();
    // The Kafka binding's value context for a record with a null key and no authenticated headers.
    String empty = NatsBinding.EMPTY_HEADERS_DIGEST;
    // Another thread: the JCE refuses a key and IV pair twice on one thread's cached cipher, rightly.
    java.util.concurrent.ExecutorService other = java.util.concurrent.Executors.newSingleThreadExecutor();
    byte[] kafka;
    try {
      kafka = other.submit(() -> dev.sealpost.codec.Encryptor.builder().recipient(Recipient.symmetric(k, "orders"))
          .random(new ScriptedRandom().then(dek.clone()).then(nonce.clone())).build()
          .encrypt(HexFormat.of().parseHex("01" + "0001" + "000a" + "782d7069692d6e616d65" + "00000003" + "416461" + "7b7d"),
              dev.sealpost.codec.EncryptionContext.of(Map.of("kafka.topic", "orders", "kafka.record.part", "value",
                  "kafka.record.key-sha256", "null", "kafka.record.headers-sha256", empty)))).get();
    } finally {
      other.shutdown();
    }
    assertEquals(kafka.length, nats.length);
    int tag = nats.length - Suite.TAG_LENGTH;
    assertEquals(HexFormat.of().formatHex(kafka, 0, tag), HexFormat.of().formatHex(nats, 0, tag));
    assertFalse(java.util.Arrays.equals(java.util.Arrays.copyOfRange(kafka, tag, kafka.length),
        java.util.Arrays.copyOfRange(nats, tag, nats.length)));
  }

  /** Properties: a full configuration loads; unknown sealpost.* keys fail naming the nearest known key. */
  @Test
  void propertiesConfigure(@TempDir Path dir) throws Exception {
    Path ring = dir.resolve("app.keyring");
    KeyringFile.write(ring, keyring());
    Map<String, String> p = new HashMap<>();
    p.put("sealpost.keyring.path", ring.toString());
    p.put("sealpost.subject.orders.*", "kek:orders");
    p.put("sealpost.rule.pay.subjects", "payments.>, refunds.eu");
    p.put("sealpost.rule.pay.recipients", "kek:other");
    p.put("sealpost.plaintext.subjects", "metrics.>");
    p.put("sealpost.secret.headers", "x-pii-.*");
    p.put("sealpost.authenticated.headers", "x-tenant");
    p.put("sealpost.kv.bucket.profiles", "kek:orders");
    p.put("sealpost.value.suite", "CHACHA20_POLY1305");
    p.put("nats.url", "ignored: not a sealpost key");
    NatsSealerSettings s = NatsSealerConfig.parse(p);
    assertEquals("sealpost.rule.pay", s.resolve("refunds.eu").orElseThrow().name());
    assertEquals("sealpost.subject.orders.*", s.resolve("orders.eu").orElseThrow().name());
    assertTrue(s.resolve("metrics.cpu").isEmpty());
    assertTrue(s.isSecret("X-Pii-Name"));
    assertEquals(Suite.CHACHA20_POLY1305, s.valueSuite());
    NatsSealer sealer = new NatsSealer(s);
    Message m = sealer.seal("payments.card", new Headers().add("x-pii-a", "1"), "x".getBytes(UTF_8));
    assertEquals("x", new String(sealer.open(m).data(), UTF_8));

    Map<String, String> typos = Map.of(
        "sealpost.secret.header", "sealpost.secret.headers",
        "sealpost.subjects.orders.*", "sealpost.subject.orders.*",
        "sealpost.rule.pay.subject", "sealpost.rule.pay.subjects",
        "sealpost.plaintext.subject", "sealpost.plaintext.subjects",
        "sealpost.kv.buckets.profiles", "sealpost.kv.bucket.profiles",
        "sealpost.authenticated.header", "sealpost.authenticated.headers");
    for (Map.Entry<String, String> t : typos.entrySet()) {
      Map<String, String> bad = new HashMap<>(p);
      bad.put(t.getKey(), "x");
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NatsSealerConfig.parse(bad));
      assertTrue(e.getMessage().contains("unknown property '" + t.getKey() + "'; did you mean '" + t.getValue() + "'"),
          e.getMessage());
    }
    Map<String, String> noRecipients = new HashMap<>(p);
    noRecipients.put("sealpost.subject.x", "kek:missing");
    // Key material is checked when the sealer is built (startup), not at the first message.
    assertThrows(IllegalArgumentException.class, () -> new NatsSealer(NatsSealerConfig.parse(noRecipients)));
    assertTrue(Files.exists(ring));
  }
}
