package dev.sealpost.codec.keys;

import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.SealpostException;
import java.util.Arrays;

/** An X25519 public key: the 32-byte u-coordinate of RFC 7748. Immutable. */
public final class X25519PublicKey {
  private final byte[] u;

  private X25519PublicKey(byte[] u) {
    this.u = u;
  }

  public static X25519PublicKey fromBytes(byte[] u) throws SealpostException {
    if (u == null || u.length != 32) {
      throw new SealpostException(ErrorCategory.INVALID_KEY_MATERIAL, "X25519 public key must be 32 bytes");
    }
    return new X25519PublicKey(u.clone());
  }

  public byte[] toBytes() {
    return u.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof X25519PublicKey && Arrays.equals(u, ((X25519PublicKey) o).u);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(u);
  }
}
