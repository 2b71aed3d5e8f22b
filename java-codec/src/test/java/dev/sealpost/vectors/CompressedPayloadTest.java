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
