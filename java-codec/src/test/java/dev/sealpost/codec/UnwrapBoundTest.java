package dev.sealpost.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sealpost.codec.dek.DekKeys;
import dev.sealpost.codec.format.HeaderWriter;
import dev.sealpost.codec.format.RecipientEntry;
import dev.sealpost.codec.internal.EnvelopeSealer;
import dev.sealpost.codec.keys.KekSource;
import dev.sealpost.codec.keys.Keyring;
import dev.sealpost.codec.kms.TestKms;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Issue 8, finding 2: a hostile envelope costs at most what an honest one costs. [RCP-7]
 * duplicates are malformed, [RCP-8] at most 2 unwrap attempts and only an outage moves on,
 * [COM-4] no second entry after a commitment mismatch, and a short failure cache. Attempts are
 * counted at the key sources, not inferred from the codec.
 */
class UnwrapBoundTest {
  private static final byte[] PT = "payload".getBytes();
  private static final byte[] DEK = TestKeys.pattern(51, 32);
  private static final byte[] OTHER_DEK = TestKeys.pattern(52, 32);
  private static final String PREFIX = "test-kms://acct/";

  /** A keyring that counts how often a KEK is handed out, i.e. unwrap attempts. */
  static final class CountingKeks implements KekSource {
    final Keyring ring;
    final AtomicInteger fetches = new AtomicInteger();

    CountingKeks(Keyring ring) {
      this.ring = ring;
    }

    @Override
    public int currentVersion(String keyId) throws SealpostException {
      return ring.currentVersion(keyId);
    }

    @Override
    public Optional<byte[]> kek(String keyId, int version) throws SealpostException {
      fetches.incrementAndGet();
      return ring.kek(keyId, version);
    }

    @Override
    public boolean holds(String keyId, int version) throws SealpostException {
      return ring.holds(keyId, version);
    }
  }

  private static CountingKeks ordersVersions(int n) throws SealpostException {
    Keyring.Builder b = Keyring.builder();
    for (int v = 1; v <= n; v++) {
      b.add("orders", v, TestKeys.pattern(60 + v, 32), v == 1);
    }
    return new CountingKeks(b.build());
  }

  private static CountingKms kmsWithKeys(int n) throws SealpostException {
    Map<String, byte[]> keys = new HashMap<>();
    for (int i = 0; i < n; i++) {
      keys.put(PREFIX + i, TestKeys.pattern(100 + i, 32));
    }
    return new CountingKms(TestKms.of(keys, new SecureRandom()));
  }

  private static byte[] junk(int n, int seed) {
    return TestKeys.pattern(seed, n);
  }

  /** An AES-256-GCM envelope committing to {@code dek}, body under {@code dek}, entries as given. */
  static byte[] envelope(List<RecipientEntry> entries, byte[] dek) throws GeneralSecurityException {
    DekKeys keys = DekKeys.derive(Suite.AES_256_GCM, dek);
    byte[] prefix = HeaderWriter.prefix(Suite.AES_256_GCM, entries, keys.commitment(), EncryptionContext.empty());
    byte[] nonce = new byte[12];
    new SecureRandom().nextBytes(nonce); // the JDK refuses a repeated GCM nonce under one key
    return EnvelopeSealer.seal(keys, prefix, nonce, new byte[] {0}, PT, 0, PT.length);
  }

  private static RecipientEntry kw(String id, int version, byte[] kek, byte[] dek) throws GeneralSecurityException {
    return new RecipientEntry(RecipientType.SYMMETRIC, id, version, IndependentCrypto.aesKwWrap(kek, dek));
  }

  private static ErrorCategory failure(Decryptor d, byte[] env) {
    return assertThrows(SealpostException.class, () -> d.decrypt(env)).category();
  }

  // [RCP-7]: 32 entries repeating one reference are malformed before any unwrap; for type 03 the
  // version does not matter, for the others it does.
  @Test
  void rcp7_duplicateReferencesAreMalformedBeforeAnyUnwrap() throws Exception {
    CountingKms kms = kmsWithKeys(1);
    List<RecipientEntry> sameUri = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      sameUri.add(new RecipientEntry(RecipientType.KMS, PREFIX + 0, i, junk(60, i)));
    }
    Decryptor reader = Decryptor.builder().kmsClient(kms).kmsKeyUriPrefix(PREFIX).build();
    assertEquals(ErrorCategory.MALFORMED_HEADER, failure(reader, envelope(sameUri, DEK)));
    assertEquals(0, kms.unwraps.get());

