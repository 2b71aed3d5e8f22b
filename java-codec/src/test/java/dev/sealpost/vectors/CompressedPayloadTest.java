package dev.sealpost.vectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealpost.codec.Decryptor;
import dev.sealpost.codec.EncryptionContext;
import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.compress.Packing;
import dev.sealpost.codec.keys.Keyring;
import dev.sealpost.vectors.SpecWriter.SuiteSpec;
import dev.sealpost.vectors.SpecWriter.ZstdFrame;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Step 14 of SPEC.md section 11, one requirement at a time: packed payloads built field by field
 * ({@link SpecWriter}), sealed with a fixed DEK under a compressed suite as the vector generator
 * seals them, and read by the codec's {@link Decryptor}. Every envelope authenticates; the
 * outcome is fixed by how its payload is built.
 */
class CompressedPayloadTest {
  private static final byte[] HELLO = "hello, compressed suites".getBytes(StandardCharsets.UTF_8);
  private static final int H = HELLO.length;
  private static final byte[] FRAME = new ZstdFrame().contentSize(H).raw(HELLO, true).build();
  private static final byte[] BLOCK = SpecWriter.lz4Last(HELLO);
  private static int counter;

  /** An envelope of {@code suite} for 'orders' v2 sealing exactly {@code packed}. */
  private static byte[] seal(SuiteSpec suite, byte[] packed) throws Exception {
    return VectorGenerator.encryptCase("compressed payload test " + counter++, suite,
        List.of(VectorGenerator.To.sym("orders", 2)), Map.of(), Map.of(), new byte[0], null, packed).envelope;
  }

  private static Decryptor reader(int limit) throws SealpostException {
    return Decryptor.builder().maxPlaintextLength(limit).dekCacheCapacity(0)
        .kekSource(Keyring.builder().add("orders", 2, VectorGenerator.kek("orders", 2)).build()).build();
  }

  private static byte[] open(byte[] packed, int limit) throws Exception {
    return reader(limit).decrypt(seal(SuiteSpec.AES_256_GCM_COMPRESSED, packed), EncryptionContext.empty());
  }

  private static void assertCategory(ErrorCategory expected, byte[] packed, int limit, String why) throws Exception {
    for (SuiteSpec suite : List.of(SuiteSpec.AES_256_GCM_COMPRESSED, SuiteSpec.CHACHA20_POLY1305_COMPRESSED)) {
      byte[] env = seal(suite, packed);
      SealpostException e = assertThrows(SealpostException.class, () -> reader(limit).decrypt(env, EncryptionContext.empty()), why);
      assertEquals(expected, e.category(), why + ": " + e.getMessage());
    }
  }

  private static void assertMalformed(byte[] packed, String why) throws Exception {
    assertCategory(ErrorCategory.MALFORMED_PAYLOAD, packed, 1 << 30, why);
  }

  @Test
  void eachMethodUnpacksWhatTheSpecSays_CMP4() throws Exception {
    assertArrayEquals(HELLO, open(SpecWriter.stored(HELLO), 1 << 30));
    assertArrayEquals(HELLO, open(SpecWriter.packed(SpecWriter.ZSTD, H, FRAME), 1 << 30));
    assertArrayEquals(HELLO, open(SpecWriter.packed(SpecWriter.LZ4, H, BLOCK), 1 << 30));
    assertArrayEquals(new byte[0], open(SpecWriter.stored(new byte[0]), 1 << 30));
    assertArrayEquals(new byte[0], open(SpecWriter.packed(SpecWriter.LZ4, 0, new byte[] {0}), 1 << 30));
    byte[] withSum = new ZstdFrame().contentSize(H).checksum(HELLO).raw(HELLO, true).build();
    assertArrayEquals(HELLO, open(SpecWriter.packed(SpecWriter.ZSTD, H, withSum), 1 << 30));
  }

  @Test
  void tooShortOrUnknownMethodIsMalformedPayload_CMP4() throws Exception {
    assertMalformed(new byte[0], "0 bytes");
    assertMalformed(new byte[] {0, 0, 0, 0}, "4 bytes");
    for (int method : new int[] {3, 4, 0x7F, 0x80, 0xFF}) {
      assertMalformed(SpecWriter.packed(method, H, HELLO), "method " + method);
    }
  }

