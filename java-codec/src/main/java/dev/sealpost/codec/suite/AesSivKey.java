package dev.sealpost.codec.suite;

import com.google.crypto.tink.subtle.AesSiv;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * AES-SIV (RFC 5297) with a 64-byte key and one associated-data component, through Tink
 * [SIV-2]. The output is {@code V || ciphertext}: the synthetic IV plays the tag's role.
 */
final class AesSivKey extends PayloadKey {
  private final AesSiv siv;

  AesSivKey(byte[] kMsg) throws GeneralSecurityException {
    this.siv = new AesSiv(kMsg);
  }

  @Override
  public void encrypt(
      byte[] nonce,
      byte[] header, int headerOffset, int headerLength,
      byte[] externalContext,
      byte[] plaintext, int offset, int length,
      byte[] out, int outOffset)
      throws GeneralSecurityException {
    byte[] ct =
        siv.encryptDeterministically(
            Arrays.copyOfRange(plaintext, offset, offset + length),
            aad(header, headerOffset, headerLength, externalContext));
    System.arraycopy(ct, 0, out, outOffset, ct.length);
  }

  @Override
  public byte[] decrypt(
      byte[] nonce,
      byte[] header, int headerOffset, int headerLength,
      byte[] externalContext,
      byte[] body, int offset, int length)
      throws GeneralSecurityException {
    return siv.decryptDeterministically(
        Arrays.copyOfRange(body, offset, offset + length),
        aad(header, headerOffset, headerLength, externalContext));
  }

  private static byte[] aad(byte[] header, int off, int len, byte[] externalContext) {
    byte[] aad = new byte[len + externalContext.length];
    System.arraycopy(header, off, aad, 0, len);
    System.arraycopy(externalContext, 0, aad, len, externalContext.length);
    return aad;
  }
}
