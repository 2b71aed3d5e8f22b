package dev.sealpost.codec.keys;

import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.SealpostException;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Decrypts a PKCS#8 EncryptedPrivateKeyInfo (RFC 5958) protected with PBES2 (RFC 8018):
 * PBKDF2 with HMAC-SHA-256 or HMAC-SHA-1, and AES-256-CBC or AES-128-CBC. The whole structure
 * is parsed and bounded before any key derivation runs.
 */
final class Pbes2 {
  static final String OID_PBES2 = "1.2.840.113549.1.5.13";
  static final String OID_PBKDF2 = "1.2.840.113549.1.5.12";
  static final String OID_HMAC_SHA1 = "1.2.840.113549.2.7";
  static final String OID_HMAC_SHA256 = "1.2.840.113549.2.9";
  static final String OID_AES128_CBC = "2.16.840.1.101.3.4.1.2";
  static final String OID_AES256_CBC = "2.16.840.1.101.3.4.1.42";

  /**
   * Fewest PBKDF2 iterations accepted: RFC 8018 section 4.2's minimum. Below it the password is
   * barely stretched and the file is refused; OpenSSL's default (2048) stays readable.
   */
  static final int MIN_ITERATIONS = 1_000;
  /** Below this a loaded key is accepted with a warning: the keyring's floor, see docs/key-material.md 4.2. */
  static final int WARN_BELOW_ITERATIONS = KeyringFile.MIN_ITERATIONS;
  /**
   * Most PBKDF2 iterations accepted, so that a crafted file costs the reader seconds, not
   * minutes: about 1 to 3 s with hmacWithSHA256, twice that with hmacWithSHA1 and AES-256 (two
   * output blocks), on one server core. Eight times OWASP's 600,000 for SHA-256.
   */
  static final int MAX_ITERATIONS = KeyringFile.MAX_ITERATIONS;

  private static final int MIN_SALT = 8;
  private static final int MAX_SALT = 1024;

  private Pbes2() {}

  /** A decrypted PrivateKeyInfo DER, which the caller wipes, and the PBKDF2 iterations that protected it. */
  record Decrypted(byte[] privateKeyInfo, int iterations) {}