  @Test
  void storedDataOfAnotherLengthIsMalformedPayload_CMP4() throws Exception {
    assertMalformed(SpecWriter.packed(SpecWriter.STORED, H - 1, HELLO), "one byte more than declared");
    assertMalformed(SpecWriter.packed(SpecWriter.STORED, H + 1, HELLO), "one byte fewer than declared");
  }

  @Test
  void zstdDataThatIsNotExactlyOneFrameIsMalformedPayload_CMP4() throws Exception {
    byte[] skip = SpecWriter.zstdSkippable("meta".getBytes(StandardCharsets.US_ASCII));
    assertMalformed(SpecWriter.packed(SpecWriter.ZSTD, 0, new byte[0]), "no data");
    assertMalformed(SpecWriter.packed(SpecWriter.ZSTD, 0, skip), "a skippable frame alone");
    assertMalformed(SpecWriter.packed(SpecWriter.ZSTD, H, SpecWriter.cat(skip, FRAME)), "a skippable frame first");
    assertMalformed(SpecWriter.packed(SpecWriter.ZSTD, H, SpecWriter.cat(FRAME, skip)), "a skippable frame after");
    byte[] a = new ZstdFrame().contentSize(5).raw(Arrays.copyOf(HELLO, 5), true).build();
    byte[] b = new ZstdFrame().contentSize(H - 5).raw(Arrays.copyOfRange(HELLO, 5, H), true).build();
    assertMalformed(SpecWriter.packed(SpecWriter.ZSTD, H, SpecWriter.cat(a, b)), "a second frame");
    assertMalformed(SpecWriter.packed(SpecWriter.ZSTD, H, SpecWriter.cat(FRAME, new byte[] {0})), "a trailing byte");
    assertMalformed(SpecWriter.packed(SpecWriter.ZSTD, H, Arrays.copyOf(FRAME, FRAME.length - 1)), "a truncated frame");
    assertMalformed(SpecWriter.packed(SpecWriter.ZSTD, H, BLOCK), "an LZ4 block");
  }

  @Test
  void zstdFrameNamingADictionaryIsMalformedPayload_CMP4() throws Exception {
    assertMalformed(SpecWriter.packed(SpecWriter.ZSTD, H, new ZstdFrame().contentSize(H).dictId(1, 7).raw(HELLO, true).build()),
        "Dictionary_ID 7");
    assertMalformed(SpecWriter.packed(SpecWriter.ZSTD, H, new ZstdFrame().dictId(4, 0xFFFFFFFFL).raw(HELLO, true).build()),
        "Dictionary_ID FFFFFFFF");
    // A real dictionary, trained by zstd-jni, and a frame the library writes with it.
    com.github.luben.zstd.ZstdDictTrainer trainer = new com.github.luben.zstd.ZstdDictTrainer(1 << 20, 4096);
    for (int i = 0; i < 2000; i++) {
      trainer.addSample(("{\"seq\":" + i + ",\"kind\":\"page_view\",\"user\":\"u-" + (i * 7919 % 1000) + "\"}")
          .getBytes(StandardCharsets.UTF_8));
    }
    byte[] dict = trainer.trainSamples();
    long dictId = com.github.luben.zstd.Zstd.getDictIdFromDict(dict);
    assertTrue(dictId != 0, "a trained dictionary has an id");
    byte[] record = "{\"seq\":5,\"kind\":\"page_view\",\"user\":\"u-39\"}".getBytes(StandardCharsets.UTF_8);
    byte[] frame = com.github.luben.zstd.Zstd.compressUsingDict(record, dict, 3);
    assertEquals(dictId, com.github.luben.zstd.Zstd.getDictIdFromFrame(frame));
    assertMalformed(SpecWriter.packed(SpecWriter.ZSTD, record.length, frame), "a frame compressed with dictionary " + dictId);
  }

