package dev.sealpost.codec.recipient;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES Key Wrap (RFC 3394) with the default IV {@code A6A6A6A6A6A6A6A6} [SYM-1]: a 32-byte DEK
 * under a 32-byte KEK gives 40 bytes. Deterministic, which is what lets the SIV suite give
 * equal envelopes for equal inputs.
 */
public final class AesKeyWrap {
  public static final int WRAPPED_LENGTH = 40;

  private AesKeyWrap() {}

  public static byte[] wrap(byte[] kek, byte[] dek) throws GeneralSecurityException {
    Cipher c = Cipher.getInstance("AES/KW/NoPadding");
    c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(kek, "AES"));
    return c.doFinal(dek);
  }

  /** Throws when the RFC 3394 integrity check fails [SYM-2]. */
  public static byte[] unwrap(byte[] kek, byte[] wrapped) throws GeneralSecurityException {
    if (wrapped.length != WRAPPED_LENGTH) {
      throw new GeneralSecurityException("AES-KW wrapped DEK must be 40 bytes");
    }
    Cipher c = Cipher.getInstance("AES/KW/NoPadding");
    c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(kek, "AES"));
    return c.doFinal(wrapped);
  }
}
