package dev.sealpost.codec.kms;

import dev.sealpost.codec.internal.LogSafe;
import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.internal.Bytes;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The in-memory test KMS of SPEC.md Appendix A, for tests, demos and vectors:
 *
 * <pre>
 * wrap(uri, dek)    = n(12) || AES-256-GCM(key[uri], n, aad = utf8(uri), dek)
 * unwrap(uri, blob) = AES-256-GCM-Decrypt(key[uri], blob[0:12], aad = utf8(uri), blob[12:])
 * </pre>
 *
 * Not a security boundary: the keys live in this process.
 */
public final class TestKms implements KmsClient {
  public static final int BLOB_LENGTH = 60;

  private final Map<String, byte[]> keys;
  private final SecureRandom random;

  private TestKms(Map<String, byte[]> keys, SecureRandom random) {
    this.keys = keys;
    this.random = random;
  }

  /** @param keys key URI to 32-byte key */
  public static TestKms of(Map<String, byte[]> keys, SecureRandom random) throws SealpostException {
    Map<String, byte[]> copy = new HashMap<>();
    for (Map.Entry<String, byte[]> e : keys.entrySet()) {
      if (e.getValue().length != 32) {
        throw new SealpostException(ErrorCategory.INVALID_KEY_MATERIAL, "test KMS keys must be 32 bytes");
      }
      copy.put(Objects.requireNonNull(e.getKey()), e.getValue().clone());
    }
    return new TestKms(copy, Objects.requireNonNull(random));
  }

  @Override
  public boolean supports(String keyUri) {
    return keys.containsKey(keyUri);
  }

  @Override
  public byte[] wrapDek(String keyUri, byte[] dek) throws SealpostException {
    byte[] nonce = new byte[12];
    random.nextBytes(nonce);
    return wrap(key(keyUri), keyUri, dek, nonce);
  }

  @Override
  public byte[] unwrapDek(String keyUri, byte[] blob) throws SealpostException {
    byte[] key = key(keyUri);
    if (blob.length != BLOB_LENGTH) {
      throw new SealpostException(ErrorCategory.UNWRAP_FAILED, "test KMS blob must be 60 bytes");
    }
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, blob, 0, 12));
      c.updateAAD(keyUri.getBytes(StandardCharsets.UTF_8));
      return c.doFinal(blob, 12, blob.length - 12);
    } catch (GeneralSecurityException e) {
      throw new SealpostException(ErrorCategory.UNWRAP_FAILED, "test KMS refused the wrapped DEK", e);
    }
  }

  /** Appendix A with an explicit nonce, for byte-exact vectors. */
  public static byte[] wrap(byte[] key, String keyUri, byte[] dek, byte[] nonce) throws SealpostException {
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
      c.updateAAD(keyUri.getBytes(StandardCharsets.UTF_8));
      return Bytes.concat(nonce, c.doFinal(dek));
    } catch (GeneralSecurityException e) {
      throw new SealpostException(ErrorCategory.KEY_SERVICE_FAILURE, "test KMS could not wrap", e);
    }
  }

  private byte[] key(String keyUri) throws SealpostException {
    byte[] k = keys.get(keyUri);
    if (k == null) {
      throw new SealpostException(ErrorCategory.NO_MATCHING_KEY, "test KMS has no key " + LogSafe.escape(keyUri));
    }
    return Arrays.copyOf(k, k.length);
  }
}
