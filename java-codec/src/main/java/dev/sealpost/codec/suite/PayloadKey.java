package dev.sealpost.codec.suite;

import dev.sealpost.codec.Suite;
import java.security.GeneralSecurityException;

/**
 * The payload AEAD of one suite under one K_msg (SPEC.md sections 4 and 8). Created once per
 * DEK and shared by all threads; per-call state lives in thread-local ciphers.
 *
 * <p>The AAD is passed in two parts, the header (in place, inside the envelope buffer) and the
 * encoded external context, so that no per-message AAD copy is needed [AUTH-1].
 */
public abstract class PayloadKey {
  PayloadKey() {}

  public static PayloadKey create(Suite suite, byte[] kMsg) throws GeneralSecurityException {
    switch (suite.base()) { // signed and segmented suites share the base AEAD
      case AES_256_GCM:
        return new JceAeadKey(kMsg, JceAeadKey.Algorithm.AES_GCM);
      case CHACHA20_POLY1305:
        return new JceAeadKey(kMsg, JceAeadKey.Algorithm.CHACHA20_POLY1305);
      case AES_256_SIV:
        return new AesSivKey(kMsg);
      default:
        throw new IllegalArgumentException("no payload cipher for " + suite);
    }
  }

  /** Writes {@code ciphertext || tag} (SIV: {@code V || ciphertext}) at {@code out[outOffset]}. */
  public abstract void encrypt(
      byte[] nonce,
      byte[] header, int headerOffset, int headerLength,
      byte[] externalContext,
      byte[] plaintext, int offset, int length,
      byte[] out, int outOffset)
      throws GeneralSecurityException;

  /**
   * Encrypts {@code head || plaintext[offset, offset + length)} as one plaintext, writing
   * {@code ciphertext || tag} at {@code out[outOffset]}: the same bytes as joining them first,
   * which is what this default does.
   */
  public void encrypt(
      byte[] nonce,
      byte[] header, int headerOffset, int headerLength,
      byte[] externalContext,
      byte[] head,
      byte[] plaintext, int offset, int length,
      byte[] out, int outOffset)
      throws GeneralSecurityException {
    byte[] joined = new byte[head.length + length];
    System.arraycopy(head, 0, joined, 0, head.length);
    System.arraycopy(plaintext, offset, joined, head.length, length);
    encrypt(nonce, header, headerOffset, headerLength, externalContext, joined, 0, joined.length, out, outOffset);
  }

  /**
   * As {@link #decrypt(byte[], byte[], int, int, byte[], byte[], int, int)}, the nonce being
   * {@code nonceLength} bytes of {@code nonceBuf} from {@code nonceOffset}: the envelope itself,
   * so that a reader needs no copy of it.
   */
  public byte[] decrypt(
      byte[] nonceBuf, int nonceOffset, int nonceLength,
      byte[] header, int headerOffset, int headerLength,
      byte[] externalContext,
      byte[] body, int offset, int length)
      throws GeneralSecurityException {
    return decrypt(
        java.util.Arrays.copyOfRange(nonceBuf, nonceOffset, nonceOffset + nonceLength),
        header, headerOffset, headerLength, externalContext, body, offset, length);
  }

  /** Returns the plaintext, or throws without releasing any of it [AUTH-3]. */
  public abstract byte[] decrypt(
      byte[] nonce,
      byte[] header, int headerOffset, int headerLength,
      byte[] externalContext,
      byte[] body, int offset, int length)
      throws GeneralSecurityException;
}
