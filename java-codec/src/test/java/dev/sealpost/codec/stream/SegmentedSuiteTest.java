package dev.sealpost.codec.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sealpost.codec.Decryptor;
import dev.sealpost.codec.EncryptionContext;
import dev.sealpost.codec.Encryptor;
import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.Recipient;
import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.Suite;
import dev.sealpost.codec.TestKeys;
import dev.sealpost.codec.format.EnvelopeHeader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Segmented suites (SPEC.md section 17), whole and streamed. Expected bytes come from
 * {@link SegmentedTestWriter}, which follows the spec text on plain JCE; malformed envelopes are
 * built with it too, never with the codec.
 */
class SegmentedSuiteTest {
  private static final int SEG = 65536;
  private static final byte[] DEK = TestKeys.pattern(40, 32);
  private static final byte[] NONCE = TestKeys.pattern(41, 12);
  private static final byte[] OTHER_NONCE = TestKeys.pattern(42, 12);
  /** "orders" v2, the keyring's current version. */
  private static final byte[] KEK = TestKeys.pattern(2, 32);
  private static final byte[] EXT = {1, 5, 't', 'o', 'p', 'i', 'c', 0, 4, 'f', 'i', 'l', 'e'};

  private static EncryptionContext ext() throws SealpostException {
    return EncryptionContext.of("topic", "file");
  }

  /** The vectors' plaintext pattern: byte i = i mod 251. */
  static byte[] pattern(int length) {
    byte[] p = new byte[length];
    for (int i = 0; i < length; i++) {
      p[i] = (byte) (i % 251);
    }
    return p;
  }

  private static Decryptor decryptor() throws SealpostException {
    return Decryptor.builder().kekSource(TestKeys.keyring()).build();
  }

  private static SegmentedTestWriter writer(Suite suite) throws Exception {
    return new SegmentedTestWriter(suite.id(), DEK, KEK, "orders", 2, NONCE);
  }

  /** Hands out the DEK, then the nonce base, as the encryptor draws them. */
  private static final class Scripted extends SecureRandom {
    private static final long serialVersionUID = 1L;
    private final Deque<byte[]> script = new ArrayDeque<>();

    Scripted(byte[]... parts) {
      script.addAll(List.of(parts));
    }

    @Override
    public synchronized void nextBytes(byte[] out) {
      byte[] next = script.pollFirst();
      if (next == null || next.length != out.length) {
        throw new IllegalStateException("unexpected draw of " + out.length + " bytes");
      }
      System.arraycopy(next, 0, out, 0, out.length);
    }
  }

  private static Encryptor scripted(Suite base, boolean segmented) throws SealpostException {
    // With nonce base B, message 0's header nonce is B XOR 0 = B [NONCE-2].
    return Encryptor.builder().suite(base).segmented(segmented)
        .recipient(Recipient.symmetric(TestKeys.keyring(), "orders"))
        .random(new Scripted(DEK.clone(), NONCE.clone())).build();
  }

  private static byte[] streamEncrypt(Encryptor e, byte[] plaintext, int chunk) throws Exception {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (EncryptingOutputStream out = e.encryptingStream(sink, ext())) {
      for (int off = 0; off < plaintext.length; off += chunk) {
        if (chunk == 1) {
          out.write(plaintext[off]);
        } else {
          out.write(plaintext, off, Math.min(chunk, plaintext.length - off));
        }
      }
      out.finish();
    }
    return sink.toByteArray();
  }

