package dev.sealpost.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sealpost.codec.dek.DekPolicy;
import dev.sealpost.codec.format.EnvelopeHeader;
import dev.sealpost.codec.format.RecipientEntry;
import dev.sealpost.codec.keys.Keyring;
import dev.sealpost.codec.keys.X25519PrivateKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The deterministic suite 0003 (SPEC.md 4.1). */
class DeterministicSuiteTest {
  private static final byte[] KEK_ORDERS_1 = TestKeys.pattern(21, 32);
  private static final byte[] KEK_ORDERS_2 = TestKeys.pattern(22, 32);
  private static final byte[] KEK_AUDIT = TestKeys.pattern(23, 32);

  /** A fresh keyring object per call, from the same key bytes. */
  private static Keyring keyring(int currentOrdersVersion) throws SealpostException {
    return Keyring.builder()
        .add("orders", 1, KEK_ORDERS_1, currentOrdersVersion == 1)
        .add("orders", 2, KEK_ORDERS_2, currentOrdersVersion == 2)
        .add("audit", 1, KEK_AUDIT)
        .build();
  }

  private static SecureRandom seeded(long seed) throws Exception {
    SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
    r.setSeed(seed);
    return r;
  }

  private static Encryptor.Builder sivBuilder(Keyring keyring, SecureRandom random) throws SealpostException {
    return Encryptor.builder()
        .suite(Suite.AES_256_SIV)
        .recipient(Recipient.symmetric(keyring, "orders"))
        .recipient(Recipient.symmetric(keyring, "audit"))
        .random(random);
  }

  // [SIV-3], [SIV-1]: two independent writers (new objects, differently seeded generators, one
  // of them far into its DEK lifetime) write byte-identical envelopes for equal inputs.
  @Test
  void siv3_independentWritersProduceIdenticalEnvelopes() throws Exception {
    EncryptionContext stored = EncryptionContext.of(Map.of("schema", "key-v1"));
    EncryptionContext external = EncryptionContext.of("topic", "orders");
    Encryptor a = sivBuilder(keyring(2), seeded(1)).storedContext(stored).build();
    Encryptor b = sivBuilder(keyring(2), new SecureRandom())
        .storedContext(EncryptionContext.of(Map.of("schema", "key-v1")))
        .dekPolicy(DekPolicy.of(3, Duration.ofMinutes(1)))
        .build();
    for (int i = 0; i < 10; i++) {
      b.encrypt(new byte[] {(byte) i}, external); // b rotates its DEK several times
    }
    for (String value : new String[] {"", "k", "customer-42", "x".repeat(300)}) {
      byte[] ea = a.encrypt(value.getBytes(), external);
      byte[] eb = b.encrypt(value.getBytes(), EncryptionContext.of("topic", "orders"));
      assertArrayEquals(ea, eb, "value '" + value + "'");
      assertArrayEquals(ea, a.encrypt(value.getBytes(), external), "same writer, again");
      // [SIV-2]: no nonce; the body is V || C, 16 bytes longer than the plaintext.
      EnvelopeHeader h = EnvelopeHeader.parse(ea);
      assertEquals(0, h.nonce().length);
      assertEquals(value.length() + 16, h.bodyLength());
    }
    // Equal plaintexts, equal envelopes; different plaintexts, different envelopes.
    assertFalse(Arrays.equals(a.encrypt("k1".getBytes(), external), a.encrypt("k2".getBytes(), external)));
  }

  // [SIV-1]: the DEK is HKDF(salt "sealpost/v1 deterministic-dek", KEK_1, info) with info binding
  // every recipient reference and both contexts; computed independently (contexts encoded by
  // hand), it is what both entries wrap and what the header commits to.
  @Test
  void siv1_dekIsDerivedFromFirstKekAndTheWholeIdentity() throws Exception {
    Encryptor enc = sivBuilder(keyring(2), new SecureRandom()).storedContext(EncryptionContext.of("s", "1")).build();
    EnvelopeHeader h = EnvelopeHeader.parse(enc.encrypt("v".getBytes(), EncryptionContext.of("topic", "t")));
    byte[] stored = {1, 1, 's', 0, 1, '1'};
    byte[] external = {1, 5, 't', 'o', 'p', 'i', 'c', 0, 1, 't'};
    byte[] expectedDek = IndependentCrypto.deterministicDek(
        KEK_ORDERS_2, new String[] {"orders", "audit"}, new int[] {2, 1}, stored, external);
    RecipientEntry first = h.recipients().get(0);
    RecipientEntry second = h.recipients().get(1);
    assertEquals("orders", first.keyId());
    assertEquals(2, first.keyVersion());
    assertArrayEquals(expectedDek, IndependentCrypto.aesKwUnwrap(KEK_ORDERS_2, first.wrappedDek()));
    assertArrayEquals(expectedDek, IndependentCrypto.aesKwUnwrap(KEK_AUDIT, second.wrappedDek())); // [RCP-2]
    assertArrayEquals(IndependentCrypto.commitment(expectedDek, 0x0003), h.commitment());
  }

