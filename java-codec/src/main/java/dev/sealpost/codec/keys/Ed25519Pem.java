package dev.sealpost.codec.keys;

import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.SealpostException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * Ed25519 keys in PEM (SPEC.md Appendix C, RFC 8410), the same forms as X25519's in
 * {@link PemKeys} with the algorithm id-Ed25519 (1.3.101.112, no parameters):
 *
 * <ul>
 *   <li>{@code PRIVATE KEY}: PKCS#8 version 0 (or 1 with a matching [1] public key), privateKey
 *       = OCTET STRING wrapping the 32-byte seed (CurvePrivateKey). Written as version 0:
 *       {@code 30 2e 02 01 00 30 05 06 03 2b 65 70 04 22 04 20 || seed}.
 *   <li>{@code ENCRYPTED PRIVATE KEY}: PBES2 as for X25519 (read).
 *   <li>{@code PUBLIC KEY}: SubjectPublicKeyInfo {@code 30 2a 30 05 06 03 2b 65 70 03 21 00 || A}.
 * </ul>
 *
 * Every failure is {@code invalid-key-material}; messages hold no key bytes or passwords.
 */
final class Ed25519Pem {
  static final String OID = "1.3.101.112";

  private static final byte[] PRIVATE_PREFIX = {
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20
  };

  private Ed25519Pem() {}

  static Ed25519PrivateKey privateKeyFromPem(String pem, char[] password, String source) throws SealpostException {
    Objects.requireNonNull(pem, "pem");
    try {
      Pem.Block block = Pem.decode(pem);
      try {
        return privateKey(block, password, source);
      } finally {
        Arrays.fill(block.der, (byte) 0);
      }
    } catch (RuntimeException e) {
      throw new SealpostException(ErrorCategory.INVALID_KEY_MATERIAL, "malformed private key", e);
    }
  }

  static Ed25519PublicKey publicKeyFromPem(String pem) throws SealpostException {
    Objects.requireNonNull(pem, "pem");
    try {
      Pem.Block block = Pem.decode(pem);
      if (!block.label.equals(PemKeys.PUBLIC_LABEL)) {
        throw fail("expected a PUBLIC KEY block, found " + block.label);
      }
      DerReader top = new DerReader(block.der);
      DerReader spki = top.readSequence();
      top.expectEnd("SubjectPublicKeyInfo");
      DerReader alg = spki.readSequence();
      String oid = alg.readOid();
      if (!oid.equals(OID)) {
        throw fail("not an Ed25519 key: found " + Oids.describe(oid));
      }
      if (alg.hasMore()) {
        throw fail("Ed25519 algorithm identifier must have no parameters (RFC 8410)");
      }
      byte[] bits = spki.readBytes(DerReader.BIT_STRING);
      spki.expectEnd("SubjectPublicKeyInfo");
      return bitStringKey(bits);
    } catch (RuntimeException e) {
      throw new SealpostException(ErrorCategory.INVALID_KEY_MATERIAL, "malformed public key", e);
    }
  }

  static String toPem(Ed25519PrivateKey key) {
    byte[] seed = key.toBytes();
    byte[] der = Arrays.copyOf(PRIVATE_PREFIX, PRIVATE_PREFIX.length + seed.length);
    System.arraycopy(seed, 0, der, PRIVATE_PREFIX.length, seed.length);
    try {
      return Pem.encode(PemKeys.PRIVATE_LABEL, der);
    } finally {
      Arrays.fill(seed, (byte) 0);
      Arrays.fill(der, (byte) 0);
    }
  }

  static String toPem(Ed25519PublicKey key) {
    byte[] a = key.toBytes();
    byte[] der = Arrays.copyOf(Ed25519PublicKey.SPKI_PREFIX, Ed25519PublicKey.SPKI_PREFIX.length + a.length);
    System.arraycopy(a, 0, der, Ed25519PublicKey.SPKI_PREFIX.length, a.length);
    return Pem.encode(PemKeys.PUBLIC_LABEL, der);
  }

  static Ed25519PrivateKey load(Path path, char[] password) throws SealpostException {
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

  static Ed25519PublicKey loadPublic(Path path) throws SealpostException {
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

  private static Ed25519PrivateKey privateKey(Pem.Block block, char[] password, String source)
      throws SealpostException {
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
          Ed25519PrivateKey key = parsePrivateKeyInfo(pkcs8, true);
          if (decrypted.iterations() < Pbes2.WARN_BELOW_ITERATIONS) {
            KeyFileIo.LOG.log(System.Logger.Level.WARNING, source + " is protected by only " + decrypted.iterations()
                + " PBKDF2 iterations (fewer than " + Pbes2.WARN_BELOW_ITERATIONS + "); re-encrypt it with more,"
                + " e.g. openssl pkcs8 -topk8 -v2 aes-256-cbc -iter 600000");
          }
          return key;
        } finally {
          Arrays.fill(pkcs8, (byte) 0);
        }
      case PemKeys.PUBLIC_LABEL:
        throw fail("expected a private key, found a PUBLIC KEY block");
      default:
        throw fail("expected a PRIVATE KEY or ENCRYPTED PRIVATE KEY block, found " + block.label
            + " (only PKCS#8 Ed25519 keys are supported here)");
    }
  }

  /** As PemKeys' X25519 parser: after decryption a structural failure means a wrong password. */
  private static Ed25519PrivateKey parsePrivateKeyInfo(byte[] der, boolean decrypted) throws SealpostException {
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
      if (oid.equals(OID) && alg.hasMore()) {
        throw fail("Ed25519 algorithm identifier must have no parameters (RFC 8410)");
      }
      privateKey = info.readBytes(DerReader.OCTET_STRING);
      if (info.hasMore() && info.peekTag() == 0xA0) {
        info.readElement(0xA0);
      }
      if (info.hasMore() && version == 1) {
        publicKey = info.readBytes(0x81);
      }
      info.expectEnd("PrivateKeyInfo");
    } catch (SealpostException e) {
      throw decrypted ? Pbes2.wrongPassword() : e;
    }
    try {
      if (!oid.equals(OID)) {
        throw fail("not an Ed25519 key: found " + Oids.describe(oid));
      }
      DerReader inner = new DerReader(privateKey);
      byte[] seed = inner.readBytes(DerReader.OCTET_STRING);
      try {
        inner.expectEnd("CurvePrivateKey");
        if (seed.length != Ed25519PrivateKey.LENGTH) {
          throw fail("Ed25519 private key must be 32 bytes, got " + seed.length);
        }
        Ed25519PrivateKey key = Ed25519PrivateKey.fromSeed(seed);
        if (publicKey != null && !key.publicKey().equals(bitStringKey(publicKey))) {
          throw fail("the public key in the PKCS#8 structure does not match the private key");
        }
        return key;
      } finally {
        Arrays.fill(seed, (byte) 0);
      }
    } finally {
      Arrays.fill(privateKey, (byte) 0);
    }
  }

  private static Ed25519PublicKey bitStringKey(byte[] bits) throws SealpostException {
    if (bits.length != 33 || bits[0] != 0) {
      throw fail("Ed25519 public key must be a 32-byte BIT STRING with no unused bits");
    }
    return Ed25519PublicKey.fromBytes(Arrays.copyOfRange(bits, 1, 33));
  }

  private static SealpostException fail(String reason) {
    return new SealpostException(ErrorCategory.INVALID_KEY_MATERIAL, reason);
  }
}
