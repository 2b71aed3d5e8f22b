package dev.sealpost.kafka;

import dev.sealpost.codec.EncryptionContext;
import dev.sealpost.codec.SealpostException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;

/**
 * The external contexts that bind the parts of one Kafka record together (docs/bindings/kafka.md):
 *
 * <ul>
 *   <li>key envelope: {@code {kafka.topic, kafka.record.part = "key"}} [KB-3];
 *   <li>value envelope: {@code {kafka.topic, kafka.record.part = "value", kafka.record.key-sha256,
 *       kafka.record.headers-sha256}} [KB-4], the key digest left out when the value is not
 *       bound to its key [KB-8], and only topic and part for calls without headers [KB-9];
 *   <li>tombstone authenticator: {@code {kafka.topic, kafka.record.part = "tombstone",
 *       kafka.record.key-sha256}} [KB-11].
 * </ul>
 *
 * Contexts are never stored (SPEC.md 7): the reader recomputes them from the record it received,
 * so a moved, spliced or re-headered record fails with {@code authentication-failed}.
 */
final class RecordBinding {
  static final String TOPIC = "kafka.topic";
  static final String PART = "kafka.record.part";
  static final String KEY_SHA256 = "kafka.record.key-sha256";
  static final String HEADERS_SHA256 = "kafka.record.headers-sha256";
  static final String PART_KEY = "key";
  static final String PART_VALUE = "value";
  static final String PART_TOMBSTONE = "tombstone";
  /** The key digest of a record whose key is null [KB-5]. */
  static final String NULL_KEY = "null";

  private static final HexFormat HEX = HexFormat.of();

  private RecordBinding() {}

  /** [KB-5]: lowercase hex SHA-256 of the key bytes as stored in the record, or {@code null}. */
  static String keyDigest(byte[] storedKey) {
    return storedKey == null ? NULL_KEY : HEX.formatHex(sha256().digest(storedKey));
  }

  /** [KB-5] for a key read from the consumer's buffer; the buffer's position does not move. */
  static String keyDigest(ByteBuffer storedKey) {
    if (storedKey == null) {
      return NULL_KEY;
    }
    MessageDigest d = sha256();
    d.update(storedKey.duplicate());
    return HEX.formatHex(d.digest());
  }

  /** [KB-6] with no authenticated header: the digest of the empty string, the same for every record. */
  static final String NO_HEADERS_DIGEST = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  /** [KB-6]: lowercase hex SHA-256 of the authenticated headers' encoding. */
  static String headersDigest(List<Header> authenticated) {
    if (authenticated.isEmpty()) {
      return NO_HEADERS_DIGEST;
    }
    return HEX.formatHex(sha256().digest(encodeHeaders(authenticated)));
  }

  /**
   * [KB-6]: each header as {@code u16(len(name)) || name || (%x00 | %x01 || u32(len(value)) ||
   * value)}, in record order; names UTF-8.
   */
  static byte[] encodeHeaders(List<Header> headers) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Header h : headers) {
      byte[] name = h.key().getBytes(StandardCharsets.UTF_8);
      if (name.length > 0xFFFF) {
        throw new IllegalArgumentException("header name longer than 65535 bytes");
      }
      out.write(name.length >>> 8);
      out.write(name.length);
      out.writeBytes(name);
      byte[] value = h.value();
      if (value == null) {
        out.write(0);
      } else {
        out.write(1);
        int n = value.length;
        out.write(n >>> 24);
        out.write(n >>> 16);
        out.write(n >>> 8);
        out.write(n);
        out.writeBytes(value);
      }
    }
    return out.toByteArray();
  }

  /** [KB-4] / [KB-8]: {@code keyDigest} null leaves the key digest out. */
  static EncryptionContext valueContext(String topic, String keyDigest, String headersDigest) throws SealpostException {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(TOPIC, topic);
    m.put(PART, PART_VALUE);
    if (keyDigest != null) {
      m.put(KEY_SHA256, keyDigest);
    }
    m.put(HEADERS_SHA256, headersDigest);
    return EncryptionContext.of(m);
  }

  /** [KB-11]. */
  static EncryptionContext tombstoneContext(String topic, String keyDigest) throws SealpostException {
    return EncryptionContext.of(Map.of(TOPIC, topic, PART, PART_TOMBSTONE, KEY_SHA256, keyDigest));
  }

  /**
   * One digest per thread: {@code MessageDigest.getInstance} looks the provider up on every call,
   * a measurable part of a small record's cost. Every use digests completely, which resets it.
   */
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  });

  private static MessageDigest sha256() {
    MessageDigest d = SHA256.get();
    d.reset(); // in case an earlier use on this thread threw half-way
    return d;
  }
}
