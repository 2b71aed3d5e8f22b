package dev.sealpost.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sealpost.codec.dek.DekPolicy;
import dev.sealpost.codec.dek.DekKeys;
import dev.sealpost.codec.format.EnvelopeHeader;
import dev.sealpost.codec.format.HeaderWriter;
import dev.sealpost.codec.format.RecipientEntry;
import dev.sealpost.codec.internal.EnvelopeSealer;
import dev.sealpost.codec.keys.Keyring;
import dev.sealpost.codec.kms.KmsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The reader's unwrapped-DEK cache and key-service behaviour (SPEC.md 5.3, 11). */
class DecryptorCacheTest {

  private static Encryptor kmsWriter(CountingKms kms, long maxMessages) throws SealpostException {
    return Encryptor.builder()
        .recipient(Recipient.kms(kms, TestKeys.KMS_URI))
        .dekPolicy(DekPolicy.of(maxMessages, Duration.ofHours(1)))
        .build();
  }

  /** Offset of the commitment: it sits right before the stored context and the nonce. */
  static int commitmentOffset(byte[] envelope) throws SealpostException {
    EnvelopeHeader h = EnvelopeHeader.parse(envelope);
    int offset = h.headerLength() - h.suite().nonceLength() - h.storedContext().encode().length - 32;
    assertArrayEquals(h.commitment(), Arrays.copyOfRange(envelope, offset, offset + 32), "commitment offset");
    return offset;
  }

