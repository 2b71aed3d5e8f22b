package dev.sealpost.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sealpost.codec.keys.X25519PublicKey;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * [ENC-2], [ENC-3]: a writer reports the category a reader would report for the bytes it was
 * asked to write, and of several faults the first in the order recipients (count, then each
 * recipient: key id empty, too long, not UTF-8, repeated, not allowed by the suite, not held),
 * stored context, external context, plaintext. Expected categories come from that list.
 */
class WriterOrderTest {
  private static final String LONG_ID = "k".repeat(256);

  private static ErrorCategory build(Suite suite, Map<String, String> stored, Recipient... recipients) {
    Encryptor.Builder b = Encryptor.builder().suite(suite).storedContext(stored);
    for (Recipient r : recipients) {
      b.recipient(r);
    }
    return assertThrows(SealpostException.class, b::build).category();
  }

  private static ErrorCategory build(Recipient... recipients) {
    return build(Suite.AES_256_GCM, Map.of(), recipients);
  }

  private static Recipient sym(String id) throws SealpostException {
    return Recipient.symmetric(TestKeys.keyring(), id);
  }

  private static Recipient x(String id, int version) throws SealpostException {
    X25519PublicKey pub = TestKeys.consumerKey().publicKey();
    return Recipient.x25519(id, version, pub);
  }

  private static Recipient kms(String uri) throws SealpostException {
    return Recipient.kms(TestKeys.kms(), uri);
  }

  @Test
  void enc3_recipientCountComesFirst() throws Exception {
    assertEquals(ErrorCategory.MALFORMED_HEADER, build());
    Recipient[] many = new Recipient[33];
    many[0] = sym("");
    for (int i = 1; i < 33; i++) {
      many[i] = x("c" + i, 1);
    }
    assertEquals(ErrorCategory.LIMIT_EXCEEDED, build(many), "33 recipients, the first with an empty key id");
  }

  @Test
  void enc3_eachRecipientInTurnKeyIdChecksInOrder() throws Exception {
    assertEquals(ErrorCategory.MALFORMED_HEADER, build(sym(""), sym(LONG_ID)));
    assertEquals(ErrorCategory.LIMIT_EXCEEDED, build(sym(LONG_ID), sym("")));
    assertEquals(ErrorCategory.LIMIT_EXCEEDED, build(x("k".repeat(255), 1), x("\u00e9".repeat(128), 1)),
        "128 x U+00E9 is 256 UTF-8 bytes although 128 UTF-16 units");
    assertEquals(ErrorCategory.MALFORMED_HEADER, build(x("\uD800" + "k".repeat(300), 1)),
        "well-formed before length: ill-formed text has no UTF-8 length");
    assertEquals(ErrorCategory.MALFORMED_HEADER, build(x("\uD800" + "k".repeat(252), 1)));
    assertEquals(ErrorCategory.MALFORMED_HEADER, build(x("k\uDC00", 1), sym(LONG_ID)));
  }

  // [RCP-7] on the writer side: same reference -> malformed-header; 03 compares the URI only.
  @Test
  void enc3_duplicatesAreMalformed() throws Exception {
    assertEquals(ErrorCategory.MALFORMED_HEADER, build(sym("orders"), sym("orders")));
    assertEquals(ErrorCategory.MALFORMED_HEADER, build(x("consumer-a", 1), x("consumer-a", 1)));
    assertEquals(ErrorCategory.MALFORMED_HEADER, build(kms(TestKeys.KMS_URI), kms(TestKeys.KMS_URI)));
    // Not repeats: another version of an X25519 key, the same id under another type.
    Encryptor.builder().recipient(x("consumer-a", 1)).recipient(x("consumer-a", 2)).build();
    Encryptor.builder().recipient(sym("orders")).recipient(x("orders", 2)).build();
    // A repeat is reported before a later recipient's faults, after an earlier one's.
    assertEquals(ErrorCategory.MALFORMED_HEADER, build(sym("orders"), sym("orders"), sym(LONG_ID)));
    assertEquals(ErrorCategory.LIMIT_EXCEEDED, build(sym(LONG_ID), sym("orders"), sym("orders")));
  }

  // [SUITE-3], [SUITE-4]: a type the suite does not allow is malformed-header, and comes before
  // "not held" (invalid-key-material).
  @Test
  void enc3_suiteRuleBeforeKeyHeld() throws Exception {
    assertEquals(ErrorCategory.MALFORMED_HEADER, build(Suite.AES_256_SIV, Map.of(), kms("test-kms://not-served")));
    assertEquals(ErrorCategory.MALFORMED_HEADER, build(Suite.AES_256_SIV, Map.of(), sym("orders"), x("consumer-a", 1)));
    assertEquals(ErrorCategory.INVALID_KEY_MATERIAL, build(Suite.AES_256_SIV, Map.of(), sym("nope"), x("consumer-a", 1)));
  }

