package dev.sealpost.codec.keys;

import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.SealpostException;
import java.util.Arrays;

/**
 * A minimal, strict DER reader for the few structures of PKCS#8, PBES2 and SubjectPublicKeyInfo.
 * Only low tag numbers and definite, minimally encoded lengths are accepted; every length is
 * checked against the enclosing element before anything is read or allocated.
 */
final class DerReader {
  static final int INTEGER = 0x02;
  static final int BIT_STRING = 0x03;
  static final int OCTET_STRING = 0x04;
  static final int NULL = 0x05;
  static final int OID = 0x06;
  static final int SEQUENCE = 0x30;

  private static final int MAX_OID_BYTES = 64;

  private final byte[] buf;
  private final int end;
  private int pos;

  DerReader(byte[] buf) {
    this(buf, 0, buf.length);
  }

  private DerReader(byte[] buf, int start, int end) {
    this.buf = buf;
    this.pos = start;
    this.end = end;
  }

  boolean hasMore() {
    return pos < end;
  }

  /** The tag of the next element, without consuming it. */
  int peekTag() throws SealpostException {
    if (pos >= end) {
      throw fail("unexpected end of data");
    }
    return buf[pos] & 0xFF;
  }

  /** Reads one element with the given tag and returns a reader over its contents. */
  DerReader readElement(int tag) throws SealpostException {
    int actual = peekTag();
    if ((actual & 0x1F) == 0x1F) {
      throw fail("high tag numbers are not supported");
    }
    if (actual != tag) {
      throw fail(String.format("expected tag 0x%02x, found 0x%02x", tag, actual));
    }
    pos++;
    int len = readLength();
    DerReader content = new DerReader(buf, pos, pos + len);
    pos += len;
    return content;
  }

  DerReader readSequence() throws SealpostException {
    return readElement(SEQUENCE);
  }

  /** The contents of an element with the given tag, copied. */
  byte[] readBytes(int tag) throws SealpostException {
    return readElement(tag).rest();
  }

  /** The remaining bytes of this reader, copied, consuming them. */
  byte[] rest() {
    byte[] out = Arrays.copyOfRange(buf, pos, end);
    pos = end;
    return out;
  }

  /** A non-negative INTEGER that fits in an int, minimally encoded. */
  int readSmallInt() throws SealpostException {
    byte[] v = readBytes(INTEGER);
    if (v.length == 0) {
      throw fail("empty INTEGER");
    }
    if (v.length > 1 && (v[0] == 0 && (v[1] & 0x80) == 0 || v[0] == (byte) 0xFF && (v[1] & 0x80) != 0)) {
      throw fail("INTEGER is not minimally encoded");
    }
    if ((v[0] & 0x80) != 0) {
      throw fail("negative INTEGER");
    }
    if (v.length > 5 || v.length == 5 && v[0] != 0) {
      throw fail("INTEGER too large");
    }
    long value = 0;
    for (byte b : v) {
      value = (value << 8) | (b & 0xFF);
    }
    if (value > Integer.MAX_VALUE) {
      throw fail("INTEGER too large");
    }
    return (int) value;
  }

  void readNull() throws SealpostException {
    if (readElement(NULL).hasMore()) {
      throw fail("NULL with contents");
    }
  }

  /** An OBJECT IDENTIFIER in dotted-decimal form. */
  String readOid() throws SealpostException {
    byte[] v = readBytes(OID);
    if (v.length == 0 || v.length > MAX_OID_BYTES) {
      throw fail("bad OBJECT IDENTIFIER length " + v.length);
    }
    StringBuilder sb = new StringBuilder();
    long arc = 0;
    boolean startOfArc = true;
    boolean first = true;
    for (byte b : v) {
      if (startOfArc && (b & 0xFF) == 0x80) {
        throw fail("OBJECT IDENTIFIER arc is not minimally encoded");
      }
      arc = (arc << 7) | (b & 0x7F);
      startOfArc = (b & 0x80) == 0;
      if (arc > (Long.MAX_VALUE >> 8)) {
        throw fail("OBJECT IDENTIFIER arc too large");
      }
      if (startOfArc) {
        if (first) {
          // The first subidentifier packs the first two arcs (X.690, 8.19.4).
          long top = Math.min(arc / 40, 2);
          sb.append(top).append('.').append(arc - 40 * top);
          first = false;
        } else {
          sb.append('.').append(arc);
        }
        arc = 0;
      }
    }
    if (!startOfArc) {
      throw fail("truncated OBJECT IDENTIFIER");
    }
    return sb.toString();
  }

  /** Fails unless every byte of this reader was consumed. */
  void expectEnd(String what) throws SealpostException {
    if (pos != end) {
      throw fail("unexpected data after " + what);
    }
  }

  private int readLength() throws SealpostException {
    if (pos >= end) {
      throw fail("missing length");
    }
    int first = buf[pos++] & 0xFF;
    int len;
    if (first < 0x80) {
      len = first;
    } else if (first == 0x80) {
      throw fail("indefinite length is not allowed in DER");
    } else {
      int n = first & 0x7F;
      if (n > 3) {
        throw fail("length too large");
      }
      if (n > end - pos) {
        throw fail("truncated length");
      }
      if (buf[pos] == 0) {
        throw fail("length is not minimally encoded");
      }
      len = 0;
      for (int i = 0; i < n; i++) {
        len = (len << 8) | (buf[pos++] & 0xFF);
      }
      if (len < 0x80) {
        throw fail("length is not minimally encoded");
      }
    }
    if (len > end - pos) {
      throw fail("length " + len + " exceeds the available " + (end - pos) + " bytes");
    }
    return len;
  }

  static SealpostException fail(String reason) {
    return new SealpostException(ErrorCategory.INVALID_KEY_MATERIAL, "malformed DER: " + reason);
  }
}
