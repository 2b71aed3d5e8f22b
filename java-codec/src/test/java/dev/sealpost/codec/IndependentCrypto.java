package dev.sealpost.codec;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * SPEC.md computations written again from the text, on plain JCE, so that tests can check the
 * codec's output against something other than the codec itself.
 */
public final class IndependentCrypto {
  public static final HexFormat HEX = HexFormat.of();

  private IndependentCrypto() {}

  public static byte[] hmac(byte[] key, byte[]... parts) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    for (byte[] p : parts) {
      mac.update(p);
    }
    return mac.doFinal();
  }

  /** RFC 5869 HKDF-Expand for at most 64 bytes, enough for every SPEC.md derivation. */
  public static byte[] hkdf(byte[] salt, byte[] ikm, byte[] info, int length) throws GeneralSecurityException {
    byte[] prk = hmac(salt, ikm);
    byte[] t1 = hmac(prk, info, new byte[] {1});
    byte[] t2 = hmac(prk, t1, info, new byte[] {2});
    byte[] okm = new byte[64];
    System.arraycopy(t1, 0, okm, 0, 32);
    System.arraycopy(t2, 0, okm, 32, 32);
    return java.util.Arrays.copyOf(okm, length);
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  static byte[] cat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int off = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, off, p.length);
      off += p.length;
    }
    return out;
  }

  /** SPEC.md 5.2: {@code commitment = HKDF-Expand(PRK, "sealpost/v1 commit" || u16(suite), 32)}. */
  public static byte[] commitment(byte[] dek, int suiteId) throws GeneralSecurityException {
    return hkdf(ascii("sealpost/v1"), dek,
        cat(ascii("sealpost/v1 commit"), new byte[] {(byte) (suiteId >>> 8), (byte) suiteId}), 32);
  }

  /**
   * SPEC.md [SIV-1]: the deterministic suite's DEK, bound to every recipient reference (all type
   * 01) and both contexts' canonical encodings.
   */
  public static byte[] deterministicDek(byte[] firstKek, String[] keyIds, int[] versions, byte[] stored, byte[] external)
      throws GeneralSecurityException {
    java.io.ByteArrayOutputStream info = new java.io.ByteArrayOutputStream();
    info.writeBytes(new byte[] {0x00, 0x03, (byte) keyIds.length});
    for (int i = 0; i < keyIds.length; i++) {
      byte[] id = keyIds[i].getBytes(StandardCharsets.UTF_8);
      int v = versions[i];
      info.write(0x01);
      info.write(id.length);
      info.writeBytes(id);
      info.writeBytes(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
    }
    info.writeBytes(stored);
    info.writeBytes(external);
    return hkdf(ascii("sealpost/v1 deterministic-dek"), firstKek, info.toByteArray(), 32);
  }

  /** RFC 3394 wrap with the default IV, through the JDK's own "AESWrap" cipher. */
  public static byte[] aesKwWrap(byte[] kek, byte[] dek) throws GeneralSecurityException {
    Cipher c = Cipher.getInstance("AESWrap");
    c.init(Cipher.WRAP_MODE, new SecretKeySpec(kek, "AES"));
    return c.wrap(new SecretKeySpec(dek, "AES"));
  }

  /** RFC 3394 unwrap with the default IV, through the JDK's own "AESWrap" cipher. */
  public static byte[] aesKwUnwrap(byte[] kek, byte[] wrapped) throws GeneralSecurityException {
    Cipher c = Cipher.getInstance("AESWrap");
    c.init(Cipher.UNWRAP_MODE, new SecretKeySpec(kek, "AES"));
    return c.unwrap(wrapped, "AES", Cipher.SECRET_KEY).getEncoded();
  }

  /** Test KMS of SPEC.md Appendix A, decrypt side. */
  public static byte[] testKmsUnwrap(byte[] key, String uri, byte[] blob) throws GeneralSecurityException {
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"),
        new javax.crypto.spec.GCMParameterSpec(128, blob, 0, 12));
    c.updateAAD(uri.getBytes(StandardCharsets.UTF_8));
    return c.doFinal(blob, 12, blob.length - 12);
  }
}
