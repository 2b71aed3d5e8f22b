package dev.sealpost.codec.stream;

import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.internal.SegmentCipher;
import java.io.IOException;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Objects;

/**
 * Writes one envelope of a segmented suite (SPEC.md section 17) to a sink: the header, then
 * segments of 65536 plaintext bytes, each sealed once the next byte arrives; {@link #finish()}
 * seals the last segment ({@code f = 01}). Memory: one plaintext and one sealed segment buffer,
 * whatever the payload size. Obtain one from {@code Encryptor.encryptingStream}. Not
 * thread-safe.
 *
 * <pre>
 * envelope = header || seg_0 || ... || seg_(n-1)     ; seg_i = 65552 bytes, the last 16..65552
 * </pre>
 *
 * <p>Completing the envelope is explicit [SEG-9]: only {@link #finish()} writes the last segment.
 * {@link #close()} releases the stream and closes the sink; without a {@code finish()} before
 * it, the envelope stays incomplete and every reader refuses it [SEG-6]. So a try-with-resources
 * block left by an exception, or a producer that fails midway, never leaves a valid shorter
 * envelope behind:
 *
 * <pre>{@code
 * try (EncryptingOutputStream out = encryptor.encryptingStream(sink, context)) {
 *   source.transferTo(out);
 *   out.finish();            // the payload is complete
 * }
 * }</pre>
 *
 * {@link #flush()} flushes the sink but cannot emit a partial segment.
 */
public final class EncryptingOutputStream extends OutputStream {
  private final OutputStream sink;
  private final byte[] header;
  private final byte[] external;
  private final SegmentCipher cipher;
  private final long maxSegments;
  private final byte[] plain = new byte[SegmentCipher.SEGMENT_SIZE];
  private final byte[] sealed = new byte[SegmentCipher.SEALED_SEGMENT_SIZE];
  private int fill;
  private long index;
  private boolean closed;
  /** The last segment is written; the sink is still open. */
  private boolean finished;
  /** Set by any failure: the stream refuses more writes and {@link #finish()}. */
  private boolean broken;

  /**
   * For the codec: {@code header} is the complete header (magic through nonce), {@code cipher}
   * seals under this envelope's {@code K_env}. Applications use {@code Encryptor.encryptingStream}.
   */
  public EncryptingOutputStream(OutputStream sink, byte[] header, byte[] externalEncoded, SegmentCipher cipher) {
    this(sink, header, externalEncoded, cipher, SegmentCipher.MAX_SEGMENTS);
  }

  /** {@code maxSegments} below 2^32 lets tests reach the limit of [SEG-7]. */
  EncryptingOutputStream(OutputStream sink, byte[] header, byte[] externalEncoded, SegmentCipher cipher, long maxSegments) {
    this.sink = Objects.requireNonNull(sink, "sink");
    this.header = header.clone();
    this.external = externalEncoded.clone();
    this.cipher = Objects.requireNonNull(cipher, "cipher");
    this.maxSegments = maxSegments;
  }

  @Override
  public void write(int b) throws IOException {
    ensureOpen();
    if (fill == plain.length) {
      emit(plain, 0, fill, false); // more plaintext follows, so this segment is not the last
    }
    plain[fill++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    ensureOpen();
    while (len > 0) {
      if (fill == plain.length) {
        emit(plain, 0, fill, false);
      }
      if (fill == 0 && len > SegmentCipher.SEGMENT_SIZE) {
        // A whole segment with more after it: seal straight from the caller's array.
        emit(b, off, SegmentCipher.SEGMENT_SIZE, false);
        off += SegmentCipher.SEGMENT_SIZE;
        len -= SegmentCipher.SEGMENT_SIZE;
        continue;
      }
      int n = Math.min(len, plain.length - fill);
      System.arraycopy(b, off, plain, fill, n);
      fill += n;
      off += n;
      len -= n;
    }
  }

  /** Flushes the sink; buffered plaintext stays buffered until its segment is complete. */
  @Override
  public void flush() throws IOException {
    if (closed) {
      throw new IOException("stream closed");
    }
    sink.flush();
  }

  /**
   * Seals the last segment without closing the sink, as {@code GZIPOutputStream.finish} does:
   * the payload is complete and no more can be written; the caller may go on writing to the sink
   * (a trailing newline, another envelope). Idempotent.
   */
  public void finish() throws IOException {
    if (finished) {
      return;
    }
    ensureOpen();
    emit(plain, 0, fill, true);
    finished = true;
    Arrays.fill(plain, (byte) 0);
  }

  /**
   * Closes the sink. Without a {@link #finish()} before it, the last segment is never written
   * and the envelope stays incomplete: no reader accepts it [SEG-9]. Idempotent.
   */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    Arrays.fill(plain, (byte) 0);
    sink.close();
  }

  /**
   * Closes the sink without the last segment: the same as {@link #close()} before
   * {@link #finish()}, named for the failure paths that call it. After {@code finish()} the
   * envelope is already complete and this only closes the sink.
   */
  public void abort() throws IOException {
    close();
  }

  private void ensureOpen() throws IOException {
    if (closed) {
      throw new IOException("stream closed");
    }
    if (broken) {
      throw new IOException("stream failed or was aborted; the envelope is incomplete");
    }
    if (finished) {
      throw new IOException("stream finished; the envelope is complete");
    }
  }

  private void emit(byte[] in, int off, int len, boolean last) throws IOException {
    boolean ok = false;
    try {
      if (index >= maxSegments) {
        throw new SealpostStreamException(new SealpostException(ErrorCategory.LIMIT_EXCEEDED,
            "a segmented envelope holds at most 2^32 segments (2^48 plaintext bytes) [SEG-7]"), 0);
      }
      if (index == 0) {
        sink.write(header);
      }
      int n;
      try {
        n = cipher.seal(index, last, header, 0, header.length, external, in, off, len, sealed, 0);
      } catch (GeneralSecurityException e) {
        throw new SealpostStreamException(
            new SealpostException(ErrorCategory.INVALID_KEY_MATERIAL, "segment encryption failed", e), 0);
      }
      sink.write(sealed, 0, n);
      index++;
      fill = 0;
      ok = true;
    } finally {
      if (!ok) {
        broken = true;
      }
    }
  }
}
