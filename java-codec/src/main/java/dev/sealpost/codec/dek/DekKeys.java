package dev.sealpost.codec.dek;

import dev.sealpost.codec.Suite;
import dev.sealpost.codec.internal.Bytes;
import dev.sealpost.codec.internal.Hkdf;
import dev.sealpost.codec.suite.PayloadKey;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

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

  private final Suite suite;
  private final PayloadKey payloadKey;
  private final byte[] commitment;

  private DekKeys(Suite suite, PayloadKey payloadKey, byte[] commitment) {
    this.suite = suite;
    this.payloadKey = payloadKey;
    this.commitment = commitment;
  }

  /** [KDF-1]: never use the DEK itself as the AEAD key. */
  public static DekKeys derive(Suite suite, byte[] dek) throws GeneralSecurityException {
    if (dek.length != DEK_LENGTH) {
      throw new GeneralSecurityException("DEK must be 32 bytes");
    }
    byte[] prk = Hkdf.extract(SALT, dek);
    byte[] suiteId = Bytes.u16(suite.id());
    byte[] kMsg = Hkdf.expand(prk, Bytes.concat(KEY_LABEL, suiteId), suite.keyLength());
    byte[] commitment = Hkdf.expand(prk, Bytes.concat(COMMIT_LABEL, suiteId), COMMITMENT_LENGTH);
    PayloadKey key = PayloadKey.create(suite, kMsg);
    java.util.Arrays.fill(kMsg, (byte) 0);
    java.util.Arrays.fill(prk, (byte) 0);
    return new DekKeys(suite, key, commitment);
  }

  /**
   * [SIV-1]: the deterministic suite's DEK, a function of the first recipient's KEK and key
   * reference only, so equal inputs give equal envelopes across writers and restarts.
   */
  public static byte[] deterministicDek(Suite suite, byte[] kek, byte[] keyIdUtf8, int keyVersion)
      throws GeneralSecurityException {
    byte[] prk = Hkdf.extract(DETERMINISTIC_SALT, kek);
    byte[] info = Bytes.concat(Bytes.u16(suite.id()), new byte[] {(byte) keyIdUtf8.length}, keyIdUtf8, Bytes.u32(keyVersion));
    return Hkdf.expand(prk, info, DEK_LENGTH);
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

  /** [COM-2]: constant-time comparison with a header's commitment. */
  public boolean commitmentMatches(byte[] headerCommitment) {
    return MessageDigest.isEqual(commitment, headerCommitment);
  }
}
