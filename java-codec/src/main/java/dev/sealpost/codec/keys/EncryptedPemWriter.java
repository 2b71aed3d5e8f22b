package dev.sealpost.codec.keys;

import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.SealpostException;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Writes an X25519 or Ed25519 private key as {@code ENCRYPTED PRIVATE KEY} (docs/key-material.md 3.4): PKCS#8
 * EncryptedPrivateKeyInfo with PBES2, PBKDF2-HMAC-SHA256 and AES-256-CBC, the form {@code openssl
 * pkcs8 -topk8 -v2 aes-256-cbc} writes and {@link PemKeys#privateKeyFromPem(String, char[])} reads.
 * A fresh random 16-byte salt and IV per key; the optional keyLength field is omitted, as OpenSSL
 * does for AES.
 */
public final class EncryptedPemWriter {
  /** PBKDF2 iterations unless told otherwise: OWASP's figure for HMAC-SHA256, as for keyrings. */
  public static final int DEFAULT_ITERATIONS = KeyringFile.DEFAULT_ITERATIONS;
  /** Fewest iterations written: below this the reader warns (docs/key-material.md 4.2). */
  public static final int MIN_ITERATIONS = Pbes2.WARN_BELOW_ITERATIONS;
  /** Most iterations written: what every reader accepts. */
  public static final int MAX_ITERATIONS = Pbes2.MAX_ITERATIONS;

  private static final int SALT_BYTES = 16;
  private static final int IV_BYTES = 16;
  // Content octets of the object identifiers (RFC 8018 appendix C, NIST CSOR).
  private static final byte[] OID_PBES2 = {0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x05, 0x0d};
  private static final byte[] OID_PBKDF2 = {0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x05, 0x0c};
  private static final byte[] OID_HMAC_SHA256 = {0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x02, 0x09};
  private static final byte[] OID_AES256_CBC = {0x60, (byte) 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x2a};

  private EncryptedPemWriter() {}

  /** The key as {@code ENCRYPTED PRIVATE KEY} PEM with {@link #DEFAULT_ITERATIONS}. */
  public static String toEncryptedPem(X25519PrivateKey key, char[] password, SecureRandom random)
      throws SealpostException {
    return toEncryptedPem(key, password, random, DEFAULT_ITERATIONS);
  }

  /**
   * The key as {@code ENCRYPTED PRIVATE KEY} PEM. The password is used as its UTF-8 bytes, must
   * not be empty, and is not modified; iterations must lie in {@link #MIN_ITERATIONS}..{@link
   * #MAX_ITERATIONS}.
   */
  public static String toEncryptedPem(X25519PrivateKey key, char[] password, SecureRandom random, int iterations)
      throws SealpostException {
    Objects.requireNonNull(key, "key");
    return encrypt(PemKeys.toPem(key), password, random, iterations);
  }

  /** The Ed25519 writer key as {@code ENCRYPTED PRIVATE KEY} PEM with {@link #DEFAULT_ITERATIONS}. */
  public static String toEncryptedPem(Ed25519PrivateKey key, char[] password, SecureRandom random)
      throws SealpostException {
    return toEncryptedPem(key, password, random, DEFAULT_ITERATIONS);
  }

  /** As for X25519: the same PBES2 form around the key's PKCS#8 (OID 1.3.101.112). */
  public static String toEncryptedPem(Ed25519PrivateKey key, char[] password, SecureRandom random, int iterations)
      throws SealpostException {
    Objects.requireNonNull(key, "key");
    return encrypt(PemKeys.toPem(key), password, random, iterations);
  }

  /** Encrypts the DER of an unencrypted {@code PRIVATE KEY} PEM, exactly as that form is written. */
  private static String encrypt(String privateKeyPem, char[] password, SecureRandom random, int iterations)
      throws SealpostException {
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(random, "random");
    if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
      throw new IllegalArgumentException("iterations must be " + MIN_ITERATIONS + ".." + MAX_ITERATIONS + ", got " + iterations);
    }
    KeyFileIo.checkPassword(password);
    byte[] salt = new byte[SALT_BYTES];
    byte[] iv = new byte[IV_BYTES];
    random.nextBytes(salt);
    random.nextBytes(iv);
    byte[] pkcs8 = Pem.decode(privateKeyPem).der;
    byte[] aesKey = null;
    PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, 256);
    try {
      aesKey = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
      Cipher c = Cipher.getInstance("AES/CBC/PKCS5Padding");
      c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(aesKey, "AES"), new IvParameterSpec(iv));
      byte[] encrypted = c.doFinal(pkcs8);
      byte[] prf = seq(tlv(0x06, OID_HMAC_SHA256), tlv(0x05, new byte[0]));
      byte[] kdfParams = seq(tlv(0x04, salt), tlv(0x02, BigInteger.valueOf(iterations).toByteArray()), prf);
      byte[] kdf = seq(tlv(0x06, OID_PBKDF2), kdfParams);
      byte[] cipher = seq(tlv(0x06, OID_AES256_CBC), tlv(0x04, iv));
      byte[] algorithm = seq(tlv(0x06, OID_PBES2), seq(kdf, cipher));
      return Pem.encode(PemKeys.ENCRYPTED_LABEL, seq(algorithm, tlv(0x04, encrypted)));
    } catch (GeneralSecurityException e) {
      throw new SealpostException(ErrorCategory.INVALID_KEY_MATERIAL, "private key encryption failed", e);
    } finally {
      spec.clearPassword();
      Arrays.fill(pkcs8, (byte) 0);
      if (aesKey != null) {
        Arrays.fill(aesKey, (byte) 0);
      }
    }
  }

  /** DER: tag, minimal definite length, contents. */
  private static byte[] tlv(int tag, byte[] contents) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(contents.length + 6);
    out.write(tag);
    int n = contents.length;
    if (n < 0x80) {
      out.write(n);
    } else {
      byte[] len = BigInteger.valueOf(n).toByteArray();
      int skip = len[0] == 0 ? 1 : 0;
      out.write(0x80 | (len.length - skip));
      out.write(len, skip, len.length - skip);
    }
    out.writeBytes(contents);
    return out.toByteArray();
  }

  private static byte[] seq(byte[]... parts) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      body.writeBytes(p);
    }
    return tlv(0x30, body.toByteArray());
  }
}
