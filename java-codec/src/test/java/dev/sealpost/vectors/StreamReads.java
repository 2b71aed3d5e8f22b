package dev.sealpost.vectors;

import dev.sealpost.codec.Decryptor;
import dev.sealpost.codec.EncryptionContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/** Feeds an envelope to a streaming reader in uneven pieces and reads it out in uneven reads. */
final class StreamReads {
  private StreamReads() {}

  /** A source that hands out at most the next of {@code sizes} (cycling) per read. */
  static InputStream chunked(byte[] data, int[] sizes) {
    return new InputStream() {
      private int pos;
      private int k;

      @Override
      public int read() {
        return pos < data.length ? data[pos++] & 0xFF : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (len == 0) {
          return 0;
        }
        if (pos >= data.length) {
          return -1;
        }
        int n = Math.min(Math.min(len, sizes[k++ % sizes.length]), data.length - pos);
        System.arraycopy(data, pos, b, off, n);
        pos += n;
        return n;
      }
    };
  }

  /** Everything {@code in} releases until the end of the stream, read with uneven buffer sizes. */
  static byte[] drain(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int[] sizes = {1, 4096, 65536, 17, 100000};
    byte[] buf = new byte[100000];
    for (int k = 0; ; k++) {
      int n = in.read(buf, 0, sizes[k % sizes.length]);
      if (n < 0) {
        return out.toByteArray();
      }
      out.write(buf, 0, n);
    }
  }

  static byte[] readAll(Decryptor d, byte[] envelope, EncryptionContext external, int[] sizes) throws IOException {
    try (InputStream in = d.decryptingStream(chunked(envelope, sizes), external)) {
      return drain(in);
    }
  }
}
