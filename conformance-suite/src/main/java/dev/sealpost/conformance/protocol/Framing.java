package dev.sealpost.conformance.protocol;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The frame of the conformance protocol, in both directions:
 * {@code u32 length (big-endian) || length bytes of UTF-8 JSON}.
 */
public final class Framing {
  /** Frames larger than this are a protocol error (the largest request is a few MiB). */
  public static final int MAX_FRAME = 64 << 20;

  private Framing() {}

  /** Reads one frame; null on a clean end of stream before the first length byte. */
  public static byte[] read(InputStream in) throws IOException {
    byte[] len = new byte[4];
    int got = in.readNBytes(len, 0, 4);
    if (got == 0) {
      return null;
    }
    if (got < 4) {
      throw new EOFException("stream ended inside a frame length (" + got + " of 4 bytes)");
    }
    long n = ((len[0] & 0xFFL) << 24) | ((len[1] & 0xFF) << 16) | ((len[2] & 0xFF) << 8) | (len[3] & 0xFF);
    if (n > MAX_FRAME) {
      throw new IOException("frame length " + n + " exceeds the protocol's maximum of " + MAX_FRAME);
    }
    byte[] body = in.readNBytes((int) n);
    if (body.length < n) {
      throw new EOFException("stream ended inside a frame (" + body.length + " of " + n + " bytes)");
    }
    return body;
  }

  /** Writes one frame and flushes. */
  public static void write(OutputStream out, byte[] body) throws IOException {
    int n = body.length;
    out.write(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
    out.write(body);
    out.flush();
  }
}
