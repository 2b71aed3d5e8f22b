package dev.sealpost.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.crypto.tink.subtle.AesSiv;
import dev.sealpost.codec.format.EnvelopeHeader;
import dev.sealpost.codec.keys.Keyring;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Issue 8, finding 1, replayed end to end: with the old [SIV-1] every deterministic envelope whose
 * first recipient was {@code shared} v1 had the same DEK, so team A, a recipient of
 * {@code [shared, teamA]} record keys, read and forged {@code [shared, teamB]} ones. With the DEK
 * bound to the recipient set and both contexts [SIV-1], each step of that attack fails.
 */
class DeterministicAttackRegressionTest {
  private static final byte[] SHARED = TestKeys.pattern(41, 32);
  private static final byte[] TEAM_A = TestKeys.pattern(42, 32);
  private static final byte[] TEAM_B = TestKeys.pattern(43, 32);
  private static final byte[] SECRET_KEY = "customer-4711-secret-id".getBytes(StandardCharsets.UTF_8);

  private static Keyring ring(Object... idAndKey) throws SealpostException {
    Keyring.Builder b = Keyring.builder();
    for (int i = 0; i < idAndKey.length; i += 2) {
      b.add((String) idAndKey[i], 1, (byte[]) idAndKey[i + 1]);
    }
    return b.build();
  }

  private static Encryptor writer(Keyring keys, String... ids) throws SealpostException {
    Encryptor.Builder b = Encryptor.builder().suite(Suite.AES_256_SIV);
    for (String id : ids) {
      b.recipient(Recipient.symmetric(keys, id));
    }
    return b.build();
  }

  /** K_msg of SPEC.md 5.2 for suite 0003, computed outside the codec. */
  private static byte[] kMsg(byte[] dek) throws GeneralSecurityException {
    return IndependentCrypto.hkdf("sealpost/v1".getBytes(StandardCharsets.US_ASCII), dek,
        new byte[] {'s', 'e', 'a', 'l', 'p', 'o', 's', 't', '/', 'v', '1', ' ', 'k', 'e', 'y', 0, 3}, 64);
  }

  // [SIV-1], [COM-2], [AUTH-2]: the attack of finding 1, step by step.
  @Test
  void siv1_teamACannotReadOrForgeTeamBRecordKeys() throws Exception {
    Keyring all = ring("shared", SHARED, "team-a", TEAM_A, "team-b", TEAM_B);
    EncryptionContext topicA = EncryptionContext.of("topic", "orders-a");
    EncryptionContext topicB = EncryptionContext.of("topic", "orders-b");
    byte[] envA = writer(all, "shared", "team-a").encrypt(SECRET_KEY, topicA);
    byte[] envB = writer(all, "shared", "team-b").encrypt(SECRET_KEY, topicB);
    byte[] envSharedOnly = writer(all, "shared").encrypt(SECRET_KEY, topicB);

    // Team A holds its own KEK and legitimately reads its envelope, learning DEK_A.
    Decryptor teamA = Decryptor.builder().kekSource(ring("team-a", TEAM_A)).build();
    assertArrayEquals(SECRET_KEY, teamA.decrypt(envA, topicA));
    EnvelopeHeader headerA = EnvelopeHeader.parse(envA);
    byte[] dekA = IndependentCrypto.aesKwUnwrap(TEAM_A, headerA.recipients().get(1).wrappedDek());

    // Step 1: DEK_A is not the DEK of team B's envelope, nor of a shared-only one: other commitment.
    for (byte[] other : new byte[][] {envB, envSharedOnly}) {
      assertFalse(Arrays.equals(IndependentCrypto.commitment(dekA, 3), EnvelopeHeader.parse(other).commitment()));
    }
    // Step 2: decrypting team B's body with DEK_A fails (AES-SIV authentication).
    for (byte[] other : new byte[][] {envB, envSharedOnly}) {
      EnvelopeHeader h = EnvelopeHeader.parse(other);
      byte[] aad = cat(Arrays.copyOf(other, h.headerLength()), topicB.encode());
      byte[] body = Arrays.copyOfRange(other, h.headerLength(), other.length);
      assertThrows(GeneralSecurityException.class, () -> new AesSiv(kMsg(dekA)).decryptDeterministically(body, aad));
    }
    // Step 3: team A's reader has no key for team B's envelope at all.
    assertEquals(ErrorCategory.NO_MATCHING_KEY,
        assertThrows(SealpostException.class, () -> teamA.decrypt(envB, topicB)).category());

    // Step 4: forging for team B with DEK_A. Team B's entries wrap DEK_B, so a forged envelope that
    // keeps them fails: with the commitment of DEK_A on the commitment, with B's commitment on the body.
    Decryptor teamB = Decryptor.builder().kekSource(ring("shared", SHARED, "team-b", TEAM_B)).build();
    byte[] forgedKey = "customer-0001-forged".getBytes(StandardCharsets.UTF_8);
    EnvelopeHeader hb = EnvelopeHeader.parse(envB);
    byte[] headerB = Arrays.copyOf(envB, hb.headerLength());
    int commitmentOffset = hb.headerLength() - 32 - 1; // commitment, then the empty stored context, no nonce
    assertArrayEquals(hb.commitment(), Arrays.copyOfRange(headerB, commitmentOffset, commitmentOffset + 32));
    byte[] forgedHeader = headerB.clone();
    System.arraycopy(IndependentCrypto.commitment(dekA, 3), 0, forgedHeader, commitmentOffset, 32);
    byte[] forged = cat(forgedHeader,
        new AesSiv(kMsg(dekA)).encryptDeterministically(forgedKey, cat(forgedHeader, topicB.encode())));
    assertEquals(ErrorCategory.COMMITMENT_MISMATCH,
        assertThrows(SealpostException.class, () -> teamB.decrypt(forged, topicB)).category());
    byte[] forgedBody = cat(headerB,
        new AesSiv(kMsg(dekA)).encryptDeterministically(forgedKey, cat(headerB, topicB.encode())));
    assertEquals(ErrorCategory.AUTHENTICATION_FAILED,
        assertThrows(SealpostException.class, () -> teamB.decrypt(forgedBody, topicB)).category());
    // Team B still reads the genuine envelope.
    assertArrayEquals(SECRET_KEY, teamB.decrypt(envB, topicB));
  }