  /**
   * [CMP-4]: a zstd frame's Window_Size (RFC 8878 3.1.1.1.2) is at most 2^27. Descriptor 0x88
   * is Exponent 17, Mantissa 0: 2^(10+17) = 2^27; 0x89 adds Mantissa 1: 2^27 + 2^27/8 * 1 =
   * 2^27 + 2^24. The two frames differ in that byte alone, and libzstd decodes both in one call,
   * so the refusal is the rule's and not a corrupt frame's; libzstd's streaming decoder, at its
   * default limit (ZSTD_WINDOWLOG_LIMIT_DEFAULT = 27), draws the same line for frames without a
   * content size.
   */
  @Test
  void zstdWindowSizeAbove2To27IsMalformedPayload_CMP4() throws Exception {
    byte[] at = new ZstdFrame().window(0x88).contentSize(H).raw(HELLO, true).build();
    byte[] over = new ZstdFrame().window(0x89).contentSize(H).raw(HELLO, true).build();
    // Header as RFC 8878 lays it out: magic, descriptor (FCS flag 2, no Single_Segment_flag),
    // Window_Descriptor, a 4-byte Frame_Content_Size; then the block.
    assertEquals(0x80, at[4] & 0xFF);
    assertEquals(0x88, at[5] & 0xFF);
    assertEquals(H, at[6] & 0xFF);
    assertEquals(0x89, over[5] & 0xFF);
    byte[] sameButWindow = over.clone();
    sameButWindow[5] = at[5];
    assertArrayEquals(at, sameButWindow, "the frames differ in Window_Descriptor alone");
    for (byte[] frame : List.of(at, over)) {
      assertArrayEquals(HELLO, com.github.luben.zstd.Zstd.decompress(frame, H), "libzstd, one call");
    }

    assertArrayEquals(HELLO, open(SpecWriter.packed(SpecWriter.ZSTD, H, at), 1 << 30), "Window_Size exactly 2^27");
    assertMalformed(SpecWriter.packed(SpecWriter.ZSTD, H, over), "Window_Size 2^27 + 2^24");
    // Without a frame content size, which libzstd's streaming decoder needs to apply its window
    // limit: given the content size and room for it, it decodes in one pass and checks nothing.
    byte[] atNoSize = new ZstdFrame().window(0x88).raw(HELLO, true).build();
    byte[] overNoSize = new ZstdFrame().window(0x89).raw(HELLO, true).build();
    assertEquals(0x00, overNoSize[4] & 0xFF);
    for (byte[] frame : List.of(atNoSize, overNoSize)) {
      assertArrayEquals(HELLO, com.github.luben.zstd.Zstd.decompress(frame, H), "libzstd, one call");
    }
    assertArrayEquals(HELLO, streamed(atNoSize), "libzstd streaming, default window limit");
    IOException streaming = assertThrows(IOException.class, () -> streamed(overNoSize));
    // libzstd's text for frameParameter_windowTooLarge.
    assertTrue(streaming.getMessage().contains("Frame requires too much memory for decoding"), streaming.getMessage());
    assertArrayEquals(HELLO, open(SpecWriter.packed(SpecWriter.ZSTD, H, atNoSize), 1 << 30), "2^27, no content size");
    assertMalformed(SpecWriter.packed(SpecWriter.ZSTD, H, overNoSize), "2^27 + 2^24, no content size");
    // Exponent 18 (2^28), and the largest descriptor: Exponent 31, Mantissa 7 = 2^41 + 7 * 2^38.
    assertMalformed(SpecWriter.packed(SpecWriter.ZSTD, H, new ZstdFrame().window(0x90).contentSize(H).raw(HELLO, true).build()),
        "Window_Size 2^28");
    assertMalformed(SpecWriter.packed(SpecWriter.ZSTD, H, new ZstdFrame().window(0xFF).contentSize(H).raw(HELLO, true).build()),
        "Window_Size 2^41 + 7 * 2^38");
    // Just below: Exponent 16, Mantissa 7 = 2^26 + 7 * 2^23 = 2^27 - 2^23.
    assertArrayEquals(HELLO, open(SpecWriter.packed(SpecWriter.ZSTD, H,
        new ZstdFrame().window(0x87).contentSize(H).raw(HELLO, true).build()), 1 << 30), "Window_Size 2^27 - 2^23");
  }

  /** libzstd's streaming decoder (ZSTD_decompressStream, default limits) over {@code frame}. */
  private static byte[] streamed(byte[] frame) throws IOException {
    try (com.github.luben.zstd.ZstdInputStream in = new com.github.luben.zstd.ZstdInputStream(new ByteArrayInputStream(frame))) {
      return in.readAllBytes();
    }
  }

