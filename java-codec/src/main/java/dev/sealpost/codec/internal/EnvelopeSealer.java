package dev.sealpost.codec.internal;

import dev.sealpost.codec.dek.DekKeys;
import java.security.GeneralSecurityException;

/**
 * Assembles one envelope from a DEK's derived keys, its header prefix and a nonce: one header
 * copy and one AEAD call (SPEC.md section 8). Shared by the encryptor and the vector generator
 * so that the bytes the vectors pin are the bytes the encryptor writes.
 */
public final class EnvelopeSealer {
  private EnvelopeSealer() {}

  public static int sealedLength(byte[] headerPrefix, byte[] nonce, int plaintextLength) {
    return headerPrefix.length + nonce.length + plaintextLength + 16;
  }

  public static byte[] seal(
      DekKeys keys, byte[] headerPrefix, byte[] nonce, byte[] externalContext, byte[] plaintext, int offset, int length)
      throws GeneralSecurityException {
    return seal(keys, headerPrefix, nonce, externalContext, plaintext, offset, length, 0);
  }

  /**
   * One envelope whose plaintext is {@code head || plaintext[offset, offset + length)}, without
   * joining the two first (e.g. a frame header and the payload it frames).
   */
  public static byte[] seal(
      DekKeys keys, byte[] headerPrefix, byte[] nonce, byte[] externalContext, byte[] head,
      byte[] plaintext, int offset, int length)
      throws GeneralSecurityException {
    int headerLength = headerPrefix.length + nonce.length;
    byte[] out = new byte[headerLength + head.length + length + 16];
    System.arraycopy(headerPrefix, 0, out, 0, headerPrefix.length);
    System.arraycopy(nonce, 0, out, headerPrefix.length, nonce.length);
    keys.payloadKey().encrypt(
        nonce, out, 0, headerLength, externalContext, head, plaintext, offset, length, out, headerLength);
    return out;
  }

  /**
   * As above, with {@code trailer} zero bytes of room after the body, for the caller to fill:
   * the 64-byte message signature of sign mode 02 (SPEC.md 16), without another copy.
   */
  public static byte[] seal(
      DekKeys keys, byte[] headerPrefix, byte[] nonce, byte[] externalContext, byte[] plaintext, int offset, int length,
      int trailer)
      throws GeneralSecurityException {
    int headerLength = headerPrefix.length + nonce.length;
    byte[] out = new byte[headerLength + length + 16 + trailer];
    System.arraycopy(headerPrefix, 0, out, 0, headerPrefix.length);
    System.arraycopy(nonce, 0, out, headerPrefix.length, nonce.length);
    keys.payloadKey().encrypt(nonce, out, 0, headerLength, externalContext, plaintext, offset, length, out, headerLength);
    return out;
  }
}
