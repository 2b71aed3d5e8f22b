package dev.sealpost.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealpost.codec.format.EnvelopeHeader;
import dev.sealpost.codec.format.RecipientEntry;
import dev.sealpost.codec.internal.Bytes;
import dev.sealpost.codec.internal.Hkdf;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What every writer must do, checked on the reference encryptor's output. */
class WriterRulesTest {
  private static final byte[] PLAINTEXT = "a payment of 12.50".getBytes();

  private static Encryptor encryptor(Suite suite, Recipient... recipients) throws SealpostException {
    Encryptor.Builder b = Encryptor.builder().suite(suite);
    for (Recipient r : recipients) {
      b.recipient(r);
    }
    return b.build();
  }

  /** [SUITE-1] the default suite is AES-256-GCM; [EXT-1] only registered ids are written. */
  @Test
  void writesRegisteredSuiteAndTypesDefaultingToAesGcm() throws Exception {
    Encryptor byDefault = Encryptor.builder().recipient(Recipient.symmetric(TestKeys.keyring(), "orders")).build();
    assertEquals(Suite.AES_256_GCM, byDefault.suite());
    EnvelopeHeader h = EnvelopeHeader.parse(byDefault.encrypt(PLAINTEXT));
    assertEquals(0x0001, h.suite().id());
    Set<Integer> registeredSuites =
        Set.of(0x0001, 0x0002, 0x0003, 0x0101, 0x0102, 0x0103, 0x0201, 0x0202, 0x0301, 0x0302, 0x0401, 0x0402, 0x0501, 0x0502);
    Set<Integer> registeredTypes = Set.of(0x01, 0x02, 0x03);
    for (Suite s : Suite.values()) {
      assertTrue(registeredSuites.contains(s.id()), s + " is not registered in SPEC.md section 4");
    }
    for (RecipientType t : RecipientType.values()) {
      assertTrue(registeredTypes.contains(t.id()), t + " is not registered in SPEC.md section 6");
    }
    Encryptor all = encryptor(Suite.CHACHA20_POLY1305, Recipient.symmetric(TestKeys.keyring(), "orders"),
        Recipient.x25519("consumer-a", 1, TestKeys.consumerKey().publicKey()), Recipient.kms(TestKeys.kms(), TestKeys.KMS_URI));
    for (RecipientEntry r : EnvelopeHeader.parse(all.encrypt(PLAINTEXT)).recipients()) {
      assertTrue(registeredTypes.contains(r.typeId()));
    }
  }

  /** [COM-1], [KDF-1]: the header carries HKDF(DEK, "sealpost/v1 commit" || suite) for every suite. */
  @Test
  void headerCommitsToTheDekUnderEverySuite() throws Exception {
    for (Suite suite : new Suite[] {Suite.AES_256_GCM, Suite.CHACHA20_POLY1305, Suite.AES_256_SIV}) {
      byte[] dek = new byte[32];
      Arrays.fill(dek, (byte) (suite.id() * 3));
      Encryptor enc = Encryptor.builder().suite(suite).recipient(Recipient.symmetric(TestKeys.keyring(), "orders"))
          .random(new FixedRandom(dek)).build();
      EnvelopeHeader h = EnvelopeHeader.parse(enc.encrypt(PLAINTEXT));
      byte[] expectedDek = suite.randomized() ? dek : unwrap(h);
      byte[] prk = Hkdf.extract(Bytes.ascii("sealpost/v1"), expectedDek);
      byte[] commitment = Hkdf.expand(prk, Bytes.concat(Bytes.ascii("sealpost/v1 commit"), Bytes.u16(suite.id())), 32);
      assertArrayEquals(commitment, h.commitment(), suite.toString());
    }
  }

  private static byte[] unwrap(EnvelopeHeader h) throws Exception {
    RecipientEntry r = h.recipients().get(0);
    return dev.sealpost.codec.recipient.AesKeyWrap.unwrap(TestKeys.keyring().kek(r.keyId(), r.keyVersion()).get(), r.wrappedDek());
  }

