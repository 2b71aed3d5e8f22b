package dev.sealpost.cli;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * An input stream that counts what it read, remembers the last byte (for the kcat newline hint)
 * and turns read errors into a {@link CliException} naming the input, so that they are never
 * mistaken for an output or codec failure.
 */
final class TrackedInput extends FilterInputStream {
  private final String name;
  private final Progress progress;
  private long count;
  private int last = -1;

  TrackedInput(InputStream in, String name, Progress progress) {
    super(in);
    this.name = name;
    this.progress = progress;
  }

  long count() {
    return count;
  }

  /** The last byte read, or -1 before any. */
  int last() {
    return last;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    int n;
    try {
      n = in.read(b, off, len);
    } catch (IOException e) {
      throw new CliException("cannot read " + name + ": " + Main.reason(e));
    }
    if (n > 0) {
      count += n;
      last = b[off + n - 1] & 0xFF;
      if (progress != null) {
        progress.advance(n);
      }
    }
    return n;
  }

  @Override
  public long skip(long n) {
    throw new UnsupportedOperationException();
  }
}
