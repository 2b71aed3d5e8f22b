package dev.sealpost.codec.stream;

import dev.sealpost.codec.IndependentCrypto;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * SPEC.md section 17 written again from the text on plain JCE, independent of the codec: a
 * header with one symmetric recipient and an empty stored context, and segments sealed one by
 * one, so that tests can build honest envelopes and every malformed one the codec never writes
 * (a final flag in the middle, an empty last segment after others, spliced segments).
 */
final class SegmentedTestWriter {
  static final int SEGMENT = 65536;
  static final int SEALED = SEGMENT + 16;

  final int suiteId;
  final byte[] header;
  private final byte[] kEnv;
  private final boolean chacha;

  /** Recipient: type 01, {@code keyId} v{@code version}, the DEK wrapped with AES-KW under {@code kek}. */
  SegmentedTestWriter(int suiteId, byte[] dek, byte[] kek, String keyId, int version, byte[] nonce)
      throws GeneralSecurityException {
    this.suiteId = suiteId;
    this.chacha = (suiteId & 0xFF) == 0x02;
    byte[] suite = {(byte) (suiteId >>> 8), (byte) suiteId};
    byte[] id = keyId.getBytes(StandardCharsets.UTF_8);
    byte[] wrapped = IndependentCrypto.aesKwWrap(kek, dek);
    ByteArrayOutputStream h = new ByteArrayOutputStream();
    h.writeBytes(new byte[] {(byte) 0xF7, 0x53, 0x50, 0x01});
    h.writeBytes(suite);
    h.write(1);
    h.write(0x01);
    h.write(id.length);
    h.writeBytes(id);
    h.writeBytes(new byte[] {(byte) (version >>> 24), (byte) (version >>> 16), (byte) (version >>> 8), (byte) version});
    h.writeBytes(new byte[] {(byte) (wrapped.length >>> 8), (byte) wrapped.length});
    h.writeBytes(wrapped);
    h.writeBytes(IndependentCrypto.commitment(dek, suiteId));
    h.write(0); // empty stored context
    h.writeBytes(nonce);
    this.header = h.toByteArray();
    byte[] salt = "sealpost/v1".getBytes(StandardCharsets.US_ASCII);
    byte[] label = "sealpost/v1 segment key".getBytes(StandardCharsets.US_ASCII);
    ByteArrayOutputStream info = new ByteArrayOutputStream();
    info.writeBytes(label);
    info.writeBytes(suite);
    info.writeBytes(nonce);
    this.kEnv = IndependentCrypto.hkdf(salt, dek, info.toByteArray(), 32);
  }

  /** {@code seg_i = AEAD(K_env, u88(i) || u8(f), aad_i, p)}; {@code aad_0 = header || external}. */
  byte[] segment(long index, boolean last, byte[] external, byte[] p, int off, int len) throws GeneralSecurityException {
    byte[] nonce = new byte[12];
    for (int i = 0; i < 8; i++) {
      nonce[3 + i] = (byte) (index >>> (56 - 8 * i));
    }
    nonce[11] = (byte) (last ? 1 : 0);
    Cipher c = Cipher.getInstance(chacha ? "ChaCha20-Poly1305" : "AES/GCM/NoPadding");
    c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(kEnv, chacha ? "ChaCha20" : "AES"),
        chacha ? new IvParameterSpec(nonce) : new GCMParameterSpec(128, nonce));
    if (index == 0) {
      c.updateAAD(header);
      c.updateAAD(external);
    }
    return c.doFinal(p, off, len);
  }

  /** The honest segments of {@code plaintext}: 65536 bytes each, the last 1..65536 (0 if empty). */
  List<byte[]> segments(byte[] plaintext, byte[] external) throws GeneralSecurityException {
    List<byte[]> out = new ArrayList<>();
    int n = Math.max(1, (plaintext.length + SEGMENT - 1) / SEGMENT);
    for (int i = 0; i < n; i++) {
      int off = i * SEGMENT;
      out.add(segment(i, i == n - 1, external, plaintext, off, Math.min(SEGMENT, plaintext.length - off)));
    }
    return out;
  }

  byte[] envelope(List<byte[]> segments) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(header);
    segments.forEach(out::writeBytes);
    return out.toByteArray();
  }

  byte[] envelope(byte[] plaintext, byte[] external) throws GeneralSecurityException {
    return envelope(segments(plaintext, external));
  }
}
