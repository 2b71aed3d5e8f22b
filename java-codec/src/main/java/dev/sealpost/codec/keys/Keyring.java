package dev.sealpost.codec.keys;

import dev.sealpost.codec.internal.LogSafe;
import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.SealpostException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
 * one or more versions; the current version is the one marked primary, or else the highest one
 * that is not disabled. A disabled version is never current; whether it still decrypts is the
 * reader's choice ({@link #withoutDisabled()}). A retired version holds no key: it is recorded only
 * so that its number is never issued again. Files are read and written by {@link KeyringFile}
 * (docs/key-material.md).
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
    private final boolean disabled;
    private final Instant created;

    Entry(String keyId, int version, byte[] key, boolean primary, boolean disabled, Instant created) {
      this.keyId = keyId;
      this.version = version;
      this.key = key.clone();
      this.primary = primary;
      this.disabled = disabled;
      this.created = created;
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

    /** Whether this version is disabled: never current, and not held by a reader that refuses disabled versions. */
    public boolean disabled() {
      return disabled;
    }

    /** When the version was created, to the second, if the file says. */
    public Optional<Instant> created() {
      return Optional.ofNullable(created);
    }

    @Override
    public String toString() {
      // Which key, never its bytes [SEC-3].
      return "Keyring.Entry[" + keyId + "#" + version + (primary ? ", primary" : "") + (disabled ? ", disabled]" : "]");
    }
  }

  /** A retired version: no key, kept so that the version number is never issued again. */
  public record Retired(String keyId, int version, Optional<Instant> retired) {
    public Retired {
      Objects.requireNonNull(keyId, "keyId");
      Objects.requireNonNull(retired, "retired");
    }
  }

  private final Map<String, TreeMap<Integer, Entry>> byId;
  private final Map<String, Integer> current;
  private final List<Entry> entries;
  private final List<Retired> retired;
  private final boolean refuseDisabled;

  private Keyring(List<Entry> entries, List<Retired> retired, boolean refuseDisabled) {
    Map<String, TreeMap<Integer, Entry>> ids = new HashMap<>();
    Map<String, Integer> cur = new HashMap<>();
    for (Entry e : entries) {
      ids.computeIfAbsent(e.keyId, k -> new TreeMap<>()).put(e.version, e);
      if (e.primary) {
        cur.put(e.keyId, e.version);
      }
    }
    for (Map.Entry<String, TreeMap<Integer, Entry>> id : ids.entrySet()) {
      if (!cur.containsKey(id.getKey())) {
        // The highest version that is not disabled; none when every version is.
        for (Entry e : id.getValue().descendingMap().values()) {
          if (!e.disabled) {
            cur.put(id.getKey(), e.version);
            break;
          }
        }
      }
    }
    this.byId = ids;
    this.current = cur;
    this.entries = Collections.unmodifiableList(new ArrayList<>(entries));
    this.retired = Collections.unmodifiableList(new ArrayList<>(retired));
    this.refuseDisabled = refuseDisabled;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** All entries (versions with a key), in the order they were added; disabled ones included. */
  public List<Entry> entries() {
    return entries;
  }

  /** The retired versions, in the order they were added. */
  public List<Retired> retired() {
    return retired;
  }

  /**
   * The same keyring, except that disabled versions are not held: envelopes under them fail with
   * {@code no-matching-key}, as if the KEK were gone, while the file still has it.
   */
  public Keyring withoutDisabled() {
    return refuseDisabled ? this : new Keyring(entries, retired, true);
  }

  /** Whether disabled versions are treated as not held ({@link #withoutDisabled()}). */
  public boolean refusesDisabled() {
    return refuseDisabled;
  }

  /** Whether any entry or record needs the version 2 file format (docs/key-material.md 1.7). */
  public boolean usesLifecycle() {
    return !retired.isEmpty() || entries.stream().anyMatch(e -> e.disabled || e.created != null);
  }

  /** The highest version ever issued for a key id, retired ones included; -1 when none. */
  public int highestIssued(String keyId) {
    int max = -1;
    TreeMap<Integer, Entry> versions = byId.get(keyId);
    if (versions != null) {
      max = versions.lastKey();
    }
    for (Retired r : retired) {
      if (r.keyId().equals(keyId)) {
        max = Math.max(max, r.version());
      }
    }
    return max;
  }

  @Override
  public int currentVersion(String keyId) throws SealpostException {
    Integer v = current.get(keyId);
    if (v == null) {
      String why = byId.containsKey(keyId) ? "every version of key id '" + LogSafe.escape(keyId) + "' is disabled"
          : "keyring has no key id '" + LogSafe.escape(keyId) + "'";
      throw new SealpostException(ErrorCategory.NO_MATCHING_KEY, why);
    }
    return v;
  }

  @Override
  public boolean holds(String keyId, int version) {
    return entry(keyId, version) != null;
  }

  @Override
  public Optional<byte[]> kek(String keyId, int version) {
    Entry e = entry(keyId, version);
    return e == null ? Optional.empty() : Optional.of(e.key.clone());
  }

  /** The entry a reader may use: none for a disabled one when disabled versions are refused. */
  private Entry entry(String keyId, int version) {
    TreeMap<Integer, Entry> versions = byId.get(keyId);
    Entry e = versions == null ? null : versions.get(version);
    return e == null || e.disabled && refuseDisabled ? null : e;
  }

  /** Validating builder: key ids are 1..255 UTF-8 bytes, versions 0..2^31-1, keys 32 bytes. */
  public static final class Builder {
    private final List<Entry> entries = new ArrayList<>();
    // Sets, not scans of entries: a keyring file may hold ~19,000 keys.
    private final Set<String> idVersions = new HashSet<>();
    private final Set<String> primaryIds = new HashSet<>();
    private final List<Retired> retired = new ArrayList<>();

    private Builder() {}

    /** Adds a key; the highest version of a key id is current unless one is marked primary. */
    public Builder add(String keyId, int version, byte[] key) throws SealpostException {
      return add(keyId, version, key, false);
    }

    /** Adds a key, optionally marked as the current (primary) version of its key id. */
    public Builder add(String keyId, int version, byte[] key, boolean primary) throws SealpostException {
      return add(keyId, version, key, primary, false, null);
    }

    /**
     * Adds a key with its lifecycle state: primary (current), disabled (never current; a primary
     * version cannot be disabled), and its creation time (null when unknown; kept to the second).
     */
    public Builder add(String keyId, int version, byte[] key, boolean primary, boolean disabled, Instant created)
        throws SealpostException {
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
      if (primary && disabled) {
        throw new SealpostException(ErrorCategory.INVALID_KEY_MATERIAL,
            "key '" + LogSafe.escape(keyId) + "' version " + version + " is both primary and disabled");
      }
      idVersions.add(idVersion);
      if (primary) {
        primaryIds.add(keyId);
      }
      entries.add(new Entry(keyId, version, key, primary, disabled, truncate(created)));
      return this;
    }

    /** Records a retired version (no key): its number stays used. {@code at} may be null. */
    public Builder retire(String keyId, int version, Instant at) throws SealpostException {
      Objects.requireNonNull(keyId, "keyId");
      checkKeyId(keyId);
      if (version < 0) {
        throw new SealpostException(ErrorCategory.INVALID_KEY_MATERIAL, "key version must be >= 0, got " + version);
      }
      if (!idVersions.add(version + "/" + keyId)) {
        throw new SealpostException(
            ErrorCategory.INVALID_KEY_MATERIAL, "duplicate key '" + LogSafe.escape(keyId) + "' version " + version);
      }
      retired.add(new Retired(keyId, version, Optional.ofNullable(truncate(at))));
      return this;
    }

    public Keyring build() {
      return new Keyring(entries, retired, false);
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

  /** Times are kept to the second, as the file holds them. */
  private static Instant truncate(Instant t) {
    return t == null ? null : t.truncatedTo(ChronoUnit.SECONDS);
  }

  @Override
  public String toString() {
    // Never print key bytes [SEC-2].
    return "Keyring" + Arrays.toString(entries.stream().map(e -> e.keyId + "#" + e.version).toArray());
  }
}
