package dev.sealpost.codec.format;

import dev.sealpost.codec.internal.LogSafe;
import dev.sealpost.codec.RecipientType;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * One recipient entry of the header (SPEC.md section 6):
 *
 * <pre>
 * recipient = recipient-type(u8) key-id-len(u8) key-id key-version(u32) wrapped-len(u16) wrapped-dek
 * </pre>
 *
 * The type is kept as its raw id so that entries of unknown types survive parsing [RCP-4].
 * Immutable.
 */
public final class RecipientEntry {
  private final int typeId;
  private final String keyId;
  private final int keyVersion;
  private final byte[] wrappedDek;

  public RecipientEntry(int typeId, String keyId, int keyVersion, byte[] wrappedDek) {
    if (typeId < 0 || typeId > 0xFF) {
      throw new IllegalArgumentException("recipient type must be a u8");
    }
    this.typeId = typeId;
    this.keyId = Objects.requireNonNull(keyId, "keyId");
    this.keyVersion = keyVersion;
    this.wrappedDek = wrappedDek.clone();
  }

  public RecipientEntry(RecipientType type, String keyId, int keyVersion, byte[] wrappedDek) {
    this(type.id(), keyId, keyVersion, wrappedDek);
  }

  public int typeId() {
    return typeId;
  }

  /** The type, or empty for a type this implementation does not know. */
  public Optional<RecipientType> type() {
    return RecipientType.fromId(typeId);
  }

  public String keyId() {
    return keyId;
  }

  /** The key version as the u32 of the header, in an int's bits; see {@link #keyVersionUnsigned()}. */
  public int keyVersion() {
    return keyVersion;
  }

  public long keyVersionUnsigned() {
    return Integer.toUnsignedLong(keyVersion);
  }

  public byte[] wrappedDek() {
    return wrappedDek.clone();
  }

  /** The wrapped bytes without a copy, for the codec's own use. */
  byte[] wrappedDekView() {
    return wrappedDek;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof RecipientEntry)) {
      return false;
    }
    RecipientEntry r = (RecipientEntry) o;
    return typeId == r.typeId
        && keyVersion == r.keyVersion
        && keyId.equals(r.keyId)
        && Arrays.equals(wrappedDek, r.wrappedDek);
  }

  @Override
  public int hashCode() {
    return Objects.hash(typeId, keyId, keyVersion, Arrays.hashCode(wrappedDek));
  }

  @Override
  public String toString() {
    return "RecipientEntry[type=" + typeId + ", keyId=" + LogSafe.escape(keyId) + ", version=" + keyVersionUnsigned()
        + ", wrapped=" + wrappedDek.length + " bytes]";
  }
}
