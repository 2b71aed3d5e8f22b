package dev.sealpost.codec;

import dev.sealpost.codec.internal.LogSafe;
import dev.sealpost.codec.internal.Bytes;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
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

  /** Null for a context filled from a {@link Template}: decoded from {@link #encoded} on first use. */
  private volatile Map<String, String> entries;
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
    Map<String, String> m = entries;
    if (m == null) {
      m = decode(encoded);
      entries = m;
    }
    return m;
  }

  public boolean isEmpty() {
    return encoded[0] == 0;
  }

  /** The entries of a canonical encoding this class made (so well-formed, nothing to check). */
  private static Map<String, String> decode(byte[] enc) {
    Map<String, String> m = new LinkedHashMap<>();
    int n = enc[0] & 0xFF;
    int p = 1;
    for (int i = 0; i < n; i++) {
      int kl = enc[p++] & 0xFF;
      String k = new String(enc, p, kl, StandardCharsets.UTF_8);
      p += kl;
      int vl = ((enc[p] & 0xFF) << 8) | (enc[p + 1] & 0xFF);
      p += 2;
      m.put(k, new String(enc, p, vl, StandardCharsets.UTF_8));
      p += vl;
    }
    return Collections.unmodifiableMap(m);
  }

  /**
   * A template for contexts whose keys are always the same, with some values fixed and the others
   * ({@code slotKeys}) given per use, e.g. a Kafka record's topic fixed and its digests per record.
   * The keys and fixed values are validated and put in canonical order once; {@link
   * Template#with} then assembles the canonical encoding by copying, and gives a context equal,
   * byte for byte, to {@link #of(Map)} of the same entries, with the same failures.
   *
   * @throws SealpostException as {@link #of(Map)} for the fixed entries and slot keys
   * @throws IllegalArgumentException if a slot key is repeated or also a fixed key
   */
  public static Template template(Map<String, String> fixed, String... slotKeys) throws SealpostException {
    return new Template(fixed, slotKeys);
  }

  /** See {@link EncryptionContext#template}. Immutable, thread-safe. */
  public static final class Template {
    private final Map<String, String> fixed;
    private final String[] slotKeys;
    /** Encoded bytes before slot i (after slot i-1's value): {@code pieces.length == slots + 1}. */
    private final byte[][] pieces;
    /** For each slot in canonical order, the index of its value in {@link #with}'s arguments. */
    private final int[] order;

    private Template(Map<String, String> fixed, String[] slotKeys) throws SealpostException {
      this.fixed = Map.copyOf(fixed);
      this.slotKeys = slotKeys.clone();
      Map<String, String> all = new LinkedHashMap<>(this.fixed);
      for (String k : this.slotKeys) {
        if (all.put(Objects.requireNonNull(k, "slot key"), "") != null) {
          throw new IllegalArgumentException("slot key '" + LogSafe.escape(k) + "' is repeated or fixed");
        }
      }
      // Canonical order and every check of the keys and fixed values, as of() does them; empty
      // slot values are always valid, so any failure here is the template's own.
      EncryptionContext probe = of(all);
      List<byte[]> parts = new ArrayList<>();
      int[] ord = new int[slotKeys.length];
      ByteArrayOutputStream piece = new ByteArrayOutputStream();
      piece.write(probe.encoded[0]);
      int slot = 0;
      for (Map.Entry<String, String> e : probe.asMap().entrySet()) {
        byte[] k = e.getKey().getBytes(StandardCharsets.UTF_8);
        piece.write(k.length);
        piece.writeBytes(k);
        int index = Arrays.asList(this.slotKeys).indexOf(e.getKey());
        if (index < 0) {
          byte[] v = e.getValue().getBytes(StandardCharsets.UTF_8);
          piece.write(v.length >>> 8);
          piece.write(v.length);
          piece.writeBytes(v);
        } else {
          parts.add(piece.toByteArray()); // the value's u16 length and bytes come per use
          piece.reset();
          ord[slot++] = index;
        }
      }
      parts.add(piece.toByteArray());
      this.pieces = parts.toArray(new byte[0][]);
      this.order = ord;
    }

    /**
     * The context of the fixed entries and these slot values, in the order of the slot keys.
     * ASCII values within the length limit are copied into place; any other value goes through
     * {@link #of(Map)}, so its checks and failures are exactly those of {@code of}.
     */
    public EncryptionContext with(String... values) throws SealpostException {
      if (values.length != order.length) {
        throw new IllegalArgumentException("expected " + order.length + " slot values, got " + values.length);
      }
      int size = 0;
      for (byte[] p : pieces) {
        size += p.length;
      }
      for (String v : values) {
        int n = Objects.requireNonNull(v, "context value").length();
        if (n > Limits.MAX_CONTEXT_VALUE_LENGTH) {
          return slow(values);
        }
        size += 2 + n;
      }
      byte[] out = new byte[size];
      int p = 0;
      int seen = 0; // every char OR-ed together: ASCII if below 0x80
      for (int i = 0; i < order.length; i++) {
        byte[] piece = pieces[i];
        System.arraycopy(piece, 0, out, p, piece.length);
        p += piece.length;
        String v = values[order[i]];
        int n = v.length();
        out[p++] = (byte) (n >>> 8);
        out[p++] = (byte) n;
        for (int j = 0; j < n; j++) {
          char c = v.charAt(j);
          seen |= c;
          out[p++] = (byte) c;
        }
      }
      if (seen >= 0x80) {
        return slow(values); // not ASCII: UTF-8 lengths and checks as of() makes them
      }
      byte[] last = pieces[order.length];
      System.arraycopy(last, 0, out, p, last.length);
      return new EncryptionContext(null, out);
    }

    private EncryptionContext slow(String[] values) throws SealpostException {
      Map<String, String> m = new LinkedHashMap<>(fixed);
      for (int i = 0; i < values.length; i++) {
        m.put(slotKeys[i], values[i]);
      }
      return of(m);
    }
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
    for (Map.Entry<String, String> e : asMap().entrySet()) {
      if (sb.length() > 1) {
        sb.append(", ");
      }
      sb.append(LogSafe.escape(e.getKey())).append('=').append(LogSafe.escape(e.getValue()));
    }
    return sb.append('}').toString();
  }
}
