package dev.sealpost.codec.internal;

import java.util.Arrays;

/**
 * Header prefixes (the bytes from the magic up to the nonce) that a reader has already taken
 * through every step of SPEC.md section 11 to an authenticated plaintext, with what the reader
 * derived from them. A writer reuses one prefix for every message under a DEK [DEK-2], so a
 * reader meets the same bytes again and again; only the nonce and the body change.
 *
 * <p>Lookup is by exact bytes: an entry matches an envelope only if the envelope starts with all
 * of the entry's bytes. Since the header is read strictly forward and every length field comes
 * before what it measures, steps 1 to 7a read exactly the same bytes, make the same decisions and
 * end at the same position for any input that starts with a prefix that parsed once; so at most
 * one parse-valid prefix can match a given input, and its parse is the one remembered.
 *
 * <p>Bounded by entries and by bytes; when an insertion would exceed either, the oldest entries
 * leave first. The most recent hit is checked first without a scan, the common case of one
 * writer. Entries are immutable; safe for concurrent use.
 */
public final class VerifiedPrefixCache<T> {
  /** Default bounds: a consumer of a few dozen writers, and at most 64 KiB of prefix bytes. */
  public static final int DEFAULT_MAX_ENTRIES = 32;
  public static final int DEFAULT_MAX_BYTES = 64 * 1024;

  private final int maxEntries;
  private final int maxBytes;
  /** Insertion order, oldest first; replaced whole on each change (copy on write). */
  private volatile Entry<T>[] entries;
  private volatile Entry<T> last;

  @SuppressWarnings("unchecked")
  public VerifiedPrefixCache(int maxEntries, int maxBytes) {
    if (maxEntries < 0 || maxBytes < 0) {
      throw new IllegalArgumentException("bounds must be >= 0");
    }
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
    this.entries = (Entry<T>[]) new Entry<?>[0];
  }

  /** One remembered prefix and its value. */
  public static final class Entry<T> {
    private final byte[] prefix;
    private final T value;

    Entry(byte[] prefix, T value) {
      this.prefix = prefix;
      this.value = value;
    }

    /** Length of the prefix in bytes. */
    public int length() {
      return prefix.length;
    }

    public T value() {
      return value;
    }

    boolean matches(byte[] buf, int off, int len) {
      int n = prefix.length;
      return n <= len && Arrays.equals(prefix, 0, n, buf, off, off + n);
    }
  }

  /** The entry whose prefix {@code buf[off, off + len)} starts with, or null. */
  public Entry<T> find(byte[] buf, int off, int len) {
    Entry<T> l = last;
    if (l != null && l.matches(buf, off, len)) {
      return l;
    }
    for (Entry<T> e : entries) {
      if (e != l && e.matches(buf, off, len)) {
        last = e;
        return e;
      }
    }
    return null;
  }

  /**
   * Remembers {@code buf[off, off + prefixLength)} with {@code value}, unless the bounds forbid
   * it (a prefix longer than the byte bound is not kept). An equal prefix already kept is replaced.
   */
  public synchronized void put(byte[] buf, int off, int prefixLength, T value) {
    if (maxEntries == 0 || prefixLength > maxBytes) {
      return;
    }
    Entry<T> fresh = new Entry<>(Arrays.copyOfRange(buf, off, off + prefixLength), value);
    Entry<T>[] old = entries;
    int keep = 0;
    long bytes = prefixLength;
    // Newest first, keep what fits alongside the new entry; an equal prefix is dropped for it.
    boolean[] kept = new boolean[old.length];
    for (int i = old.length - 1; i >= 0; i--) {
      Entry<T> e = old[i];
      if (Arrays.equals(e.prefix, fresh.prefix)) {
        continue;
      }
      if (keep + 1 >= maxEntries || bytes + e.prefix.length > maxBytes) {
        break;
      }
      kept[i] = true;
      keep++;
      bytes += e.prefix.length;
    }
    @SuppressWarnings("unchecked")
    Entry<T>[] next = (Entry<T>[]) new Entry<?>[keep + 1];
    int j = 0;
    for (int i = 0; i < old.length; i++) {
      if (kept[i]) {
        next[j++] = old[i];
      }
    }
    next[j] = fresh;
    entries = next;
    last = fresh;
  }

  /** Whether anything is ever kept. */
  public boolean enabled() {
    return maxEntries > 0 && maxBytes > 0;
  }

  /** Entries kept; for tests. */
  public int size() {
    return entries.length;
  }

  /** Prefix bytes kept; for tests. */
  public synchronized long bytes() {
    long n = 0;
    for (Entry<T> e : entries) {
      n += e.prefix.length;
    }
    return n;
  }
}
