package dev.sealpost.codec.recipient;

import dev.sealpost.codec.internal.Bytes;
import dev.sealpost.codec.internal.Hpke;
import java.security.GeneralSecurityException;

/**
 * The X25519 recipient's wrapping [HPKE-1]: HPKE base mode, DHKEM(X25519, HKDF-SHA256),
 * HKDF-SHA256, AES-256-GCM, info {@code "sealpost/v1 x25519-hpke"}, empty aad;
 * {@code wrapped = enc(32) || ct(48)}.
 */
public final class HpkeDekSeal {
  public static final int WRAPPED_LENGTH = 80;
  private static final byte[] INFO = Bytes.ascii("sealpost/v1 x25519-hpke");
  private static final byte[] AAD = new byte[0];
  private static final Hpke HPKE = new Hpke(Hpke.AEAD_AES_256_GCM);

  private HpkeDekSeal() {}

  /** @param ephemeralPrivate fresh random bytes per call [HPKE-2]; fixed only in test vectors */
  public static byte[] seal(byte[] recipientPublic, byte[] dek, byte[] ephemeralPrivate) throws GeneralSecurityException {
    return HPKE.seal(recipientPublic, INFO, AAD, dek, ephemeralPrivate);
  }

  /** Throws on any failure [HPKE-3]. */
  public static byte[] open(byte[] recipientPrivate, byte[] wrapped) throws GeneralSecurityException {
    if (wrapped.length != WRAPPED_LENGTH) {
      throw new GeneralSecurityException("HPKE wrapped DEK must be 80 bytes");
    }
    return HPKE.open(recipientPrivate, INFO, AAD, wrapped);
  }
}
