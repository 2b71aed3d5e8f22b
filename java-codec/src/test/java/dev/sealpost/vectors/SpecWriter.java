package dev.sealpost.vectors;

import com.google.crypto.tink.subtle.AesSiv;
import dev.sealpost.codec.internal.Hpke;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * An envelope writer written from SPEC.md alone, independent of the codec's header writer,
 * key derivation and payload code, so that the vectors check the codec rather than echo it.
 * Only HPKE is shared: the codec's {@code Hpke} is itself checked against Tink's HPKE.
 * Every method takes all its "random" inputs explicitly.
 */
final class SpecWriter {
  static final byte[] MAGIC = {(byte) 0xF7, 0x53, 0x50};

  /** Suite ids, key and nonce lengths of SPEC.md section 4. */
  enum SuiteSpec {
    AES_256_GCM(1, 32, 12),
    CHACHA20_POLY1305(2, 32, 12),
    AES_256_SIV(3, 64, 0);

    final int id;
    final int keyLength;
    final int nonceLength;

    SuiteSpec(int id, int keyLength, int nonceLength) {
      this.id = id;
      this.keyLength = keyLength;
      this.nonceLength = nonceLength;
    }
  }

  /** A recipient entry as raw fields. */
  static final class Entry {
    final int type;
    final byte[] keyId;
    final long version;
    final byte[] wrapped;

    Entry(int type, String keyId, long version, byte[] wrapped) {
      this(type, keyId.getBytes(StandardCharsets.UTF_8), version, wrapped);
    }

    Entry(int type, byte[] keyId, long version, byte[] wrapped) {
      this.type = type;
      this.keyId = keyId;
      this.version = version;
      this.wrapped = wrapped;
    }
  }

  private SpecWriter() {}

  // ---- SPEC.md 5.2 and 4.1 ----