  /** [HPKE-2]: every wrap draws a fresh ephemeral key, so each DEK's enc differs. */
  @Test
  void everyHpkeWrapUsesAFreshEphemeralKey() throws Exception {
    Encryptor enc = Encryptor.builder().recipient(Recipient.x25519("consumer-a", 1, TestKeys.consumerKey().publicKey())).build();
    Set<String> encs = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      enc.rotateNow();
      byte[] wrapped = EnvelopeHeader.parse(enc.encrypt(PLAINTEXT)).recipients().get(0).wrappedDek();
      assertTrue(encs.add(Bytes.hex(Arrays.copyOf(wrapped, 32))), "an HPKE enc repeated");
    }
  }

  /** [ENC-2]: refusals carry the category a reader would report for such bytes. */
  @Test
  void writerRefusalsHaveReaderCategories() throws Exception {
    assertEquals(ErrorCategory.MALFORMED_HEADER,
        assertThrows(SealpostException.class, () -> EncryptionContext.of(Map.of("", "v"))).category());
    String tooLong = "x".repeat(1025);
    assertEquals(ErrorCategory.LIMIT_EXCEEDED,
        assertThrows(SealpostException.class, () -> EncryptionContext.of(Map.of("k", tooLong))).category());
    Encryptor.Builder many = Encryptor.builder();
    for (int i = 0; i < 33; i++) {
      many.recipient(Recipient.symmetric(TestKeys.keyring(), "orders"));
    }
    assertEquals(ErrorCategory.LIMIT_EXCEEDED, assertThrows(SealpostException.class, many::build).category());
    assertEquals(ErrorCategory.MALFORMED_HEADER,
        assertThrows(SealpostException.class, () -> Encryptor.builder().build()).category());
    SealpostException siv = assertThrows(SealpostException.class, () -> encryptor(Suite.AES_256_SIV,
        Recipient.x25519("consumer-a", 1, TestKeys.consumerKey().publicKey())));
    assertEquals(ErrorCategory.MALFORMED_HEADER, siv.category()); // [SUITE-4]
    Encryptor small = Encryptor.builder().recipient(Recipient.symmetric(TestKeys.keyring(), "orders")).maxPlaintextLength(4).build();
    assertEquals(ErrorCategory.LIMIT_EXCEEDED, assertThrows(SealpostException.class, () -> small.encrypt(new byte[5])).category());
  }

  /** [AUTH-3]: a failed decryption releases nothing: no return value, the input left untouched. */
  @Test
  void failedDecryptionReleasesNothing() throws Exception {
    Encryptor enc = encryptor(Suite.AES_256_GCM, Recipient.symmetric(TestKeys.keyring(), "orders"));
    byte[] envelope = enc.encrypt(PLAINTEXT);
    Decryptor dec = Decryptor.builder().kekSource(TestKeys.keyring()).build();
    for (int i = 0; i < envelope.length; i++) {
      byte[] tampered = envelope.clone();
      tampered[i] ^= 0x01;
      byte[] before = tampered.clone();
      ByteBuffer buffer = ByteBuffer.wrap(tampered);
      assertThrows(SealpostException.class, () -> dec.decrypt(buffer, EncryptionContext.empty()));
      assertArrayEquals(before, tampered, "decryption wrote into its input");
      assertEquals(0, buffer.position());
      assertFalse(new String(tampered).contains("payment"));
    }
  }

  /** [COM-3]: a cached DEK does not skip the commitment comparison. */
  @Test
  void cachedDekStillChecksTheCommitment() throws Exception {
    Encryptor enc = encryptor(Suite.AES_256_GCM, Recipient.symmetric(TestKeys.keyring(), "orders"));
    Decryptor dec = Decryptor.builder().kekSource(TestKeys.keyring()).build();
    byte[] envelope = enc.encrypt(PLAINTEXT);
    assertArrayEquals(PLAINTEXT, dec.decrypt(envelope)); // fills the cache
    EnvelopeHeader h = EnvelopeHeader.parse(envelope);
    int commitmentOffset = h.headerLength() - h.nonce().length - h.storedContext().encode().length - 32;
    byte[] tampered = envelope.clone();
    tampered[commitmentOffset] ^= 0x40;
    assertNotEquals(Bytes.hex(h.commitment()), Bytes.hex(EnvelopeHeader.parse(tampered).commitment()));
    assertEquals(ErrorCategory.COMMITMENT_MISMATCH,
        assertThrows(SealpostException.class, () -> dec.decrypt(tampered)).category());
  }

  /** Returns the given bytes for the first draw, zeros after. */
  private static final class FixedRandom extends java.security.SecureRandom {
    private static final long serialVersionUID = 1L;
    private byte[] first;

    FixedRandom(byte[] first) {
      this.first = first;
    }

    @Override
    public void nextBytes(byte[] out) {
      if (first != null && out.length == first.length) {
        System.arraycopy(first, 0, out, 0, out.length);
        first = null;
      } else {
        Arrays.fill(out, (byte) 0x5A);
      }
    }
  }

  /** [HDR-4], [ENC-2]: strings that are not valid Unicode are refused, never rewritten to '?'. */
  @Test
  void unpairedSurrogatesAreRefused() {
    String broken = "key\uD800";
    assertEquals(ErrorCategory.MALFORMED_HEADER,
        assertThrows(SealpostException.class, () -> EncryptionContext.of(Map.of(broken, "v"))).category());
    assertEquals(ErrorCategory.MALFORMED_HEADER,
        assertThrows(SealpostException.class, () -> EncryptionContext.of(Map.of("k", broken))).category());
    assertEquals(ErrorCategory.MALFORMED_HEADER, assertThrows(SealpostException.class,
        () -> Encryptor.builder().recipient(Recipient.symmetric(TestKeys.keyring(), broken)).build()).category());
  }

  /** [DEK-6]: independent writers never share a DEK, even with identical configuration. */
  @Test
  void independentWritersHaveTheirOwnDeks() throws Exception {
    Set<String> commitments = new HashSet<>();
    for (int i = 0; i < 10; i++) {
      Encryptor e = encryptor(Suite.AES_256_GCM, Recipient.symmetric(TestKeys.keyring(), "orders"));
      assertTrue(commitments.add(Bytes.hex(EnvelopeHeader.parse(e.encrypt(PLAINTEXT)).commitment())),
          "two independent encryptors produced the same DEK");
    }
  }
}
