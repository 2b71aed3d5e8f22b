package dev.sealpost.codec;

import dev.sealpost.codec.keys.KekSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A KEK source whose current versions change while writers run, as a key service's would.
 * It also remembers every KEK copy it hands out, so tests can check that callers wipe them.
 */
public final class MutableKekSource implements KekSource {
  private final Map<String, byte[]> keys = new ConcurrentHashMap<>();
  private final Map<String, Integer> current = new ConcurrentHashMap<>();
  private final List<byte[]> handedOut = new CopyOnWriteArrayList<>();

  /** Adds a version and makes it current. */
  public MutableKekSource put(String keyId, int version, byte[] kek) {
    keys.put(keyId + "#" + version, kek.clone());
    current.put(keyId, version);
    return this;
  }

  public MutableKekSource setCurrent(String keyId, int version) {
    current.put(keyId, version);
    return this;
  }

  public MutableKekSource remove(String keyId, int version) {
    keys.remove(keyId + "#" + version);
    return this;
  }

  @Override
  public int currentVersion(String keyId) throws SealpostException {
    Integer v = current.get(keyId);
    if (v == null) {
      throw new SealpostException(ErrorCategory.NO_MATCHING_KEY, "unknown key id " + keyId);
    }
    return v;
  }

  @Override
  public Optional<byte[]> kek(String keyId, int version) {
    byte[] k = keys.get(keyId + "#" + version);
    if (k == null) {
      return Optional.empty();
    }
    byte[] copy = k.clone();
    handedOut.add(copy);
    return Optional.of(copy);
  }

  /** Every copy returned by {@link #kek}, in order, as the callers left them. */
  public List<byte[]> handedOut() {
    return handedOut;
  }
}