  @Test
  void enc3_keyNotHeldIsInvalidKeyMaterial() throws Exception {
    assertEquals(ErrorCategory.INVALID_KEY_MATERIAL, build(sym("unknown")));
    assertEquals(ErrorCategory.INVALID_KEY_MATERIAL, build(kms("test-kms://not-served")));
    assertEquals(ErrorCategory.INVALID_KEY_MATERIAL, build(sym("unknown"), sym("")), "recipient 1 before recipient 2");
  }

  // Recipients before the stored context; within a context: count, then any key or value that
  // is not well-formed, then entries in canonical (UTF-8 byte) order, each: empty key, key
  // length, value length.
  @Test
  void enc3_contextChecksComeAfterRecipientsInCanonicalOrder() throws Exception {
    assertEquals(ErrorCategory.INVALID_KEY_MATERIAL, build(Suite.AES_256_GCM, Map.of("", "v"), sym("unknown")));
    assertEquals(ErrorCategory.MALFORMED_HEADER, build(Suite.AES_256_GCM, Map.of("", "v"), sym("orders")));
    Map<String, String> tooMany = new LinkedHashMap<>();
    tooMany.put("", "v");
    tooMany.put("bad\uD800", "v");
    for (int i = 0; i < 31; i++) {
      tooMany.put("k" + i, "v");
    }
    assertEquals(ErrorCategory.LIMIT_EXCEEDED, build(Suite.AES_256_GCM, tooMany, sym("orders")), "count first");
    assertEquals(ErrorCategory.MALFORMED_HEADER,
        build(Suite.AES_256_GCM, Map.of("", "x".repeat(2000)), sym("orders")), "empty key before value length");
    assertEquals(ErrorCategory.MALFORMED_HEADER,
        build(Suite.AES_256_GCM, Map.of("a", "x".repeat(1025), "b\uD800", "v"), sym("orders")),
        "an ill-formed entry anywhere before any length");
    assertEquals(ErrorCategory.MALFORMED_HEADER,
        build(Suite.AES_256_GCM, Map.of("k".repeat(256), "\uDC00"), sym("orders")), "ill-formed value before key length");
    // U+E000 sorts before U+1F600 in UTF-8, after it in UTF-16: the canonical order decides
    // which length fault is met first.
    assertEquals(ErrorCategory.LIMIT_EXCEEDED, build(Suite.AES_256_GCM,
        Map.of("\uE000", "x".repeat(1025), "\uD83D\uDE00", "v"), sym("orders")));
    assertEquals(ErrorCategory.MALFORMED_HEADER, build(Suite.AES_256_GCM,
        Map.of("\uE000", "\uDC00", "\uD83D\uDE00", "x".repeat(1025)), sym("orders")));
    Map<String, String> order = new LinkedHashMap<>();
    order.put("\uD83D\uDE00", "x".repeat(1025));
    order.put("\uE000" + "k".repeat(253), "v");
    assertEquals(ErrorCategory.LIMIT_EXCEEDED, build(Suite.AES_256_GCM, order, sym("orders")));
  }

  // [ENC-2]: a KEK that disappears after build is invalid-key-material at the next rotation too.
  @Test
  void enc2_keyGoneAtRotationIsInvalidKeyMaterial() throws Exception {
    for (Suite suite : new Suite[] {Suite.AES_256_GCM, Suite.AES_256_SIV}) {
      MutableKekSource source = new MutableKekSource().put("orders", 1, TestKeys.pattern(70, 32));
      Encryptor enc = Encryptor.builder().suite(suite).recipient(Recipient.symmetric(source, "orders")).build();
      source.remove("orders", 1);
      assertEquals(ErrorCategory.INVALID_KEY_MATERIAL,
          assertThrows(SealpostException.class, enc::rotateNow).category(), suite.name());
    }
  }

  @Test
  void enc3_plaintextLimitComesLast() throws Exception {
    Encryptor enc = Encryptor.builder().recipient(sym("orders")).maxPlaintextLength(4).build();
    assertEquals(ErrorCategory.LIMIT_EXCEEDED,
        assertThrows(SealpostException.class, () -> enc.encrypt(new byte[5])).category());
  }
}
