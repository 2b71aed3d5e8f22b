package dev.sealpost.codec.dek;

import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A reader's bounded cache from an exact recipient entry (suite, type, key id, version,
 * wrapped bytes) to the DEK's derived keys, so that a KMS call or an HPKE open happens once
 * per DEK, not once per message. It caches derived keys only: the commitment is still compared
 * for every envelope [COM-3]. When full, arbitrary entries are evicted: writers rotate DEKs, so
 * old entries simply stop being asked for.
 */
public final class UnwrappedDekCache {
  private final int capacity;
  private final ConcurrentHashMap<EntryKey, DekKeys> map = new ConcurrentHashMap<>();

  public UnwrappedDekCache(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("capacity must be >= 0");
    }
    this.capacity = capacity;
  }

  public DekKeys get(int suiteId, int typeId, String keyId, int version, byte[] wrapped) {
    return capacity == 0 ? null : map.get(new EntryKey(suiteId, typeId, keyId, version, wrapped));
  }

  public void put(int suiteId, int typeId, String keyId, int version, byte[] wrapped, DekKeys keys) {
    if (capacity == 0) {
      return;
    }
    if (map.size() >= capacity) {
      Iterator<EntryKey> it = map.keySet().iterator();
      for (int i = 0; i < Math.max(1, capacity / 8) && it.hasNext(); i++) {
        it.next();
        it.remove();
      }
    }
    map.put(new EntryKey(suiteId, typeId, keyId, version, wrapped.clone()), keys);
  }

  public int size() {
    return map.size();
  }
}
