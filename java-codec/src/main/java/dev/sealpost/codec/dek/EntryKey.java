package dev.sealpost.codec.dek;

import java.util.Arrays;
import java.util.Objects;

/**
 * A recipient entry exactly as an envelope holds it, with the suite: what the unwrapped-DEK
 * cache and the unwrap-failure cache remember an outcome by. Owns its {@code wrapped} array.
 */
final class EntryKey {
  private final int suiteId;
  private final int typeId;
  private final String keyId;
  private final int version;
  private final byte[] wrapped;
  private final int hash;

  EntryKey(int suiteId, int typeId, String keyId, int version, byte[] wrapped) {
    this.suiteId = suiteId;
    this.typeId = typeId;
    this.keyId = keyId;
    this.version = version;
    this.wrapped = wrapped;
    this.hash = Objects.hash(suiteId, typeId, keyId, version, Arrays.hashCode(wrapped));
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof EntryKey)) {
      return false;
    }
    EntryKey k = (EntryKey) o;
    return suiteId == k.suiteId && typeId == k.typeId && version == k.version
        && keyId.equals(k.keyId) && Arrays.equals(wrapped, k.wrapped);
  }

  @Override
  public int hashCode() {
    return hash;
  }
}
