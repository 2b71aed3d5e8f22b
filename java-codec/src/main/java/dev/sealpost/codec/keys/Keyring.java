package dev.sealpost.codec.keys;

import dev.sealpost.codec.internal.LogSafe;
import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.SealpostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * An immutable, in-memory set of 32-byte symmetric KEKs (SPEC.md section 6.1). Each key id has
 * one or more versions; the current version is the one marked primary, or else the highest.
 * Files are read and written by {@link KeyringFile}.
 */
public final class Keyring implements KekSource {
  /** KEK length in bytes. */
  public static final int KEY_LENGTH = 32;

  /** One key of the keyring. The key bytes are copied in and out. */
  public static final class Entry {
    private final String keyId;
    private final int version;
    private final byte[] key;
    private final boolean primary;

    Entry(String keyId, int version, byte[] key, boolean primary) {
      this.keyId = keyId;
      this.version = version;
      this.key = key.clone();
      this.primary = primary;
    }

    public String keyId() {
      return keyId;
    }

    public int version() {
      return version;
    }

    public byte[] key() {
      return key.clone();
    }

    /** Whether this entry was explicitly marked as its key id's current version. */
    public boolean primary() {
      return primary;
    }

    @Override
    public String toString() {
      // Which key, never its bytes [SEC-3].
      return "Keyring.Entry[" + keyId + "#" + version + (primary ? ", primary]" : "]");
    }
  }

  private final Map<String, TreeMap<Integer, Entry>> byId;
  private final Map<String, Integer> current;
  private final List<Entry> entries;

  private Keyring(List<Entry> entries) {
    Map<String, TreeMap<Integer, Entry>> ids = new HashMap<>();
    Map<String, Integer> cur = new HashMap<>();
    for (Entry e : entries) {
      ids.computeIfAbsent(e.keyId, k -> new TreeMap<>()).put(e.version, e);
      if (e.primary) {
        cur.put(e.keyId, e.version);
      }
    }
    for (Map.Entry<String, TreeMap<Integer, Entry>> id : ids.entrySet()) {
      cur.putIfAbsent(id.getKey(), id.getValue().lastKey());
    }
    this.byId = ids;
    this.current = cur;
    this.entries = Collections.unmodifiableList(new ArrayList<>(entries));
  }

  public static Builder builder() {
    return new Builder();
  }

  /** All entries, in the order they were added. */
  public List<Entry> entries() {
    return entries;
  }

  @Override
  public int currentVersion(String keyId) throws SealpostException {
    Integer v = current.get(keyId);
    if (v == null) {
      throw new SealpostException(ErrorCategory.NO_MATCHING_KEY, "keyring has no key id '" + LogSafe.escape(keyId) + "'");
    }
    return v;
  }

  @Override
  public boolean holds(String keyId, int version) {
    TreeMap<Integer, Entry> versions = byId.get(keyId);
    return versions != null && versions.containsKey(version);
  }

  @Override
  public Optional<byte[]> kek(String keyId, int version) {
    TreeMap<Integer, Entry> versions = byId.get(keyId);
    if (versions == null) {
      return Optional.empty();
    }
    Entry e = versions.get(version);
    return e == null ? Optional.empty() : Optional.of(e.key.clone());
  }

  /** Validating builder: key ids are 1..255 UTF-8 bytes, versions 0..2^31-1, keys 32 bytes. */
  public static final class Builder {
    private final List<Entry> entries = new ArrayList<>();
    // Sets, not scans of entries: a keyring file may hold ~19,000 keys.
    private final Set<String> idVersions = new HashSet<>();
    private final Set<String> primaryIds = new HashSet<>();

    private Builder() {}

    /** Adds a key; the highest version of a key id is current unless one is marked primary. */
    public Builder add(String keyId, int version, byte[] key) throws SealpostException {
      return add(keyId, version, key, false);
    }

    /** Adds a key, optionally marked as the current (primary) version of its key id. */
    public Builder add(String keyId, int version, byte[] key, boolean primary) throws SealpostException {
      Objects.requireNonNull(keyId, "keyId");
      Objects.requireNonNull(key, "key");
      checkKeyId(keyId);
      if (version < 0) {
        throw new SealpostException(ErrorCategory.INVALID_KEY_MATERIAL, "key version must be >= 0, got " + version);
      }
      if (key.length != KEY_LENGTH) {
        throw new SealpostException(
            ErrorCategory.INVALID_KEY_MATERIAL, "KEK '" + LogSafe.escape(keyId) + "' must be 32 bytes, got " + key.length);
      }
      String idVersion = version + "/" + keyId;
      if (idVersions.contains(idVersion)) {
        throw new SealpostException(
            ErrorCategory.INVALID_KEY_MATERIAL, "duplicate key '" + LogSafe.escape(keyId) + "' version " + version);
      }
      if (primary && primaryIds.contains(keyId)) {
        throw new SealpostException(
            ErrorCategory.INVALID_KEY_MATERIAL, "two primary versions for key '" + LogSafe.escape(keyId) + "'");
      }
      idVersions.add(idVersion);
      if (primary) {
        primaryIds.add(keyId);
      }
      entries.add(new Entry(keyId, version, key, primary));
      return this;
    }

    public Keyring build() {
      return new Keyring(entries);
    }
  }

  /** Checks a key id as SPEC.md section 3 requires: 1..255 bytes of UTF-8. */
  public static void checkKeyId(String keyId) throws SealpostException {
    byte[] utf8 = dev.sealpost.codec.internal.Bytes.strictUtf8(keyId);
    if (utf8 == null) {
      throw new SealpostException(ErrorCategory.INVALID_KEY_MATERIAL, "key id is not valid Unicode (unpaired surrogate)");
    }
    int n = utf8.length;
    if (n < 1 || n > 255) {
      throw new SealpostException(
          ErrorCategory.INVALID_KEY_MATERIAL, "key id must be 1..255 UTF-8 bytes, got " + n);
    }
  }

  @Override
  public String toString() {
    // Never print key bytes [SEC-2].
    return "Keyring" + Arrays.toString(entries.stream().map(e -> e.keyId + "#" + e.version).toArray());
  }
}
