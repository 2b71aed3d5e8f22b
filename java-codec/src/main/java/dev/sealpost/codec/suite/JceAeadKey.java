package dev.sealpost.codec.suite;

import java.security.GeneralSecurityException;
import java.security.spec.AlgorithmParameterSpec;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM and ChaCha20-Poly1305 through JCE, the fastest path on the JDK (AES-NI and
 * CLMUL intrinsics). Cipher objects are expensive to create, so each thread keeps one per
 * algorithm and re-initialises it per message.
 */
final class JceAeadKey extends PayloadKey {
  enum Algorithm {
    AES_GCM("AES/GCM/NoPadding", "AES"),
    CHACHA20_POLY1305("ChaCha20-Poly1305", "ChaCha20");

    final String transformation;
    final String keyAlgorithm;
    // One cipher per direction: the JDK's ChaCha20-Poly1305 refuses an init with the key and
    // nonce of the previous init, even when that was the other direction.
    Algorithm(String transformation, String keyAlgorithm) {
      this.transformation = transformation;
      this.keyAlgorithm = keyAlgorithm;
    }

    private static Cipher newCipher(String transformation) {
      try {
        return Cipher.getInstance(transformation);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(transformation + " is not available in this JVM", e);
      }
    }

    AlgorithmParameterSpec params(byte[] nonce) {
      return params(nonce, 0, nonce.length);
    }

    AlgorithmParameterSpec params(byte[] buf, int off, int len) {
      return this == AES_GCM ? new GCMParameterSpec(128, buf, off, len) : new IvParameterSpec(buf, off, len);
    }
  }

  /** Bytes per Cipher.update call when encrypting large inputs; see {@link #encrypt}. */
  static final int ENCRYPT_CHUNK = 16 * 1024;

  /**
   * AADs up to this size are passed in one updateAAD call from a per-thread buffer: the JDK
   * buffers AAD in a growing stream, so two calls cost an extra copy and allocation per message.
   */
  static final int AAD_SCRATCH = 2048;

  /** Head plus payload up to this size are encrypted from one per-thread buffer; see {@link #encrypt}. */
  static final int JOIN_SCRATCH = 4096;

  /**
   * A thread's ciphers (by algorithm and direction) and scratch buffers, behind one ThreadLocal:
   * one lookup per message instead of three, each of which may probe past other entries.
   */
  private static final class PerThread {
    final Cipher[] encrypt = new Cipher[Algorithm.values().length];
    final Cipher[] decrypt = new Cipher[Algorithm.values().length];
    final byte[] aad = new byte[AAD_SCRATCH];
    byte[] join;

    Cipher encryptCipher(Algorithm a) {
      Cipher c = encrypt[a.ordinal()];
      return c != null ? c : (encrypt[a.ordinal()] = Algorithm.newCipher(a.transformation));
    }

    Cipher decryptCipher(Algorithm a) {
      Cipher c = decrypt[a.ordinal()];
      return c != null ? c : (decrypt[a.ordinal()] = Algorithm.newCipher(a.transformation));
    }

    byte[] join() {
      return join != null ? join : (join = new byte[JOIN_SCRATCH]);
    }
  }

  private static final ThreadLocal<PerThread> STATE = ThreadLocal.withInitial(PerThread::new);

  private final SecretKeySpec key;
  private final Algorithm algorithm;

  JceAeadKey(byte[] kMsg, Algorithm algorithm) {
    this.key = new SecretKeySpec(kMsg, algorithm.keyAlgorithm);
    this.algorithm = algorithm;
  }

  @Override
  public void encrypt(
      byte[] nonce,
      byte[] header, int headerOffset, int headerLength,
      byte[] externalContext,
      byte[] plaintext, int offset, int length,
      byte[] out, int outOffset)
      throws GeneralSecurityException {
    encrypt(nonce, header, headerOffset, headerLength, externalContext, NO_HEAD, plaintext, offset, length, out, outOffset);
  }

  private static final byte[] NO_HEAD = new byte[0];