  /**
   * [CMP-4]: in a single-segment frame Window_Size is Frame_Content_Size (RFC 8878 3.1.1.1.2),
   * so a frame of 2^27 + 1 bytes is refused though its declared length is within the reader's
   * limit; refused from the header, before the 2^27 + 1 bytes are allocated. libzstd finds the
   * frame well formed: 1024 RLE blocks of 128 KiB and one of 1 byte.
   */
  @Test
  void singleSegmentFrameOfMoreThan2To27BytesIsMalformedPayload_CMP4() throws Exception {
    long size = (1L << 27) + 1;
    ZstdFrame big = new ZstdFrame().contentSize(size);
    for (int i = 0; i < 1024; i++) {
      big.rle(0, 128 * 1024, false);
    }
    byte[] frame = big.rle(0, 1, true).build();
    assertEquals(0xA0, frame[4] & 0xFF, "FCS flag 2 (4 bytes), Single_Segment_flag");
    assertEquals(frame.length, com.github.luben.zstd.Zstd.findFrameCompressedSize(frame));
    assertEquals(size, com.github.luben.zstd.Zstd.getFrameContentSize(frame));
    byte[] packed = SpecWriter.packed(SpecWriter.ZSTD, size, frame);
    SealpostException e = assertThrows(SealpostException.class, () -> Packing.unpack(packed, 0, packed.length, 1 << 30));
    assertEquals(ErrorCategory.MALFORMED_PAYLOAD, e.category(), e.getMessage());
    assertTrue(e.getMessage().contains("Window_Size"), e.getMessage());
    assertMalformed(packed, "single segment, 2^27 + 1 bytes");
  }

  @Test
  void zstdFrameGivingAnotherLengthIsMalformedPayload_CMP4() throws Exception {
    byte[] noSize = new ZstdFrame().raw(HELLO, true).build();
    assertMalformed(SpecWriter.packed(SpecWriter.ZSTD, H + 1, noSize), "gives length - 1");
    assertMalformed(SpecWriter.packed(SpecWriter.ZSTD, H - 1, noSize), "gives length + 1");
    assertMalformed(SpecWriter.packed(SpecWriter.ZSTD, H, new ZstdFrame().contentSize(H + 1).raw(HELLO, true).build()),
        "frame content size differs");
    byte[] badSum = new ZstdFrame().contentSize(H).checksum(HELLO).raw(HELLO, true).build();
    badSum[badSum.length - 2] ^= 0x10;
    assertMalformed(SpecWriter.packed(SpecWriter.ZSTD, H, badSum), "checksum");
  }

  @Test
  void lz4BlockNotGivingExactlyTheLengthIsMalformedPayload_CMP4() throws Exception {
    assertMalformed(SpecWriter.packed(SpecWriter.LZ4, H + 1, BLOCK), "gives length - 1");
    assertMalformed(SpecWriter.packed(SpecWriter.LZ4, H - 1, BLOCK), "gives length + 1");
    assertMalformed(SpecWriter.packed(SpecWriter.LZ4, H, SpecWriter.cat(BLOCK, new byte[] {0})), "a trailing byte");
    assertMalformed(SpecWriter.packed(SpecWriter.LZ4, H, Arrays.copyOf(BLOCK, BLOCK.length - 1)), "literals past the end");
    assertMalformed(SpecWriter.packed(SpecWriter.LZ4, 0, new byte[0]), "no data");
    byte[] farMatch = SpecWriter.cat(SpecWriter.lz4Sequence(new byte[] {1, 2, 3, 4}, 5, 20), SpecWriter.lz4Last(new byte[5]));
    assertMalformed(SpecWriter.packed(SpecWriter.LZ4, 29, farMatch), "a match before the start of the output");
    assertMalformed(SpecWriter.packed(SpecWriter.LZ4, H, FRAME), "a zstd frame");
    // Offset 0 is invalid in the LZ4 Block Format; lz4-java's pure-Java decoder alone would copy
    // from the unwritten output (zeros) and give the declared length.
    byte[] offsetZero = SpecWriter.cat(SpecWriter.lz4Sequence("abcd".getBytes(StandardCharsets.US_ASCII), 0, 4),
        SpecWriter.lz4Last("VWXYZ".getBytes(StandardCharsets.US_ASCII)));
    assertMalformed(SpecWriter.packed(SpecWriter.LZ4, 13, offsetZero), "a match with offset 0");
    byte[] offsetZeroLong = SpecWriter.cat(SpecWriter.lz4Sequence("abcd".getBytes(StandardCharsets.US_ASCII), 0, 8),
        SpecWriter.lz4Last("VWXYZ".getBytes(StandardCharsets.US_ASCII)));
    assertMalformed(SpecWriter.packed(SpecWriter.LZ4, 17, offsetZeroLong), "a match of 8 with offset 0");
    byte[] longLiterals = new byte[300];
    byte[] offsetZeroAfterLongLiterals = SpecWriter.cat(SpecWriter.lz4Sequence(longLiterals, 0, 30), SpecWriter.lz4Last(new byte[5]));
    assertMalformed(SpecWriter.packed(SpecWriter.LZ4, 335, offsetZeroAfterLongLiterals), "offset 0 after 300 literals");
    byte[] longMatch = SpecWriter.cat(SpecWriter.lz4Sequence(longLiterals, 1, 300), SpecWriter.lz4Last(new byte[5]));
    assertArrayEquals(new byte[605], open(SpecWriter.packed(SpecWriter.LZ4, 605, longMatch), 1 << 30), "long lengths parse");
  }

