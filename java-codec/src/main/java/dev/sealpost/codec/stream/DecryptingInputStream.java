package dev.sealpost.codec.stream;

import dev.sealpost.codec.Decrypted;
import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.Limits;
import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.SignerRef;
import dev.sealpost.codec.Suite;
import dev.sealpost.codec.format.EnvelopeHeader;
import dev.sealpost.codec.internal.SegmentCipher;
import dev.sealpost.codec.internal.StreamOpener;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads one envelope from a source and releases its plaintext segment by segment, each only
 * after it has been authenticated [SEG-3] (SPEC.md section 17). Obtain one from
 * {@code Decryptor.decryptingStream}. Not thread-safe.
 *
 * <p>The body is taken as consecutive segments of 65552 bytes; a segment is the last exactly
 * when the source ends after it, and is opened with {@code f = 01} [SEG-2]. The end of the
 * stream ({@code -1}) is reported only after the last segment has been authenticated with
 * nothing after it [SEG-6]; every failure, truncation included, is a
 * {@link SealpostStreamException} from {@code read}, repeated on every later read [SEG-4].
 * Memory: the header and one segment with one byte of read-ahead, and one plaintext segment,
 * whatever the payload size.
 *
 * <p>An envelope of a suite that is not segmented is read whole, within the decryptor's
 * plaintext limit [LIM-3], and released once authenticated [AUTH-3].
 */
public final class DecryptingInputStream extends InputStream {
  /** One segment and the byte after it, which tells whether the segment is the last. */
  private static final int WINDOW = SegmentCipher.SEALED_SEGMENT_SIZE + 1;

  private final InputStream source;
  private final StreamOpener opener;
  private final byte[] external;
  private final long maxSegments;
  /** Ciphertext: at first the header and segment 0, later one segment and the read-ahead byte. */
  private byte[] buf = new byte[Limits.MAX_HEADER_LENGTH + WINDOW];
  private int start;
  private int end;
  private boolean sourceEnded;
  private byte[] plain = new byte[SegmentCipher.SEGMENT_SIZE];
  private int plainPos;
  private int plainEnd;
  private EnvelopeHeader header;
  private SignerRef verifiedSigner;
  private int headerLength;
  private SegmentCipher cipher;
  private long index;
  private boolean done;
  private boolean closed;
  private long released;
  private IOException failure;
  private final byte[] one = new byte[1];

  /** For the codec; applications use {@code Decryptor.decryptingStream}. */
  public DecryptingInputStream(InputStream source, byte[] externalEncoded, StreamOpener opener) {
    this(source, externalEncoded, opener, SegmentCipher.MAX_SEGMENTS);
  }

  /** {@code maxSegments} below 2^32 lets tests reach the limit of [SEG-5]. */
  DecryptingInputStream(InputStream source, byte[] externalEncoded, StreamOpener opener, long maxSegments) {
    this.source = Objects.requireNonNull(source, "source");
    this.external = externalEncoded.clone();
    this.opener = Objects.requireNonNull(opener, "opener");
    this.maxSegments = maxSegments;
  }

  /** The envelope's suite, once the first read has parsed the header. */
  public Optional<Suite> suite() {
    return header == null ? Optional.empty() : Optional.of(header.suite());
  }

  /**
   * The writer whose signature step 10a verified under a trusted key, once the first read has
   * returned: before any plaintext is released for a segmented suite, with the whole envelope
   * otherwise. Empty when the reader required no trusted writer, signed envelope or not [SIG-8].
   */
  public Optional<SignerRef> verifiedSigner() {
    return Optional.ofNullable(verifiedSigner);
  }

  @Override
  public int read() throws IOException {
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (closed) {
      throw new IOException("stream closed");
    }
    if (failure != null) {
      throw failure;
    }
    if (len == 0) {
      return 0;
    }
    if (plainPos == plainEnd) {
      if (done) {
        return -1;
      }
      // A caller reading at least a segment gets it decrypted in place, without a copy.
      boolean direct = cipher != null && len >= SegmentCipher.SEGMENT_SIZE;
      try {
        if (direct) {
          int n = advance(b, off);
          released += n;
          return n == 0 ? -1 : n; // 0 only for the single empty segment of an empty payload
        }
        plainPos = 0;
        plainEnd = advance(plain, 0);
      } catch (SealpostException e) {
        failure = new SealpostStreamException(e, released);
        wipe(direct ? b : plain, direct ? off : 0);
        throw failure;
      } catch (IOException | RuntimeException e) {
        failure = e instanceof IOException ? (IOException) e : new IOException(e);
        wipe(direct ? b : plain, direct ? off : 0);
        throw failure;
      }
      if (plainPos == plainEnd) {
        return -1;
      }
    }
    int n = Math.min(len, plainEnd - plainPos);
    System.arraycopy(plain, plainPos, b, off, n);
    plainPos += n;
    released += n;
    return n;
  }