  /**
   * [SIV-4], the residual forgery of SPEC.md 13.4: team A keeps the header of a genuine
   * {@code [shared, team-a]} envelope for topic A (its commitment is that of DEK_A, which team A
   * unwraps) and writes, under DEK_A, a body that authenticates for topic B. The AEAD and the
   * commitment both hold; only the recomputation of the DEK from the header and the external
   * context, which needs KEK_1 ({@code shared}), shows that DEK_A is not topic B's DEK.
   */
  @Test
  void siv4_readerHoldingFirstKekRefusesHeaderReusedForAnotherContext() throws Exception {
    Keyring all = ring("shared", SHARED, "team-a", TEAM_A);
    EncryptionContext topicA = EncryptionContext.of("topic", "orders-a");
    EncryptionContext topicB = EncryptionContext.of("topic", "orders-b");
    byte[] envA = writer(all, "shared", "team-a").encrypt(SECRET_KEY, topicA);
    byte[] envB = writer(all, "shared", "team-a").encrypt(SECRET_KEY, topicB);

    // Team A, outside the codec: unwrap DEK_A from its own entry, keep the header, re-seal for topic B.
    EnvelopeHeader h = EnvelopeHeader.parse(envA);
    byte[] dekA = IndependentCrypto.aesKwUnwrap(TEAM_A, h.recipients().get(1).wrappedDek());
    byte[] header = Arrays.copyOf(envA, h.headerLength());
    byte[] forgedKey = "customer-0001-forged".getBytes(StandardCharsets.UTF_8);
    byte[] forged = cat(header, new AesSiv(kMsg(dekA)).encryptDeterministically(forgedKey, cat(header, topicB.encode())));
    // It is well formed, its commitment is DEK_A's, and its body authenticates under DEK_A for topic B.
    assertArrayEquals(IndependentCrypto.commitment(dekA, 3), EnvelopeHeader.parse(forged).commitment());
    assertFalse(Arrays.equals(envB, forged)); // topic B's genuine envelope has another DEK, another header

    // Readers holding KEK_1 (shared) refuse it: with and without the DEK cache, first in a fresh
    // reader, and after the same entry was verified for topic A (the remembered verification is
    // per header and context, never reused for another context).
    for (int capacity : new int[] {1024, 0}) {
      Decryptor fresh = Decryptor.builder().kekSource(ring("shared", SHARED)).dekCacheCapacity(capacity).build();
      assertEquals(ErrorCategory.AUTHENTICATION_FAILED,
          assertThrows(SealpostException.class, () -> fresh.decrypt(forged, topicB)).category());
      assertArrayEquals(SECRET_KEY, fresh.decrypt(envA, topicA));

      Decryptor warm = Decryptor.builder()
          .kekSource(ring("shared", SHARED, "team-a", TEAM_A)).dekCacheCapacity(capacity).build();
      assertArrayEquals(SECRET_KEY, warm.decrypt(envA, topicA));
      assertArrayEquals(SECRET_KEY, warm.decrypt(envA, topicA));
      assertEquals(ErrorCategory.AUTHENTICATION_FAILED,
          assertThrows(SealpostException.class, () -> warm.decrypt(forged, topicB)).category());
      assertArrayEquals(SECRET_KEY, warm.decrypt(envB, topicB));
      assertArrayEquals(SECRET_KEY, warm.decrypt(envA, topicA));
      assertEquals(ErrorCategory.AUTHENTICATION_FAILED,
          assertThrows(SealpostException.class, () -> warm.decrypt(forged, topicB)).category());
    }

    // The limit [SIV-4] states: a reader holding only team-a (not KEK_1) gets DEK_A from the second
    // entry, cannot recompute the DEK, and accepts the forgery; writer authentication is the
    // answer for it (SPEC.md 13.4). This assertion documents the limit, it is not a wish.
    Decryptor teamAOnly = Decryptor.builder().kekSource(ring("team-a", TEAM_A)).build();
    assertArrayEquals(forgedKey, teamAOnly.decrypt(forged, topicB));
  }

  private static byte[] cat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
