package dev.sealpost.codec.dek;

import dev.sealpost.codec.EncryptionContext;
import dev.sealpost.codec.Suite;
import dev.sealpost.codec.format.RecipientEntry;
import dev.sealpost.codec.internal.Bytes;
import dev.sealpost.codec.internal.Hkdf;
import dev.sealpost.codec.internal.SegmentCipher;
import dev.sealpost.codec.suite.PayloadKey;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What a DEK yields under one suite (SPEC.md 5.2): the payload key and the commitment.
 *
 * <pre>
 * PRK        = HKDF-Extract(salt = "sealpost/v1", ikm = DEK)
 * K_msg      = HKDF-Expand(PRK, "sealpost/v1 key"    || u16(suite-id), L)
 * commitment = HKDF-Expand(PRK, "sealpost/v1 commit" || u16(suite-id), 32)
 * </pre>
 *
 * Computed once per DEK by writers, and once per distinct wrapped DEK by readers (cached).
 */
public final class DekKeys {
  public static final int DEK_LENGTH = 32;
  public static final int COMMITMENT_LENGTH = 32;

  private static final byte[] SALT = Bytes.ascii("sealpost/v1");
  private static final byte[] KEY_LABEL = Bytes.ascii("sealpost/v1 key");
  private static final byte[] COMMIT_LABEL = Bytes.ascii("sealpost/v1 commit");
  private static final byte[] DETERMINISTIC_SALT = Bytes.ascii("sealpost/v1 deterministic-dek");
  private static final byte[] SEGMENT_LABEL = Bytes.ascii("sealpost/v1 segment key");

  private final Suite suite;
  private final PayloadKey payloadKey;
  private final byte[] commitment;
  /** Segmented suites only: K_env is derived from PRK per envelope (SPEC.md 17); else null. */
  private final byte[] prk;
  /** A reader's copy of a deterministic-suite DEK, for the [SIV-4] check; null otherwise. */
  private final byte[] deterministicDek;

  private DekKeys(Suite suite, PayloadKey payloadKey, byte[] commitment, byte[] prk, byte[] deterministicDek) {
    this.suite = suite;
    this.payloadKey = payloadKey;
    this.commitment = commitment;
    this.prk = prk;
    this.deterministicDek = deterministicDek;
  }

  /** [KDF-1]: never use the DEK itself as the AEAD key. */
  public static DekKeys derive(Suite suite, byte[] dek) throws GeneralSecurityException {
    return derive(suite, dek, false);
  }

  /**
   * As {@link #derive(Suite, byte[])}; a reader passes {@code keepDeterministicDek} so that, for
   * the deterministic suite only, a copy of the DEK stays with its keys (as long as they do) for
   * the [SIV-4] comparison with the DEK the header and external context give.
   */
  public static DekKeys derive(Suite suite, byte[] dek, boolean keepDeterministicDek) throws GeneralSecurityException {
    if (dek.length != DEK_LENGTH) {
      throw new GeneralSecurityException("DEK must be 32 bytes");
    }
    byte[] prk = Hkdf.extract(SALT, dek);
    byte[] suiteId = Bytes.u16(suite.id());
    byte[] kMsg = Hkdf.expand(prk, Bytes.concat(KEY_LABEL, suiteId), suite.keyLength());
    byte[] commitment = Hkdf.expand(prk, Bytes.concat(COMMIT_LABEL, suiteId), COMMITMENT_LENGTH);
    PayloadKey key = PayloadKey.create(suite, kMsg);
    java.util.Arrays.fill(kMsg, (byte) 0);
    if (suite.segmented()) {
      return new DekKeys(suite, key, commitment, prk, null); // kept as long as the DEK is [SEC-2]
    }
    java.util.Arrays.fill(prk, (byte) 0);
    return new DekKeys(suite, key, commitment, null, keepDeterministicDek && !suite.randomized() ? dek.clone() : null);
  }

  /**
   * [SEG-1]: {@code K_env = HKDF-Expand(PRK, "sealpost/v1 segment key" || u16(suite-id) || nonce, 32)},
   * one per envelope since the header nonce never repeats under a DEK; returns a cipher for its
   * segments, sealing or opening.
   */
  public SegmentCipher segmentCipher(byte[] nonce, boolean sealing) throws GeneralSecurityException {
    if (prk == null) {
      throw new IllegalStateException(suite + " is not a segmented suite");
    }
    byte[] kEnv = Hkdf.expand(prk, Bytes.concat(SEGMENT_LABEL, Bytes.u16(suite.id()), nonce), 32);
    try {
      boolean chacha = suite.base() == Suite.CHACHA20_POLY1305;
      return sealing ? SegmentCipher.forSealing(chacha, kEnv) : SegmentCipher.forOpening(chacha, kEnv);
    } finally {
      java.util.Arrays.fill(kEnv, (byte) 0); // the cipher's key spec holds its own copy
    }
  }

  /**
   * [SIV-1]: the part of the deterministic suite's HKDF info that is fixed for one writer
   * configuration: {@code u16(suite) || u8(n) || ref_1 .. ref_n || encode(stored context)},
   * {@code ref_i = u8(type) || u8(len(key id)) || key id || u32(version)}. The caller appends
   * {@code encode(external context)}.
   */
  public static byte[] deterministicInfoPrefix(Suite suite, List<RecipientEntry> refs, EncryptionContext stored) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64);
    out.writeBytes(Bytes.u16(suite.id()));
    out.write(refs.size());
    for (RecipientEntry r : refs) {
      byte[] id = r.keyId().getBytes(StandardCharsets.UTF_8);
      out.write(r.typeId());
      out.write(id.length);
      out.writeBytes(id);
      out.writeBytes(Bytes.u32(r.keyVersion()));
    }
    out.writeBytes(stored.encode());
    return out.toByteArray();
  }

  /**
   * [SIV-1]: {@code DEK = HKDF-Expand(HKDF-Extract("sealpost/v1 deterministic-dek", KEK_1), info, 32)}:
   * one DEK per envelope identity (recipient set, stored and external context), so that holding
   * one deterministic envelope's DEK opens no envelope of another identity.
   */
  public static byte[] deterministicDek(byte[] firstKek, byte[] info) throws GeneralSecurityException {
    byte[] prk = Hkdf.extract(DETERMINISTIC_SALT, firstKek);
    try {
      return Hkdf.expand(prk, info, DEK_LENGTH);
    } finally {
      java.util.Arrays.fill(prk, (byte) 0);
    }
  }

  public Suite suite() {
    return suite;
  }

  public PayloadKey payloadKey() {
    return payloadKey;
  }

  public byte[] commitment() {
    return commitment.clone();
  }

  /**
   * [SIV-4]: whether {@code recomputed} equals the DEK these keys were derived from, in constant
   * time. False when no DEK was kept (a randomized suite, or keys a writer derived).
   */
  public boolean deterministicDekMatches(byte[] recomputed) {
    return deterministicDek != null && MessageDigest.isEqual(deterministicDek, recomputed);
  }

  /**
   * [COM-2]: constant-time comparison with a header's commitment: every byte is looked at, with
   * no branch on the data (one per envelope, so cheaper than {@link MessageDigest#isEqual}).
   */
  public boolean commitmentMatches(byte[] headerCommitment) {
    if (headerCommitment.length != COMMITMENT_LENGTH) {
      return false;
    }
    int diff = 0;
    for (int i = 0; i < COMMITMENT_LENGTH; i++) {
      diff |= commitment[i] ^ headerCommitment[i];
    }
    return diff == 0;
  }
}