    CountingKeks keks = ordersVersions(1);
    Decryptor symReader = Decryptor.builder().kekSource(keks).build();
    List<RecipientEntry> sameTriple = List.of(
        new RecipientEntry(RecipientType.SYMMETRIC, "orders", 1, junk(40, 1)),
        new RecipientEntry(RecipientType.SYMMETRIC, "orders", 1, junk(40, 2)));
    assertEquals(ErrorCategory.MALFORMED_HEADER, failure(symReader, envelope(sameTriple, DEK)));
    List<RecipientEntry> unknownType = List.of(
        new RecipientEntry(0x80, "vendor", 7, junk(5, 1)), kw("orders", 1, TestKeys.pattern(61, 32), DEK),
        new RecipientEntry(0x80, "vendor", 7, junk(9, 2)));
    assertEquals(ErrorCategory.MALFORMED_HEADER, failure(symReader, envelope(unknownType, DEK)));
    assertEquals(0, keks.fetches.get());
    // Same key id, other version or other type: not a repeat.
    List<RecipientEntry> versions = List.of(
        kw("orders", 1, TestKeys.pattern(61, 32), DEK), kw("orders", 2, junk(32, 9), DEK),
        new RecipientEntry(RecipientType.X25519_HPKE, "orders", 1, junk(80, 3)));
    assertArrayEquals(PT, symReader.decrypt(envelope(versions, DEK)));
  }

  // [RCP-8], finding 2: 32 distinct hostile entries, all held, cost one unwrap attempt.
  @Test
  void rcp8_thirtyTwoHostileHeldEntriesCostOneAttempt() throws Exception {
    CountingKms kms = kmsWithKeys(32);
    List<RecipientEntry> entries = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      entries.add(new RecipientEntry(RecipientType.KMS, PREFIX + i, 0, junk(60, i)));
    }
    Decryptor reader = Decryptor.builder().kmsClient(kms).kmsKeyUriPrefix(PREFIX).dekCacheCapacity(0).build();
    assertEquals(ErrorCategory.UNWRAP_FAILED, failure(reader, envelope(entries, DEK)));
    assertEquals(1, kms.unwraps.get(), "one KMS call, not 32");

    CountingKeks keks = ordersVersions(32);
    List<RecipientEntry> sym = new ArrayList<>();
    for (int v = 1; v <= 32; v++) {
      sym.add(new RecipientEntry(RecipientType.SYMMETRIC, "orders", v, junk(40, v)));
    }
    Decryptor symReader = Decryptor.builder().kekSource(keks).dekCacheCapacity(0).build();
    assertEquals(ErrorCategory.UNWRAP_FAILED, failure(symReader, envelope(sym, DEK)));
    assertEquals(1, keks.fetches.get(), "one AES-KW unwrap, not 32");
  }

  // [RCP-8]: a verdict on the first held entry ends step 11, even when a later entry would unwrap.
  @Test
  void rcp8_firstHeldEntryDecidesNoFallbackAfterAVerdict() throws Exception {
    byte[] ordersKek = TestKeys.pattern(61, 32);
    byte[] auditKek = TestKeys.pattern(62, 32);
    byte[] env = envelope(List.of(
        new RecipientEntry(RecipientType.SYMMETRIC, "audit", 1, junk(40, 7)), kw("orders", 1, ordersKek, DEK)), DEK);
    Keyring both = Keyring.builder().add("audit", 1, auditKek).add("orders", 1, ordersKek).build();
    assertEquals(ErrorCategory.UNWRAP_FAILED, failure(Decryptor.builder().kekSource(both).build(), env));
    Keyring onlyOrders = Keyring.builder().add("orders", 1, ordersKek).build();
    assertArrayEquals(PT, Decryptor.builder().kekSource(onlyOrders).build().decrypt(env));
  }

  // [RCP-8]: only an unavailable key service moves on, for at most 2 attempts in all.
  @Test
  void rcp8_outageMovesOnAtMostTwice() throws Exception {
    CountingKms kms = kmsWithKeys(3);
    kms.down = true;
    byte[] ordersKek = TestKeys.pattern(61, 32);
    Keyring orders = Keyring.builder().add("orders", 1, ordersKek).build();
    Decryptor reader =
        Decryptor.builder().kmsClient(kms).kmsKeyUriPrefix(PREFIX).kekSource(orders).dekCacheCapacity(0).build();
    RecipientEntry k0 = new RecipientEntry(RecipientType.KMS, PREFIX + 0, 0, junk(60, 1));
    RecipientEntry k1 = new RecipientEntry(RecipientType.KMS, PREFIX + 1, 0, junk(60, 2));
    RecipientEntry k2 = new RecipientEntry(RecipientType.KMS, PREFIX + 2, 0, junk(60, 3));
    RecipientEntry good = kw("orders", 1, ordersKek, DEK);

    assertArrayEquals(PT, reader.decrypt(envelope(List.of(k0, good), DEK)), "outage, then a served entry");
    assertEquals(1, kms.unwraps.get());
    assertEquals(ErrorCategory.KEY_SERVICE_FAILURE, failure(reader, envelope(List.of(k0, k1, good), DEK)));
    assertEquals(3, kms.unwraps.get(), "two attempts; the third held entry is not tried");
    assertEquals(ErrorCategory.KEY_SERVICE_FAILURE, failure(reader, envelope(List.of(k0, k1, k2), DEK)));
    assertEquals(5, kms.unwraps.get());
    assertEquals(ErrorCategory.UNWRAP_FAILED, failure(reader, envelope(
        List.of(k0, new RecipientEntry(RecipientType.SYMMETRIC, "orders", 1, junk(40, 4))), DEK)));
    // The caches do not stretch the bound: after two outages a third entry that failed before
    // (failure cache) or unwrapped before (DEK cache) is not considered.
    Decryptor cached = Decryptor.builder().kmsClient(kms).kmsKeyUriPrefix(PREFIX).kekSource(orders).build();
    RecipientEntry bad = new RecipientEntry(RecipientType.SYMMETRIC, "orders", 1, junk(40, 5));
    assertEquals(ErrorCategory.UNWRAP_FAILED, failure(cached, envelope(List.of(bad), DEK)));
    assertEquals(ErrorCategory.KEY_SERVICE_FAILURE, failure(cached, envelope(List.of(k0, k1, bad), DEK)));
    byte[] goodOnly = envelope(List.of(good), DEK);
    assertArrayEquals(PT, cached.decrypt(goodOnly));
    assertEquals(ErrorCategory.KEY_SERVICE_FAILURE, failure(cached, envelope(List.of(k0, k1, good), DEK)));
    // [RCP-10]: never remembered, the same outage is tried again by the next envelope.
    int before = kms.unwraps.get();
    assertEquals(ErrorCategory.KEY_SERVICE_FAILURE, failure(cached, envelope(List.of(k0), DEK)));
    assertEquals(ErrorCategory.KEY_SERVICE_FAILURE, failure(cached, envelope(List.of(k0), DEK)));
    assertEquals(before + 2, kms.unwraps.get());
  }

  // [COM-4], [COM-3]: the first held entry's DEK is final; a commitment mismatch does not send the
  // reader to the next entry, even one that wraps the committed DEK.
  @Test
  void com4_noSecondEntryAfterCommitmentMismatch() throws Exception {
    CountingKeks keks = new CountingKeks(Keyring.builder()
        .add("audit", 1, TestKeys.pattern(62, 32)).add("orders", 1, TestKeys.pattern(61, 32)).build());
    byte[] env = envelope(List.of(
        kw("audit", 1, TestKeys.pattern(62, 32), OTHER_DEK), kw("orders", 1, TestKeys.pattern(61, 32), DEK)), DEK);
    Decryptor reader = Decryptor.builder().kekSource(keks).build();
    assertEquals(ErrorCategory.COMMITMENT_MISMATCH, failure(reader, env));
    assertEquals(1, keks.fetches.get());
    // Cached DEK of the first entry: still checked against the commitment, still final [COM-3].
    assertEquals(ErrorCategory.COMMITMENT_MISMATCH, failure(reader, env));
  }

  // Failure cache: an entry that failed with unwrap-failed fails again at once, for 60 s at most.
  @Test
  void failedUnwrapIsRememberedBriefly() throws Exception {
    CountingKms kms = kmsWithKeys(1);
    AtomicLong now = new AtomicLong();
    Decryptor reader = Decryptor.builder().kmsClient(kms).kmsKeyUriPrefix(PREFIX).nanoClock(now::get).build();
    byte[] env = envelope(List.of(new RecipientEntry(RecipientType.KMS, PREFIX + 0, 0, junk(60, 5))), DEK);
    for (int i = 0; i < 5; i++) {
      assertEquals(ErrorCategory.UNWRAP_FAILED, failure(reader, env));
    }
    assertEquals(1, kms.unwraps.get());
    byte[] otherJunk = envelope(List.of(new RecipientEntry(RecipientType.KMS, PREFIX + 0, 0, junk(60, 6))), DEK);
    assertEquals(ErrorCategory.UNWRAP_FAILED, failure(reader, otherJunk));
    assertEquals(2, kms.unwraps.get(), "exact entry only: other wrapped bytes are tried");
    now.addAndGet(TimeUnit.SECONDS.toNanos(60));
    assertEquals(ErrorCategory.UNWRAP_FAILED, failure(reader, env));
    assertEquals(3, kms.unwraps.get(), "forgotten after 60 s");
  }
}
