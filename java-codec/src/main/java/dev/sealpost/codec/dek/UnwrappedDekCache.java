package dev.sealpost.codec.dek;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Objects;
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
  private final ConcurrentHashMap<Key, DekKeys> map = new ConcurrentHashMap<>();

  public UnwrappedDekCache(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("capacity must be >= 0");
    }
    this.capacity = capacity;
  }

  public DekKeys get(int suiteId, int typeId, String keyId, int version, byte[] wrapped) {
    return capacity == 0 ? null : map.get(new Key(suiteId, typeId, keyId, version, wrapped));
  }

  public void put(int suiteId, int typeId, String keyId, int version, byte[] wrapped, DekKeys keys) {
    if (capacity == 0) {
      return;
    }
    if (map.size() >= capacity) {
      Iterator<Key> it = map.keySet().iterator();
      for (int i = 0; i < Math.max(1, capacity / 8) && it.hasNext(); i++) {
        it.next();
        it.remove();
      }
    }
    map.put(new Key(suiteId, typeId, keyId, version, wrapped.clone()), keys);
  }

  public int size() {
    return map.size();
  }

  private static final class Key {
    final int suiteId;
    final int typeId;
    final String keyId;
    final int version;
    final byte[] wrapped;
    final int hash;

    Key(int suiteId, int typeId, String keyId, int version, byte[] wrapped) {
      this.suiteId = suiteId;
      this.typeId = typeId;
      this.keyId = keyId;
      this.version = version;
      this.wrapped = wrapped;
      this.hash = Objects.hash(suiteId, typeId, keyId, version, Arrays.hashCode(wrapped));
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof Key)) {
        return false;
      }
      Key k = (Key) o;
      return suiteId == k.suiteId && typeId == k.typeId && version == k.version
          && keyId.equals(k.keyId) && Arrays.equals(wrapped, k.wrapped);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