  static Decrypted decrypt(byte[] der, char[] password) throws SealpostException {
    DerReader top = new DerReader(der);
    DerReader info = top.readSequence();
    top.expectEnd("EncryptedPrivateKeyInfo");
    DerReader alg = info.readSequence();
    String scheme = alg.readOid();
    if (!scheme.equals(OID_PBES2)) {
      throw fail("unsupported encryption scheme " + Oids.describe(scheme) + "; expected PBES2");
    }
    DerReader params = alg.readSequence();
    alg.expectEnd("PBES2 algorithm");

    DerReader kdf = params.readSequence();
    String kdfOid = kdf.readOid();
    if (!kdfOid.equals(OID_PBKDF2)) {
      throw fail("unsupported key derivation " + Oids.describe(kdfOid) + "; expected PBKDF2");
    }
    DerReader kp = kdf.readSequence();
    kdf.expectEnd("PBKDF2 algorithm");
    if (kp.peekTag() != DerReader.OCTET_STRING) {
      throw fail("unsupported PBKDF2 salt source; expected an explicit salt");
    }
    byte[] salt = kp.readBytes(DerReader.OCTET_STRING);
    if (salt.length < MIN_SALT || salt.length > MAX_SALT) {
      throw fail("PBKDF2 salt must be " + MIN_SALT + ".." + MAX_SALT + " bytes, got " + salt.length);
    }
    int iterations = kp.readSmallInt();
    // Checked before anything is derived: the bound is what keeps a crafted file cheap.
    if (iterations < MIN_ITERATIONS) {
      throw fail("PBKDF2 iteration count " + iterations + " is below the minimum of " + MIN_ITERATIONS
          + ": too weak to protect the key; re-encrypt it with more iterations");
    }
    if (iterations > MAX_ITERATIONS) {
      throw fail("PBKDF2 iteration count " + iterations + " is above the maximum of " + MAX_ITERATIONS
          + ", a bound on the time a key file may cost to read");
    }
    int keyLength = -1;
    if (kp.hasMore() && kp.peekTag() == DerReader.INTEGER) {
      keyLength = kp.readSmallInt();
    }
    // PRF defaults to hmacWithSHA1 when absent (RFC 8018, A.2).
    String prf = OID_HMAC_SHA1;
    if (kp.hasMore()) {
      DerReader prfAlg = kp.readSequence();
      prf = prfAlg.readOid();
      if (prfAlg.hasMore()) {
        prfAlg.readNull();
      }
      prfAlg.expectEnd("PRF algorithm");
    }
    kp.expectEnd("PBKDF2 parameters");
    String jcaKdf;
    if (prf.equals(OID_HMAC_SHA256)) {
      jcaKdf = "PBKDF2WithHmacSHA256";
    } else if (prf.equals(OID_HMAC_SHA1)) {
      jcaKdf = "PBKDF2WithHmacSHA1";
    } else {
      throw fail("unsupported PBKDF2 PRF " + Oids.describe(prf) + "; expected hmacWithSHA256 or hmacWithSHA1");
    }

    DerReader enc = params.readSequence();
    params.expectEnd("PBES2 parameters");
    String cipherOid = enc.readOid();
    int aesKeyLength;
    if (cipherOid.equals(OID_AES256_CBC)) {
      aesKeyLength = 32;
    } else if (cipherOid.equals(OID_AES128_CBC)) {
      aesKeyLength = 16;
    } else {
      throw fail("unsupported cipher " + Oids.describe(cipherOid) + "; expected aes-256-cbc or aes-128-cbc");
    }
    byte[] iv = enc.readBytes(DerReader.OCTET_STRING);
    enc.expectEnd("cipher parameters");
    if (iv.length != 16) {
      throw fail("AES-CBC IV must be 16 bytes, got " + iv.length);
    }
    if (keyLength != -1 && keyLength != aesKeyLength) {
      throw fail("PBKDF2 key length " + keyLength + " does not match the cipher's " + aesKeyLength);
    }
    byte[] ciphertext = info.readBytes(DerReader.OCTET_STRING);
    info.expectEnd("EncryptedPrivateKeyInfo");
    if (ciphertext.length == 0 || ciphertext.length % 16 != 0) {
      throw fail("encrypted data length " + ciphertext.length + " is not a positive multiple of 16");
    }
    return new Decrypted(aesCbcDecrypt(derive(jcaKdf, password, salt, iterations, aesKeyLength), iv, ciphertext),
        iterations);
  }

  private static byte[] derive(String alg, char[] password, byte[] salt, int iterations, int length)
      throws SealpostException {
    PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, length * 8);
    try {
      return SecretKeyFactory.getInstance(alg).generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new SealpostException(ErrorCategory.INVALID_KEY_MATERIAL, "PBKDF2 failed", e);
    } finally {
      spec.clearPassword();
    }
  }

  private static byte[] aesCbcDecrypt(byte[] key, byte[] iv, byte[] ciphertext) throws SealpostException {
    try {
      Cipher c = Cipher.getInstance("AES/CBC/PKCS5Padding");
      c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
      return c.doFinal(ciphertext);
    } catch (BadPaddingException e) {
      throw wrongPassword();
    } catch (GeneralSecurityException e) {
      throw new SealpostException(ErrorCategory.INVALID_KEY_MATERIAL, "AES-CBC decryption failed", e);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  /** CBC has no integrity: a wrong password shows as bad padding or as garbage that fails to parse. */
  static SealpostException wrongPassword() {
    return new SealpostException(ErrorCategory.INVALID_KEY_MATERIAL, "wrong password, or the encrypted key is corrupted");
  }

  private static SealpostException fail(String reason) {
    return new SealpostException(ErrorCategory.INVALID_KEY_MATERIAL, reason);
  }
}
