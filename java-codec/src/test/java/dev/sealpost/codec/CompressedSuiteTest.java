package dev.sealpost.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealpost.codec.keys.Ed25519PrivateKey;
import dev.sealpost.codec.stream.DecryptingInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * The compressed suites through the public API (SPEC.md 18): what the writer packs, checked by
 * opening envelopes with the JDK and the compression libraries directly; the builder's rules;
 * round trips of every compressed suite, method and sign mode; the reader's limits.
 */
class CompressedSuiteTest {
  private static final EncryptionContext NO_CONTEXT = EncryptionContext.empty();
  /** 50 KiB of repetitive JSON: compresses well with either method. */
  private static final byte[] JSON = json(700);
  private static final byte[] RANDOM = random(4096);

  private static byte[] json(int records) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < records; i++) {
      sb.append(i == 0 ? "" : ",").append("{\"seq\":").append(i).append(",\"kind\":\"page_view\",\"ok\":true}");
    }
    return sb.append(']').toString().getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    new Random(42).nextBytes(b);
    return b;
  }

  private static Encryptor.Builder writer(Suite suite, Compression compression) throws SealpostException {
    return Encryptor.builder().suite(suite).compression(compression).recipient(Recipient.symmetric(TestKeys.keyring(), "orders"));
  }

  private static Decryptor reader() throws SealpostException {
    return Decryptor.builder().kekSource(TestKeys.keyring()).build();
  }

  private static int suiteId(byte[] envelope) {
    return (envelope[4] & 0xFF) << 8 | envelope[5] & 0xFF;
  }

  // Envelope layout for one "orders" recipient (AES-KW, 40 bytes) and an empty stored context,
  // counted from SPEC.md section 3: magic 3, version 1, suite 2, count 1, then the entry.
  private static final int WRAPPED = 7 + 1 + 1 + 6 + 4 + 2;
  private static final int HEADER = WRAPPED + 40 + 32 + 1 + 12;
  /** SPEC.md 14: suite 0401, one symmetric recipient with a k-byte key id: 116 + k + 5 + c. */
  private static final int STORED_OVERHEAD = 116 + "orders".length() + 5;

  /**
   * The packed payload of an unsigned compressed envelope, opened with the JDK alone: AES-KW
   * unwrap, HKDF-SHA256 for K_msg (SPEC.md 5.2), the AEAD with AAD = header || 00.
   */
  private static byte[] packedOf(byte[] envelope) throws Exception {
    Cipher kw = Cipher.getInstance("AESWrap");
    kw.init(Cipher.UNWRAP_MODE, new SecretKeySpec(TestKeys.pattern(2, 32), "AES"));
    byte[] dek = kw.unwrap(Arrays.copyOfRange(envelope, WRAPPED, WRAPPED + 40), "AES", Cipher.SECRET_KEY).getEncoded();
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec("sealpost/v1".getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
    byte[] prk = mac.doFinal(dek);
    mac.init(new SecretKeySpec(prk, "HmacSHA256"));
    mac.update("sealpost/v1 key".getBytes(StandardCharsets.US_ASCII));
    mac.update(new byte[] {envelope[4], envelope[5], 1});
    byte[] kMsg = mac.doFinal();
    byte[] nonce = Arrays.copyOfRange(envelope, HEADER - 12, HEADER);
    Cipher aead;
    if ((envelope[5] & 0xFF) == 1) {
      aead = Cipher.getInstance("AES/GCM/NoPadding");
      aead.init(Cipher.DECRYPT_MODE, new SecretKeySpec(kMsg, "AES"), new GCMParameterSpec(128, nonce));
    } else {
      aead = Cipher.getInstance("ChaCha20-Poly1305");
      aead.init(Cipher.DECRYPT_MODE, new SecretKeySpec(kMsg, "ChaCha20"), new IvParameterSpec(nonce));
    }
    aead.updateAAD(Arrays.copyOf(envelope, HEADER));
    aead.updateAAD(new byte[] {0});
    return aead.doFinal(envelope, HEADER, envelope.length - HEADER);
  }

  private static int declaredLength(byte[] packed) {
    return (packed[1] & 0xFF) << 24 | (packed[2] & 0xFF) << 16 | (packed[3] & 0xFF) << 8 | packed[4] & 0xFF;
  }

  @Test
  void zstdWriterPacksOneZstdFrameThatTheLibraryDecodes_CMP2() throws Exception {
    byte[] env = writer(Suite.AES_256_GCM, Compression.ZSTD).build().encrypt(JSON, NO_CONTEXT);
    assertEquals(0x0401, suiteId(env));
    byte[] packed = packedOf(env);
    assertEquals(0x01, packed[0]);
    assertEquals(JSON.length, declaredLength(packed));
    byte[] data = Arrays.copyOfRange(packed, 5, packed.length);
    assertTrue(data.length < JSON.length / 10, "JSON of repeated records compresses well: " + data.length);
    assertArrayEquals(JSON, com.github.luben.zstd.Zstd.decompress(data, JSON.length));
    assertArrayEquals(JSON, reader().decrypt(env));
  }

  @Test
  void lz4WriterPacksOneRawBlockThatTheLibraryDecodes_CMP2() throws Exception {
    byte[] env = writer(Suite.CHACHA20_POLY1305, Compression.LZ4).build().encrypt(JSON, NO_CONTEXT);
    assertEquals(0x0402, suiteId(env));
    byte[] packed = packedOf(env);
    assertEquals(0x02, packed[0]);
    assertEquals(JSON.length, declaredLength(packed));
    byte[] out = new byte[JSON.length];
    int n = net.jpountz.lz4.LZ4Factory.safeInstance().safeDecompressor().decompress(packed, 5, packed.length - 5, out, 0, out.length);
    assertEquals(JSON.length, n);
    assertArrayEquals(JSON, out);
    assertArrayEquals(JSON, reader().decrypt(env));
  }

  /** [CMP-2]: what compression would not shorten is stored, 5 bytes over the plaintext (SPEC.md 14). */
  @Test
  void incompressibleEmptyAndOneBytePlaintextsAreStored_CMP2() throws Exception {
    for (Compression c : List.of(Compression.ZSTD, Compression.LZ4)) {
      Encryptor w = writer(Suite.AES_256_GCM, c).build();
      for (byte[] pt : List.of(new byte[0], new byte[] {7}, RANDOM)) {
        byte[] env = w.encrypt(pt, NO_CONTEXT);
        assertEquals(STORED_OVERHEAD + pt.length, env.length, c + ", " + pt.length + " bytes");
        byte[] packed = packedOf(env);
        assertEquals(0x00, packed[0]);
        assertEquals(pt.length, declaredLength(packed));
        assertArrayEquals(pt, Arrays.copyOfRange(packed, 5, packed.length));
        assertArrayEquals(pt, reader().decrypt(env));
      }
    }
  }

  /**
   * [CMP-2]: a packed payload is never longer than the plaintext plus 5 bytes: compressed data
   * is kept only when shorter than the plaintext, else method 00. Every length from 0 to 300, for
   * data that compresses (one repeated byte), data that does not (random), and half of each.
   */
  @Test
  void packedPayloadIsNeverLongerThanThePlaintextPlusFive_CMP2() throws Exception {
    Random random = new Random(7);
    for (Compression c : List.of(Compression.ZSTD, Compression.LZ4)) {
      Encryptor w = writer(Suite.AES_256_GCM, c).build();
      for (int n = 0; n <= 300; n++) {
        byte[] noise = new byte[n];
        random.nextBytes(noise);
        byte[] half = noise.clone();
        Arrays.fill(half, 0, n / 2, (byte) 'x');
        byte[] same = new byte[n];
        Arrays.fill(same, (byte) 'x');
        for (byte[] pt : List.of(same, noise, half)) {
          byte[] env = w.encrypt(pt, NO_CONTEXT);
          byte[] packed = packedOf(env);
          String what = c + ", " + n + " bytes, method " + packed[0];
          assertTrue(packed.length <= pt.length + 5, what);
          assertEquals(pt.length, declaredLength(packed), what);
          if (packed[0] == 0x00) {
            assertArrayEquals(pt, Arrays.copyOfRange(packed, 5, packed.length), what);
          } else {
            assertTrue(packed.length - 5 < pt.length, what + ": compressed data kept only when shorter");
          }
          assertArrayEquals(pt, reader().decrypt(env), what);
        }
      }
    }
  }

  /**
   * [CMP-2]: the zstd writer (zstd-jni, level 3) never declares a Window_Size above 2^27, for
   * 8 MiB of compressible JSON (larger than any window level 3 uses) and for 1 KiB. The header
   * is parsed here from RFC 8878 3.1.1.1; libzstd's streaming decoder, which allocates the window
   * and refuses one above its default limit of 2^27, decodes the frames too.
   */
  @Test
  void zstdWriterNeverDeclaresAWindowAbove2To27_CMP2() throws Exception {
    Encryptor w = writer(Suite.AES_256_GCM, Compression.ZSTD).build();
    byte[] big = jsonOfAtLeast(8 << 20);
    for (byte[] pt : List.of(big, Arrays.copyOf(big, 1024), JSON)) {
      byte[] packed = packedOf(w.encrypt(pt, NO_CONTEXT));
      assertEquals(0x01, packed[0], pt.length + " bytes of JSON compress");
      byte[] frame = Arrays.copyOfRange(packed, 5, packed.length);
      assertEquals(0xFD2FB528, frame[0] & 0xFF | (frame[1] & 0xFF) << 8 | (frame[2] & 0xFF) << 16 | (frame[3] & 0xFF) << 24);
      int fhd = frame[4] & 0xFF;
      long window;
      if ((fhd & 0x20) == 0) {
        int exponent = (frame[5] & 0xFF) >>> 3;
        int mantissa = frame[5] & 0x07;
        long base = 1L << (10 + exponent);
        window = base + base / 8 * mantissa;
      } else {
        // Single segment: Window_Size is Frame_Content_Size, which must then be the plaintext length.
        int fcsBytes = new int[] {1, 2, 4, 8}[fhd >>> 6];
        int at = 5 + new int[] {0, 1, 2, 4}[fhd & 0x03];
        long fcs = 0;
        for (int i = fcsBytes - 1; i >= 0; i--) {
          fcs = fcs << 8 | frame[at + i] & 0xFF;
        }
        window = fcsBytes == 2 ? fcs + 256 : fcs;
        assertEquals(pt.length, window);
      }
      assertTrue(window <= 1L << 27, pt.length + " bytes: Window_Size " + window);
      try (com.github.luben.zstd.ZstdInputStream in = new com.github.luben.zstd.ZstdInputStream(new ByteArrayInputStream(frame))) {
        assertArrayEquals(pt, in.readAllBytes(), pt.length + " bytes, libzstd streaming");
      }
    }
  }

  /** Repetitive JSON records of at least {@code n} bytes. */
  private static byte[] jsonOfAtLeast(int n) {
    StringBuilder sb = new StringBuilder(n + 64).append('[');
    for (int i = 0; sb.length() < n; i++) {
      sb.append(i == 0 ? "" : ",").append("{\"seq\":").append(i).append(",\"kind\":\"page_view\",\"user\":\"u-")
          .append(i * 7919 % 10007).append("\"}");
    }
    return sb.append(']').toString().getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void everyCompressedSuiteMethodAndSignModeRoundTrips() throws Exception {
    Ed25519PrivateKey key = Ed25519PrivateKey.fromSeed(TestKeys.pattern(60, 32));
    TrustedWriters trust = TrustedWriters.of(TrustedWriter.ed25519("writer-a", 1, key.publicKey()));
    EncryptionContext ext = EncryptionContext.of(java.util.Map.of("topic", "events"));
    Decryptor r = reader();
    for (Suite base : List.of(Suite.AES_256_GCM, Suite.CHACHA20_POLY1305)) {
      for (Compression c : List.of(Compression.ZSTD, Compression.LZ4)) {
        for (SignMode mode : new SignMode[] {null, SignMode.PER_DEK, SignMode.PER_MESSAGE}) {
          Encryptor.Builder b = writer(base, c);
          if (mode != null) {
            b.signer(WriterKey.ed25519("writer-a", 1, key), mode);
          }
          Encryptor w = b.build();
          int expected = (mode == null ? 0x0400 : 0x0500) | base.id();
          assertEquals(expected, w.suite().id());
          assertEquals(c, w.compression());
          for (byte[] pt : List.of(new byte[0], new byte[] {1}, JSON, RANDOM)) {
            byte[] env = w.encrypt(pt, ext);
            assertEquals(expected, suiteId(env));
            Decrypted d = r.open(env, 0, env.length, ext, mode == null ? TrustedWriters.none() : trust);
            assertArrayEquals(pt, d.plaintext(), base + " " + c + " " + mode + " " + pt.length);
            assertEquals(mode != null, d.verifiedSigner().isPresent());
          }
        }
      }
    }
  }

  /** [CMP-1]: compression is opt-in: a writer that does not ask for it writes suite 0001. */
  @Test
  void compressionIsNeverTheDefault_CMP1() throws Exception {
    Encryptor w = Encryptor.builder().recipient(Recipient.symmetric(TestKeys.keyring(), "orders")).build();
    assertEquals(Compression.NONE, w.compression());
    assertEquals(Suite.AES_256_GCM, w.suite());
    assertEquals(0x0001, suiteId(w.encrypt(JSON, NO_CONTEXT)));
  }

  @Test
  void builderRefusesCompressionWithoutACompressedForm() throws Exception {
    IllegalArgumentException siv = assertThrows(IllegalArgumentException.class, () -> writer(Suite.AES_256_SIV, Compression.ZSTD).build());
    assertTrue(siv.getMessage().contains("deterministic"), siv.getMessage());
    IllegalArgumentException seg = assertThrows(IllegalArgumentException.class,
        () -> writer(Suite.AES_256_GCM, Compression.LZ4).segmented(true).build());
    assertTrue(seg.getMessage().contains("segmented"), seg.getMessage());
    assertThrows(IllegalArgumentException.class, () -> writer(Suite.CHACHA20_POLY1305_SEGMENTED, Compression.ZSTD).build());
    IllegalStateException none = assertThrows(IllegalStateException.class,
        () -> writer(Suite.AES_256_GCM_COMPRESSED, Compression.NONE).build());
    assertTrue(none.getMessage().contains("compression"), none.getMessage());
    // Naming the compressed suite itself, with a compression, is the same writer.
    assertEquals(Suite.AES_256_GCM_COMPRESSED, writer(Suite.AES_256_GCM_COMPRESSED, Compression.LZ4).build().suite());
  }

  @Test
  void suiteRegistryKnowsTheCompressedSuites() {
    assertEquals(Suite.AES_256_GCM_COMPRESSED, Suite.fromId(0x0401).orElseThrow());
    assertEquals(Suite.CHACHA20_POLY1305_COMPRESSED, Suite.fromId(0x0402).orElseThrow());
    assertEquals(Suite.AES_256_GCM_SIGNED_COMPRESSED, Suite.fromId(0x0501).orElseThrow());
    assertEquals(Suite.CHACHA20_POLY1305_SIGNED_COMPRESSED, Suite.fromId(0x0502).orElseThrow());
    assertTrue(Suite.fromId(0x0403).isEmpty(), "no compressed SIV suite");
    assertTrue(Suite.fromId(0x0601).isEmpty(), "no compressed segmented suite");
    for (Suite s : Suite.values()) {
      int high = s.id() >>> 8;
      assertEquals(high == 4 || high == 5, s.compressed(), s.name());
      assertEquals(high == 1 || high == 3 || high == 5, s.signed(), s.name());
    }
    assertEquals(Suite.CHACHA20_POLY1305_SIGNED_COMPRESSED, Suite.of(Suite.CHACHA20_POLY1305, true, false, true));
    assertEquals(Suite.AES_256_GCM, Suite.AES_256_GCM_SIGNED_COMPRESSED.base());
    assertEquals(Suite.CHACHA20_POLY1305, Suite.CHACHA20_POLY1305_COMPRESSED.base());
    assertEquals(Suite.AES_256_GCM_SIGNED, Suite.of(Suite.AES_256_GCM_COMPRESSED, true, false));
    assertThrows(IllegalArgumentException.class, () -> Suite.of(Suite.AES_256_GCM, false, true, true));
    assertThrows(IllegalArgumentException.class, () -> Suite.of(Suite.AES_256_SIV, false, false, true));
    assertEquals(ErrorCategory.MALFORMED_PAYLOAD, ErrorCategory.fromId("malformed-payload"));
  }

  /**
   * [CMP-3]: 2 MiB of zeros compress to a few bytes (zstd: tens, LZ4 at most 255:1: about 8 KiB);
   * a reader limited below that refuses from the declared length, though the body is small.
   */
  @Test
  void compressionBombOverTheReadersLimitIsLimitExceeded_CMP3() throws Exception {
    byte[] zeros = new byte[2 << 20];
    for (Compression c : List.of(Compression.ZSTD, Compression.LZ4)) {
      int limit = c == Compression.ZSTD ? 1024 : 16384;
      byte[] env = writer(Suite.AES_256_GCM, c).build().encrypt(zeros, NO_CONTEXT);
      assertTrue(env.length - HEADER <= limit + 21, c + ": the body passes the body limit of step 9: " + env.length);
      Decryptor small = Decryptor.builder().kekSource(TestKeys.keyring()).maxPlaintextLength(limit).build();
      SealpostException e = assertThrows(SealpostException.class, () -> small.decrypt(env));
      assertEquals(ErrorCategory.LIMIT_EXCEEDED, e.category(), e.getMessage());
      assertArrayEquals(zeros, reader().decrypt(env));
    }
  }

  /** [LIM-3]: the body of a compressed suite may be the plaintext limit + 21 bytes, not one more. */
  @Test
  void bodyLimitOfACompressedSuiteIsTheLimitPlus21_LIM3() throws Exception {
    byte[] env = writer(Suite.AES_256_GCM, Compression.ZSTD).build().encrypt(RANDOM, NO_CONTEXT); // stored
    assertEquals(RANDOM.length + 21, env.length - HEADER);
    Decryptor atLimit = Decryptor.builder().kekSource(TestKeys.keyring()).maxPlaintextLength(RANDOM.length).build();
    assertArrayEquals(RANDOM, atLimit.decrypt(env));
    Decryptor under = Decryptor.builder().kekSource(TestKeys.keyring()).maxPlaintextLength(RANDOM.length - 1).build();
    assertEquals(ErrorCategory.LIMIT_EXCEEDED, assertThrows(SealpostException.class, () -> under.decrypt(env)).category());
  }

  /**
   * The streaming API: a compressed suite has no segmented form, so the writer refuses it; the
   * reader reads a compressed envelope whole and releases it only unpacked [CMP-6].
   */
  @Test
  void streamingWriterRefusesAndStreamingReaderUnpacks_CMP6() throws Exception {
    Encryptor w = writer(Suite.AES_256_GCM, Compression.ZSTD).build();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> w.encryptingStream(new ByteArrayOutputStream(), NO_CONTEXT));
    assertTrue(e.getMessage().contains("encrypt()"), e.getMessage());
    byte[] env = w.encrypt(JSON, NO_CONTEXT);
    try (DecryptingInputStream in = reader().decryptingStream(new ByteArrayInputStream(env), NO_CONTEXT)) {
      assertArrayEquals(JSON, in.readAllBytes());
    }
    Decryptor small = Decryptor.builder().kekSource(TestKeys.keyring()).maxPlaintextLength(1024).build();
    try (DecryptingInputStream in = small.decryptingStream(new ByteArrayInputStream(env), NO_CONTEXT)) {
      dev.sealpost.codec.stream.SealpostStreamException s =
          assertThrows(dev.sealpost.codec.stream.SealpostStreamException.class, in::readAllBytes);
      assertEquals(ErrorCategory.LIMIT_EXCEEDED, s.category());
    }
  }

  /** [CMP-7]: the API that turns compression on documents what it reveals. */
  @Test
  void compressionApiDocumentsTheLengthLeak_CMP7() throws Exception {
    java.nio.file.Path src = java.nio.file.Path.of("src/main/java/dev/sealpost/codec/Compression.java");
    String doc = java.nio.file.Files.readString(src, StandardCharsets.UTF_8);
    assertTrue(doc.contains("CRIME") && doc.contains("BREACH") && doc.contains("length"), "Compression's Javadoc names the leak");
  }
}
