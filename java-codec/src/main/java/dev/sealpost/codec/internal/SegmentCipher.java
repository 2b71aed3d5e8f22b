package dev.sealpost.codec.internal;

import java.security.GeneralSecurityException;
import java.security.spec.AlgorithmParameterSpec;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The AEAD of one segmented body under its {@code K_env} (SPEC.md section 17), one per stream
 * and one direction, with one {@link Cipher} re-initialised per segment. Not thread-safe.
 *
 * <pre>
 * nonce_i = u88(i) || u8(f)            ; 11-byte big-endian index; f = 01 for the last segment
 * seg_i   = AEAD-Encrypt(K_env, nonce_i, aad_i, P_i)      ; ciphertext || 16-byte tag
 * aad_0   = header || encode(external context); aad_i empty for i &gt; 0
 * </pre>
 *
 * Per segment the only allocation is the parameter spec the JCE needs for every init.
 */
public final class SegmentCipher {
  /** Plaintext bytes per segment, but the last (SPEC.md 17). */
  public static final int SEGMENT_SIZE = 65536;
  public static final int TAG_LENGTH = 16;
  /** Bytes of one sealed segment, but the last: 65552 [SEG-2]. */
  public static final int SEALED_SEGMENT_SIZE = SEGMENT_SIZE + TAG_LENGTH;
  /** Segment indices run from 0 to 2^32 - 1 [SEG-5], [SEG-7]. */
  public static final long MAX_SEGMENTS = 1L << 32;
  public static final int NONCE_LENGTH = 12;
  /** Bytes per Cipher.update call when sealing; see {@code JceAeadKey}: chunked updates reach the intrinsics. */
  private static final int ENCRYPT_CHUNK = 16 * 1024;

  private final Cipher cipher;
  private final SecretKeySpec key;
  private final boolean gcm;
  private final int mode;
  private final byte[] nonce = new byte[NONCE_LENGTH];

  private SegmentCipher(boolean chacha, byte[] kEnv, int mode) throws GeneralSecurityException {
    this.gcm = !chacha;
    this.cipher = Cipher.getInstance(chacha ? "ChaCha20-Poly1305" : "AES/GCM/NoPadding");
    this.key = new SecretKeySpec(kEnv, chacha ? "ChaCha20" : "AES");
    this.mode = mode;
  }

  /** A sealing cipher; {@code chacha} picks ChaCha20-Poly1305, otherwise AES-256-GCM. */
  public static SegmentCipher forSealing(boolean chacha, byte[] kEnv) throws GeneralSecurityException {
    return new SegmentCipher(chacha, kEnv, Cipher.ENCRYPT_MODE);
  }

  public static SegmentCipher forOpening(boolean chacha, byte[] kEnv) throws GeneralSecurityException {
    return new SegmentCipher(chacha, kEnv, Cipher.DECRYPT_MODE);
  }

  /** {@code u88(index) || u8(last ? 1 : 0)}, into the reused nonce array. */
  private AlgorithmParameterSpec params(long index, boolean last) {
    Arrays.fill(nonce, 0, 3, (byte) 0);
    for (int i = 0; i < 8; i++) {
      nonce[3 + i] = (byte) (index >>> (56 - 8 * i));
    }
    nonce[11] = last ? (byte) 1 : 0;
    // Both specs copy the nonce, so reusing the array is safe.
    return gcm ? new GCMParameterSpec(128, nonce) : new IvParameterSpec(nonce);
  }

  private void init(long index, boolean last, byte[] header, int headerOffset, int headerLength, byte[] external)
      throws GeneralSecurityException {
    if (index < 0 || index >= MAX_SEGMENTS) {
      throw new IllegalArgumentException("segment index out of range: " + index);
    }
    cipher.init(mode, key, params(index, last));
    if (index == 0) {
      cipher.updateAAD(header, headerOffset, headerLength);
      cipher.updateAAD(external);
    }
  }

  /**
   * Seals {@code len} plaintext bytes as segment {@code index} and writes {@code len + 16} bytes
   * at {@code out[outOffset]}. The header and external context are the AAD of segment 0 only
   * (ignored for the others).
   */
  public int seal(
      long index, boolean last,
      byte[] header, int headerOffset, int headerLength, byte[] external,
      byte[] in, int inOffset, int len, byte[] out, int outOffset)
      throws GeneralSecurityException {
    init(index, last, header, headerOffset, headerLength, external);
    int p = inOffset;
    int o = outOffset;
    int end = inOffset + len;
    while (end - p > ENCRYPT_CHUNK) {
      o += cipher.update(in, p, ENCRYPT_CHUNK, out, o);
      p += ENCRYPT_CHUNK;
    }
    o += cipher.doFinal(in, p, end - p, out, o);
    return o - outOffset;
  }

  /**
   * Opens segment {@code index} of {@code len} bytes (at least 16) into {@code out}; returns the
   * plaintext length. Throws when the tag does not verify; then {@code out} holds nothing the
   * caller may release [SEG-3].
   */
  public int open(
      long index, boolean last,
      byte[] header, int headerOffset, int headerLength, byte[] external,
      byte[] in, int inOffset, int len, byte[] out, int outOffset)
      throws GeneralSecurityException {
    init(index, last, header, headerOffset, headerLength, external);
    // JCE AEAD decryption releases output only from doFinal, after the tag verified.
    return cipher.doFinal(in, inOffset, len, out, outOffset);
  }
}
