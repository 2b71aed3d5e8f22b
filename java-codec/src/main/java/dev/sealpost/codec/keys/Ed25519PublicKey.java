package dev.sealpost.codec.keys;

import com.google.crypto.tink.subtle.Ed25519Verify;
import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.SealpostException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;

/**
 * An Ed25519 public key: the 32-byte encoded point A of RFC 8032 section 5.1.5. Immutable and
 * thread-safe. Verification is Tink's Ed25519 (RFC 8032 section 5.1.7: pure Ed25519, no context,
 * non-canonical {@code S >= L} rejected) [SIG-6], several times faster than the JDK's; the
 * Wycheproof Ed25519 vectors run through {@link #verify}.
 */
public final class Ed25519PublicKey {
  /** DER of SubjectPublicKeyInfo with id-Ed25519 (1.3.101.112), up to the 32 key bytes (RFC 8410). */
  static final byte[] SPKI_PREFIX = {
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
  };
  public static final int LENGTH = 32;
  public static final int SIGNATURE_LENGTH = 64;

  private final byte[] encoded;
  private final Ed25519Verify verifier;

  private Ed25519PublicKey(byte[] encoded) {
    this.encoded = encoded;
    this.verifier = new Ed25519Verify(encoded);
  }

  /**
   * The key with these 32 bytes. Fails with {@code invalid-key-material} when the JDK's key
   * factory refuses them as an Ed25519 public key.
   */
  public static Ed25519PublicKey fromBytes(byte[] a) throws SealpostException {
    if (a == null || a.length != LENGTH) {
      throw new SealpostException(ErrorCategory.INVALID_KEY_MATERIAL, "Ed25519 public key must be 32 bytes");
    }
    byte[] copy = a.clone();
    byte[] spki = Arrays.copyOf(SPKI_PREFIX, SPKI_PREFIX.length + LENGTH);
    System.arraycopy(copy, 0, spki, SPKI_PREFIX.length, LENGTH);
    try {
      KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new SealpostException(ErrorCategory.INVALID_KEY_MATERIAL, "not an Ed25519 public key", e);
    }
    return new Ed25519PublicKey(copy);
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
    try {
      verifier.verify(signature, concat(parts));
      return true;
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  /** The message as one array, as Tink's Ed25519 takes it (it hashes the message twice). */
  static byte[] concat(ByteBuffer... parts) {
    long n = 0;
    for (ByteBuffer p : parts) {
      n += p.remaining();
    }
    byte[] out = new byte[Math.toIntExact(n)];
    int o = 0;
    for (ByteBuffer p : parts) {
      int r = p.remaining();
      p.duplicate().get(out, o, r);
      o += r;
    }
    return out;
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
