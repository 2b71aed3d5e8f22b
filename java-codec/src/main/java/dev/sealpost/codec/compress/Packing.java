package dev.sealpost.codec.compress;

import dev.sealpost.codec.Compression;
import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.Suite;
import java.util.Arrays;
import java.util.Objects;

/**
 * The packed payload of the compressed suites {@code 04xx} and {@code 05xx} (SPEC.md 18): the
 * AEAD's plaintext is
 *
 * <pre>
 * packed = method(1) || length(4, u32 big-endian) || data
 *   method 00 stored: data is the plaintext itself, exactly length bytes
 *   method 01 zstd:   data is exactly one Zstandard frame (RFC 8878 3.1.1), no dictionary id,
 *                     Window_Size at most 2^27, no skippable or second frame, no byte after it,
 *                     giving exactly length bytes
 *   method 02 lz4:    data is exactly one raw LZ4 block (no frame, no size prefix), every byte
 *                     used, giving exactly length bytes
 * </pre>
 *
 * <p>The writer compresses with zstd at level 3 or LZ4's fast compressor and stores the plaintext
 * (method 00) when the data would not be shorter [CMP-2]. The reader checks the declared length
 * against its plaintext limit before it allocates anything [CMP-3], then decompresses into a
 * buffer of exactly {@code length} bytes, so the work is bounded by the declared length however
 * small the data; every deviation is {@code malformed-payload} [CMP-4].
 *
 * <p>zstd-jni and lz4-java are optional dependencies: they are touched only through the nested
 * holder classes, so this class loads without them. A writer asking for a missing one fails at
 * build, and a reader lacking either treats the compressed suites as not implemented
 * ({@code unsupported-suite}) [CMP-5].
 */
public final class Packing {
  /** The method byte and the u32 length. */
  public static final int OVERHEAD = 5;

  /** Method bytes (SPEC.md 18). */
  public static final int METHOD_STORED = 0x00;
  public static final int METHOD_ZSTD = 0x01;
  public static final int METHOD_LZ4 = 0x02;

  /** zstd's default level: Kafka's too, a good ratio at a few hundred MB/s. */
  static final int ZSTD_LEVEL = 3;

  private static final int ZSTD_MAGIC = 0xFD2FB528;

  /**
   * The largest zstd Window_Size a packed payload may declare (SPEC.md 18): 2^27 bytes, the
   * default limit of zstd's streaming decoders [CMP-2], [CMP-4].
   */
  public static final long MAX_ZSTD_WINDOW = 1L << 27;

  private static final boolean ZSTD_AVAILABLE = probe(Compression.ZSTD);
  private static final boolean LZ4_AVAILABLE = probe(Compression.LZ4);

  private Packing() {}

  /** Whether this method's library is on the class path and loads (zstd-jni needs its native part). */
  public static boolean available(Compression compression) {
    switch (Objects.requireNonNull(compression, "compression")) {
      case NONE:
        return true;
      case ZSTD:
        return ZSTD_AVAILABLE;
      case LZ4:
        return LZ4_AVAILABLE;
      default:
        return false;
    }
  }

  /**
   * Whether this reader implements the compressed suites: only with all three methods [CMP-5],
   * since it cannot know which method an envelope uses before it has decrypted it.
   */
  public static boolean readable() {
    return ZSTD_AVAILABLE && LZ4_AVAILABLE;
  }

  /** Whether a reader implements {@code suite}: every suite but the compressed ones without their libraries. */
  public static boolean implemented(Suite suite) {
    return !suite.compressed() || readable();
  }

  /** Bytes the packing adds to the body limit of a suite [LIM-3]: 5 for compressed suites, else 0. */
  public static int overhead(Suite suite) {
    return suite.compressed() ? OVERHEAD : 0;
  }

  /** Fails with a message naming the missing library; for a writer's build(). */
  public static void requireAvailable(Compression compression) {
    if (!available(compression)) {
      throw new IllegalStateException(
          "compression " + compression + " needs "
              + (compression == Compression.ZSTD ? "com.github.luben:zstd-jni" : "at.yawk.lz4:lz4-java")
              + " on the class path (an optional dependency of sealpost-codec), and it could not be loaded");
    }
  }

  private static boolean probe(Compression c) {
    try {
      if (c == Compression.ZSTD) {
        ZstdMethod.probe();
      } else {
        Lz4Method.probe();
      }
      return true;
    } catch (LinkageError | RuntimeException e) {
      return false; // not on the class path, or no native library for this platform
    }
  }

