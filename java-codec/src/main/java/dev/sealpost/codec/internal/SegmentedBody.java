package dev.sealpost.codec.internal;

import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.dek.DekKeys;
import java.security.GeneralSecurityException;

/**
 * A segmented envelope made or read whole, in memory (SPEC.md section 17): for
 * {@code Encryptor.encrypt} with a segmented suite, for vectors and for {@code Decryptor.decrypt}.
 *
 * <pre>
 * envelope = header || seg_0 || ... || seg_(n-1)
 * seg_i    = 65552 bytes for i &lt; n - 1; seg_(n-1) = 16..65552 bytes (16 only when n = 1)
 * </pre>
 */
public final class SegmentedBody {
  private SegmentedBody() {}

  /** Segments of a plaintext of {@code p} bytes: {@code max(1, ceil(p / 65536))}. */
  public static long segmentCount(long plaintextLength) {
    return Math.max(1, (plaintextLength + SegmentCipher.SEGMENT_SIZE - 1) / SegmentCipher.SEGMENT_SIZE);
  }

  /** Body bytes for a plaintext of {@code p} bytes: {@code p + 16} per segment. */
  public static long bodyLength(long plaintextLength) {
    return plaintextLength + SegmentCipher.TAG_LENGTH * segmentCount(plaintextLength);
  }

  /**
   * The plaintext length a body of this length would carry if well-formed: {@code body - 16}
   * per segment of at most 65552 bytes. For the limit check of [SEG-8], before any decryption.
   */
  public static long plaintextLength(long bodyLength) {
    long segments = Math.max(1, (bodyLength + SegmentCipher.SEALED_SEGMENT_SIZE - 1) / SegmentCipher.SEALED_SEGMENT_SIZE);
    return Math.max(0, bodyLength - SegmentCipher.TAG_LENGTH * segments);
  }

  /** Writes {@code header || segments} into a new array [SEG-1]. */
  public static byte[] seal(
      DekKeys keys, byte[] headerPrefix, byte[] nonce, byte[] externalEncoded, byte[] plaintext, int offset, int length)
      throws GeneralSecurityException {
    int headerLength = headerPrefix.length + nonce.length;
    byte[] out = new byte[Math.toIntExact(headerLength + bodyLength(length))];
    System.arraycopy(headerPrefix, 0, out, 0, headerPrefix.length);
    System.arraycopy(nonce, 0, out, headerPrefix.length, nonce.length);
    SegmentCipher cipher = keys.segmentCipher(nonce, true);
    long n = segmentCount(length);
    int in = offset;
    int o = headerLength;
    for (long i = 0; i < n; i++) {
      int chunk = Math.min(SegmentCipher.SEGMENT_SIZE, offset + length - in);
      o += cipher.seal(i, i == n - 1, out, 0, headerLength, externalEncoded, plaintext, in, chunk, out, o);
      in += chunk;
    }
    return out;
  }

  /**
   * Opens every segment of a body read whole [SEG-2]; the plaintext is returned only once all
   * of them, the last with {@code f = 01}, have been authenticated [AUTH-3].
   */
  public static byte[] open(
      DekKeys keys, byte[] nonce, byte[] envelope, int offset, int headerLength, byte[] externalEncoded, int bodyLength)
      throws SealpostException {
    int rest = bodyLength % SegmentCipher.SEALED_SEGMENT_SIZE;
    int segments = bodyLength / SegmentCipher.SEALED_SEGMENT_SIZE + (rest == 0 ? 0 : 1);
    if (bodyLength < SegmentCipher.TAG_LENGTH || (rest != 0 && rest < SegmentCipher.TAG_LENGTH)) {
      throw new SealpostException(ErrorCategory.AUTHENTICATION_FAILED, "last segment is shorter than the tag");
    }
    if (segments > 1 && rest == SegmentCipher.TAG_LENGTH) {
      throw new SealpostException(ErrorCategory.AUTHENTICATION_FAILED, "empty last segment after other segments");
    }
    byte[] plaintext = new byte[bodyLength - SegmentCipher.TAG_LENGTH * segments];
    int in = offset + headerLength;
    int out = 0;
    try {
      SegmentCipher cipher = keys.segmentCipher(nonce, false);
      for (int i = 0; i < segments; i++) {
        boolean last = i == segments - 1;
        int length = last && rest != 0 ? rest : SegmentCipher.SEALED_SEGMENT_SIZE;
        out += cipher.open(i, last, envelope, offset, headerLength, externalEncoded, envelope, in, length, plaintext, out);
        in += length;
      }
    } catch (GeneralSecurityException e) {
      java.util.Arrays.fill(plaintext, (byte) 0);
      throw new SealpostException(ErrorCategory.AUTHENTICATION_FAILED, "the envelope failed authentication", e);
    }
    return plaintext;
  }
}
