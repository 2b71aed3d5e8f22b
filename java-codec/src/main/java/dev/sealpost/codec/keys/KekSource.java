package dev.sealpost.codec.keys;

import dev.sealpost.codec.SealpostException;
import java.util.Optional;

/**
 * Symmetric key-encryption keys by (key id, version), after KIP-317's KeyProvider: writers
 * wrap under the current version, readers unwrap under any version still held [DEK-5].
 * Implementations must be thread-safe.
 */
public interface KekSource {
  /**
   * The version writers use now for {@code keyId}.
   *
   * @throws SealpostException {@code no-matching-key} when the key id is unknown
   */
  int currentVersion(String keyId) throws SealpostException;

  /** A copy of the 32-byte KEK for (key id, version), or empty when not held. */
  Optional<byte[]> kek(String keyId, int version) throws SealpostException;

  /** Whether (key id, version) is held [RCP-5]; override to avoid copying the key. */
  default boolean holds(String keyId, int version) throws SealpostException {
    Optional<byte[]> k = kek(keyId, version);
    k.ifPresent(b -> java.util.Arrays.fill(b, (byte) 0));
    return k.isPresent();
  }
}
