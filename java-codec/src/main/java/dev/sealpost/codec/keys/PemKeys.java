package dev.sealpost.codec.keys;

import dev.sealpost.codec.SealpostException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * X25519 keys in PEM (SPEC.md Appendix C; the byte-level rules are in docs/key-material.md).
 *
 * <ul>
 *   <li>{@code PRIVATE KEY}: PKCS#8 PrivateKeyInfo / OneAsymmetricKey (RFC 5958) with algorithm
 *       id-X25519 (1.3.101.110, no parameters) and privateKey = OCTET STRING wrapping the
 *       32-byte CurvePrivateKey (RFC 8410). Version 0; version 1 with an optional [1] public key,
 *       which must match the private key. Written as version 0, exactly as OpenSSL writes it.
 *   <li>{@code ENCRYPTED PRIVATE KEY}: PKCS#8 EncryptedPrivateKeyInfo with PBES2 = PBKDF2
 *       (hmacWithSHA256, or hmacWithSHA1, the default when the PRF is absent) and AES-256-CBC or
 *       AES-128-CBC, as {@code openssl pkcs8 -topk8 -v2 aes-256-cbc} writes; written by {@link EncryptedPemWriter}. PBKDF2
 *       iterations 1,000..5,000,000; below 100,000 the key loads with a WARNING.
 *   <li>{@code PUBLIC KEY}: SubjectPublicKeyInfo with id-X25519 and the 32-byte key as a BIT
 *       STRING with no unused bits.
 * </ul>
 *
 * <p>Ed25519 writer keys (SPEC.md 16) use the same three forms with id-Ed25519 (1.3.101.112); the
 * private key is the 32-byte seed. Both curves are parsed by one RFC 8410 parser ({@code
 * Rfc8410Keys}).
 *
 * <p>Exactly one PEM block is accepted per input. Every failure, for any input string, is a
 * {@link SealpostException} with category {@code invalid-key-material}; messages never contain
 * key bytes or passwords.
 */
public final class PemKeys {
  /** Largest PEM file read, in bytes. */
  public static final int MAX_FILE_BYTES = Pem.MAX_CHARS;

  static final String PRIVATE_LABEL = "PRIVATE KEY";
  static final String ENCRYPTED_LABEL = "ENCRYPTED PRIVATE KEY";
  static final String PUBLIC_LABEL = "PUBLIC KEY";

  // DER prefixes of the RFC 8410 encodings; the 32 key bytes follow.
  private static final byte[] PRIVATE_PREFIX = {
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20
  };
  private static final byte[] PUBLIC_PREFIX = {
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x03, 0x21, 0x00
  };
  // id-Ed25519 (1.3.101.112); its SPKI prefix is Ed25519PublicKey.SPKI_PREFIX.
  private static final byte[] ED25519_PRIVATE_PREFIX = {
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20
  };

  private PemKeys() {}

  /** Parses an unencrypted {@code PRIVATE KEY}. */
  public static X25519PrivateKey privateKeyFromPem(String pem) throws SealpostException {
    return privateKeyFromPem(pem, null);
  }

  /**
   * Parses a {@code PRIVATE KEY}, when {@code password} is null, or an {@code ENCRYPTED PRIVATE
   * KEY}, when it is not. The password is used as its UTF-8 bytes and is not modified. A key
   * protected by fewer than 100,000 PBKDF2 iterations loads with a WARNING (System.Logger
   * {@code dev.sealpost.codec.keys}); fewer than 1,000 or more than 5,000,000 fail.
   */
  public static X25519PrivateKey privateKeyFromPem(String pem, char[] password) throws SealpostException {
    return Rfc8410Keys.X25519.privateKeyFromPem(pem, password, "encrypted private key");
  }

  /** Parses a {@code PUBLIC KEY} (SubjectPublicKeyInfo). */
  public static X25519PublicKey publicKeyFromPem(String pem) throws SealpostException {
    return Rfc8410Keys.X25519.publicKeyFromPem(pem);
  }

  /** Unencrypted PKCS#8 {@code PRIVATE KEY}, RFC 8410 form, LF line ends. */
  public static String toPem(X25519PrivateKey key) {
    byte[] scalar = key.toBytes();
    byte[] der = concat(PRIVATE_PREFIX, scalar);
    try {
      return Pem.encode(PRIVATE_LABEL, der);
    } finally {
      Arrays.fill(scalar, (byte) 0);
      Arrays.fill(der, (byte) 0);
    }
  }

  /** SubjectPublicKeyInfo {@code PUBLIC KEY}, RFC 8410 form, LF line ends. */
  public static String toPem(X25519PublicKey key) {
    return Pem.encode(PUBLIC_LABEL, concat(PUBLIC_PREFIX, key.toBytes()));
  }

  public static X25519PrivateKey loadPrivateKey(Path path) throws SealpostException {
    return loadPrivateKey(path, null);
  }

  /**
   * Reads a private key file as {@link #privateKeyFromPem(String, char[])} does, and logs a
   * WARNING (System.Logger {@code dev.sealpost.codec.keys}) when group or others may read or
   * write it.
   */
  public static X25519PrivateKey loadPrivateKey(Path path, char[] password) throws SealpostException {
    return Rfc8410Keys.X25519.load(path, password);
  }

  public static X25519PublicKey loadPublicKey(Path path) throws SealpostException {
    return Rfc8410Keys.X25519.loadPublic(path);
  }

  // Ed25519 writer keys (SPEC.md 16, Appendix C): the same PEM forms with OID 1.3.101.112.

  /** Parses an Ed25519 {@code PRIVATE KEY}, or an {@code ENCRYPTED PRIVATE KEY} when a password is given. */
  public static Ed25519PrivateKey ed25519PrivateKeyFromPem(String pem, char[] passwordOrNull) throws SealpostException {
    return Rfc8410Keys.ED25519.privateKeyFromPem(pem, passwordOrNull, "encrypted private key");
  }

  /** Parses an Ed25519 {@code PUBLIC KEY} (SubjectPublicKeyInfo). */
  public static Ed25519PublicKey ed25519PublicKeyFromPem(String pem) throws SealpostException {
    return Rfc8410Keys.ED25519.publicKeyFromPem(pem);
  }

  /** Reads an Ed25519 private key file; warns as {@link #loadPrivateKey(Path, char[])} does. */
  public static Ed25519PrivateKey loadEd25519PrivateKey(Path path, char[] passwordOrNull) throws SealpostException {
    return Rfc8410Keys.ED25519.load(path, passwordOrNull);
  }

  public static Ed25519PublicKey loadEd25519PublicKey(Path path) throws SealpostException {
    return Rfc8410Keys.ED25519.loadPublic(path);
  }

  /** Unencrypted PKCS#8 {@code PRIVATE KEY} holding the seed, RFC 8410 form, LF line ends. */
  public static String toPem(Ed25519PrivateKey key) {
    byte[] seed = key.toBytes();
    byte[] der = concat(ED25519_PRIVATE_PREFIX, seed);
    try {
      return Pem.encode(PRIVATE_LABEL, der);
    } finally {
      Arrays.fill(seed, (byte) 0);
      Arrays.fill(der, (byte) 0);
    }
  }

  /** SubjectPublicKeyInfo {@code PUBLIC KEY}, RFC 8410 form, LF line ends. */
  public static String toPem(Ed25519PublicKey key) {
    return Pem.encode(PUBLIC_LABEL, concat(Ed25519PublicKey.SPKI_PREFIX, key.toBytes()));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
