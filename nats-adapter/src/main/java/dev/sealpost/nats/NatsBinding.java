package dev.sealpost.nats;

import dev.sealpost.codec.EncryptionContext;
import dev.sealpost.codec.SealpostException;
import io.nats.client.impl.Headers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The external contexts of docs/bindings/nats.md, computed from a message as it is sent or as it
 * was received (never from anything the message claims):
 *
 * <pre>
 * message data  {"nats.headers-sha256": H, "nats.part": "data", "nats.subject": S}      [NB-5]
 * KV key        {"nats.kv.bucket": B, "nats.part": "kv-key"}                            [NB-16]
 * KV value      {"nats.kv.bucket": B, "nats.kv.key": K, "nats.part": "kv-value"}        [NB-17]
 * </pre>
 *
 * {@code H} is the lowercase hex SHA-256 of the authenticated clear headers in canonical order
 * (names ascending by their bytes, each name's values in message order), each encoded as
 * {@code u16(len(name)) || name || 0x01 || u32(len(value)) || value} [NB-6].
 */
public final class NatsBinding {
  public static final String CONTEXT_SUBJECT = "nats.subject";
  public static final String CONTEXT_PART = "nats.part";
  public static final String CONTEXT_HEADERS = "nats.headers-sha256";
  public static final String CONTEXT_KV_BUCKET = "nats.kv.bucket";
  public static final String CONTEXT_KV_KEY = "nats.kv.key";
  public static final String PART_DATA = "data";
  public static final String PART_KV_KEY = "kv-key";
  public static final String PART_KV_VALUE = "kv-value";

  private static final HexFormat HEX = HexFormat.of();
  /** {@code H} with no authenticated headers: the SHA-256 of the empty string. */
  public static final String EMPTY_HEADERS_DIGEST = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  private static final int CONTEXT_CACHE_LIMIT = 10_000;
  /** Contexts of subjects without authenticated headers, the common case: built once per subject. */
  private static final Map<String, EncryptionContext> PLAIN_CONTEXTS = new java.util.concurrent.ConcurrentHashMap<>();

  private NatsBinding() {}

  /**
   * The (name, value) pairs of {@code headers} whose names {@code select} accepts, names ascending
   * by their bytes (jnats keeps headers in a hash map, so only the order of one name's values is
   * observable), each name's values in message order.
   */
  public static List<Map.Entry<String, String>> entries(Headers headers, Predicate<String> select) {
    List<Map.Entry<String, String>> out = new ArrayList<>();
    if (headers == null || headers.isEmpty()) {
      return out;
    }
    TreeMap<String, List<String>> sorted = new TreeMap<>(NatsBinding::compareBytes);
    for (String name : headers.keySet()) {
      if (select.test(name)) {
        sorted.put(name, headers.get(name));
      }
    }
    sorted.forEach((name, values) -> values.forEach(v -> out.add(Map.entry(name, v))));
    return out;
  }

  static int compareBytes(String a, String b) {
    return java.util.Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code H} of [NB-6]: lowercase hex SHA-256 over the encoded entries, in the given order. */
  public static String headersDigest(List<Map.Entry<String, String>> authenticated) {
    if (authenticated.isEmpty()) {
      return EMPTY_HEADERS_DIGEST;
    }
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    for (Map.Entry<String, String> h : authenticated) {
      byte[] name = h.getKey().getBytes(StandardCharsets.UTF_8);
      byte[] value = h.getValue().getBytes(StandardCharsets.UTF_8);
      ByteBuffer b = ByteBuffer.allocate(2 + name.length + 1 + 4 + value.length);
      b.putShort((short) name.length).put(name).put((byte) 1).putInt(value.length).put(value);
      sha.update(b.array());
    }
    return HEX.formatHex(sha.digest());
  }

  /** The external context of a message's data envelope [NB-5]. */
  public static EncryptionContext messageContext(String subject, String headersDigest) throws SealpostException {
    if (headersDigest.equals(EMPTY_HEADERS_DIGEST)) {
      EncryptionContext c = PLAIN_CONTEXTS.get(subject);
      if (c == null) {
        c = build(subject, headersDigest);
        if (PLAIN_CONTEXTS.size() < CONTEXT_CACHE_LIMIT) {
          PLAIN_CONTEXTS.put(subject, c);
        }
      }
      return c;
    }
    return build(subject, headersDigest);
  }

  private static EncryptionContext build(String subject, String headersDigest) throws SealpostException {
    return EncryptionContext.of(Map.of(
        CONTEXT_SUBJECT, subject, CONTEXT_PART, PART_DATA, CONTEXT_HEADERS, headersDigest));
  }

  /** The external context of a Key-Value key envelope [NB-16]. */
  public static EncryptionContext kvKeyContext(String bucket) throws SealpostException {
    return EncryptionContext.of(Map.of(CONTEXT_KV_BUCKET, bucket, CONTEXT_PART, PART_KV_KEY));
  }

  /** The external context of a Key-Value value envelope [NB-17]; {@code encodedKey} as stored. */
  public static EncryptionContext kvValueContext(String bucket, String encodedKey) throws SealpostException {
    return EncryptionContext.of(Map.of(
        CONTEXT_KV_BUCKET, bucket, CONTEXT_KV_KEY, encodedKey, CONTEXT_PART, PART_KV_VALUE));
  }
}
