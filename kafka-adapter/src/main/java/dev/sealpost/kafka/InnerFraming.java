package dev.sealpost.kafka;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * The plaintext the adapter encrypts for a record <em>value</em>: the secret headers, then the
 * inner serializer's bytes. Record keys are not framed: their plaintext is the inner
 * serializer's bytes alone. In ABNF (RFC 5234), integers unsigned big-endian:
 *
 * <pre>
 * framed-value  = frame-version header-count *header payload
 * frame-version = %x01
 * header-count  = 2OCTET          ; u16: number of header entries
 * header        = name-len name value-len value
 * name-len      = 2OCTET          ; u16: length of name in bytes
 * name          = *OCTET          ; the header name, UTF-8
 * value-len     = 4OCTET          ; u32: length of value; %xFF.FF.FF.FF = null value, no bytes
 * value         = *OCTET
 * payload       = *OCTET          ; the inner serializer's bytes, to the end
 * </pre>
 *
 * A value with no secret headers costs 3 bytes: {@code 01 00 00} then the payload. Headers keep
 * their order. A reader fails on any other version byte, a length that runs past the end, or a
 * name that is not well-formed UTF-8.
 */
public final class InnerFraming {
  /** The only frame version this adapter writes and reads. */
  public static final int VERSION = 1;

  private static final long NULL_VALUE = 0xFFFFFFFFL;

  private InnerFraming() {}

  /**
   * A decoded value: the secret headers, in order, and the inner serializer's bytes as a range
   * of the decoded array (a view, not a copy: the reader hands it on as is).
   */
  public static final class Framed {
    private final List<Header> headers;
    private final byte[] array;
    private final int payloadOffset;

    Framed(List<Header> headers, byte[] array, int payloadOffset) {
      this.headers = headers;
      this.array = array;
      this.payloadOffset = payloadOffset;
    }

    public List<Header> headers() {
      return headers;
    }

    /** A copy of the payload; the read path uses {@link #payloadView()} instead. */
    public byte[] payload() {
      return Arrays.copyOfRange(array, payloadOffset, array.length);
    }

    /** The payload as a buffer over the decoded array: position at its first byte, limit at its end. */
    public ByteBuffer payloadView() {
      return ByteBuffer.wrap(array, payloadOffset, array.length - payloadOffset);
    }

    int payloadOffset() {
      return payloadOffset;
    }
  }

  /** Thrown when decoded bytes do not follow the framing. */
  public static final class FramingException extends Exception {
    private static final long serialVersionUID = 1L;

    FramingException(String message) {
      super(message);
    }
  }

  /** The frame of a value with no secret headers, before its payload. */
  private static final byte[] EMPTY_HEAD = {VERSION, 0, 0};

  public static byte[] encode(List<Header> headers, byte[] payload) {
    Objects.requireNonNull(payload, "payload");
    byte[] head = head(headers);
    byte[] out = Arrays.copyOf(head, head.length + payload.length);
    System.arraycopy(payload, 0, out, head.length, payload.length);
    return out;
  }

  /**
   * Everything {@link #encode} writes before the payload: {@code encode(h, p)} is {@code head(h)}
   * followed by {@code p}. The writer passes the two to the cipher apart, so the payload is not
   * copied. The returned array must not be changed (with no headers it is shared).
   */
  static byte[] head(List<Header> headers) {
    if (headers.isEmpty()) {
      return EMPTY_HEAD;
    }
    if (headers.size() > 0xFFFF) {
      throw new IllegalArgumentException("at most 65535 secret headers per record");
    }
    int size = 3;
    List<byte[]> names = new ArrayList<>(headers.size());
    for (Header h : headers) {
      byte[] name = h.key().getBytes(StandardCharsets.UTF_8);
      if (name.length > 0xFFFF) {
        throw new IllegalArgumentException("header name longer than 65535 bytes");
      }
      names.add(name);
      size += 2 + name.length + 4 + (h.value() == null ? 0 : h.value().length);
      if (size < 0) {
        throw new IllegalArgumentException("secret headers longer than 2 GiB");
      }
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    out.put((byte) VERSION);
    out.putShort((short) headers.size());
    for (int i = 0; i < headers.size(); i++) {
      byte[] name = names.get(i);
      byte[] value = headers.get(i).value();
      out.putShort((short) name.length);
      out.put(name);
      if (value == null) {
        out.putInt((int) NULL_VALUE);
      } else {
        out.putInt(value.length);
        out.put(value);
      }
    }
    return out.array();
  }

  /** Decodes without copying the payload; the returned view shares {@code framed}. */
  public static Framed decode(byte[] framed) throws FramingException {
    if (framed.length < 3) {
      throw new FramingException("framed value shorter than 3 bytes");
    }
    int version = framed[0] & 0xFF;
    if (version != VERSION) {
      throw new FramingException("unknown inner frame version " + version);
    }
    int count = ((framed[1] & 0xFF) << 8) | (framed[2] & 0xFF);
    if (count == 0) {
      // The common case: nothing to allocate but the result.
      return new Framed(Collections.emptyList(), framed, 3);
    }
    ByteBuffer in = ByteBuffer.wrap(framed, 3, framed.length - 3);
    List<Header> headers = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      if (in.remaining() < 2) {
        throw new FramingException("truncated header name length");
      }
      int nameLength = in.getShort() & 0xFFFF;
      if (in.remaining() < nameLength) {
        throw new FramingException("truncated header name");
      }
      String name;
      try {
        name = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(in.slice().limit(nameLength))
            .toString();
      } catch (CharacterCodingException e) {
        throw new FramingException("header name is not UTF-8");
      }
      in.position(in.position() + nameLength);
      if (in.remaining() < 4) {
        throw new FramingException("truncated header value length");
      }
      long valueLength = in.getInt() & NULL_VALUE;
      byte[] value = null;
      if (valueLength != NULL_VALUE) {
        if (in.remaining() < valueLength) {
          throw new FramingException("truncated header value");
        }
        value = new byte[(int) valueLength];
        in.get(value);
      }
      headers.add(new RecordHeader(name, value));
    }
    return new Framed(Collections.unmodifiableList(headers), framed, in.position());
  }
}