  /** Plaintext already authenticated and not yet read. */
  @Override
  public int available() throws IOException {
    if (closed) {
      throw new IOException("stream closed");
    }
    return plainEnd - plainPos;
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    Arrays.fill(plain, (byte) 0);
    source.close();
  }

  /** Nothing of a segment that failed stays in the buffer it was opened into [SEG-3]. */
  private static void wipe(byte[] target, int offset) {
    Arrays.fill(target, offset, Math.min(target.length, offset + SegmentCipher.SEGMENT_SIZE), (byte) 0);
  }

  /**
   * Opens the next segment into {@code target} (room for 65536 bytes) and returns its plaintext
   * length, setting {@link #done} after the last; or throws. The first call reads the header; for
   * a suite that is not segmented it fills {@link #plain} with the whole plaintext instead and
   * returns its length, whatever {@code target}.
   */
  private int advance(byte[] target, int targetOffset) throws IOException, SealpostException {
    if (header == null) {
      fill(buf.length);
      // Steps 1 to 8 on what was read: at least the 16384 bytes [LIM-2] needs, or all there is.
      header = EnvelopeHeader.parse(buf, 0, end);
      headerLength = header.headerLength();
      if (!header.suite().segmented()) {
        readWhole();
        return plainEnd;
      }
      StreamOpener.Opened opened = opener.openSegmented(buf, 0, header); // steps 10 to 12
      cipher = opened.cipher;
      verifiedSigner = opened.verifiedSigner;
      start = headerLength;
    }
    if (start + WINDOW > buf.length) {
      // Segment 0 always fits after the header, so its AAD is never moved away.
      System.arraycopy(buf, start, buf, 0, end - start);
      end -= start;
      start = 0;
    }
    fill(start + WINDOW);
    int available = end - start;
    boolean last = available < WINDOW; // the source ended within the window [SEG-2]
    int length = last ? available : SegmentCipher.SEALED_SEGMENT_SIZE;
    if (index >= maxSegments) {
      throw new SealpostException(ErrorCategory.LIMIT_EXCEEDED,
          "segment index " + index + " is beyond the 2^32 segments of a segmented envelope [SEG-5]");
    }
    if (length < SegmentCipher.TAG_LENGTH) {
      throw new SealpostException(ErrorCategory.AUTHENTICATION_FAILED,
          (index == 0 ? "body" : "last segment") + " of " + length + " bytes is shorter than the tag");
    }
    if (last && index > 0 && length == SegmentCipher.TAG_LENGTH) {
      throw new SealpostException(ErrorCategory.AUTHENTICATION_FAILED, "empty last segment after other segments");
    }
    int n;
    try {
      n = cipher.open(index, last, buf, 0, headerLength, external, buf, start, length, target, targetOffset);
    } catch (GeneralSecurityException e) {
      throw new SealpostException(ErrorCategory.AUTHENTICATION_FAILED,
          "segment " + index + (last ? ", the last one," : "") + " failed authentication", e);
    }
    start += length;
    index++;
    done = last;
    return n;
  }

  /** Reads until {@code end} reaches {@code limit} or the source ends. */
  private void fill(int limit) throws IOException {
    while (end < limit && !sourceEnded) {
      int n = source.read(buf, end, limit - end);
      if (n < 0) {
        sourceEnded = true;
      } else {
        end += n;
      }
    }
  }

  /** A suite that is not segmented: the whole envelope, authenticated before any release [AUTH-3]. */
  private void readWhole() throws IOException, SealpostException {
    // Body limit of step 9 plus room for a message signature; decryptWhole applies the exact rule.
    long cap = (long) headerLength + opener.maxPlaintextLength() + SegmentCipher.TAG_LENGTH + 64
        + dev.sealpost.codec.compress.Packing.overhead(header.suite()); // compressed: + 5 [LIM-3]
    while (!sourceEnded) {
      if (end == buf.length) {
        if (buf.length >= cap) {
          throw new SealpostException(ErrorCategory.LIMIT_EXCEEDED,
              "body exceeds the plaintext limit of " + opener.maxPlaintextLength() + " bytes");
        }
        buf = Arrays.copyOf(buf, (int) Math.min(cap + 1, Math.max(2L * buf.length, 1)));
      }
      fill(buf.length);
    }
    Decrypted whole = opener.decryptWhole(buf, 0, end);
    plain = whole.plaintext();
    verifiedSigner = whole.verifiedSigner().orElse(null);
    plainPos = 0;
    plainEnd = plain.length;
    buf = new byte[0];
    done = true;
  }
}