  /**
   * Packs {@code plaintext[offset, offset+length)} with {@code compression}, or stored when the
   * compressed data would not be shorter than the plaintext [CMP-2].
   */
  public static byte[] pack(Compression compression, byte[] plaintext, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, plaintext.length);
    if (length > 0 && compression != Compression.NONE) {
      // Room for at most length - 1 bytes of data: a compressor that needs more fails, and the
      // plaintext is stored instead, without ever allocating a compressor's worst-case bound.
      byte[] out = new byte[OVERHEAD + length - 1];
      int n = compression == Compression.ZSTD
          ? ZstdMethod.compress(plaintext, offset, length, out, OVERHEAD, length - 1)
          : Lz4Method.compress(plaintext, offset, length, out, OVERHEAD, length - 1);
      if (n >= 0 && n < length) {
        writeHeader(out, compression == Compression.ZSTD ? METHOD_ZSTD : METHOD_LZ4, length);
        return n == length - 1 ? out : Arrays.copyOf(out, OVERHEAD + n);
      }
    }
    return packWith(METHOD_STORED, length, plaintext, offset, length);
  }

  /**
   * {@code method || u32(length) || data}, whatever the data: the vectors and tests build
   * malformed payloads with it.
   */
  public static byte[] packWith(int method, long length, byte[] data, int offset, int dataLength) {
    byte[] out = new byte[OVERHEAD + dataLength];
    out[0] = (byte) method;
    out[1] = (byte) (length >>> 24);
    out[2] = (byte) (length >>> 16);
    out[3] = (byte) (length >>> 8);
    out[4] = (byte) length;
    System.arraycopy(data, offset, out, OVERHEAD, dataLength);
    return out;
  }

  private static void writeHeader(byte[] out, int method, int length) {
    out[0] = (byte) method;
    out[1] = (byte) (length >>> 24);
    out[2] = (byte) (length >>> 16);
    out[3] = (byte) (length >>> 8);
    out[4] = (byte) length;
  }

  /**
   * Step 14 of SPEC.md 11: the plaintext of an authenticated packed payload. Fails with
   * {@code malformed-payload} when it is shorter than 5 bytes or names an unknown method, with
   * {@code limit-exceeded} when the declared length exceeds {@code maxPlaintextLength} (before
   * any allocation) [CMP-3], and with {@code malformed-payload} when the data does not give
   * exactly the declared length [CMP-4].
   */
  public static byte[] unpack(byte[] packed, int offset, int packedLength, int maxPlaintextLength)
      throws SealpostException {
    Objects.checkFromIndexSize(offset, packedLength, packed.length);
    if (packedLength < OVERHEAD) {
      throw malformed("packed payload of " + packedLength + " bytes is shorter than 5");
    }
    int method = packed[offset] & 0xFF;
    if (method != METHOD_STORED && method != METHOD_ZSTD && method != METHOD_LZ4) {
      throw malformed(String.format("unknown packing method 0x%02x", method));
    }
    long length = ((packed[offset + 1] & 0xFFL) << 24) | ((packed[offset + 2] & 0xFF) << 16)
        | ((packed[offset + 3] & 0xFF) << 8) | (packed[offset + 4] & 0xFF);
    if (length > maxPlaintextLength) {
      throw new SealpostException(
          ErrorCategory.LIMIT_EXCEEDED,
          "declared plaintext length " + length + " exceeds the limit of " + maxPlaintextLength + " [CMP-3]");
    }
    int n = (int) length;
    int dataOffset = offset + OVERHEAD;
    int dataLength = packedLength - OVERHEAD;
    switch (method) {
      case METHOD_STORED:
        if (dataLength != n) {
          throw malformed("stored data of " + dataLength + " bytes, declared length " + n);
        }
        return Arrays.copyOfRange(packed, dataOffset, dataOffset + n);
      case METHOD_ZSTD:
        return ZstdMethod.decompress(packed, dataOffset, dataLength, n);
      default:
        return Lz4Method.decompress(packed, dataOffset, dataLength, n);
    }
  }

  static SealpostException malformed(String message) {
    return new SealpostException(ErrorCategory.MALFORMED_PAYLOAD, message + " [CMP-4]");
  }

  /**
   * Every use of zstd-jni; loaded only when a zstd payload is met. One compression and one
   * decompression context per thread: making a context per call costs more than compressing a
   * record of a few hundred bytes. Each call starts a new frame, so no state carries over.
   */
  private static final class ZstdMethod {
    private static final ThreadLocal<com.github.luben.zstd.ZstdCompressCtx> COMPRESS =
        ThreadLocal.withInitial(() -> new com.github.luben.zstd.ZstdCompressCtx().setLevel(ZSTD_LEVEL));
    private static final ThreadLocal<com.github.luben.zstd.ZstdDecompressCtx> DECOMPRESS =
        ThreadLocal.withInitial(com.github.luben.zstd.ZstdDecompressCtx::new);

    /** Field sizes by flag (RFC 8878 3.1.1.1.1): Dictionary_ID, and FCS when Single_Segment_flag is set. */
    private static final int[] DICT_ID_SIZES = {0, 1, 2, 4};
    private static final int[] SINGLE_SEGMENT_FCS_SIZES = {1, 2, 4, 8};

    private ZstdMethod() {}

    static void probe() {
      com.github.luben.zstd.Zstd.compressBound(1); // loads the native library
    }

    /**
     * The data length, or -1 when it does not fit in {@code max} bytes or its frame declares a
     * Window_Size above 2^27, which [CMP-2] forbids writing: level 3 stays at 2^21 or below, so
     * this only keeps a future change of level or library from writing what readers refuse.
     */
    static int compress(byte[] src, int off, int len, byte[] dst, int dstOff, int max) {
      int n;
      try {
        n = COMPRESS.get().compressByteArray(dst, dstOff, max, src, off, len);
      } catch (com.github.luben.zstd.ZstdException e) {
        return -1; // would not fit in max bytes (dstSize_tooSmall)
      }
      long window = windowSize(dst, dstOff, n);
      return window >= 0 && window <= MAX_ZSTD_WINDOW ? n : -1;
    }

    static byte[] decompress(byte[] src, int off, int len, int length) throws SealpostException {
      checkFrame(src, off, len, length);
      // Allocated once, from the declared length alone (checked against the limit by the caller).
      byte[] out = new byte[length];
      long r;
      try {
        // One-shot decompression (ZSTD_decompressDCtx) into exactly length bytes: the output is
        // the window, so nothing is allocated from the frame's Window_Size; never the streaming
        // API, which would. A frame that would give more fails (dstSize_tooSmall) as soon as it
        // reaches the end; checksums are verified.
        r = DECOMPRESS.get().decompressByteArray(out, 0, length, src, off, len);
      } catch (RuntimeException e) {
        throw malformed("zstd data does not decompress: " + e.getMessage());
      }
      if (r != length) {
        throw malformed("zstd data gives " + r + " bytes, declared length " + length);
      }
      return out;
    }

    /**
     * Exactly one zstd frame (not a skippable one), without a dictionary id, with a Window_Size
     * of at most 2^27, filling {@code len} bytes exactly, and a frame content size, when present,
     * equal to {@code length}.
     */
    private static void checkFrame(byte[] src, int off, int len, int length) throws SealpostException {
      // Magic, then the frame header descriptor (RFC 8878 3.1.1.1); a skippable frame's magic
      // 0x184D2A5? and the legacy formats' magics are refused here.
      if (len < 5 || leInt(src, off) != ZSTD_MAGIC) {
        throw malformed("zstd data is not one Zstandard frame");
      }
      int fhd = src[off + 4] & 0xFF;
      boolean singleSegment = (fhd & 0x20) != 0;
      int dictIdSize = DICT_ID_SIZES[fhd & 0x03];
      int dictPos = off + 5 + (singleSegment ? 0 : 1);
      if (dictIdSize > 0) {
        if (dictPos + dictIdSize > off + len) {
          throw malformed("zstd frame header is truncated");
        }
        long dictId = 0;
        for (int i = dictIdSize - 1; i >= 0; i--) {
          dictId = (dictId << 8) | (src[dictPos + i] & 0xFF);
        }
        if (dictId != 0) {
          throw malformed("zstd frame names dictionary " + dictId + "; dictionaries are not allowed");
        }
      }
      long window = windowSize(src, off, len);
      if (window < 0) {
        throw malformed("zstd frame header is truncated");
      }
      if (window > MAX_ZSTD_WINDOW) {
        // The one-shot decoding below would need no window, but a streaming reader would
        // allocate it: the format bounds it so that every reader can decode every payload.
        throw malformed("zstd frame declares a Window_Size of " + Long.toUnsignedString(window)
            + " bytes, above 2^27");
      }
      long frameSize;
      long contentSize;
      try {
        frameSize = com.github.luben.zstd.Zstd.findFrameCompressedSize(src, off, len);
        contentSize = com.github.luben.zstd.Zstd.getFrameContentSize(src, off, len);
      } catch (RuntimeException e) { // zstd-jni reports some errors as ZstdException
        throw malformed("zstd frame is corrupt: " + e.getMessage());
      }
      if (com.github.luben.zstd.Zstd.isError(frameSize)) {
        throw malformed("zstd frame is corrupt: " + com.github.luben.zstd.Zstd.getErrorName(frameSize));
      }
      if (frameSize != len) {
        throw malformed("zstd data holds " + (len - frameSize) + " bytes after its frame");
      }
      // Negative: unknown (absent) or an error, which decompression reports below.
      if (contentSize >= 0 && contentSize != length) {
        throw malformed("zstd frame declares " + contentSize + " bytes, declared length " + length);
      }
    }

    /**
     * Window_Size of the zstd frame header at {@code src[off, off+len)} (RFC 8878 3.1.1.1.2), or
     * -1 when the header is cut short. Without Single_Segment_flag: from Window_Descriptor,
     * {@code 2^(10 + Exponent) + 2^(10 + Exponent) / 8 * Mantissa}; with it, Frame_Content_Size
     * (unsigned: an 8-byte one of 2^63 or more reads as Long.MAX_VALUE, still above any bound).
     * The magic is the caller's to check.
     */
    static long windowSize(byte[] src, int off, int len) {
      if (len < 5) {
        return -1;
      }
      int fhd = src[off + 4] & 0xFF;
      if ((fhd & 0x20) == 0) {
        if (len < 6) {
          return -1;
        }
        int wd = src[off + 5] & 0xFF;
        long base = 1L << (10 + (wd >>> 3)); // Exponent <= 31: at most 2^41, no overflow
        return base + (base >>> 3) * (wd & 0x07);
      }
      int dictIdSize = DICT_ID_SIZES[fhd & 0x03];
      int fcsSize = SINGLE_SEGMENT_FCS_SIZES[fhd >>> 6];
      int p = off + 5 + dictIdSize;
      if (p + fcsSize > off + len) {
        return -1;
      }
      long fcs = 0;
      for (int i = fcsSize - 1; i >= 0; i--) {
        fcs = (fcs << 8) | (src[p + i] & 0xFF);
      }
      if (fcsSize == 2) {
        fcs += 256; // RFC 8878 3.1.1.1.4: the 2-byte field is offset by 256
      }
      return fcs < 0 ? Long.MAX_VALUE : fcs;
    }

    private static int leInt(byte[] b, int p) {
      return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16 | (b[p + 3] & 0xFF) << 24;
    }
  }

  /**
   * Every use of lz4-java. The pure-Java safe instance for both directions: the same code on
   * every platform, and never the unchecked "fast" decompressor.
   */
  private static final class Lz4Method {
    private static final net.jpountz.lz4.LZ4Factory FACTORY = net.jpountz.lz4.LZ4Factory.safeInstance();
    private static final net.jpountz.lz4.LZ4Compressor COMPRESSOR = FACTORY.fastCompressor();
    private static final net.jpountz.lz4.LZ4SafeDecompressor DECOMPRESSOR = FACTORY.safeDecompressor();

    private Lz4Method() {}

    static void probe() {
      Objects.requireNonNull(DECOMPRESSOR);
    }

    static int compress(byte[] src, int off, int len, byte[] dst, int dstOff, int max) {
      try {
        return COMPRESSOR.compress(src, off, len, dst, dstOff, max);
      } catch (net.jpountz.lz4.LZ4Exception e) {
        return -1; // would not fit in max bytes
      }
    }

    static byte[] decompress(byte[] src, int off, int len, int length) throws SealpostException {
      checkOffsets(src, off, len);
      byte[] out = new byte[length];
      int r;
      try {
        // Decodes src[off, off+len) as one block: the last sequence's literals must end exactly at
        // the end of the input, and output beyond length bytes fails as soon as it is reached.
        r = DECOMPRESSOR.decompress(src, off, len, out, 0, length);
      } catch (RuntimeException e) {
        throw malformed("lz4 block does not decompress: " + e.getMessage());
      }
      if (r != length) {
        throw malformed("lz4 block gives " + r + " bytes, declared length " + length);
      }
      return out;
    }

    /**
     * Walks the block's sequences without decoding them and refuses a match offset of 0, which
     * the LZ4 Block Format declares invalid: the C library refuses it, lz4-java's pure-Java
     * decoder would copy from the unwritten output. Everything else is left to the decoder.
     */
    private static void checkOffsets(byte[] src, int off, int len) throws SealpostException {
      int p = off;
      int end = off + len;
      while (p < end) {
        int token = src[p++] & 0xFF;
        long literals = token >>> 4;
        if (literals == 15) {
          int b;
          do {
            if (p >= end) {
              return; // truncated: the decoder reports it
            }
            b = src[p++] & 0xFF;
            literals += b;
          } while (b == 255);
        }
        if (literals >= end - p) {
          return; // the last sequence (literals only), or literals past the end for the decoder
        }
        p += (int) literals;
        if (end - p < 2) {
          return;
        }
        if ((src[p] | src[p + 1]) == 0) {
          throw malformed("lz4 match with offset 0");
        }
        p += 2;
        if ((token & 0x0F) == 15) {
          int b;
          do {
            if (p >= end) {
              return;
            }
            b = src[p++] & 0xFF;
          } while (b == 255);
        }
      }
    }
  }
}
