package dev.sealpost.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Base64;

/**
 * The envelope bytes of base64 text, decoded as they are read: white space is skipped, the
 * URL-safe alphabet is accepted as the standard one, anything else fails naming the input.
 */
final class Base64Input {
  private Base64Input() {}

  static InputStream decoding(InputStream text, String name) {
    InputStream cleaned = new InputStream() {
      private final byte[] chunk = new byte[1 << 16];

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        while (true) {
          int n = text.read(chunk, 0, Math.min(len, chunk.length));
          if (n < 0) {
            return -1;
          }
          int k = 0;
          for (int i = 0; i < n; i++) {
            byte c = chunk[i];
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
              continue;
            }
            if (c == '-') {
              c = '+';
            } else if (c == '_') {
              c = '/';
            } else if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+'
                || c == '/' || c == '=')) {
              throw new CliException(name + ": starts like base64 of an envelope (91NQ) but is not valid base64");
            }
            b[off + k++] = c;
          }
          if (k > 0) {
            return k;
          }
        }
      }
    };
    InputStream decoded = Base64.getDecoder().wrap(cleaned);
    // The JDK's decoder reports bad padding as an IOException: name the input instead.
    return new InputStream() {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        try {
          return decoded.read(b, off, len);
        } catch (IOException e) {
          throw new CliException(name + ": starts like base64 of an envelope (91NQ) but is not valid base64");
        }
      }
    };
  }
}
