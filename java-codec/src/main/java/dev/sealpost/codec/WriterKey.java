package dev.sealpost.codec;

import dev.sealpost.codec.keys.Ed25519PrivateKey;
import java.util.Objects;

/**
 * A writer's signing key (SPEC.md 16): an Ed25519 private key named by a signer id (UTF-8, 1..255
 * bytes, checked by {@link Encryptor.Builder#build()}) and a u32 version, as readers list it in
 * their {@link TrustedWriters}. {@link #toString()} shows no secret.
 */
public final class WriterKey {
  private final String signerId;
  private final int version;
  private final Ed25519PrivateKey key;

  private WriterKey(String signerId, int version, Ed25519PrivateKey key) {
    this.signerId = Objects.requireNonNull(signerId, "signerId");
    this.version = version;
    this.key = Objects.requireNonNull(key, "key");
  }

  public static WriterKey ed25519(String signerId, int version, Ed25519PrivateKey key) {
    return new WriterKey(signerId, version, key);
  }

  public String signerId() {
    return signerId;
  }

  public int version() {
    return version;
  }

  public Ed25519PrivateKey key() {
    return key;
  }

  @Override
  public String toString() {
    return "WriterKey['" + dev.sealpost.codec.internal.LogSafe.escape(signerId) + "' v"
        + Integer.toUnsignedLong(version) + ", " + key + "]";
  }
}