  /** One AEAD over {@code head || plaintext}: the head goes through {@code update}, nothing is joined. */
  @Override
  public void encrypt(
      byte[] nonce,
      byte[] header, int headerOffset, int headerLength,
      byte[] externalContext,
      byte[] head,
      byte[] plaintext, int offset, int length,
      byte[] out, int outOffset)
      throws GeneralSecurityException {
    PerThread state = STATE.get();
    Cipher c = state.encryptCipher(algorithm);
    c.init(Cipher.ENCRYPT_MODE, key, algorithm.params(nonce));
    updateAad(c, state.aad, header, headerOffset, headerLength, externalContext);
    // Large inputs go through update() in chunks: on JDK 17 one large AES-GCM doFinal stays on a
    // slow path (tens of MB/s at 1 MiB), while chunked updates reach the AES-CTR and GHASH
    // intrinsics. The output bytes are identical.
    int p = offset;
    int o = outOffset;
    if (head.length > 0 && head.length <= JOIN_SCRATCH && length <= JOIN_SCRATCH - head.length) {
      int joined = head.length + length;
      // A short head alone in update() sends the JDK's GCM through its partial-block path
      // (buffer, merge, copy); joined with a small payload, one doFinal takes the direct path.
      byte[] buf = state.join();
      System.arraycopy(head, 0, buf, 0, head.length);
      System.arraycopy(plaintext, offset, buf, head.length, length);
      try {
        c.doFinal(buf, 0, joined, out, o);
      } finally {
        Arrays.fill(buf, 0, joined, (byte) 0); // no plaintext left behind in the per-thread buffer
      }
      return;
    }
    if (head.length > 0) {
      o += c.update(head, 0, head.length, out, o);
    }
    int end = offset + length;
    while (end - p > ENCRYPT_CHUNK) {
      o += c.update(plaintext, p, ENCRYPT_CHUNK, out, o);
      p += ENCRYPT_CHUNK;
    }
    c.doFinal(plaintext, p, end - p, out, o);
  }

  @Override
  public byte[] decrypt(
      byte[] nonce,
      byte[] header, int headerOffset, int headerLength,
      byte[] externalContext,
      byte[] body, int offset, int length)
      throws GeneralSecurityException {
    return decrypt(nonce, 0, nonce.length, header, headerOffset, headerLength, externalContext, body, offset, length);
  }

  @Override
  public byte[] decrypt(
      byte[] nonceBuf, int nonceOffset, int nonceLength,
      byte[] header, int headerOffset, int headerLength,
      byte[] externalContext,
      byte[] body, int offset, int length)
      throws GeneralSecurityException {
    AlgorithmParameterSpec params = algorithm.params(nonceBuf, nonceOffset, nonceLength); // copies the nonce
    PerThread state = STATE.get();
    Cipher c = state.decryptCipher(algorithm);
    try {
      c.init(Cipher.DECRYPT_MODE, key, params);
    } catch (java.security.InvalidKeyException e) {
      // JDK 17's ChaCha20-Poly1305 refuses the previous init's key and nonce even to decrypt
      // (fixed in JDK 21, JDK-8305091), e.g. for a redelivered message. A fresh cipher has no
      // previous init.
      c = Algorithm.newCipher(algorithm.transformation);
      state.decrypt[algorithm.ordinal()] = c;
      c.init(Cipher.DECRYPT_MODE, key, params);
    }
    updateAad(c, state.aad, header, headerOffset, headerLength, externalContext);
    // JCE AEAD ciphers buffer the whole body and release output only after the tag verifies.
    return c.doFinal(body, offset, length);
  }

  /** AAD = header || encode(external context) [AUTH-1], in one call when it fits the scratch buffer. */
  private static void updateAad(Cipher c, byte[] aad, byte[] header, int offset, int length, byte[] externalContext) {
    int n = length + externalContext.length;
    if (n > AAD_SCRATCH) {
      c.updateAAD(header, offset, length);
      c.updateAAD(externalContext);
      return;
    }
    System.arraycopy(header, offset, aad, 0, length);
    System.arraycopy(externalContext, 0, aad, length, externalContext.length);
    c.updateAAD(aad, 0, n);
  }
}