  /** Reads to the end in reads of varying size; the end must be -1 after a complete plaintext. */
  private static byte[] streamDecrypt(byte[] envelope, long seed) throws IOException, SealpostException {
    SplittableRandom r = new SplittableRandom(seed);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream in = decryptor().decryptingStream(new TrickleInputStream(envelope, seed), ext())) {
      byte[] buf = new byte[100_000];
      while (true) {
        int n = in.read(buf, 0, 1 + r.nextInt(buf.length));
        if (n < 0) {
          break;
        }
        out.write(buf, 0, n);
      }
      assertEquals(-1, in.read(), "the end stays the end");
    }
    return out.toByteArray();
  }

  /** A source that returns short reads, as sockets and pipes do. */
  private static final class TrickleInputStream extends InputStream {
    private final byte[] data;
    private final SplittableRandom random;
    private int pos;

    TrickleInputStream(byte[] data, long seed) {
      this.data = data;
      this.random = new SplittableRandom(seed ^ 0x5DEECE66DL);
    }

    @Override
    public int read() {
      return pos < data.length ? data[pos++] & 0xFF : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (pos == data.length) {
        return -1;
      }
      int n = Math.min(Math.min(len, data.length - pos), 1 + random.nextInt(70_000));
      System.arraycopy(data, pos, b, off, n);
      pos += n;
      return n;
    }
  }

  /** The outcome of a streamed read: what was released, then the failure, if any. */
  private static final class Outcome {
    final byte[] released;
    final SealpostStreamException failure;

    Outcome(byte[] released, SealpostStreamException failure) {
      this.released = released;
      this.failure = failure;
    }
  }

  private static Outcome streamOutcome(byte[] envelope) throws Exception {
    return streamOutcome(envelope, 8192);
  }

  /**
   * Reads with a buffer of {@code size} bytes: below 65536 the stream copies from its own
   * segment buffer, from 65536 up it decrypts into the caller's buffer, which must then hold
   * nothing of a segment that failed.
   */
  private static Outcome streamOutcome(byte[] envelope, int size) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream in = decryptor().decryptingStream(new ByteArrayInputStream(envelope), ext())) {
      byte[] buf = new byte[size];
      while (true) {
        int n;
        try {
          n = in.read(buf);
        } catch (SealpostStreamException e) {
          if (size >= SEG) {
            assertArrayEquals(new byte[size], buf, "no byte of a failed segment in the caller's buffer [SEG-3]");
          }
          // [SEG-4]: the failure is sticky, never followed by an end of stream.
          SealpostStreamException again = assertThrows(SealpostStreamException.class, () -> in.read(buf));
          assertEquals(e.category(), again.category());
          assertEquals(out.size(), e.releasedBytes(), "releasedBytes counts what read() returned");
          return new Outcome(out.toByteArray(), e);
        }
        if (n < 0) {
          return new Outcome(out.toByteArray(), null);
        }
        out.write(buf, 0, n);
      }
    }
  }

  /**
   * A tampered envelope fails, streamed and whole, with {@code category}; what the stream
   * released before failing is a prefix of the plaintext made of whole authenticated segments,
   * at most {@code maxReleasedSegments} of them [SEG-3].
   */
  private static void assertRefused(byte[] envelope, byte[] plaintext, ErrorCategory category, int maxReleasedSegments)
      throws Exception {
    assertRefused(envelope, plaintext, category, maxReleasedSegments, 8192);
    assertRefused(envelope, plaintext, category, maxReleasedSegments, SEG + 5);
  }

  private static void assertRefused(
      byte[] envelope, byte[] plaintext, ErrorCategory category, int maxReleasedSegments, int readSize) throws Exception {
    Outcome o = streamOutcome(envelope, readSize);
    if (o.failure == null) {
      fail("the stream ended normally after " + o.released.length + " bytes [SEG-4], [SEG-6]");
    }
    assertEquals(category, o.failure.category(), o.failure.getMessage());
    assertEquals(category, o.failure.sealpostException().category());
    assertEquals(0, o.released.length % SEG, "only whole segments are released [SEG-3]");
    assertTrue(o.released.length <= (long) maxReleasedSegments * SEG, "released " + o.released.length);
    assertArrayEquals(Arrays.copyOf(plaintext, o.released.length), o.released);
    SealpostException whole = assertThrows(SealpostException.class, () -> decryptor().decrypt(envelope, ext()));
    assertEquals(category, whole.category(), "read whole");
  }

  // ------------------------------------------------------------------------------ [SEG-1]

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 65535, 65536, 65537, 3 * 65536})
  void codecWritesTheSpecBytesWholeAndStreamed(int size) throws Exception {
    byte[] plaintext = pattern(size);
    for (Suite base : List.of(Suite.AES_256_GCM, Suite.CHACHA20_POLY1305)) {
      Suite segmented = Suite.of(base, false, true);
      byte[] expected = writer(segmented).envelope(plaintext, EXT);
      assertArrayEquals(expected, scripted(base, true).encrypt(plaintext, ext()), "[SEG-1] whole, " + segmented);
      // A non-segmented encryptor streams under a second DEK of the segmented suite: DEK and
      // nonce base are drawn again, here the same scripted values.
      Encryptor plain = Encryptor.builder().suite(base).recipient(Recipient.symmetric(TestKeys.keyring(), "orders"))
          .random(new Scripted(TestKeys.pattern(43, 32), TestKeys.pattern(44, 12), DEK.clone(), NONCE.clone())).build();
      assertArrayEquals(expected, streamEncrypt(plain, plaintext, 4099), "[SEG-1] streamed, " + segmented);
      assertArrayEquals(expected, streamEncrypt(scripted(base, true), plaintext, 1 + size / 3), "[SEG-1] streamed");
    }
  }

  // ------------------------------------------------------------------ round trips [SEG-2], [SEG-6]

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 65535, 65536, 65537, 3 * 65536})
  void roundTripsStreamedAndWhole(int size) throws Exception {
    byte[] plaintext = new byte[size];
    new SplittableRandom(size).nextBytes(plaintext);
    for (Suite base : List.of(Suite.AES_256_GCM, Suite.CHACHA20_POLY1305)) {
      Encryptor enc = Encryptor.builder().suite(base).recipient(Recipient.symmetric(TestKeys.keyring(), "orders")).build();
      byte[] streamed = streamEncrypt(enc, plaintext, size < 10 ? 1 : 65536 + 7);
      assertEquals(Suite.of(base, false, true), Decryptor.inspect(streamed).suite());
      assertArrayEquals(plaintext, streamDecrypt(streamed, size), "streamed both ways");
      assertArrayEquals(plaintext, decryptor().decrypt(streamed, ext()), "stream written, read whole");
      byte[] whole = Encryptor.builder().suite(base).segmented(true)
          .recipient(Recipient.symmetric(TestKeys.keyring(), "orders")).build().encrypt(plaintext, ext());
      assertArrayEquals(plaintext, streamDecrypt(whole, size + 1), "written whole, streamed");
      long segments = Math.max(1, (size + SEG - 1) / SEG);
      assertEquals(size + 16 * segments, whole.length - Decryptor.inspect(whole).headerLength(), "[SEG-2] layout");
    }
  }

  @Test
  void theCodecReadsTheIndependentWritersEnvelopes() throws Exception {
    byte[] plaintext = pattern(2 * SEG + 3);
    byte[] envelope = writer(Suite.CHACHA20_POLY1305_SEGMENTED).envelope(plaintext, EXT);
    assertArrayEquals(plaintext, streamDecrypt(envelope, 7));
    assertArrayEquals(plaintext, decryptor().decrypt(envelope, ext()));
  }

  @Test
  void anotherExternalContextReleasesNothing() throws Exception {
    byte[] envelope = writer(Suite.AES_256_GCM_SEGMENTED).envelope(pattern(3 * SEG), EXT);
    InputStream in = decryptor().decryptingStream(new ByteArrayInputStream(envelope), EncryptionContext.of("topic", "other"));
    SealpostStreamException e = assertThrows(SealpostStreamException.class, () -> in.read(new byte[10]));
    assertEquals(ErrorCategory.AUTHENTICATION_FAILED, e.category(), "segment 0 carries the AAD [SEG-3]");
    assertEquals(0, e.releasedBytes());
  }

  // ----------------------------------------------------------- truncation [SEG-4], [SEG-6]

  @Test
  void truncationAtEverySegmentBoundaryAndMidSegmentFails() throws Exception {
    SegmentedTestWriter w = writer(Suite.AES_256_GCM_SEGMENTED);
    byte[] plaintext = pattern(3 * SEG + 100); // segments of 65552, 65552, 65552 and 116 bytes
    byte[] envelope = w.envelope(plaintext, EXT);
    int h = w.header.length;
    assertEquals(h + 3 * SegmentedTestWriter.SEALED + 116, envelope.length);
    // At the end of the header: no body at all [AUTH-4].
    assertRefused(Arrays.copyOf(envelope, h), plaintext, ErrorCategory.AUTHENTICATION_FAILED, 0);
    // Inside the header [HDR-2].
    assertRefused(Arrays.copyOf(envelope, h - 1), plaintext, ErrorCategory.MALFORMED_HEADER, 0);
    for (int k = 1; k <= 3; k++) {
      int boundary = h + k * SegmentedTestWriter.SEALED;
      // Segment k-1 now looks last, but was sealed with f = 00.
      assertRefused(Arrays.copyOf(envelope, boundary), plaintext, ErrorCategory.AUTHENTICATION_FAILED, k - 1);
      assertRefused(Arrays.copyOf(envelope, boundary - 1), plaintext, ErrorCategory.AUTHENTICATION_FAILED, k - 1);
      assertRefused(Arrays.copyOf(envelope, boundary - SEG / 2), plaintext, ErrorCategory.AUTHENTICATION_FAILED, k - 1);
      // 1..15 bytes of the next segment: shorter than a tag [SEG-2].
      assertRefused(Arrays.copyOf(envelope, boundary + 15), plaintext, ErrorCategory.AUTHENTICATION_FAILED, k);
      assertRefused(Arrays.copyOf(envelope, boundary + 1), plaintext, ErrorCategory.AUTHENTICATION_FAILED, k);
    }
    assertRefused(Arrays.copyOf(envelope, envelope.length - 1), plaintext, ErrorCategory.AUTHENTICATION_FAILED, 3);
  }

  @Test
  void aTruncatedStreamReleasesExactlyTheSegmentsBeforeTheLastPresent() throws Exception {
    SegmentedTestWriter w = writer(Suite.AES_256_GCM_SEGMENTED);
    byte[] plaintext = pattern(4 * SEG);
    byte[] envelope = w.envelope(plaintext, EXT);
    // Cut after 3 segments: segments 0 and 1 are followed by more bytes, so they are opened as
    // middle segments and released; segment 2 is opened as the last and fails.
    Outcome o = streamOutcome(Arrays.copyOf(envelope, w.header.length + 3 * SegmentedTestWriter.SEALED));
    assertEquals(ErrorCategory.AUTHENTICATION_FAILED, o.failure.category());
    assertArrayEquals(Arrays.copyOf(plaintext, 2 * SEG), o.released);
    assertTrue(o.failure.getMessage().contains("discard"), "[SEG-4] tells the caller to discard: " + o.failure.getMessage());
  }

  // --------------------------------------------------------- dropped, swapped, duplicated [SEG-6]

  @Test
  void droppedSwappedDuplicatedSegmentsFail() throws Exception {
    SegmentedTestWriter w = writer(Suite.AES_256_GCM_SEGMENTED);
    byte[] plaintext = pattern(3 * SEG + 5);
    List<byte[]> s = w.segments(plaintext, EXT);
    assertRefused(w.envelope(List.of(s.get(0), s.get(2), s.get(3))), plaintext, ErrorCategory.AUTHENTICATION_FAILED, 1);
    assertRefused(w.envelope(List.of(s.get(0), s.get(1), s.get(2))), plaintext, ErrorCategory.AUTHENTICATION_FAILED, 2);
    assertRefused(w.envelope(List.of(s.get(1), s.get(2), s.get(3))), plaintext, ErrorCategory.AUTHENTICATION_FAILED, 0);
    assertRefused(w.envelope(List.of(s.get(0), s.get(2), s.get(1), s.get(3))), plaintext, ErrorCategory.AUTHENTICATION_FAILED, 1);
    assertRefused(w.envelope(List.of(s.get(0), s.get(1), s.get(1), s.get(2), s.get(3))), plaintext,
        ErrorCategory.AUTHENTICATION_FAILED, 2);
    assertRefused(w.envelope(List.of(s.get(0), s.get(1), s.get(2), s.get(3), s.get(3))), plaintext,
        ErrorCategory.AUTHENTICATION_FAILED, 3);
  }

  @Test
  void appendedBytesFail() throws Exception {
    SegmentedTestWriter w = writer(Suite.AES_256_GCM_SEGMENTED);
    for (int size : new int[] {0, 100, 2 * SEG}) {
      byte[] plaintext = pattern(size);
      byte[] envelope = w.envelope(plaintext, EXT);
      int full = size / SEG; // segments released at most before the appended bytes are noticed
      for (int extra : new int[] {1, 15, 16, 17, SegmentedTestWriter.SEALED}) {
        byte[] longer = Arrays.copyOf(envelope, envelope.length + extra);
        assertRefused(longer, plaintext, ErrorCategory.AUTHENTICATION_FAILED, full); // [HDR-5], [SEG-6]
      }
    }
  }

  @Test
  void emptyLastSegmentAfterOthersFailsEvenThoughItAuthenticates() throws Exception {
    SegmentedTestWriter w = writer(Suite.AES_256_GCM_SEGMENTED);
    byte[] plaintext = pattern(SEG);
    byte[] seg0 = w.segment(0, false, EXT, plaintext, 0, SEG);
    byte[] emptyLast = w.segment(1, true, EXT, new byte[0], 0, 0);
    assertRefused(w.envelope(List.of(seg0, emptyLast)), plaintext, ErrorCategory.AUTHENTICATION_FAILED, 1); // [SEG-2]
  }

  @Test
  void finalFlagOnAMiddleSegmentFails() throws Exception {
    SegmentedTestWriter w = writer(Suite.CHACHA20_POLY1305_SEGMENTED);
    byte[] plaintext = pattern(2 * SEG + 9);
    byte[] seg0 = w.segment(0, true, EXT, plaintext, 0, SEG);
    byte[] seg1 = w.segment(1, false, EXT, plaintext, SEG, SEG);
    byte[] seg2 = w.segment(2, true, EXT, plaintext, 2 * SEG, 9);
    assertRefused(w.envelope(List.of(seg0, seg1, seg2)), plaintext, ErrorCategory.AUTHENTICATION_FAILED, 0);
    byte[] seg1Final = w.segment(1, true, EXT, plaintext, SEG, SEG);
    assertRefused(w.envelope(List.of(w.segment(0, false, EXT, plaintext, 0, SEG), seg1Final, seg2)), plaintext,
        ErrorCategory.AUTHENTICATION_FAILED, 1);
  }

  @Test
  void segmentsFromAnotherEnvelopeUnderTheSameDekFail() throws Exception {
    SegmentedTestWriter a = writer(Suite.AES_256_GCM_SEGMENTED);
    SegmentedTestWriter b = new SegmentedTestWriter(Suite.AES_256_GCM_SEGMENTED.id(), DEK, KEK, "orders", 2, OTHER_NONCE);
    byte[] plaintext = pattern(2 * SEG + 1);
    List<byte[]> sa = a.segments(plaintext, EXT);
    List<byte[]> sb = b.segments(plaintext, EXT);
    assertArrayEquals(plaintext, decryptor().decrypt(b.envelope(sb), ext()), "the other envelope is valid");
    // K_env differs with the header nonce [SEG-1], so no segment moves between envelopes.
    assertRefused(a.envelope(List.of(sa.get(0), sb.get(1), sa.get(2))), plaintext, ErrorCategory.AUTHENTICATION_FAILED, 1);
    assertRefused(a.envelope(List.of(sa.get(0), sa.get(1), sb.get(2))), plaintext, ErrorCategory.AUTHENTICATION_FAILED, 2);
    assertRefused(a.envelope(List.of(sb.get(0), sa.get(1), sa.get(2))), plaintext, ErrorCategory.AUTHENTICATION_FAILED, 0);
  }

  // ---------------------------------------------------------------------- limits

  @Test
  void segmentIndexLimitIsTwoToThe32() {
    assertEquals(1L << 32, dev.sealpost.codec.internal.SegmentCipher.MAX_SEGMENTS, "SPEC.md 10: 2^32 segments");
    assertEquals(1L << 48, dev.sealpost.codec.internal.SegmentCipher.MAX_SEGMENTS * SEG, "2^48 bytes");
  }

  @Test
  void readerFailsOnReachingTheSegmentLimit() throws Exception {
    // The limit is a parameter so that a test can reach it; 2^32 segments would take 256 TiB.
    SegmentedTestWriter w = writer(Suite.AES_256_GCM_SEGMENTED);
    byte[] plaintext = pattern(2 * SEG + 1);
    byte[] envelope = w.envelope(plaintext, EXT);
    dev.sealpost.codec.dek.DekKeys keys = dev.sealpost.codec.dek.DekKeys.derive(Suite.AES_256_GCM_SEGMENTED, DEK);
    dev.sealpost.codec.internal.StreamOpener opener = new dev.sealpost.codec.internal.StreamOpener() {
      @Override
      public Opened openSegmented(byte[] env, int off, EnvelopeHeader header) throws SealpostException {
        try {
          return new Opened(keys.segmentCipher(header.nonce(), false), null);
        } catch (java.security.GeneralSecurityException e) {
          throw new AssertionError(e);
        }
      }

      @Override
      public dev.sealpost.codec.Decrypted decryptWhole(byte[] env, int off, int len) {
        throw new AssertionError("segmented");
      }

      @Override
      public int maxPlaintextLength() {
        return 1 << 30;
      }
    };
    InputStream in = new DecryptingInputStream(new ByteArrayInputStream(envelope), EXT, opener, 2);
    byte[] got = new byte[2 * SEG];
    int n = in.readNBytes(got, 0, got.length);
    assertEquals(2 * SEG, n);
    assertArrayEquals(Arrays.copyOf(plaintext, 2 * SEG), got);
    SealpostStreamException e = assertThrows(SealpostStreamException.class, in::read);
    assertEquals(ErrorCategory.LIMIT_EXCEEDED, e.category(), "[SEG-5]");
    // The same envelope within the limit reads to the end.
    InputStream ok = new DecryptingInputStream(new ByteArrayInputStream(envelope), EXT, opener, 3);
    assertArrayEquals(plaintext, ok.readAllBytes());
  }

  @Test
  void writerRefusesSegmentIndexAtTheLimit() throws Exception {
    SegmentedTestWriter w = writer(Suite.AES_256_GCM_SEGMENTED);
    dev.sealpost.codec.dek.DekKeys keys = dev.sealpost.codec.dek.DekKeys.derive(Suite.AES_256_GCM_SEGMENTED, DEK);
    // Two full segments fit a limit of two; the last one is full, so nothing is left for a third.
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (EncryptingOutputStream out = new EncryptingOutputStream(sink, w.header, EXT, keys.segmentCipher(NONCE, true), 2)) {
      out.write(pattern(2 * SEG));
      out.finish();
    }
    assertArrayEquals(w.envelope(pattern(2 * SEG), EXT), sink.toByteArray());
    EncryptingOutputStream out = new EncryptingOutputStream(new ByteArrayOutputStream(), w.header, EXT,
        keys.segmentCipher(NONCE, true), 2);
    out.write(pattern(2 * SEG + 1)); // seals 0 and 1, buffers one byte
    SealpostStreamException e = assertThrows(SealpostStreamException.class, out::finish);
    assertEquals(ErrorCategory.LIMIT_EXCEEDED, e.category(), "[SEG-7]");
  }

  @Test
  void wholeReadAppliesThePlaintextLimitBeforeAnyWork() throws Exception {
    byte[] envelope = writer(Suite.AES_256_GCM_SEGMENTED).envelope(pattern(SEG + 1), EXT);
    Decryptor limited = Decryptor.builder().kekSource(TestKeys.keyring()).maxPlaintextLength(SEG).build();
    SealpostException e = assertThrows(SealpostException.class, () -> limited.decrypt(envelope, ext()));
    assertEquals(ErrorCategory.LIMIT_EXCEEDED, e.category(), "[SEG-8]");
    // Before unwrapping: a reader without the key still says limit-exceeded (step 9 before 11).
    Decryptor keyless = Decryptor.builder().kekSource(dev.sealpost.codec.keys.Keyring.builder()
        .add("audit", 1, TestKeys.pattern(3, 32)).build()).maxPlaintextLength(SEG).build();
    assertEquals(ErrorCategory.LIMIT_EXCEEDED,
        assertThrows(SealpostException.class, () -> keyless.decrypt(envelope, ext())).category(), "[SEG-8], [LIM-3]");
    // Exactly the limit: one full segment of 65552 bytes, 16 of them tag.
    byte[] atLimit = writer(Suite.AES_256_GCM_SEGMENTED).envelope(pattern(SEG), EXT);
    assertArrayEquals(pattern(SEG), limited.decrypt(atLimit, ext()));
  }

  // ---------------------------------------------------------------------- API behaviour

  // [SEG-9]: completing an envelope is explicit (finish); abort after a failure, or close
  // without finish (a try-with-resources block left by an exception), releases the stream
  // without writing the last segment, so no valid, shorter envelope is left.
  @Test
  void abortLeavesAnEnvelopeNoReaderAccepts() throws Exception {
    Encryptor enc = Encryptor.builder().recipient(Recipient.symmetric(TestKeys.keyring(), "orders")).build();
    byte[] plaintext = pattern(2 * SEG + 10);
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    EncryptingOutputStream out = enc.encryptingStream(sink, ext());
    out.write(plaintext);
    out.abort(); // e.g. the producer's source failed
    out.close();
    assertThrows(IOException.class, () -> out.write(1));
    assertThrows(IOException.class, out::finish);
    assertRefused(sink.toByteArray(), plaintext, ErrorCategory.AUTHENTICATION_FAILED, 1);
  }

  @Test
  void closeWithoutFinishLeavesAnEnvelopeNoReaderAccepts() throws Exception {
    Encryptor enc = Encryptor.builder().recipient(Recipient.symmetric(TestKeys.keyring(), "orders")).build();
    byte[] plaintext = pattern(2 * SEG + 10);
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> {
      try (EncryptingOutputStream out = enc.encryptingStream(sink, ext())) {
        out.write(plaintext);
        throw new IllegalStateException("the producer's source failed");
      }
    });
    assertEquals("the producer's source failed", thrown.getMessage());
    assertRefused(sink.toByteArray(), plaintext, ErrorCategory.AUTHENTICATION_FAILED, 1);
    // Also for a payload that fits in one segment: nothing at all is sealed without finish.
    ByteArrayOutputStream small = new ByteArrayOutputStream();
    try (EncryptingOutputStream out = enc.encryptingStream(small, ext())) {
      out.write(plaintext, 0, 10);
    }
    assertThrows(SealpostException.class,
        () -> Decryptor.builder().kekSource(TestKeys.keyring()).build().decrypt(small.toByteArray(), ext()));
  }

  @Test
  void plainSuitesAreReadWholeThroughTheStream() throws Exception {
    byte[] plaintext = pattern(SEG + 3);
    Encryptor enc = Encryptor.builder().recipient(Recipient.symmetric(TestKeys.keyring(), "orders")).build();
    byte[] envelope = enc.encrypt(plaintext, ext());
    assertEquals(Suite.AES_256_GCM, Decryptor.inspect(envelope).suite());
    assertArrayEquals(plaintext, streamDecrypt(envelope, 3));
    envelope[envelope.length - 1] ^= 1;
    Outcome o = streamOutcome(envelope);
    assertEquals(ErrorCategory.AUTHENTICATION_FAILED, o.failure.category(), "[AUTH-3]");
    assertEquals(0, o.released.length);
    Decryptor limited = Decryptor.builder().kekSource(TestKeys.keyring()).maxPlaintextLength(SEG).build();
    SealpostStreamException e = assertThrows(SealpostStreamException.class,
        () -> limited.decryptingStream(new ByteArrayInputStream(enc.encrypt(pattern(200_000), ext())), ext()).read());
    assertEquals(ErrorCategory.LIMIT_EXCEEDED, e.category(), "[LIM-3]");
  }

  @Test
  void headerFailuresComeFromTheFirstRead() throws Exception {
    byte[] notAnEnvelope = "hello, world".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    Outcome o = streamOutcome(notAnEnvelope);
    assertEquals(ErrorCategory.NOT_AN_ENVELOPE, o.failure.category(), "[DET-2]");
    byte[] envelope = writer(Suite.AES_256_GCM_SEGMENTED).envelope(pattern(10), EXT);
    byte[] wrongCommitment = envelope.clone();
    wrongCommitment[61 + 5] ^= 1; // the commitment starts at 4 + 2 + 1 + 54 (one recipient "orders")
    assertEquals(ErrorCategory.COMMITMENT_MISMATCH, streamOutcome(wrongCommitment).failure.category(), "[COM-2]");
  }

  @Test
  void deterministicSuitesHaveNoSegmentedForm() throws Exception {
    Encryptor siv = Encryptor.builder().suite(Suite.AES_256_SIV)
        .recipient(Recipient.symmetric(TestKeys.keyring(), "orders")).build();
    assertThrows(IllegalStateException.class, () -> siv.encryptingStream(new ByteArrayOutputStream(), ext()));
    assertThrows(IllegalStateException.class, () -> Encryptor.builder().suite(Suite.AES_256_SIV).segmented(true)
        .recipient(Recipient.symmetric(TestKeys.keyring(), "orders")).build());
  }

  @Test
  void theStreamNamesTheVerifiedWriterBeforeReleasingPlaintext() throws Exception {
    dev.sealpost.codec.keys.Ed25519PrivateKey key = dev.sealpost.codec.keys.Ed25519PrivateKey.fromSeed(TestKeys.pattern(45, 32));
    Encryptor enc = Encryptor.builder().recipient(Recipient.symmetric(TestKeys.keyring(), "orders"))
        .signer(dev.sealpost.codec.WriterKey.ed25519("backup-writer", 1, key), dev.sealpost.codec.SignMode.PER_DEK).build();
    byte[] plaintext = pattern(2 * SEG + 1);
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (EncryptingOutputStream out = enc.encryptingStream(sink, ext())) {
      out.write(plaintext);
      out.finish();
    }
    dev.sealpost.codec.TrustedWriters trust = dev.sealpost.codec.TrustedWriters.of(
        dev.sealpost.codec.TrustedWriter.ed25519("backup-writer", 1, key.publicKey()));
    DecryptingInputStream in = decryptor().decryptingStream(new ByteArrayInputStream(sink.toByteArray()), ext(), trust);
    assertTrue(in.verifiedSigner().isEmpty(), "nothing verified before the first read");
    byte[] first = new byte[10];
    assertEquals(10, in.read(first));
    assertEquals("backup-writer", in.verifiedSigner().orElseThrow().signerId(), "[SIG-5], [SIG-6] before any release");
    assertEquals(Suite.AES_256_GCM_SIGNED_SEGMENTED, in.suite().orElseThrow());
    byte[] rest = in.readAllBytes();
    assertArrayEquals(plaintext, dev.sealpost.codec.internal.Bytes.concat(first, rest));
    DecryptingInputStream untrusting = decryptor().decryptingStream(new ByteArrayInputStream(sink.toByteArray()), ext());
    assertArrayEquals(plaintext, untrusting.readAllBytes());
    assertTrue(untrusting.verifiedSigner().isEmpty(), "no trust required, nothing presented as verified [SIG-8]");
  }

  @Test
  void finishCompletesTheEnvelopeAndLeavesTheSinkOpen() throws Exception {
    Encryptor enc = Encryptor.builder().recipient(Recipient.symmetric(TestKeys.keyring(), "orders")).build();
    byte[] plaintext = pattern(SEG + 1);
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    EncryptingOutputStream out = enc.encryptingStream(sink, ext());
    out.write(plaintext);
    out.finish();
    out.finish();
    assertThrows(IOException.class, () -> out.write(0));
    sink.write('\n'); // the sink is the caller's again
    byte[] envelope = Arrays.copyOf(sink.toByteArray(), sink.size() - 1);
    assertArrayEquals(plaintext, streamDecrypt(envelope, 11));
    out.close();
    assertEquals(envelope.length + 1, sink.size(), "close after finish writes nothing more");
  }

  @Test
  void requiredStoredContextIsCheckedBeforeTheFirstRelease() throws Exception {
    Encryptor enc = Encryptor.builder().recipient(Recipient.symmetric(TestKeys.keyring(), "orders"))
        .storedContext(EncryptionContext.of("tenant", "acme")).build();
    byte[] plaintext = pattern(SEG + 1);
    byte[] envelope = streamEncrypt(enc, plaintext, SEG);
    dev.sealpost.codec.TrustedWriters none = dev.sealpost.codec.TrustedWriters.none();
    InputStream ok = decryptor().decryptingStream(new ByteArrayInputStream(envelope), ext(), java.util.Map.of("tenant", "acme"), none);
    assertArrayEquals(plaintext, ok.readAllBytes());
    InputStream other = decryptor().decryptingStream(new ByteArrayInputStream(envelope), ext(), java.util.Map.of("tenant", "umbrella"), none);
    SealpostStreamException e = assertThrows(SealpostStreamException.class, () -> other.read());
    assertEquals(ErrorCategory.CONTEXT_MISMATCH, e.category(), "[CTX-4]");
    assertEquals(0, e.releasedBytes());
  }

  @Test
  void eachStreamTakesItsOwnNonce() throws Exception {
    Encryptor enc = Encryptor.builder().recipient(Recipient.symmetric(TestKeys.keyring(), "orders")).build();
    List<byte[]> nonces = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      byte[] env = streamEncrypt(enc, pattern(5), 5);
      nonces.add(Decryptor.inspect(env).nonce());
    }
    // One K_env per envelope requires distinct header nonces under the DEK [SEG-1], [NONCE-1].
    assertTrue(!Arrays.equals(nonces.get(0), nonces.get(1)) && !Arrays.equals(nonces.get(1), nonces.get(2))
        && !Arrays.equals(nonces.get(0), nonces.get(2)));
  }
}
