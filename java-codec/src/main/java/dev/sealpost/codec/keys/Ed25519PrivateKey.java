package dev.sealpost.codec.keys;

import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.SealpostException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;

/**
 * An Ed25519 private key: the 32-byte seed of RFC 8032 section 5.1.5, with its public key.
 * Immutable and thread-safe; {@link #toString()} shows no secret. Signing is the JDK's pure
 * Ed25519 (no context string) [SIG-1].
 */
public final class Ed25519PrivateKey {
  public static final int LENGTH = 32;

  private static final ThreadLocal<Signature> SIGNER = ThreadLocal.withInitial(Ed25519PublicKey::newSignature);

  private static final byte[] NOTHING = new byte[0];

  private final byte[] seed;
  private final PrivateKey jdkKey;
  private final Ed25519PublicKey publicKey;

  private Ed25519PrivateKey(byte[] seed, PrivateKey jdkKey, Ed25519PublicKey publicKey) {
    this.seed = seed;
    this.jdkKey = jdkKey;
    this.publicKey = publicKey;
  }

  /** The key with this 32-byte seed. */
  public static Ed25519PrivateKey fromSeed(byte[] seed) throws SealpostException {
    if (seed == null || seed.length != LENGTH) {
      throw new SealpostException(ErrorCategory.INVALID_KEY_MATERIAL, "Ed25519 private key (seed) must be 32 bytes");
    }
    byte[] copy = seed.clone();
    try {
      PrivateKey priv = KeyFactory.getInstance("Ed25519")
          .generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, copy));
      // The JDK derives A only while generating a pair: hand it the seed as its randomness.
      KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
      g.initialize(NamedParameterSpec.ED25519, new SeedRandom(copy));
      KeyPair pair = g.generateKeyPair();
      byte[] spki = pair.getPublic().getEncoded();
      return new Ed25519PrivateKey(copy, priv, Ed25519PublicKey.fromBytes(Arrays.copyOfRange(spki, spki.length - 32, spki.length)));
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
    Signature s = SIGNER.get();
    try {
      s.initSign(jdkKey);
      // JDK 17 verifies an empty message only after an update call, even an empty one.
      s.update(NOTHING, 0, 0);
      for (ByteBuffer p : parts) {
        s.update(p.duplicate());
      }
      return s.sign();
    } catch (GeneralSecurityException | RuntimeException e) {
      SIGNER.remove();
      throw new SealpostException(ErrorCategory.INVALID_KEY_MATERIAL, "Ed25519 signing failed", e);
    }
  }

  @Override
  public String toString() {
    return "Ed25519PrivateKey[redacted, public " + publicKey + "]";
  }

  /** Returns the seed as the only "random" bytes a key pair generator asks for. */
  private static final class SeedRandom extends SecureRandom {
    private static final long serialVersionUID = 1L;
    private final transient byte[] seed;

    SeedRandom(byte[] seed) {
      this.seed = seed;
    }

    @Override
    public void nextBytes(byte[] bytes) {
      if (bytes.length != seed.length) {
        throw new IllegalStateException("unexpected request for " + bytes.length + " random bytes");
      }
      System.arraycopy(seed, 0, bytes, 0, seed.length);
    }
  }
}
