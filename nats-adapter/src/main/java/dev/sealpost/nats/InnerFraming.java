package dev.sealpost.nats;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The plaintext of a message's data envelope: the secret headers, then the application's data,
 * byte for byte the framing of the Kafka adapter's record values (docs/bindings/nats.md [NB-3]).
 * ABNF (RFC 5234), integers unsigned big-endian:
 *
 * <pre>
 * framed-data   = frame-version header-count *header payload
 * frame-version = %x01
 * header-count  = 2OCTET          ; u16: number of header entries (one per value)
 * header        = name-len name value-len value
 * name-len      = 2OCTET          ; u16
 * name          = *OCTET          ; the header name, UTF-8
 * value-len     = 4OCTET          ; u32; %xFF.FF.FF.FF (null) never occurs in NATS
 * value         = *OCTET          ; the header value, UTF-8
 * payload       = *OCTET          ; the application's data, to the end
 * </pre>
 */
final class InnerFraming {
  static final int VERSION = 1;
  private static final long NULL_VALUE = 0xFFFFFFFFL;

  private InnerFraming() {}

  static final class FramingException extends Exception {
    private static final long serialVersionUID = 1L;

    FramingException(String message) {
      super(message);
    }
  }

  /** A decoded frame. */
  static final class Framed {
    final List<Map.Entry<String, String>> headers;
    final byte[] payload;

    Framed(List<Map.Entry<String, String>> headers, byte[] payload) {
      this.headers = headers;
      this.payload = payload;
    }
  }

  static byte[] encode(List<Map.Entry<String, String>> headers, byte[] payload) {
    Objects.requireNonNull(payload, "payload");
    if (headers.size() > 0xFFFF) {
      throw new IllegalArgumentException("at most 65535 secret header values per message");
    }
    int size = 3 + payload.length;
    List<byte[]> encoded = new ArrayList<>(2 * headers.size());
    for (Map.Entry<String, String> h : headers) {
      byte[] name = h.getKey().getBytes(StandardCharsets.UTF_8);
      byte[] value = h.getValue().getBytes(StandardCharsets.UTF_8);
      if (name.length > 0xFFFF) {
        throw new IllegalArgumentException("header name longer than 65535 bytes");
      }
      encoded.add(name);
      encoded.add(value);
      size += 2 + name.length + 4 + value.length;
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    out.put((byte) VERSION).putShort((short) headers.size());
    for (int i = 0; i < encoded.size(); i += 2) {
      out.putShort((short) encoded.get(i).length).put(encoded.get(i));
      out.putInt(encoded.get(i + 1).length).put(encoded.get(i + 1));
    }
    return out.put(payload).array();
  }

  static Framed decode(byte[] framed) throws FramingException {
    ByteBuffer in = ByteBuffer.wrap(framed);
    if (in.remaining() < 3) {
      throw new FramingException("framed data shorter than 3 bytes");
    }
    int version = in.get() & 0xFF;
    if (version != VERSION) {
      throw new FramingException("unknown inner frame version " + version);
    }
    int count = in.getShort() & 0xFFFF;
    List<Map.Entry<String, String>> headers = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      if (in.remaining() < 2) {
        throw new FramingException("truncated header name length");
      }
      String name = utf8(in, in.getShort() & 0xFFFF, "name");
      if (in.remaining() < 4) {
        throw new FramingException("truncated header value length");
      }
      long valueLength = in.getInt() & NULL_VALUE;
      if (valueLength == NULL_VALUE) {
        throw new FramingException("null header value, which NATS cannot carry");
      }
      headers.add(Map.entry(name, utf8(in, valueLength, "value")));
    }
    byte[] payload = new byte[in.remaining()];
    in.get(payload);
    return new Framed(List.copyOf(headers), payload);
  }

  private static String utf8(ByteBuffer in, long length, String what) throws FramingException {
    if (in.remaining() < length) {
      throw new FramingException("truncated header " + what);
    }
    try {
      String s = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(in.slice().limit((int) length))
          .toString();
      in.position(in.position() + (int) length);
      return s;
    } catch (CharacterCodingException e) {
      throw new FramingException("header " + what + " is not UTF-8");
    }
  }
}
