package dev.sealpost.codec.stream;

import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.SealpostException;
import java.io.IOException;

/**
 * A Sealpost failure met while reading or writing a stream: an {@link IOException}, so that it
 * passes through stream APIs, carrying the {@link SealpostException} and its category [ERR-1].
 * A reader reports truncation, reordering or extension this way, never as an early end of the
 * stream [SEG-4]. Plaintext released before the failure, {@link #releasedBytes()} bytes, came
 * from authenticated segments, but the payload as a whole is not authentic: discard it.
 */
public final class SealpostStreamException extends IOException {
  private static final long serialVersionUID = 1L;

  private final long releasedBytes;

  public SealpostStreamException(SealpostException cause, long releasedBytes) {
    super(cause.getMessage()
        + (releasedBytes > 0 ? "; discard the " + releasedBytes + " plaintext bytes released before this failure" : ""),
        cause);
    this.releasedBytes = releasedBytes;
  }

  /** The Sealpost failure, with its category. */
  @Override
  public synchronized SealpostException getCause() {
    return (SealpostException) super.getCause();
  }

  public SealpostException sealpostException() {
    return getCause();
  }

  public ErrorCategory category() {
    return getCause().category();
  }

  /** Plaintext bytes the stream had released before it failed (0 for a writer). */
  public long releasedBytes() {
    return releasedBytes;
  }
}