  // [SIV-3]: the envelope changes with the external context, the stored context and the KEK version.
  @Test
  void siv3_differsWhenContextOrKekVersionDiffers() throws Exception {
    byte[] pt = "customer-42".getBytes();
    EncryptionContext ext = EncryptionContext.of("topic", "orders");
    byte[] base = sivBuilder(keyring(2), new SecureRandom()).build().encrypt(pt, ext);

    byte[] otherExternal = sivBuilder(keyring(2), new SecureRandom()).build()
        .encrypt(pt, EncryptionContext.of("topic", "payments"));
    assertFalse(Arrays.equals(base, otherExternal));
    // [SIV-1]: the external context is not in the header [CTX-5], but it selects the DEK: the
    // wrapped entries and the commitment differ too.
    assertNotEquals(
        Arrays.toString(EnvelopeHeader.parse(base).commitment()),
        Arrays.toString(EnvelopeHeader.parse(otherExternal).commitment()));

    byte[] otherStored = sivBuilder(keyring(2), new SecureRandom())
        .storedContext(EncryptionContext.of("tenant", "a")).build().encrypt(pt, ext);
    assertFalse(Arrays.equals(base, otherStored));

    byte[] otherVersion = sivBuilder(keyring(1), new SecureRandom()).build().encrypt(pt, ext);
    assertFalse(Arrays.equals(base, otherVersion));
    assertNotEquals(
        Arrays.toString(EnvelopeHeader.parse(base).commitment()),
        Arrays.toString(EnvelopeHeader.parse(otherVersion).commitment()),
        "a new KEK version means a new DEK");

    Decryptor dec = Decryptor.builder().kekSource(keyring(2)).build();
    assertArrayEquals(pt, dec.decrypt(base, ext));
    assertArrayEquals(pt, dec.decrypt(otherVersion, ext));
    SealpostException e = assertThrows(SealpostException.class, () -> dec.decrypt(base, EncryptionContext.of("topic", "payments")));
    assertEquals(ErrorCategory.AUTHENTICATION_FAILED, e.category()); // [CTX-5]
  }

  // [SIV-3]: rotation does not change a deterministic envelope (the DEK is derived again).
  @Test
  void siv3_rotationKeepsEnvelopesEqual() throws Exception {
    Encryptor enc = sivBuilder(keyring(1), new SecureRandom()).dekPolicy(DekPolicy.of(1, Duration.ofHours(1))).build();
    byte[] a = enc.encrypt("k".getBytes());
    enc.rotateNow();
    byte[] b = enc.encrypt("k".getBytes());
    assertArrayEquals(a, b);
  }

  // [SUITE-3], [SUITE-4], [ENC-2]: the deterministic suite refuses X25519 and KMS recipients, in
  // any position, with the category a reader reports for such a header: malformed-header.
  @Test
  void suite3_builderRefusesNonSymmetricRecipients() throws Exception {
    X25519PrivateKey consumer = TestKeys.consumerKey();
    Recipient x25519 = Recipient.x25519("consumer-a", 1, consumer.publicKey());
    Recipient kms = Recipient.kms(TestKeys.kms(), TestKeys.KMS_URI);
    Recipient symmetric = Recipient.symmetric(keyring(1), "orders");
    for (Recipient[] list : new Recipient[][] {{x25519}, {kms}, {symmetric, x25519}, {symmetric, kms}}) {
      Encryptor.Builder b = Encryptor.builder().suite(Suite.AES_256_SIV);
      for (Recipient r : list) {
        b.recipient(r);
      }
      SealpostException e = assertThrows(SealpostException.class, b::build, Arrays.toString(list));
      assertEquals(ErrorCategory.MALFORMED_HEADER, e.category());
    }
    // The same recipients are fine with the randomized suites.
    Encryptor.builder().suite(Suite.AES_256_GCM).recipient(symmetric).recipient(x25519).recipient(kms).build();
    Encryptor.builder().suite(Suite.CHACHA20_POLY1305).recipient(symmetric).recipient(x25519).recipient(kms).build();
  }

