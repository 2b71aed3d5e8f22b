package dev.sealpost.codec.keys;

import com.google.crypto.tink.subtle.Ed25519Sign;
import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.SealpostException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * An Ed25519 private key: the 32-byte seed of RFC 8032 section 5.1.5, with its public key.
 * Immutable and thread-safe; {@link #toString()} shows no secret. Signing is Tink's pure Ed25519
 * (no context string) [SIG-1], several times faster than the JDK's.
 */
public final class Ed25519PrivateKey {
  public static final int LENGTH = 32;

  private final byte[] seed;
  private final Ed25519Sign signer;
  private final Ed25519PublicKey publicKey;

  private Ed25519PrivateKey(byte[] seed, Ed25519Sign signer, Ed25519PublicKey publicKey) {
    this.seed = seed;
    this.signer = signer;
    this.publicKey = publicKey;
  }

  /** The key with this 32-byte seed. */
  public static Ed25519PrivateKey fromSeed(byte[] seed) throws SealpostException {
    if (seed == null || seed.length != LENGTH) {
      throw new SealpostException(ErrorCategory.INVALID_KEY_MATERIAL, "Ed25519 private key (seed) must be 32 bytes");
    }
    byte[] copy = seed.clone();
    try {
      Ed25519Sign.KeyPair pair = Ed25519Sign.KeyPair.newKeyPairFromSeed(copy);
      byte[] privateCopy = pair.getPrivateKey();
      try {
        return new Ed25519PrivateKey(copy, new Ed25519Sign(copy), Ed25519PublicKey.fromBytes(pair.getPublicKey()));
      } finally {
        Arrays.fill(privateCopy, (byte) 0);
      }
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new SealpostException(ErrorCategory.INVALID_KEY_MATERIAL, "cannot use this Ed25519 private key", e);
    }
  }

  public static Ed25519PrivateKey generate() throws SealpostException {
    return generate(new SecureRandom());
  }

  public static Ed25519PrivateKey generate(SecureRandom random) throws SealpostException {
    byte[] s = new byte[LENGTH];
    random.nextBytes(s);
    try {
      return fromSeed(s);
    } finally {
      Arrays.fill(s, (byte) 0);
    }
  }

  /** The 32-byte seed. The caller should wipe the copy. */
  public byte[] toBytes() {
    return seed.clone();
  }

  public Ed25519PublicKey publicKey() {
    return publicKey;
  }

  /** The 64-byte Ed25519 signature of the concatenation of {@code parts} (positions unmoved). */
  public byte[] sign(ByteBuffer... parts) throws SealpostException {
    try {
      return signer.sign(Ed25519PublicKey.concat(parts));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new SealpostException(ErrorCategory.INVALID_KEY_MATERIAL, "Ed25519 signing failed", e);
    }
  }

  @Override
  public String toString() {
    return "Ed25519PrivateKey[redacted, public " + publicKey + "]";
  }
}
