package dev.sealpost.codec.internal;

import com.google.crypto.tink.subtle.X25519;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * HPKE (RFC 9180) base mode, single-shot, with DHKEM(X25519, HKDF-SHA256) and HKDF-SHA256;
 * AEAD AES-GCM with a 32-byte (0x0002, Sealpost's choice [HPKE-1]) or 16-byte (0x0001, for
 * the RFC's test vectors) key. Written here rather than taken from Tink because byte-exact
 * test vectors need the ephemeral key to be an input; tests check it against Tink's HPKE.
 */
public final class Hpke {
  public static final int KEM_X25519_HKDF_SHA256 = 0x0020;
  public static final int KDF_HKDF_SHA256 = 0x0001;
  public static final int AEAD_AES_128_GCM = 0x0001;
  public static final int AEAD_AES_256_GCM = 0x0002;
  public static final int ENC_LENGTH = 32;

  private static final byte[] VERSION_LABEL = Bytes.ascii("HPKE-v1");
  private static final byte[] KEM_SUITE = Bytes.concat(Bytes.ascii("KEM"), Bytes.u16(KEM_X25519_HKDF_SHA256));

  private final int aeadId;
  private final int keyLength;
  private final byte[] hpkeSuite;

  public Hpke(int aeadId) {
    if (aeadId != AEAD_AES_128_GCM && aeadId != AEAD_AES_256_GCM) {
      throw new IllegalArgumentException("unsupported HPKE AEAD " + aeadId);
    }
    this.aeadId = aeadId;
    this.keyLength = aeadId == AEAD_AES_128_GCM ? 16 : 32;
    this.hpkeSuite =
        Bytes.concat(
            Bytes.ascii("HPKE"), Bytes.u16(KEM_X25519_HKDF_SHA256), Bytes.u16(KDF_HKDF_SHA256), Bytes.u16(aeadId));
  }

  public int aeadId() {
    return aeadId;
  }

  /** SealBase: returns {@code enc || ct}. {@code ephemeralPrivate} must be fresh per call [HPKE-2]. */
  public byte[] seal(byte[] recipientPublic, byte[] info, byte[] aad, byte[] plaintext, byte[] ephemeralPrivate)
      throws GeneralSecurityException {
    byte[] enc = X25519.publicFromPrivate(ephemeralPrivate);
    byte[] dh = dh(ephemeralPrivate, recipientPublic);
    byte[][] keyAndNonce = keySchedule(sharedSecret(dh, enc, recipientPublic), info);
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(keyAndNonce[0], "AES"), new GCMParameterSpec(128, keyAndNonce[1]));
    c.updateAAD(aad);
    return Bytes.concat(enc, c.doFinal(plaintext));
  }

  /** OpenBase over {@code enc || ct}. Throws on any failure, including an all-zero DH output. */
  public byte[] open(byte[] recipientPrivate, byte[] info, byte[] aad, byte[] encAndCt)
      throws GeneralSecurityException {
    if (encAndCt.length < ENC_LENGTH + 16) {
      throw new GeneralSecurityException("HPKE ciphertext too short");
    }
    byte[] enc = java.util.Arrays.copyOfRange(encAndCt, 0, ENC_LENGTH);
    byte[] pkR = X25519.publicFromPrivate(recipientPrivate);
    byte[] dh = dh(recipientPrivate, enc);
    byte[][] keyAndNonce = keySchedule(sharedSecret(dh, enc, pkR), info);
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(keyAndNonce[0], "AES"), new GCMParameterSpec(128, keyAndNonce[1]));
    c.updateAAD(aad);
    return c.doFinal(encAndCt, ENC_LENGTH, encAndCt.length - ENC_LENGTH);
  }

  private static byte[] dh(byte[] privateKey, byte[] publicKey) throws GeneralSecurityException {
    byte[] dh;
    try {
      dh = X25519.computeSharedSecret(privateKey, publicKey);
    } catch (IllegalArgumentException e) {
      throw new GeneralSecurityException("X25519 failed", e);
    }
    // RFC 9180 7.1.4: an all-zero shared secret means a small-order point; reject it [HPKE-3].
    if (MessageDigest.isEqual(dh, new byte[dh.length])) {
      throw new GeneralSecurityException("X25519 shared secret is zero");
    }
    return dh;
  }

  private static byte[] sharedSecret(byte[] dh, byte[] enc, byte[] pkR) throws GeneralSecurityException {
    byte[] eaePrk = labeledExtract(KEM_SUITE, new byte[0], "eae_prk", dh);
    return labeledExpand(KEM_SUITE, eaePrk, "shared_secret", Bytes.concat(enc, pkR), 32);
  }

  /** Returns {key, base_nonce} for mode_base with an empty PSK. */
  private byte[][] keySchedule(byte[] sharedSecret, byte[] info) throws GeneralSecurityException {
    byte[] pskIdHash = labeledExtract(hpkeSuite, new byte[0], "psk_id_hash", new byte[0]);
    byte[] infoHash = labeledExtract(hpkeSuite, new byte[0], "info_hash", info);
    byte[] context = Bytes.concat(new byte[] {0x00}, pskIdHash, infoHash);
    byte[] secret = labeledExtract(hpkeSuite, sharedSecret, "secret", new byte[0]);
    return new byte[][] {
      labeledExpand(hpkeSuite, secret, "key", context, keyLength),
      labeledExpand(hpkeSuite, secret, "base_nonce", context, 12)
    };
  }

  private static byte[] labeledExtract(byte[] suite, byte[] salt, String label, byte[] ikm)
      throws GeneralSecurityException {
    return Hkdf.extract(salt, Bytes.concat(VERSION_LABEL, suite, Bytes.ascii(label), ikm));
  }

  private static byte[] labeledExpand(byte[] suite, byte[] prk, String label, byte[] info, int length)
      throws GeneralSecurityException {
    return Hkdf.expand(
        prk, Bytes.concat(Bytes.u16(length), VERSION_LABEL, suite, Bytes.ascii(label), info), length);
  }
}