  // [SIV-1], [SIV-3]: the writer's per-identity DEK cache is bounded; past its size it derives
  // again, with the same result, so a writer serving many topics neither grows nor changes output.
  @Test
  void siv1_perContextDekCacheIsBoundedAndTransparent() throws Exception {
    Encryptor enc = sivBuilder(keyring(2), new SecureRandom()).build();
    Encryptor fresh = sivBuilder(keyring(2), new SecureRandom()).build();
    byte[] first = enc.encrypt("k".getBytes(), EncryptionContext.of("topic", "t0"));
    for (int i = 1; i <= Encryptor.SIV_CACHE_CAPACITY + 10; i++) {
      enc.encrypt("k".getBytes(), EncryptionContext.of("topic", "t" + i));
    }
    byte[] again = enc.encrypt("k".getBytes(), EncryptionContext.of("topic", "t0"));
    assertArrayEquals(first, again);
    assertArrayEquals(first, fresh.encrypt("k".getBytes(), EncryptionContext.of("topic", "t0")));
  }

  // [SIV-2]: RFC 5297 2.6 splits the 64-byte K_msg: K1, the leftmost 32 bytes, is the S2V (CMAC)
  // key, K2 the CTR key. With an empty plaintext the whole body is V = S2V(K1, AAD, ""), computed
  // here from AES-CMAC alone, so the codec's use of the halves is pinned (the Python port computes
  // the same S2V with key[:32]).
  @Test
  void siv2_leftHalfOfKMsgIsTheS2vKey() throws Exception {
    Encryptor enc = sivBuilder(keyring(2), new SecureRandom()).build();
    EncryptionContext external = EncryptionContext.of("topic", "t");
    byte[] env = enc.encrypt(new byte[0], external);
    EnvelopeHeader h = EnvelopeHeader.parse(env);
    byte[] external0 = {1, 5, 't', 'o', 'p', 'i', 'c', 0, 1, 't'};
    byte[] dek = IndependentCrypto.deterministicDek(
        KEK_ORDERS_2, new String[] {"orders", "audit"}, new int[] {2, 1}, new byte[] {0}, external0);
    byte[] kMsg = IndependentCrypto.hkdf("sealpost/v1".getBytes(java.nio.charset.StandardCharsets.US_ASCII), dek,
        "sealpost/v1 key\u0000\u0003".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), 64);
    byte[] aad = Arrays.copyOf(env, h.headerLength() + external0.length);
    System.arraycopy(external0, 0, aad, h.headerLength(), external0.length);
    com.google.crypto.tink.subtle.PrfAesCmac cmac =
        new com.google.crypto.tink.subtle.PrfAesCmac(Arrays.copyOfRange(kMsg, 0, 32));
    // S2V(K, AD, ""): D = CMAC(0^128); D = dbl(D) xor CMAC(AD); V = CMAC(dbl(D) xor 10^127).
    byte[] d = cmac.compute(new byte[16], 16);
    d = xor(dbl(d), cmac.compute(aad, 16));
    byte[] last = dbl(d);
    last[0] ^= (byte) 0x80;
    byte[] v = cmac.compute(last, 16);
    assertArrayEquals(v, Arrays.copyOfRange(env, h.headerLength(), env.length));
  }

  /** Doubling in GF(2^128) (RFC 5297 2.3). */
  private static byte[] dbl(byte[] in) {
    byte[] out = new byte[16];
    for (int i = 0; i < 16; i++) {
      out[i] = (byte) ((in[i] << 1) | (i < 15 ? (in[i + 1] & 0xFF) >>> 7 : 0));
    }
    if ((in[0] & 0x80) != 0) {
      out[15] ^= (byte) 0x87;
    }
    return out;
  }

  private static byte[] xor(byte[] a, byte[] b) {
    byte[] out = new byte[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = (byte) (a[i] ^ b[i]);
    }
    return out;
  }
}
