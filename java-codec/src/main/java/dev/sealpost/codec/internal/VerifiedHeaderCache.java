package dev.sealpost.codec.internal;

import dev.sealpost.codec.keys.Ed25519PublicKey;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Mode 01 header signatures that verified [SIG-7], remembered by the exact bytes of the public
 * key they verified under, of {@code P} and of the signature, all compared in full before a
 * remembered verification is used [SIG-9]. The key is part of the entry because trust is per
 * source: another source may trust another key under the same signer id and version.
 *
 * <p>Only successes are kept. Bounded: when full it starts over, so a reader fed many distinct
 * headers verifies again and never grows. The last entry is also kept on its own, so that the
 * common case (one writer, one DEK) compares bytes in place without allocating.
 */
public final class VerifiedHeaderCache {
  private final int capacity;
  private final ConcurrentHashMap<Entry, Boolean> map = new ConcurrentHashMap<>();
  private volatile Entry last;

  public VerifiedHeaderCache(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("capacity must be >= 0");
    }
    this.capacity = capacity;
  }

  public boolean contains(Ed25519PublicKey key, byte[] buf, int pOff, int pLen, byte[] signature) {
    if (capacity == 0) {
      return false;
    }
    Entry l = last;
    if (l != null && l.matches(key, buf, pOff, pLen, signature)) {
      return true;
    }
    Entry probe = new Entry(key, Arrays.copyOfRange(buf, pOff, pOff + pLen), signature);
    if (map.containsKey(probe)) {
      last = probe;
      return true;
    }
    return false;
  }

  public void put(Ed25519PublicKey key, byte[] buf, int pOff, int pLen, byte[] signature) {
    if (capacity == 0) {
      return;
    }
    Entry e = new Entry(key, Arrays.copyOfRange(buf, pOff, pOff + pLen), signature.clone());
    if (map.size() >= capacity) {
      map.clear();
    }
    map.put(e, Boolean.TRUE);
    last = e;
  }

  public int size() {
    return map.size();
  }

  private static final class Entry {
    final Ed25519PublicKey key;
    final byte[] p;
    final byte[] signature;
    final int hash;

    Entry(Ed25519PublicKey key, byte[] p, byte[] signature) {
      this.key = key;
      this.p = p;
      this.signature = signature;
      this.hash = 31 * (31 * key.hashCode() + Arrays.hashCode(p)) + Arrays.hashCode(signature);
    }

    boolean matches(Ed25519PublicKey k, byte[] buf, int pOff, int pLen, byte[] sig) {
      return (key == k || key.equals(k))
          && Arrays.equals(p, 0, p.length, buf, pOff, pOff + pLen)
          && Arrays.equals(signature, sig);
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof Entry)) {
        return false;
      }
      Entry e = (Entry) o;
      return key.equals(e.key) && Arrays.equals(p, e.p) && Arrays.equals(signature, e.signature);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