  // [DEK-2] reader side: one KMS unwrap per DEK, however many messages share it.
  @Test
  void oneUnwrapPerDek() throws Exception {
    CountingKms kms = CountingKms.overTestKms();
    Encryptor enc = kmsWriter(kms, 25);
    List<byte[]> envelopes = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      envelopes.add(enc.encrypt(("m" + i).getBytes()));
    }
    assertEquals(4, kms.wraps.get(), "writer: one wrap per DEK");
    Decryptor dec = Decryptor.builder().kmsClient(kms).kmsKeyUri(TestKeys.KMS_URI).build();
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < envelopes.size(); i++) {
        assertArrayEquals(("m" + i).getBytes(), dec.decrypt(envelopes.get(i)));
      }
    }
    assertEquals(4, kms.unwraps.get());
  }

  /** Counts KEK fetches: each unwrap and each [SIV-4] recomputation fetches KEK_1 once. */
  private static final class CountingKeks implements dev.sealpost.codec.keys.KekSource {
    final dev.sealpost.codec.keys.KekSource inner;
    final java.util.concurrent.atomic.AtomicInteger fetches = new java.util.concurrent.atomic.AtomicInteger();

    CountingKeks(dev.sealpost.codec.keys.KekSource inner) {
      this.inner = inner;
    }

    @Override
    public int currentVersion(String keyId) throws SealpostException {
      return inner.currentVersion(keyId);
    }

    @Override
    public java.util.Optional<byte[]> kek(String keyId, int version) throws SealpostException {
      fetches.incrementAndGet();
      return inner.kek(keyId, version);
    }

    @Override
    public boolean holds(String keyId, int version) throws SealpostException {
      return inner.holds(keyId, version);
    }
  }

  // [SIV-4] off the hot path: the check runs once per (header, external context) for the last
  // entry; consecutive envelopes of one header and context fetch no KEK, any other pair does.
  @Test
  void siv4_recomputedOncePerHeaderAndContext() throws Exception {
    Keyring ring = Keyring.builder().add("shared", 1, TestKeys.pattern(51, 32)).add("team-a", 1, TestKeys.pattern(52, 32)).build();
    Encryptor enc = Encryptor.builder().suite(Suite.AES_256_SIV)
        .recipient(Recipient.symmetric(ring, "shared")).recipient(Recipient.symmetric(ring, "team-a")).build();
    EncryptionContext a = EncryptionContext.of("topic", "a");
    EncryptionContext b = EncryptionContext.of("topic", "b");
    CountingKeks keks = new CountingKeks(ring);
    Decryptor dec = Decryptor.builder().kekSource(keks).build();
    for (int i = 0; i < 10; i++) {
      assertArrayEquals(new byte[] {(byte) i}, dec.decrypt(enc.encrypt(new byte[] {(byte) i}, a), a));
    }
    assertEquals(2, keks.fetches.get(), "one unwrap and one recomputation for ten envelopes of one header and context");
    assertArrayEquals(new byte[] {1}, dec.decrypt(enc.encrypt(new byte[] {1}, b), b));
    assertEquals(4, keks.fetches.get(), "another context: its own entry, unwrapped and checked");
    assertArrayEquals(new byte[] {2}, dec.decrypt(enc.encrypt(new byte[] {2}, a), a));
    assertEquals(5, keks.fetches.get(), "back to the first context: cached DEK, checked again");
    assertArrayEquals(new byte[] {3}, dec.decrypt(enc.encrypt(new byte[] {3}, a), a));
    assertEquals(5, keks.fetches.get());
  }

  // Cache capacity 0 disables the cache: every message unwraps, and all still decrypt.
  @Test
  void cacheCapacityZeroUnwrapsEveryTime() throws Exception {
    CountingKms kms = CountingKms.overTestKms();
    Encryptor enc = kmsWriter(kms, 1000);
    Decryptor dec = Decryptor.builder().kmsClient(kms).kmsKeyUri(TestKeys.KMS_URI).dekCacheCapacity(0).build();
    for (int i = 0; i < 20; i++) {
      assertArrayEquals(new byte[] {(byte) i}, dec.decrypt(enc.encrypt(new byte[] {(byte) i})));
    }
    assertEquals(20, kms.unwraps.get());
  }

  // A tiny cache still decrypts everything; it only costs extra unwraps.
  @Test
  void cacheCapacityOneIsCorrect() throws Exception {
    CountingKms kms = CountingKms.overTestKms();
    Encryptor enc = kmsWriter(kms, 2);
    List<byte[]> envelopes = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      envelopes.add(enc.encrypt(new byte[] {(byte) i}));
    }
    Decryptor dec = Decryptor.builder().kmsClient(kms).kmsKeyUri(TestKeys.KMS_URI).dekCacheCapacity(1).build();
    for (int i = 11; i >= 0; i--) {
      assertArrayEquals(new byte[] {(byte) i}, dec.decrypt(envelopes.get(i)));
    }
  }

  // [COM-3], [COM-2]: after a cached decrypt, an envelope with the same recipient entry but a
  // modified commitment fails with commitment-mismatch, without a new unwrap (the cached path).
  @Test
  void com3_cachedPathStillComparesCommitment() throws Exception {
    CountingKms kms = CountingKms.overTestKms();
    Encryptor enc = Encryptor.builder()
        .recipient(Recipient.kms(kms, TestKeys.KMS_URI))
        .storedContext(EncryptionContext.of("tenant", "acme"))
        .build();
    byte[] first = enc.encrypt("first".getBytes());
    byte[] second = enc.encrypt("second".getBytes());
    Decryptor dec = Decryptor.builder().kmsClient(kms).kmsKeyUri(TestKeys.KMS_URI).build();
    assertArrayEquals("first".getBytes(), dec.decrypt(first));
    assertEquals(1, kms.unwraps.get());

    int at = commitmentOffset(second);
    for (int bit : new int[] {0, 7}) {
      for (int i : new int[] {0, 17, 31}) {
        byte[] tampered = second.clone();
        tampered[at + i] ^= (byte) (1 << bit);
        assertEquals(EnvelopeHeader.parse(second).recipients(), EnvelopeHeader.parse(tampered).recipients());
        SealpostException e = assertThrows(SealpostException.class, () -> dec.decrypt(tampered));
        assertEquals(ErrorCategory.COMMITMENT_MISMATCH, e.category(), "byte " + i + " bit " + bit);
      }
    }
    assertEquals(1, kms.unwraps.get(), "the tampered envelopes took the cached path");
    assertArrayEquals("second".getBytes(), dec.decrypt(second));

    // An uncached reader reports the same category [ERR-2].
    byte[] tampered = second.clone();
    tampered[at] ^= 1;
    SealpostException e = assertThrows(SealpostException.class,
        () -> Decryptor.builder().kmsClient(kms).kmsKeyUri(TestKeys.KMS_URI).dekCacheCapacity(0).build().decrypt(tampered));
    assertEquals(ErrorCategory.COMMITMENT_MISMATCH, e.category());
  }

  // [COM-3], [KDF-1]: the cache is per suite. The same entry under another suite id derives
  // another commitment, so the cached reader must fail exactly as an uncached one does.
  @Test
  void com3_cacheDoesNotCrossSuites() throws Exception {
    Keyring keyring = TestKeys.keyring();
    Encryptor enc = Encryptor.builder().recipient(Recipient.symmetric(keyring, "orders")).build();
    byte[] env = enc.encrypt("x".getBytes());
    byte[] otherSuite = env.clone();
    otherSuite[5] = 0x02; // suite 0001 -> 0002, same nonce length, same entries
    assertEquals(Suite.CHACHA20_POLY1305, EnvelopeHeader.parse(otherSuite).suite());

    Decryptor cached = Decryptor.builder().kekSource(keyring).build();
    cached.decrypt(env);
    SealpostException viaCache = assertThrows(SealpostException.class, () -> cached.decrypt(otherSuite));
    SealpostException uncached = assertThrows(SealpostException.class,
        () -> Decryptor.builder().kekSource(keyring).dekCacheCapacity(0).build().decrypt(otherSuite));
    assertEquals(ErrorCategory.COMMITMENT_MISMATCH, uncached.category());
    assertEquals(uncached.category(), viaCache.category());
  }

  // [CTX-4]: a required stored-context entry that is missing or different fails with
  // context-mismatch before any key is unwrapped.
  @Test
  void ctx4_contextMismatchBeforeAnyUnwrap() throws Exception {
    CountingKms kms = CountingKms.overTestKms();
    Encryptor enc = Encryptor.builder()
        .recipient(Recipient.kms(kms, TestKeys.KMS_URI))
        .storedContext(EncryptionContext.of(Map.of("tenant", "acme", "schema", "v2")))
        .build();
    byte[] env = enc.encrypt("p".getBytes());
    Decryptor dec = Decryptor.builder().kmsClient(kms).kmsKeyUri(TestKeys.KMS_URI).dekCacheCapacity(0).build();
    for (Map<String, String> required : List.of(
        Map.of("tenant", "other"), Map.of("region", "eu"), Map.of("tenant", "acme", "schema", "v3"),
        Map.of("tenant", "ACME"), Map.of("tenant", ""))) {
      SealpostException e = assertThrows(SealpostException.class,
          () -> dec.decrypt(env, 0, env.length, EncryptionContext.empty(), required));
      assertEquals(ErrorCategory.CONTEXT_MISMATCH, e.category(), required.toString());
    }
    assertEquals(0, kms.unwraps.get(), "no unwrap before the context check");
    assertArrayEquals("p".getBytes(),
        dec.decrypt(env, 0, env.length, EncryptionContext.empty(), Map.of("tenant", "acme")));
    assertArrayEquals("p".getBytes(),
        dec.decrypt(env, 0, env.length, EncryptionContext.empty(), Map.of("tenant", "acme", "schema", "v2")));
    assertEquals(2, kms.unwraps.get());
  }

  // A KMS outage is key-service-failure, not unwrap-failed, when no other entry yields the DEK;
  // another usable entry still decrypts; and the outage leaves nothing stale behind.
  @Test
  void kmsOutageSurfacesAsKeyServiceFailure() throws Exception {
    CountingKms kms = CountingKms.overTestKms();
    Keyring keyring = TestKeys.keyring();
    byte[] kmsOnly = kmsWriter(kms, 100).encrypt("k".getBytes());
    byte[] kmsThenSymmetric = Encryptor.builder()
        .recipient(Recipient.kms(kms, TestKeys.KMS_URI))
        .recipient(Recipient.symmetric(keyring, "orders"))
        .build()
        .encrypt("ks".getBytes());
    kms.down = true;

    Decryptor kmsReader = Decryptor.builder().kmsClient(kms).kmsKeyUri(TestKeys.KMS_URI).build();
    SealpostException e = assertThrows(SealpostException.class, () -> kmsReader.decrypt(kmsOnly));
    assertEquals(ErrorCategory.KEY_SERVICE_FAILURE, e.category());
    e = assertThrows(SealpostException.class, () -> kmsReader.decrypt(kmsThenSymmetric));
    assertEquals(ErrorCategory.KEY_SERVICE_FAILURE, e.category());

    // The symmetric entry after the failing KMS entry gives the DEK.
    assertArrayEquals("ks".getBytes(), Decryptor.builder().kekSource(keyring).build().decrypt(kmsThenSymmetric));
    Decryptor both = Decryptor.builder().kmsClient(kms).kmsKeyUri(TestKeys.KMS_URI).kekSource(keyring).build();
    assertArrayEquals("ks".getBytes(), both.decrypt(kmsThenSymmetric));

    // [RCP-8]: after the outage, the next held entry's verdict decides: unwrap-failed.
    Keyring wrongOrders = Keyring.builder().add("orders", 2, TestKeys.pattern(99, 32)).build();
    Decryptor wrongKek = Decryptor.builder().kmsClient(kms).kmsKeyUri(TestKeys.KMS_URI).kekSource(wrongOrders).build();
    e = assertThrows(SealpostException.class, () -> wrongKek.decrypt(kmsThenSymmetric));
    assertEquals(ErrorCategory.UNWRAP_FAILED, e.category());

    kms.down = false;
    assertArrayEquals("k".getBytes(), kmsReader.decrypt(kmsOnly));
  }

  // [RCP-5], [KMS-1]: a KMS entry is matched by its key URI alone, whatever version it names;
  // the writer names version 0 and stores the KMS ciphertext unchanged.
  @Test
  void rcp5_kmsEntryMatchedByUriAlone() throws Exception {
    CountingKms kms = CountingKms.overTestKms();
    EnvelopeHeader written = EnvelopeHeader.parse(kmsWriter(kms, 10).encrypt("w".getBytes()));
    assertEquals(0, written.recipients().get(0).keyVersion());
    byte[] dekFromBlob = IndependentCrypto.testKmsUnwrap(
        TestKeys.pattern(5, 32), TestKeys.KMS_URI, written.recipients().get(0).wrappedDek());
    assertArrayEquals(IndependentCrypto.commitment(dekFromBlob, 1), written.commitment());

    byte[] dek = TestKeys.pattern(40, 32);
    for (int version : new int[] {0, 5, -1}) {
      RecipientEntry entry = new RecipientEntry(RecipientType.KMS, TestKeys.KMS_URI, version, kms.wrapDek(TestKeys.KMS_URI, dek));
      DekKeys keys = DekKeys.derive(Suite.AES_256_GCM, dek);
      byte[] prefix = HeaderWriter.prefix(Suite.AES_256_GCM, List.of(entry), keys.commitment(), EncryptionContext.empty());
      byte[] pt = "versioned".getBytes();
      byte[] nonce = new byte[12];
      nonce[11] = (byte) version; // a distinct nonce per envelope under this DEK [NONCE-1]
      byte[] env = EnvelopeSealer.seal(keys, prefix, nonce, EncryptionContext.empty().encode(), pt, 0, pt.length);
      assertArrayEquals(pt, Decryptor.builder().kmsClient(kms).kmsKeyUri(TestKeys.KMS_URI).build().decrypt(env), "version " + version);
    }
  }

  // [KMS-2]: a KMS returning anything but 32 bytes is unwrap-failed.
  @Test
  void kms2_wrongLengthFromKmsIsUnwrapFailed() throws Exception {
    CountingKms kms = CountingKms.overTestKms();
    byte[] env = kmsWriter(kms, 10).encrypt("z".getBytes());
    for (int length : new int[] {0, 31, 33, 64}) {
      KmsClient liar = new KmsClient() {
        @Override
        public boolean supports(String keyUri) {
          return true;
        }

        @Override
        public byte[] wrapDek(String keyUri, byte[] dek) {
          throw new UnsupportedOperationException();
        }

        @Override
        public byte[] unwrapDek(String keyUri, byte[] wrappedDek) throws SealpostException {
          return Arrays.copyOf(kms.unwrapDek(keyUri, wrappedDek), length);
        }
      };
      SealpostException e = assertThrows(SealpostException.class,
          () -> Decryptor.builder().kmsClient(liar).kmsKeyUri(TestKeys.KMS_URI).build().decrypt(env));
      assertEquals(ErrorCategory.UNWRAP_FAILED, e.category(), length + " bytes");
    }
  }
}
