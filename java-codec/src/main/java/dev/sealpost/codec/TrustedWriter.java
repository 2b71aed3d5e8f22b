package dev.sealpost.codec;

import dev.sealpost.codec.internal.Bytes;
import dev.sealpost.codec.internal.LogSafe;
import dev.sealpost.codec.keys.Ed25519PublicKey;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A writer key a reader trusts for a source (SPEC.md 16, [SIG-4]): the signer id and version
 * that envelopes name in their signer field, and the Ed25519 public key their signatures must
 * verify under.
 */
public final class TrustedWriter {
  private final String signerId;
  private final int version;
  private final Ed25519PublicKey key;

  private TrustedWriter(String signerId, int version, Ed25519PublicKey key) {
    this.signerId = signerId;
    this.version = version;
    this.key = key;
  }

  /**
   * @throws IllegalArgumentException when the signer id is not 1..255 bytes of well-formed UTF-8:
   *     no envelope could name it
   */
  public static TrustedWriter ed25519(String signerId, int version, Ed25519PublicKey key) {
    Objects.requireNonNull(signerId, "signerId");
    Objects.requireNonNull(key, "key");
    int n = signerId.getBytes(StandardCharsets.UTF_8).length;
    if (n == 0 || n > Limits.MAX_KEY_ID_LENGTH || !Bytes.isWellFormed(signerId)) {
      throw new IllegalArgumentException("a signer id is 1..255 bytes of well-formed UTF-8");
    }
    return new TrustedWriter(signerId, version, key);
  }

  public String signerId() {
    return signerId;
  }

  public int version() {
    return version;
  }

  public Ed25519PublicKey key() {
    return key;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof TrustedWriter)) {
      return false;
    }
    TrustedWriter t = (TrustedWriter) o;
    return signerId.equals(t.signerId) && version == t.version && key.equals(t.key);
  }

  @Override
  public int hashCode() {
    return Objects.hash(signerId, version, key);
  }

  @Override
  public String toString() {
    return "TrustedWriter['" + LogSafe.escape(signerId) + "' v" + Integer.toUnsignedLong(version) + ", " + key + "]";
  }
}
