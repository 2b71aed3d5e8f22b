package dev.sealpost.codec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The writer keys a reader trusts for one source (SPEC.md 16, [SIG-4]). Immutable. An empty set
 * ({@link #none()}) requires nothing: unsigned and signed envelopes are read alike, and no
 * envelope is presented as signed [SIG-8]. A non-empty set requires every envelope to be signed
 * by one of its keys, checked before any key is unwrapped [SIG-5], [SIG-6].
 */
public final class TrustedWriters {
  private static final TrustedWriters NONE = new TrustedWriters(List.of());

  private final List<TrustedWriter> writers;
  /** By signer id and version; strict UTF-8 makes string equality byte equality. */
  private final Map<String, TrustedWriter> bySlot;

  private TrustedWriters(List<TrustedWriter> writers) {
    this.writers = List.copyOf(writers);
    Map<String, TrustedWriter> m = new HashMap<>();
    for (TrustedWriter w : this.writers) {
      TrustedWriter earlier = m.putIfAbsent(slot(w.signerId(), w.version()), w);
      if (earlier != null && !earlier.key().equals(w.key())) {
        throw new IllegalArgumentException(
            "two different keys for the same signer id and version: " + earlier + " and " + w);
      }
    }
    this.bySlot = Map.copyOf(m);
  }

  /** Trust nobody in particular: no trusted writer is required. */
  public static TrustedWriters none() {
    return NONE;
  }

  /**
   * @throws IllegalArgumentException when one signer id and version are given two different keys
   */
  public static TrustedWriters of(TrustedWriter... writers) {
    return of(List.of(writers));
  }

  public static TrustedWriters of(List<TrustedWriter> writers) {
    Objects.requireNonNull(writers, "writers");
    return writers.isEmpty() ? NONE : new TrustedWriters(new ArrayList<>(writers));
  }

  /** True when a trusted writer is required [SIG-4]. */
  public boolean requiresTrustedWriter() {
    return !writers.isEmpty();
  }

  public List<TrustedWriter> writers() {
    return writers;
  }

  /** The trusted key for this signer id and version, or null. */
  public TrustedWriter find(String signerId, int version) {
    // A source trusts a few keys: a scan allocates nothing, unlike building the map's key.
    if (writers.size() <= 8) {
      for (TrustedWriter w : writers) {
        if (w.version() == version && w.signerId().equals(signerId)) {
          return w;
        }
      }
      return null;
    }
    return bySlot.get(slot(signerId, version));
  }

  private static String slot(String id, int version) {
    return id + '\u0000' + version;
  }

  @Override
  public String toString() {
    return writers.isEmpty() ? "TrustedWriters[none]" : "TrustedWriters" + writers;
  }
}