  /**
   * [CMP-3]: the declared length is checked against the limit before anything is allocated: a
   * buffer of 2^31 - 1 bytes would be an OutOfMemoryError, one of FFFFFFFF as an int a
   * NegativeArraySizeException; neither may escape.
   */
  @Test
  void declaredLengthOverTheLimitIsLimitExceededBeforeAllocation_CMP3() throws Exception {
    byte[] tiny = new ZstdFrame().rle('a', 10, true).build();
    for (long declared : new long[] {(1L << 30) + 1, 0x7FFFFFFFL, 0x80000000L, 0xFFFFFFFFL}) {
      for (int method : new int[] {SpecWriter.STORED, SpecWriter.ZSTD, SpecWriter.LZ4}) {
        byte[] packed = SpecWriter.packed(method, declared, tiny);
        SealpostException e = assertThrows(SealpostException.class, () -> Packing.unpack(packed, 0, packed.length, 1 << 30));
        assertEquals(ErrorCategory.LIMIT_EXCEEDED, e.category(), declared + " method " + method);
      }
    }
    assertCategory(ErrorCategory.LIMIT_EXCEEDED, SpecWriter.packed(SpecWriter.ZSTD, (1L << 30) + 1, tiny), 1 << 30, "2^30 + 1");
    assertCategory(ErrorCategory.LIMIT_EXCEEDED, SpecWriter.packed(SpecWriter.LZ4, 0xFFFFFFFFL, BLOCK), 1 << 30, "FFFFFFFF");
    // The reader's configured limit, not only the format's.
    ZstdFrame bomb = new ZstdFrame().contentSize(2 << 20);
    for (int i = 0; i < 16; i++) {
      bomb.rle(0, 128 * 1024, i == 15);
    }
    byte[] bombPacked = SpecWriter.packed(SpecWriter.ZSTD, 2 << 20, bomb.build());
    assertTrue(bombPacked.length < 100, "2 MiB in " + bombPacked.length + " bytes");
    assertCategory(ErrorCategory.LIMIT_EXCEEDED, bombPacked, 1024, "2 MiB bomb, limit 1024");
    assertArrayEquals(new byte[2 << 20], open(bombPacked, 2 << 20));
    // At the limit it is valid (data shorter than the plaintext, so the body is within step 9's limit).
    byte[] hundred = SpecWriter.packed(SpecWriter.ZSTD, 100, new ZstdFrame().rle('a', 100, true).build());
    byte[] as = new byte[100];
    Arrays.fill(as, (byte) 'a');
    assertArrayEquals(as, open(hundred, 100));
    assertCategory(ErrorCategory.LIMIT_EXCEEDED, hundred, 99, "limit one less");
  }

  /** Step 14 order: too short and unknown method come before the declared length; the length before the data. */
  @Test
  void stepFourteenChecksInOrder_ERR2() throws Exception {
    assertCategory(ErrorCategory.MALFORMED_PAYLOAD, SpecWriter.packed(3, 0xFFFFFFFFL, new byte[0]), 1 << 30, "method first");
    assertCategory(ErrorCategory.LIMIT_EXCEEDED, SpecWriter.packed(SpecWriter.STORED, (1L << 30) + 1, HELLO), 1 << 30,
        "length before data");
  }

  /** [CMP-6], [AUTH-3]: a payload that fails authentication is never unpacked. */
  @Test
  void authenticationComesBeforeUnpacking_CMP6() throws Exception {
    byte[] env = seal(SuiteSpec.AES_256_GCM_COMPRESSED, SpecWriter.packed(3, 5, HELLO));
    env[env.length - 1] ^= 1;
    SealpostException e = assertThrows(SealpostException.class, () -> reader(1 << 30).decrypt(env, EncryptionContext.empty()));
    assertEquals(ErrorCategory.AUTHENTICATION_FAILED, e.category());
  }
}