  static byte[] hmac(byte[] key, byte[]... parts) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key.length == 0 ? new byte[32] : key, "HmacSHA256"));
    for (byte[] p : parts) {
      mac.update(p);
    }
    return mac.doFinal();
  }

  static byte[] hkdf(byte[] salt, byte[] ikm, byte[] info, int length) throws GeneralSecurityException {
    byte[] prk = hmac(salt, ikm);
    ByteArrayOutputStream okm = new ByteArrayOutputStream();
    byte[] t = new byte[0];
    for (int i = 1; okm.size() < length; i++) {
      t = hmac(prk, t, info, new byte[] {(byte) i});
      okm.writeBytes(t);
    }
    return Arrays.copyOf(okm.toByteArray(), length);
  }

  static byte[] kMsg(SuiteSpec suite, byte[] dek) throws GeneralSecurityException {
    return hkdf(ascii("sealpost/v1"), dek, cat(ascii("sealpost/v1 key"), u16(suite.id)), suite.keyLength);
  }

  static byte[] commitment(SuiteSpec suite, byte[] dek) throws GeneralSecurityException {
    return hkdf(ascii("sealpost/v1"), dek, cat(ascii("sealpost/v1 commit"), u16(suite.id)), 32);
  }

  /**
   * [SIV-1]: {@code info = u16(0003) || u8(n) || ref_1 .. ref_n || encode(stored) || encode(external)},
   * {@code ref_i = u8(type) || u8(len(key id)) || key id || u32(version)}.
   */
  static byte[] deterministicInfo(List<Entry> refs, byte[] storedContext, byte[] externalContext) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(u16(3));
    out.write(refs.size());
    for (Entry r : refs) {
      out.write(r.type);
      out.write(r.keyId.length);
      out.writeBytes(r.keyId);
      out.writeBytes(u32(r.version));
    }
    out.writeBytes(storedContext);
    out.writeBytes(externalContext);
    return out.toByteArray();
  }

  /** [SIV-1]: {@code DEK = HKDF(salt "sealpost/v1 deterministic-dek", ikm KEK_1, info, 32)}. */
  static byte[] deterministicDek(byte[] firstKek, byte[] info) throws GeneralSecurityException {
    return hkdf(ascii("sealpost/v1 deterministic-dek"), firstKek, info, 32);
  }

  /** SPEC.md 5.2: {@code PRK = HKDF-Extract(salt "sealpost/v1", DEK)}. */
  static byte[] prk(byte[] dek) throws GeneralSecurityException {
    return hmac(ascii("sealpost/v1"), dek);
  }

  /**
   * RFC 9180 DHKEM(X25519, HKDF-SHA256) encapsulation's shared secret, from the ephemeral private
   * key and the recipient's public key, written out here so the vectors name it independently:
   * {@code eae_prk = LabeledExtract("", "eae_prk", dh)},
   * {@code shared_secret = LabeledExpand(eae_prk, "shared_secret", enc || pkR, 32)}.
   */
  static byte[] hpkeSharedSecret(byte[] ephemeralPrivate, byte[] recipientPublic) throws GeneralSecurityException {
    byte[] dh = com.google.crypto.tink.subtle.X25519.computeSharedSecret(ephemeralPrivate, recipientPublic);
    byte[] enc = com.google.crypto.tink.subtle.X25519.publicFromPrivate(ephemeralPrivate);
    byte[] suiteId = cat(ascii("KEM"), u16(0x0020));
    byte[] eaePrk = hmac(new byte[0], ascii("HPKE-v1"), suiteId, ascii("eae_prk"), dh);
    byte[] info = cat(u16(32), ascii("HPKE-v1"), suiteId, ascii("shared_secret"), enc, recipientPublic);
    return hmac(eaePrk, info, new byte[] {1}); // one HMAC block: 32 bytes
  }

  // ---- SPEC.md section 6 ----

  static byte[] aesKw(byte[] kek, byte[] dek) throws GeneralSecurityException {
    Cipher c = Cipher.getInstance("AESWrap");
    c.init(Cipher.WRAP_MODE, new SecretKeySpec(kek, "AES"));
    return c.wrap(new SecretKeySpec(dek, "AES"));
  }

  /** RFC 3394 unwrap, as a recipient of a type 01 entry does it. */
  static byte[] aesKwUnwrap(byte[] kek, byte[] wrapped) throws GeneralSecurityException {
    Cipher c = Cipher.getInstance("AESWrap");
    c.init(Cipher.UNWRAP_MODE, new SecretKeySpec(kek, "AES"));
    return c.unwrap(wrapped, "AES", Cipher.SECRET_KEY).getEncoded();
  }

  static byte[] hpke(byte[] recipientPublic, byte[] dek, byte[] ephemeral) throws GeneralSecurityException {
    return new Hpke(Hpke.AEAD_AES_256_GCM).seal(recipientPublic, ascii("sealpost/v1 x25519-hpke"), new byte[0], dek, ephemeral);
  }

  static byte[] testKms(byte[] key, String uri, byte[] dek, byte[] nonce) throws GeneralSecurityException {
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
    c.updateAAD(uri.getBytes(StandardCharsets.UTF_8));
    return cat(nonce, c.doFinal(dek));
  }

  // ---- SPEC.md sections 3, 7, 8 ----

  static byte[] context(Map<String, String> ctx) {
    TreeMap<byte[], byte[]> sorted = new TreeMap<>(Arrays::compareUnsigned);
    ctx.forEach((k, v) -> sorted.put(k.getBytes(StandardCharsets.UTF_8), v.getBytes(StandardCharsets.UTF_8)));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(sorted.size());
    sorted.forEach((k, v) -> {
      out.write(k.length);
      out.writeBytes(k);
      out.writeBytes(u16(v.length));
      out.writeBytes(v);
    });
    return out.toByteArray();
  }

  static byte[] header(int suiteId, List<Entry> entries, byte[] commitment, byte[] storedContext, byte[] nonce) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(MAGIC);
    out.write(1);
    out.writeBytes(u16(suiteId));
    out.write(entries.size());
    for (Entry e : entries) {
      out.write(e.type);
      out.write(e.keyId.length);
      out.writeBytes(e.keyId);
      out.writeBytes(u32(e.version));
      out.writeBytes(u16(e.wrapped.length));
      out.writeBytes(e.wrapped);
    }
    out.writeBytes(commitment);
    out.writeBytes(storedContext);
    out.writeBytes(nonce);
    return out.toByteArray();
  }

  /** body = AEAD(K_msg, nonce, AAD = header || encode(external), plaintext). */
  static byte[] body(SuiteSpec suite, byte[] kMsg, byte[] nonce, byte[] header, byte[] externalContext, byte[] plaintext)
      throws GeneralSecurityException {
    byte[] aad = cat(header, externalContext);
    switch (suite) {
      case AES_256_GCM: {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(kMsg, "AES"), new GCMParameterSpec(128, nonce));
        c.updateAAD(aad);
        return c.doFinal(plaintext);
      }
      case CHACHA20_POLY1305: {
        Cipher c = Cipher.getInstance("ChaCha20-Poly1305");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(kMsg, "ChaCha20"), new IvParameterSpec(nonce));
        c.updateAAD(aad);
        return c.doFinal(plaintext);
      }
      default:
        return new AesSiv(kMsg).encryptDeterministically(plaintext, aad);
    }
  }

  // ---- bytes ----

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  static byte[] u16(int v) {
    return new byte[] {(byte) (v >>> 8), (byte) v};
  }

  static byte[] u32(long v) {
    return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
  }

  static byte[] cat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
