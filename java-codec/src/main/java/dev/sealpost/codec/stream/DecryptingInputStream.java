package dev.sealpost.codec.stream;

import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.Limits;
import dev.sealpost.codec.SealpostException;
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
    while (plainPos == plainEnd) {
      if (done) {
        return -1;
      }
      try {
        advance();
      } catch (SealpostException e) {
        failure = new SealpostStreamException(e, released);
        Arrays.fill(plain, (byte) 0);
        throw failure;
      } catch (IOException | RuntimeException e) {
        failure = e instanceof IOException ? (IOException) e : new IOException(e);
        Arrays.fill(plain, (byte) 0);
        throw failure;
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

  /** Makes the next plaintext available, or sets {@link #done}, or throws. */
  private void advance() throws IOException, SealpostException {
    if (header == null) {
      fill(buf.length);
      // Steps 1 to 8 on what was read: at least the 16384 bytes [LIM-2] needs, or all there is.
      header = EnvelopeHeader.parse(buf, 0, end);
      headerLength = header.headerLength();
      if (!header.suite().segmented()) {
        readWhole();
        return;
      }
      cipher = opener.segmentCipher(buf, 0, header); // steps 10 to 12
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
    try {
      plainEnd = cipher.open(index, last, buf, 0, headerLength, external, buf, start, length, plain, 0);
    } catch (GeneralSecurityException e) {
      throw new SealpostException(ErrorCategory.AUTHENTICATION_FAILED,
          "segment " + index + (last ? ", the last one," : "") + " failed authentication", e);
    }
    plainPos = 0;
    start += length;
    index++;
    done = last;
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
    long cap = (long) headerLength + opener.maxPlaintextLength() + SegmentCipher.TAG_LENGTH + 64;
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
    plain = opener.decryptWhole(buf, 0, end);
    plainPos = 0;
    plainEnd = plain.length;
    buf = new byte[0];
    done = true;
  }
}
