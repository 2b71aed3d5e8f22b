package dev.sealpost.codec.keys;

import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.SealpostException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;

/**
 * An Ed25519 public key: the 32-byte encoded point A of RFC 8032 section 5.1.5. Immutable and
 * thread-safe. Verification is the JDK's Ed25519 (RFC 8032 section 5.1.7: pure Ed25519, no
 * context, non-canonical {@code S >= L} rejected) [SIG-6].
 */
public final class Ed25519PublicKey {
  /** DER of SubjectPublicKeyInfo with id-Ed25519 (1.3.101.112), up to the 32 key bytes (RFC 8410). */
  static final byte[] SPKI_PREFIX = {
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
  };
  public static final int LENGTH = 32;
  public static final int SIGNATURE_LENGTH = 64;

  private static final ThreadLocal<Signature> VERIFIER = ThreadLocal.withInitial(Ed25519PublicKey::newSignature);

  private static final byte[] NOTHING = new byte[0];

  private final byte[] encoded;
  private final PublicKey jdkKey;

  private Ed25519PublicKey(byte[] encoded, PublicKey jdkKey) {
    this.encoded = encoded;
    this.jdkKey = jdkKey;
  }

  /**
   * The key with these 32 bytes. Fails with {@code invalid-key-material} when they are not the
   * encoding of a point (for example a y coordinate that does not decode).
   */
  public static Ed25519PublicKey fromBytes(byte[] a) throws SealpostException {
    if (a == null || a.length != LENGTH) {
      throw new SealpostException(ErrorCategory.INVALID_KEY_MATERIAL, "Ed25519 public key must be 32 bytes");
    }
    byte[] copy = a.clone();
    byte[] spki = Arrays.copyOf(SPKI_PREFIX, SPKI_PREFIX.length + LENGTH);
    System.arraycopy(copy, 0, spki, SPKI_PREFIX.length, LENGTH);
    try {
      return new Ed25519PublicKey(copy, KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki)));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new SealpostException(ErrorCategory.INVALID_KEY_MATERIAL, "not an Ed25519 public key", e);
    }
  }

  public byte[] toBytes() {
    return encoded.clone();
  }

  /**
   * Verifies an Ed25519 signature over the concatenation of {@code parts} (each from its position
   * to its limit; positions are not moved). Any signature that is not 64 bytes, does not decode,
   * or does not verify gives false; nothing else is thrown for any input.
   */
  public boolean verify(byte[] signature, ByteBuffer... parts) {
    if (signature == null || signature.length != SIGNATURE_LENGTH) {
      return false;
    }
    Signature v = VERIFIER.get();
    try {
      v.initVerify(jdkKey);
      // JDK 17 verifies an empty message only after an update call, even an empty one.
      v.update(NOTHING, 0, 0);
      for (ByteBuffer p : parts) {
        v.update(p.duplicate());
      }
      return v.verify(signature);
    } catch (SignatureException | java.security.InvalidKeyException | RuntimeException e) {
      VERIFIER.remove(); // a failed call may leave the object mid-operation
      return false;
    }
  }

  static Signature newSignature() {
    try {
      return Signature.getInstance("Ed25519");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK has no Ed25519 (Java 15 or later is needed)", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Ed25519PublicKey && Arrays.equals(encoded, ((Ed25519PublicKey) o).encoded);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(encoded);
  }

  @Override
  public String toString() {
    return "Ed25519PublicKey[" + java.util.HexFormat.of().formatHex(encoded) + "]";
  }
}
