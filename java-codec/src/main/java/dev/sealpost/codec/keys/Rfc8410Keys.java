package dev.sealpost.codec.keys;

import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.SealpostException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * The RFC 8410 key structures one curve's keys use in PEM (SPEC.md Appendix C), parameterised by
 * the algorithm's OID: X25519 and Ed25519 keys ({@link PemKeys}) differ only in it, in the name
 * their messages give and in how 32 bytes become a key. One parser, so that a
 * rule tightened for one curve is tightened for both.
 *
 * <ul>
 *   <li>PKCS#8 PrivateKeyInfo / OneAsymmetricKey (RFC 5958), version 0, or version 1 with an
 *       optional [1] public key that must match; privateKey = OCTET STRING wrapping the 32-byte
 *       CurvePrivateKey; attributes [0] skipped.
 *   <li>SubjectPublicKeyInfo with the 32-byte key as a BIT STRING with no unused bits.
 * </ul>
 *
 * The algorithm identifier has no parameters. Every failure is {@code invalid-key-material}.
 */
final class Rfc8410Keys<S, P> {
  /** 32 bytes to a key; throws {@code invalid-key-material} when they are not one. */
  interface FromBytes<K> {
    K fromBytes(byte[] raw) throws SealpostException;
  }

  /** A private key's public key. */
  interface PublicOf<S, P> {
    P publicOf(S key);
  }

  static final Rfc8410Keys<X25519PrivateKey, X25519PublicKey> X25519 = new Rfc8410Keys<>(
      Oids.X25519, "X25519", X25519PrivateKey::fromBytes, X25519PublicKey::fromBytes, X25519PrivateKey::publicKey);
  static final Rfc8410Keys<Ed25519PrivateKey, Ed25519PublicKey> ED25519 = new Rfc8410Keys<>(
      Oids.ED25519, "Ed25519", Ed25519PrivateKey::fromSeed, Ed25519PublicKey::fromBytes, Ed25519PrivateKey::publicKey);

  private static final int KEY_LENGTH = 32;

  private final String oid;
  private final String name;
  private final FromBytes<S> privateKey;
  private final FromBytes<P> publicKey;
  private final PublicOf<S, P> publicOf;

  private Rfc8410Keys(String oid, String name, FromBytes<S> privateKey, FromBytes<P> publicKey, PublicOf<S, P> publicOf) {
    this.oid = oid;
    this.name = name;
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    this.publicOf = publicOf;
  }

