package dev.sealpost.codec.dek;

import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A reader's short memory of recipient entries (suite, type, key id, version, wrapped bytes)
 * whose unwrap was a verdict ({@code unwrap-failed}), so that a hostile envelope sent again
 * fails at once instead of costing another HPKE open or KMS call (SPEC.md step 11, failure
 * cache). Bounded in count and time; a key-service failure is never recorded, since the
 * service may be back a moment later.
 */
public final class UnwrapFailureCache {
  private final int capacity;
  private final long ttlNanos;
  private final LongSupplier nanoClock;
  private final ConcurrentHashMap<EntryKey, Long> expiries = new ConcurrentHashMap<>();

  public UnwrapFailureCache(int capacity, long ttlNanos, LongSupplier nanoClock) {
    if (capacity < 0 || ttlNanos <= 0) {
      throw new IllegalArgumentException("capacity must be >= 0 and the lifetime positive");
    }
    this.capacity = capacity;
    this.ttlNanos = ttlNanos;
    this.nanoClock = Objects.requireNonNull(nanoClock);
  }

  /** Whether this exact entry failed to unwrap less than the lifetime ago. */
  public boolean failedRecently(int suiteId, int typeId, String keyId, int version, byte[] wrapped) {
    if (capacity == 0 || expiries.isEmpty()) {
      return false;
    }
    EntryKey k = new EntryKey(suiteId, typeId, keyId, version, wrapped);
    Long expiry = expiries.get(k);
    if (expiry == null) {
      return false;
    }
    if (nanoClock.getAsLong() - expiry >= 0) {
      expiries.remove(k, expiry);
      return false;
    }
    return true;
  }

  public void recordFailure(int suiteId, int typeId, String keyId, int version, byte[] wrapped) {
    if (capacity == 0) {
      return;
    }
    long now = nanoClock.getAsLong();
    if (expiries.size() >= capacity) {
      expiries.values().removeIf(e -> now - e >= 0);
      Iterator<EntryKey> it = expiries.keySet().iterator();
      while (expiries.size() >= capacity && it.hasNext()) {
        it.next();
        it.remove();
      }
    }
    expiries.put(new EntryKey(suiteId, typeId, keyId, version, wrapped.clone()), now + ttlNanos);
  }

  public int size() {
    return expiries.size();
  }
}
