package dev.sealpost.codec.keys;

import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.SealpostException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

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
    return privateKeyFromPem(pem, password, "encrypted private key");
  }

  /** {@code source} names the key in the warning about a low iteration count. */
  private static X25519PrivateKey privateKeyFromPem(String pem, char[] password, String source)
      throws SealpostException {
    Objects.requireNonNull(pem, "pem");
    try {
      Pem.Block block = Pem.decode(pem);
      try {
        return privateKey(block, password, source);
      } finally {
        Arrays.fill(block.der, (byte) 0);
      }
    } catch (RuntimeException e) {
      // Defensive: no input may surface as an unchecked exception.
      throw new SealpostException(ErrorCategory.INVALID_KEY_MATERIAL, "malformed private key", e);
    }
  }

  /** Parses a {@code PUBLIC KEY} (SubjectPublicKeyInfo). */
  public static X25519PublicKey publicKeyFromPem(String pem) throws SealpostException {
    Objects.requireNonNull(pem, "pem");
    try {
      Pem.Block block = Pem.decode(pem);
      if (!block.label.equals(PUBLIC_LABEL)) {
        throw fail("expected a PUBLIC KEY block, found " + block.label);
      }
      return parseSubjectPublicKeyInfo(block.der);
    } catch (RuntimeException e) {
      throw new SealpostException(ErrorCategory.INVALID_KEY_MATERIAL, "malformed public key", e);
    }
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
    byte[] data = KeyFileIo.read(path, MAX_FILE_BYTES, "key file");
    KeyFileIo.warnIfExposed(path, "private key file");
    try {
      return privateKeyFromPem(KeyFileIo.utf8(data, "the file"), password, "encrypted private key file " + path);
    } catch (SealpostException e) {
      throw withPath(path, e);
    } finally {
      Arrays.fill(data, (byte) 0);
    }
  }

  public static X25519PublicKey loadPublicKey(Path path) throws SealpostException {
    byte[] data = KeyFileIo.read(path, MAX_FILE_BYTES, "key file");
    try {
      return publicKeyFromPem(KeyFileIo.utf8(data, "the file"));
    } catch (SealpostException e) {
      throw withPath(path, e);
    }
  }

  // Ed25519 writer keys (SPEC.md 16, Appendix C): the same PEM forms with OID 1.3.101.112.

  /** Parses an Ed25519 {@code PRIVATE KEY}, or an {@code ENCRYPTED PRIVATE KEY} when a password is given. */
  public static Ed25519PrivateKey ed25519PrivateKeyFromPem(String pem, char[] passwordOrNull) throws SealpostException {
    return Ed25519Pem.privateKeyFromPem(pem, passwordOrNull, "encrypted private key");
  }

  /** Parses an Ed25519 {@code PUBLIC KEY} (SubjectPublicKeyInfo). */
  public static Ed25519PublicKey ed25519PublicKeyFromPem(String pem) throws SealpostException {
    return Ed25519Pem.publicKeyFromPem(pem);
  }

  /** Reads an Ed25519 private key file; warns as {@link #loadPrivateKey(Path, char[])} does. */
  public static Ed25519PrivateKey loadEd25519PrivateKey(Path path, char[] passwordOrNull) throws SealpostException {
    return Ed25519Pem.load(path, passwordOrNull);
  }

  public static Ed25519PublicKey loadEd25519PublicKey(Path path) throws SealpostException {
    return Ed25519Pem.loadPublic(path);
  }

  /** Unencrypted PKCS#8 {@code PRIVATE KEY} holding the seed, RFC 8410 form, LF line ends. */
  public static String toPem(Ed25519PrivateKey key) {
    return Ed25519Pem.toPem(key);
  }

  /** SubjectPublicKeyInfo {@code PUBLIC KEY}, RFC 8410 form, LF line ends. */
  public static String toPem(Ed25519PublicKey key) {
    return Ed25519Pem.toPem(key);
  }

  private static SealpostException withPath(Path path, SealpostException e) {
    return new SealpostException(e.category(), "key file " + path + ": " + KeyFileIo.reason(e), e);
  }

  private static X25519PrivateKey privateKey(Pem.Block block, char[] password, String source)
      throws SealpostException {
    switch (block.label) {
      case PRIVATE_LABEL:
        if (password != null) {
          throw fail("the key is not encrypted, but a password was given");
        }
        return parsePrivateKeyInfo(block.der, false);
      case ENCRYPTED_LABEL:
        if (password == null) {
          throw fail("the key is encrypted; a password is required");
        }
        KeyFileIo.checkPassword(password);
        Pbes2.Decrypted decrypted = Pbes2.decrypt(block.der, password);
        byte[] pkcs8 = decrypted.privateKeyInfo();
        try {
          X25519PrivateKey key = parsePrivateKeyInfo(pkcs8, true);
          warnIfFewIterations(decrypted.iterations(), source);
          return key;
        } finally {
          Arrays.fill(pkcs8, (byte) 0);
        }
      case PUBLIC_LABEL:
        throw fail("expected a private key, found a PUBLIC KEY block");
      default:
        throw fail("expected a PRIVATE KEY or ENCRYPTED PRIVATE KEY block, found " + block.label
            + " (only PKCS#8 X25519 keys are supported)");
    }
  }

  /**
   * Parses PrivateKeyInfo. When {@code decrypted}, a structural failure means the password was
   * wrong (CBC padding passes by chance about once in 256 wrong passwords), so it says that.
   */
  private static X25519PrivateKey parsePrivateKeyInfo(byte[] der, boolean decrypted) throws SealpostException {
    String oid;
    byte[] privateKey;
    byte[] publicKey = null;
    try {
      DerReader top = new DerReader(der);
      DerReader info = top.readSequence();
      top.expectEnd("PrivateKeyInfo");
      int version = info.readSmallInt();
      if (version != 0 && version != 1) {
        throw DerReader.fail("unsupported PKCS#8 version " + version);
      }
      DerReader alg = info.readSequence();
      oid = alg.readOid();
      if (oid.equals(Oids.X25519) && alg.hasMore()) {
        throw fail("X25519 algorithm identifier must have no parameters (RFC 8410)");
      }
      privateKey = info.readBytes(DerReader.OCTET_STRING);
      if (info.hasMore() && info.peekTag() == 0xA0) {
        info.readElement(0xA0); // attributes: carry nothing Sealpost uses
      }
      if (info.hasMore() && version == 1) {
        publicKey = info.readBytes(0x81);
      }
      info.expectEnd("PrivateKeyInfo");
    } catch (SealpostException e) {
      throw decrypted ? Pbes2.wrongPassword() : e;
    }
    try {
      if (!oid.equals(Oids.X25519)) {
        throw fail("not an X25519 key: found " + Oids.describe(oid));
      }
      DerReader inner = new DerReader(privateKey);
      byte[] scalar = inner.readBytes(DerReader.OCTET_STRING);
      try {
        inner.expectEnd("CurvePrivateKey");
        if (scalar.length != 32) {
          throw fail("X25519 private key must be 32 bytes, got " + scalar.length);
        }
        X25519PrivateKey key = X25519PrivateKey.fromBytes(scalar);
        if (publicKey != null && !key.publicKey().equals(bitStringKey(publicKey))) {
          throw fail("the public key in the PKCS#8 structure does not match the private key");
        }
        return key;
      } finally {
        Arrays.fill(scalar, (byte) 0);
      }
    } finally {
      Arrays.fill(privateKey, (byte) 0);
    }
  }

  /**
   * Accepted but weak (OpenSSL writes 2048 iterations unless told otherwise): say so once the
   * key has loaded, so a wrong password does not also produce a warning.
   */
  private static void warnIfFewIterations(int iterations, String source) {
    if (iterations < Pbes2.WARN_BELOW_ITERATIONS) {
      KeyFileIo.LOG.log(System.Logger.Level.WARNING, source + " is protected by only " + iterations
          + " PBKDF2 iterations (fewer than " + Pbes2.WARN_BELOW_ITERATIONS + "); re-encrypt it with more,"
          + " e.g. openssl pkcs8 -topk8 -v2 aes-256-cbc -iter 600000");
    }
  }

  private static X25519PublicKey parseSubjectPublicKeyInfo(byte[] der) throws SealpostException {
    DerReader top = new DerReader(der);
    DerReader spki = top.readSequence();
    top.expectEnd("SubjectPublicKeyInfo");
    DerReader alg = spki.readSequence();
    String oid = alg.readOid();
    if (!oid.equals(Oids.X25519)) {
      throw fail("not an X25519 key: found " + Oids.describe(oid));
    }
    if (alg.hasMore()) {
      throw fail("X25519 algorithm identifier must have no parameters (RFC 8410)");
    }
    byte[] bits = spki.readBytes(DerReader.BIT_STRING);
    spki.expectEnd("SubjectPublicKeyInfo");
    return bitStringKey(bits);
  }

  /** A 32-byte key from BIT STRING contents: a zero unused-bits byte, then the key. */
  private static X25519PublicKey bitStringKey(byte[] bits) throws SealpostException {
    if (bits.length != 33 || bits[0] != 0) {
      throw fail("X25519 public key must be a 32-byte BIT STRING with no unused bits");
    }
    return X25519PublicKey.fromBytes(Arrays.copyOfRange(bits, 1, 33));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static SealpostException fail(String reason) {
    return new SealpostException(ErrorCategory.INVALID_KEY_MATERIAL, reason);
  }
}
