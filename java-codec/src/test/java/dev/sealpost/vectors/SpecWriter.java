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

  /** The payload AEADs of SPEC.md section 4, the low byte of a suite id. */
  enum Aead {
    GCM,
    CHACHA,
    SIV
  }

  /**
   * Suite ids, key and nonce lengths of SPEC.md section 4, with whether the header has a signer
   * field (section 16), whether the body is segmented (section 17) and whether the AEAD's
   * plaintext is a packed payload (section 18).
   */
  enum SuiteSpec {
    AES_256_GCM(0x0001, 32, 12, Aead.GCM, false, false),
    CHACHA20_POLY1305(0x0002, 32, 12, Aead.CHACHA, false, false),
    AES_256_SIV(0x0003, 64, 0, Aead.SIV, false, false),
    AES_256_GCM_SIGNED(0x0101, 32, 12, Aead.GCM, true, false),
    CHACHA20_POLY1305_SIGNED(0x0102, 32, 12, Aead.CHACHA, true, false),
    AES_256_SIV_SIGNED(0x0103, 64, 0, Aead.SIV, true, false),
    AES_256_GCM_SEGMENTED(0x0201, 32, 12, Aead.GCM, false, true),
    CHACHA20_POLY1305_SEGMENTED(0x0202, 32, 12, Aead.CHACHA, false, true),
    AES_256_GCM_SIGNED_SEGMENTED(0x0301, 32, 12, Aead.GCM, true, true),
    CHACHA20_POLY1305_SIGNED_SEGMENTED(0x0302, 32, 12, Aead.CHACHA, true, true),
    AES_256_GCM_COMPRESSED(0x0401, 32, 12, Aead.GCM, false, false, true),
    CHACHA20_POLY1305_COMPRESSED(0x0402, 32, 12, Aead.CHACHA, false, false, true),
    AES_256_GCM_SIGNED_COMPRESSED(0x0501, 32, 12, Aead.GCM, true, false, true),
    CHACHA20_POLY1305_SIGNED_COMPRESSED(0x0502, 32, 12, Aead.CHACHA, true, false, true);

    final int id;
    final int keyLength;
    final int nonceLength;
    final Aead aead;
    final boolean signed;
    final boolean segmented;
    final boolean compressed;

    SuiteSpec(int id, int keyLength, int nonceLength, Aead aead, boolean signed, boolean segmented) {
      this(id, keyLength, nonceLength, aead, signed, segmented, false);
    }

    SuiteSpec(int id, int keyLength, int nonceLength, Aead aead, boolean signed, boolean segmented, boolean compressed) {
      this.id = id;
      this.keyLength = keyLength;
      this.nonceLength = nonceLength;
      this.aead = aead;
      this.signed = signed;
      this.segmented = segmented;
      this.compressed = compressed;
    }

    /** Suites 0003 and 0103 (SPEC.md 4.1). */
    boolean deterministic() {
      return aead == Aead.SIV;
    }
  }

  /** Sign modes of SPEC.md section 16: the wire byte. */
  static final int PER_DEK = 0x01;
  static final int PER_MESSAGE = 0x02;

  /** A writer's signing key and how it signs (SPEC.md section 16). */
  static final class Signer {
    final byte[] seed;
    final byte[] signerId;
    final long version;
    final int mode;

    Signer(byte[] seed, String signerId, long version, int mode) {
      this(seed, signerId.getBytes(StandardCharsets.UTF_8), version, mode);
    }

    Signer(byte[] seed, byte[] signerId, long version, int mode) {
      this.seed = seed;
      this.signerId = signerId;
      this.version = version;
      this.mode = mode;
    }

    Signer withMode(int m) {
      return new Signer(seed, signerId, version, m);
    }

    /** {@code sign-mode || signer-id-len || signer-id || signer-version}: the signer field up to the header signature. */
    byte[] field() {
      return cat(new byte[] {(byte) mode, (byte) signerId.length}, signerId, u32(version));
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
   * [SIV-1]: {@code info = u16(suite-id) || u8(n) || ref_1 .. ref_n || encode(stored) || encode(external)},
   * {@code ref_i = u8(type) || u8(len(key id)) || key id || u32(version)}.
   */
  static byte[] deterministicInfo(SuiteSpec suite, List<Entry> refs, byte[] storedContext, byte[] externalContext) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(u16(suite.id));
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
    return cat(prefix(suiteId, entries, commitment, storedContext), nonce);
  }

  /** The header from the magic through the stored context (SPEC.md section 3). */
  static byte[] prefix(int suiteId, List<Entry> entries, byte[] commitment, byte[] storedContext) {
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
    return out.toByteArray();
  }

  /** body = AEAD(K_msg, nonce, AAD = header || encode(external), plaintext). */
  static byte[] body(SuiteSpec suite, byte[] kMsg, byte[] nonce, byte[] header, byte[] externalContext, byte[] plaintext)
      throws GeneralSecurityException {
    byte[] aad = cat(header, externalContext);
    if (suite.aead == Aead.SIV) {
      return new AesSiv(kMsg).encryptDeterministically(plaintext, aad);
    }
    return aead(suite.aead, kMsg, nonce, aad, plaintext);
  }

  /** AES-256-GCM or ChaCha20-Poly1305 (RFC 8439) from the JDK: ciphertext || 16-byte tag. */
  static byte[] aead(Aead aead, byte[] key, byte[] nonce, byte[] aad, byte[] plaintext) throws GeneralSecurityException {
    Cipher c;
    if (aead == Aead.GCM) {
      c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
    } else {
      c = Cipher.getInstance("ChaCha20-Poly1305");
      c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce));
    }
    c.updateAAD(aad);
    return c.doFinal(plaintext);
  }

  // ---- SPEC.md section 16 ----

  static final byte[] SIGNED_HEADER = ascii("sealpost/v1 signed header");
  static final byte[] SIGNED_MESSAGE = ascii("sealpost/v1 signed message");

  /** Pure Ed25519 (RFC 8032 5.1.6) with the JDK's provider, from the 32-byte seed. */
  static byte[] ed25519Sign(byte[] seed, byte[] message) throws GeneralSecurityException {
    java.security.PrivateKey key = java.security.KeyFactory.getInstance("Ed25519")
        .generatePrivate(new java.security.spec.EdECPrivateKeySpec(java.security.spec.NamedParameterSpec.ED25519, seed));
    java.security.Signature s = java.security.Signature.getInstance("Ed25519");
    s.initSign(key);
    s.update(message);
    return s.sign();
  }

  /**
   * The RFC 8032 public key (32 bytes: y little-endian, the sign of x in the top bit) of a seed,
   * through the JDK's key pair generator fed exactly the seed as its randomness.
   */
  static byte[] ed25519Public(byte[] seed) throws GeneralSecurityException {
    java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("Ed25519");
    g.initialize(java.security.spec.NamedParameterSpec.ED25519, new java.security.SecureRandom() {
      private static final long serialVersionUID = 1L;

      @Override
      public void nextBytes(byte[] out) {
        if (out.length != seed.length) {
          throw new IllegalStateException("the generator drew " + out.length + " bytes, not the 32-byte seed");
        }
        System.arraycopy(seed, 0, out, 0, out.length);
      }
    });
    java.security.spec.EdECPoint p = ((java.security.interfaces.EdECPublicKey) g.generateKeyPair().getPublic()).getPoint();
    byte[] bigEndian = p.getY().toByteArray();
    byte[] out = new byte[32];
    for (int i = 0; i < bigEndian.length && i < 32; i++) {
      out[i] = bigEndian[bigEndian.length - 1 - i];
    }
    if (p.isXOdd()) {
      out[31] |= (byte) 0x80;
    }
    return out;
  }

  // ---- SPEC.md section 17 ----

  static final int SEGMENT = 65536;
  static final int TAG = 16;

  /** {@code K_env = HKDF-Expand(PRK, "sealpost/v1 segment key" || u16(suite-id) || nonce, 32)}. */
  static byte[] kEnv(SuiteSpec suite, byte[] dek, byte[] nonce) throws GeneralSecurityException {
    return hkdf(ascii("sealpost/v1"), dek, cat(ascii("sealpost/v1 segment key"), u16(suite.id), nonce), 32);
  }

  /** {@code nonce_i = u88(i) || u8(f)}. */
  static byte[] segmentNonce(long index, boolean last) {
    byte[] n = new byte[12];
    for (int k = 0; k < 8; k++) {
      n[10 - k] = (byte) (index >>> (8 * k));
    }
    n[11] = (byte) (last ? 1 : 0);
    return n;
  }

  /** One segment: {@code AEAD(K_env, nonce_i, aad_i, P_i)}, {@code aad_i} empty for i > 0. */
  static byte[] segment(SuiteSpec suite, byte[] kEnv, long index, boolean last, byte[] aad0, byte[] chunk)
      throws GeneralSecurityException {
    return aead(suite.aead, kEnv, segmentNonce(index, last), index == 0 ? aad0 : new byte[0], chunk);
  }

  /** The plaintext cut into 65536-byte pieces; the empty plaintext is one empty piece. */
  static List<byte[]> pieces(byte[] plaintext) {
    List<byte[]> out = new java.util.ArrayList<>();
    for (int off = 0; off < plaintext.length || out.isEmpty(); off += SEGMENT) {
      out.add(Arrays.copyOfRange(plaintext, off, Math.min(plaintext.length, off + SEGMENT)));
    }
    return out;
  }

  /** Every segment of a segmented body, in order, the last flagged. */
  static List<byte[]> segments(SuiteSpec suite, byte[] kEnv, byte[] aad0, byte[] plaintext) throws GeneralSecurityException {
    List<byte[]> p = pieces(plaintext);
    List<byte[]> out = new java.util.ArrayList<>();
    for (int i = 0; i < p.size(); i++) {
      out.add(segment(suite, kEnv, i, i == p.size() - 1, aad0, p.get(i)));
    }
    return out;
  }

  /** The multi-segment vectors' plaintext rule: byte i = i mod 251. */
  static byte[] pattern(int length) {
    byte[] out = new byte[length];
    for (int i = 0; i < length; i++) {
      out[i] = (byte) (i % 251);
    }
    return out;
  }

  // ---- SPEC.md section 18 ----

  /** Packing methods: the first byte of a packed payload. */
  static final int STORED = 0x00;
  static final int ZSTD = 0x01;
  static final int LZ4 = 0x02;

  /** {@code packed = method || u32(length) || data}, whatever the three are. */
  static byte[] packed(int method, long length, byte[] data) {
    return cat(new byte[] {(byte) method}, u32(length), data);
  }

  /** Method 00: the plaintext itself. */
  static byte[] stored(byte[] plaintext) {
    return packed(STORED, plaintext.length, plaintext);
  }

  /**
   * Zstandard frames written by hand from RFC 8878 section 3.1.1, so that the vectors hold frames
   * whose every field is chosen: raw and RLE blocks, a dictionary id, a content checksum, a frame
   * content size that lies.
   */
  static final class ZstdFrame {
    static final byte[] MAGIC = {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD};
    /** Frame content size to declare, or -1 for none (then a window descriptor of 128 KiB). */
    long contentSize = -1;
    /** Window_Descriptor byte to write (no Single_Segment_flag), or -1 for the default above. */
    int windowDescriptor = -1;
    /** Dictionary_ID field size in bytes (0, 1, 2 or 4) and value. */
    int dictIdBytes;
    long dictId;
    /** The content whose XXH64 is the checksum, or null for no checksum. */
    byte[] checksumOf;
    final List<byte[]> blocks = new java.util.ArrayList<>();

    ZstdFrame contentSize(long size) {
      this.contentSize = size;
      return this;
    }

    /**
     * A frame without Single_Segment_flag whose Window_Descriptor is {@code descriptor}
     * (Exponent in the high 5 bits, Mantissa in the low 3, RFC 8878 3.1.1.1.2); a content size,
     * when also given, then takes a 2-, 4- or 8-byte field, since flag 0 means no field.
     */
    ZstdFrame window(int descriptor) {
      this.windowDescriptor = descriptor;
      return this;
    }

    ZstdFrame dictId(int bytes, long id) {
      this.dictIdBytes = bytes;
      this.dictId = id;
      return this;
    }

    ZstdFrame checksum(byte[] content) {
      this.checksumOf = content;
      return this;
    }

    /** A raw block (Block_Type 0) holding {@code data}. */
    ZstdFrame raw(byte[] data, boolean last) {
      blocks.add(cat(blockHeader(0, data.length, last), data));
      return this;
    }

    /** An RLE block (Block_Type 1): {@code size} copies of {@code b}. */
    ZstdFrame rle(int b, int size, boolean last) {
      blocks.add(cat(blockHeader(1, size, last), new byte[] {(byte) b}));
      return this;
    }

    /** Block_Header: 3 bytes little-endian, Last_Block, Block_Type, Block_Size (RFC 8878 3.1.1.2). */
    static byte[] blockHeader(int type, int size, boolean last) {
      int h = (size << 3) | (type << 1) | (last ? 1 : 0);
      return new byte[] {(byte) h, (byte) (h >>> 8), (byte) (h >>> 16)};
    }

    byte[] build() {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes(MAGIC);
      int fcsBytes;
      int fcsFlag;
      boolean single = contentSize >= 0 && windowDescriptor < 0;
      if (contentSize < 0) {
        fcsFlag = 0;
        fcsBytes = 0;
      } else if (single && contentSize < 256) {
        fcsFlag = 0; // with Single_Segment_flag set, flag 0 means a 1-byte field
        fcsBytes = 1;
      } else if (contentSize >= 256 && contentSize < 65536 + 256) {
        fcsFlag = 1;
        fcsBytes = 2;
      } else if (contentSize < (1L << 32)) {
        fcsFlag = 2;
        fcsBytes = 4;
      } else {
        fcsFlag = 3;
        fcsBytes = 8;
      }
      int dictFlag = dictIdBytes == 0 ? 0 : dictIdBytes == 1 ? 1 : dictIdBytes == 2 ? 2 : 3;
      out.write((fcsFlag << 6) | (single ? 0x20 : 0) | (checksumOf != null ? 0x04 : 0) | dictFlag);
      if (!single) {
        // Default Window_Descriptor: exponent 7, mantissa 0: 2^17 bytes, the largest block size.
        out.write(windowDescriptor < 0 ? 0x38 : windowDescriptor);
      }
      writeLe(out, dictId, dictIdBytes);
      writeLe(out, fcsBytes == 2 ? contentSize - 256 : contentSize, fcsBytes);
      blocks.forEach(out::writeBytes);
      if (checksumOf != null) {
        long h = net.jpountz.xxhash.XXHashFactory.safeInstance().hash64().hash(checksumOf, 0, checksumOf.length, 0L);
        writeLe(out, h, 4); // the lowest 4 bytes of XXH64, little-endian (RFC 8878 3.1.1)
      }
      return out.toByteArray();
    }

    private static void writeLe(ByteArrayOutputStream out, long v, int n) {
      for (int i = 0; i < n; i++) {
        out.write((int) (v >>> (8 * i)));
      }
    }
  }

  /** A skippable frame (RFC 8878 3.1.2): magic 0x184D2A5?, u32le size, user data. */
  static byte[] zstdSkippable(byte[] userData) {
    return cat(new byte[] {0x50, 0x2A, 0x4D, 0x18}, new byte[] {(byte) userData.length, (byte) (userData.length >>> 8),
        (byte) (userData.length >>> 16), (byte) (userData.length >>> 24)}, userData);
  }

  /**
   * LZ4 block sequences written by hand from the LZ4 Block Format: a token (literal length high
   * nibble, match length - 4 low nibble), extra length bytes of 255 ... n, the literals, a 2-byte
   * little-endian offset, extra match length bytes.
   */
  static byte[] lz4Sequence(byte[] literals, int offset, int matchLength) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int lit = literals.length;
    int ml = matchLength - 4;
    out.write((Math.min(lit, 15) << 4) | Math.min(ml, 15));
    lz4Length(out, lit);
    out.writeBytes(literals);
    out.write(offset);
    out.write(offset >>> 8);
    lz4Length(out, ml);
    return out.toByteArray();
  }

  /** The last sequence of a block: literals only. */
  static byte[] lz4Last(byte[] literals) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(Math.min(literals.length, 15) << 4);
    lz4Length(out, literals.length);
    out.writeBytes(literals);
    return out.toByteArray();
  }

  private static void lz4Length(ByteArrayOutputStream out, int n) {
    if (n < 15) {
      return;
    }
    n -= 15;
    while (n >= 255) {
      out.write(255);
      n -= 255;
    }
    out.write(n);
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