  /** {@code source} names the key in the warning about a low iteration count. */
  S privateKeyFromPem(String pem, char[] password, String source) throws SealpostException {
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

  P publicKeyFromPem(String pem) throws SealpostException {
    Objects.requireNonNull(pem, "pem");
    try {
      Pem.Block block = Pem.decode(pem);
      if (!block.label.equals(PemKeys.PUBLIC_LABEL)) {
        throw fail("expected a PUBLIC KEY block, found " + block.label);
      }
      return parseSubjectPublicKeyInfo(block.der);
    } catch (RuntimeException e) {
      throw new SealpostException(ErrorCategory.INVALID_KEY_MATERIAL, "malformed public key", e);
    }
  }

  /** Reads a private key file; warns when group or others may read or write it. */
  S load(Path path, char[] password) throws SealpostException {
    byte[] data = KeyFileIo.read(path, PemKeys.MAX_FILE_BYTES, "key file");
    KeyFileIo.warnIfExposed(path, "private key file");
    try {
      return privateKeyFromPem(KeyFileIo.utf8(data, "the file"), password, "encrypted private key file " + path);
    } catch (SealpostException e) {
      throw withPath(path, e);
    } finally {
      Arrays.fill(data, (byte) 0);
    }
  }

  P loadPublic(Path path) throws SealpostException {
    byte[] data = KeyFileIo.read(path, PemKeys.MAX_FILE_BYTES, "key file");
    try {
      return publicKeyFromPem(KeyFileIo.utf8(data, "the file"));
    } catch (SealpostException e) {
      throw withPath(path, e);
    }
  }

  private static SealpostException withPath(Path path, SealpostException e) {
    return new SealpostException(e.category(), "key file " + path + ": " + KeyFileIo.reason(e), e);
  }

  /**
   * A {@code PRIVATE KEY}, when {@code password} is null, or an {@code ENCRYPTED PRIVATE KEY}
   * (PBES2), when it is not. {@code source} names the key in the warning about a low iteration
   * count.
   */
  private S privateKey(Pem.Block block, char[] password, String source) throws SealpostException {
    switch (block.label) {
      case PemKeys.PRIVATE_LABEL:
        if (password != null) {
          throw fail("the key is not encrypted, but a password was given");
        }
        return parsePrivateKeyInfo(block.der, false);
      case PemKeys.ENCRYPTED_LABEL:
        if (password == null) {
          throw fail("the key is encrypted; a password is required");
        }
        KeyFileIo.checkPassword(password);
        Pbes2.Decrypted decrypted = Pbes2.decrypt(block.der, password);
        byte[] pkcs8 = decrypted.privateKeyInfo();
        try {
          S key = parsePrivateKeyInfo(pkcs8, true);
          warnIfFewIterations(decrypted.iterations(), source);
          return key;
        } finally {
          Arrays.fill(pkcs8, (byte) 0);
        }
      case PemKeys.PUBLIC_LABEL:
        throw fail("expected a private key, found a PUBLIC KEY block");
      default:
        throw fail("expected a PRIVATE KEY or ENCRYPTED PRIVATE KEY block, found " + block.label
            + " (only PKCS#8 " + name + " keys are supported)");
    }
  }

  /**
   * Parses PrivateKeyInfo. When {@code decrypted}, a structural failure means the password was
   * wrong (CBC padding passes by chance about once in 256 wrong passwords), so it says that.
   */
  private S parsePrivateKeyInfo(byte[] der, boolean decrypted) throws SealpostException {
    String found;
    byte[] octets;
    byte[] publicBits = null;
    try {
      DerReader top = new DerReader(der);
      DerReader info = top.readSequence();
      top.expectEnd("PrivateKeyInfo");
      int version = info.readSmallInt();
      if (version != 0 && version != 1) {
        throw DerReader.fail("unsupported PKCS#8 version " + version);
      }
      DerReader alg = info.readSequence();
      found = alg.readOid();
      if (found.equals(oid) && alg.hasMore()) {
        throw fail(name + " algorithm identifier must have no parameters (RFC 8410)");
      }
      octets = info.readBytes(DerReader.OCTET_STRING);
      if (info.hasMore() && info.peekTag() == 0xA0) {
        info.readElement(0xA0); // attributes: carry nothing Sealpost uses
      }
      if (info.hasMore() && version == 1) {
        publicBits = info.readBytes(0x81);
      }
      info.expectEnd("PrivateKeyInfo");
    } catch (SealpostException e) {
      throw decrypted ? Pbes2.wrongPassword() : e;
    }
    try {
      if (!found.equals(oid)) {
        throw fail("not an " + name + " key: found " + Oids.describe(found));
      }
      DerReader inner = new DerReader(octets);
      byte[] raw = inner.readBytes(DerReader.OCTET_STRING);
      try {
        inner.expectEnd("CurvePrivateKey");
        if (raw.length != KEY_LENGTH) {
          throw fail(name + " private key must be 32 bytes, got " + raw.length);
        }
        S key = privateKey.fromBytes(raw);
        if (publicBits != null && !publicOf.publicOf(key).equals(bitStringKey(publicBits))) {
          throw fail("the public key in the PKCS#8 structure does not match the private key");
        }
        return key;
      } finally {
        Arrays.fill(raw, (byte) 0);
      }
    } finally {
      Arrays.fill(octets, (byte) 0);
    }
  }

  private P parseSubjectPublicKeyInfo(byte[] der) throws SealpostException {
    DerReader top = new DerReader(der);
    DerReader spki = top.readSequence();
    top.expectEnd("SubjectPublicKeyInfo");
    DerReader alg = spki.readSequence();
    String found = alg.readOid();
    if (!found.equals(oid)) {
      throw fail("not an " + name + " key: found " + Oids.describe(found));
    }
    if (alg.hasMore()) {
      throw fail(name + " algorithm identifier must have no parameters (RFC 8410)");
    }
    byte[] bits = spki.readBytes(DerReader.BIT_STRING);
    spki.expectEnd("SubjectPublicKeyInfo");
    return bitStringKey(bits);
  }

  /** A 32-byte key from BIT STRING contents: a zero unused-bits byte, then the key. */
  private P bitStringKey(byte[] bits) throws SealpostException {
    if (bits.length != KEY_LENGTH + 1 || bits[0] != 0) {
      throw fail(name + " public key must be a 32-byte BIT STRING with no unused bits");
    }
    return publicKey.fromBytes(Arrays.copyOfRange(bits, 1, KEY_LENGTH + 1));
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

  private static SealpostException fail(String reason) {
    return new SealpostException(ErrorCategory.INVALID_KEY_MATERIAL, reason);
  }
}
