package dev.sealpost.codec.keys;

import com.google.crypto.tink.subtle.X25519;
import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.SealpostException;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;

/** An X25519 private key: the 32-byte scalar of RFC 7748, with its public key. Immutable. */
public final class X25519PrivateKey {
  private final byte[] scalar;
  private final X25519PublicKey publicKey;

  private X25519PrivateKey(byte[] scalar, X25519PublicKey publicKey) {
    this.scalar = scalar;
    this.publicKey = publicKey;
  }

  public static X25519PrivateKey fromBytes(byte[] scalar) throws SealpostException {
    if (scalar == null || scalar.length != 32) {
      throw new SealpostException(ErrorCategory.INVALID_KEY_MATERIAL, "X25519 private key must be 32 bytes");
    }
    try {
      byte[] copy = scalar.clone();
      return new X25519PrivateKey(copy, X25519PublicKey.fromBytes(X25519.publicFromPrivate(copy)));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new SealpostException(ErrorCategory.INVALID_KEY_MATERIAL, "invalid X25519 private key", e);
    }
  }

  /** A new random key pair. */
  public static X25519PrivateKey generate(SecureRandom random) throws SealpostException {
    byte[] s = new byte[32];
    random.nextBytes(s);
    return fromBytes(s);
  }

  public byte[] toBytes() {
    return scalar.clone();
  }

  public X25519PublicKey publicKey() {
    return publicKey;
  }

  @Override
  public String toString() {
    return "X25519PrivateKey[redacted]";
  }
}
