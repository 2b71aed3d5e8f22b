package dev.sealpost.codec;

import dev.sealpost.codec.internal.LogSafe;
import dev.sealpost.codec.internal.Bytes;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An encryption context (SPEC.md section 7): an immutable map of UTF-8 strings, kept in
 * canonical order (keys by their UTF-8 bytes, unsigned), with its canonical encoding computed
 * once:
 *
 * <pre>
 * encode(ctx) = u8(n) || for each entry in ascending key order:
 *               u8(len(key)) || key || u16(len(value)) || value
 * </pre>
 *
 * Used both as stored context (written in the header) and as external context (only in the
 * AAD). Construction enforces the limits of [CTX-3] with {@code limit-exceeded} [LIM-4].
 */
public final class EncryptionContext {
  private static final Comparator<byte[]> UNSIGNED = Arrays::compareUnsigned;
  private static final EncryptionContext EMPTY = new EncryptionContext(Collections.emptyMap(), new byte[] {0});

  private final Map<String, String> entries;
  private final byte[] encoded;

  private EncryptionContext(Map<String, String> entries, byte[] encoded) {
    this.entries = entries;
    this.encoded = encoded;
  }

  public static EncryptionContext empty() {
    return EMPTY;
  }

  /** A context from a map; order in the map does not matter. */
  public static EncryptionContext of(Map<String, String> map) throws SealpostException {
    Objects.requireNonNull(map, "map");
    if (map.isEmpty()) {
      return EMPTY;
    }
    if (map.size() > Limits.MAX_CONTEXT_ENTRIES) {
      throw new SealpostException(
          ErrorCategory.LIMIT_EXCEEDED, "context has " + map.size() + " entries, limit " + Limits.MAX_CONTEXT_ENTRIES);
    }
    // [ENC-3]: after the count, any key or value that is not well-formed (an unpaired surrogate:
    // it has no UTF-8 encoding, so neither a length nor a place in the order); then each entry
    // in canonical order: empty key, key length, value length.
    TreeMap<byte[], byte[]> sorted = new TreeMap<>(UNSIGNED);
    for (Map.Entry<String, String> e : map.entrySet()) {
      String key = Objects.requireNonNull(e.getKey(), "context key");
      String value = Objects.requireNonNull(e.getValue(), "context value");
      if (!Bytes.isWellFormed(key) || !Bytes.isWellFormed(value)) {
        // [HDR-4], [ENC-2]: a reader would reject such bytes, so the writer refuses them.
        throw new SealpostException(ErrorCategory.MALFORMED_HEADER, "context entry is not valid Unicode (unpaired surrogate)");
      }
      sorted.put(key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
    }
    for (Map.Entry<byte[], byte[]> e : sorted.entrySet()) {
      byte[] k = e.getKey();
      if (k.length == 0) {
        throw new SealpostException(ErrorCategory.MALFORMED_HEADER, "context keys must not be empty");
      }
      String shown = LogSafe.escape(new String(k, StandardCharsets.UTF_8));
      if (k.length > Limits.MAX_CONTEXT_KEY_LENGTH) {
        throw new SealpostException(ErrorCategory.LIMIT_EXCEEDED, "context key '" + shown + "' exceeds 255 bytes");
      }
      if (e.getValue().length > Limits.MAX_CONTEXT_VALUE_LENGTH) {
        throw new SealpostException(
            ErrorCategory.LIMIT_EXCEEDED, "value of context entry '" + shown + "' exceeds " + Limits.MAX_CONTEXT_VALUE_LENGTH + " bytes");
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(sorted.size());
    Map<String, String> ordered = new LinkedHashMap<>();
    for (Map.Entry<byte[], byte[]> e : sorted.entrySet()) {
      out.write(e.getKey().length);
      out.writeBytes(e.getKey());
      out.write(e.getValue().length >>> 8);
      out.write(e.getValue().length);
      out.writeBytes(e.getValue());
      ordered.put(new String(e.getKey(), StandardCharsets.UTF_8), new String(e.getValue(), StandardCharsets.UTF_8));
    }
    return new EncryptionContext(Collections.unmodifiableMap(ordered), out.toByteArray());
  }

  /** A context of one entry, e.g. the topic name. */
  public static EncryptionContext of(String key, String value) throws SealpostException {
    return of(Map.of(key, value));
  }

  /** Entries in canonical order. */
  public Map<String, String> asMap() {
    return entries;
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** The canonical encoding; a fresh copy. */
  public byte[] encode() {
    return encoded.clone();
  }

  /** The canonical encoding without copying, for the codec's hot path. */
  byte[] encodedView() {
    return encoded;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EncryptionContext && Arrays.equals(encoded, ((EncryptionContext) o).encoded);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(encoded);
  }

  @Override
  public String toString() {
    // A stored context comes from the header: escaped, so logging it injects nothing.
    StringBuilder sb = new StringBuilder("{");
    for (Map.Entry<String, String> e : entries.entrySet()) {
      if (sb.length() > 1) {
        sb.append(", ");
      }
      sb.append(LogSafe.escape(e.getKey())).append('=').append(LogSafe.escape(e.getValue()));
    }
    return sb.append('}').toString();
  }
}
