package dev.sealpost.codec.internal;

import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.keys.Ed25519PrivateKey;
import dev.sealpost.codec.keys.Ed25519PublicKey;
import java.nio.ByteBuffer;

/**
 * The two signed messages of SPEC.md 16 [SIG-1], pure Ed25519 without a context string:
 *
 * <pre>
 * mode 01: ascii("sealpost/v1 signed header")  || P            ; P = magic .. signer-version
 * mode 02: ascii("sealpost/v1 signed message") || E || encode(external context)
 *                                                              ; E = envelope without its last 64 bytes
 * </pre>
 *
 * Shared by the encryptor, the decryptor and the vector generator.
 */
public final class WriterSignatures {
  private static final byte[] HEADER_LABEL = Bytes.ascii("sealpost/v1 signed header");
  private static final byte[] MESSAGE_LABEL = Bytes.ascii("sealpost/v1 signed message");

  private WriterSignatures() {}

  public static byte[] signHeader(Ed25519PrivateKey key, byte[] p, int off, int len) throws SealpostException {
    return key.sign(ByteBuffer.wrap(HEADER_LABEL), ByteBuffer.wrap(p, off, len));
  }

  public static boolean verifyHeader(Ed25519PublicKey key, byte[] p, int off, int len, byte[] signature) {
    return key.verify(signature, ByteBuffer.wrap(HEADER_LABEL), ByteBuffer.wrap(p, off, len));
  }

  public static byte[] signMessage(Ed25519PrivateKey key, byte[] e, int off, int len, byte[] externalContext)
      throws SealpostException {
    return key.sign(ByteBuffer.wrap(MESSAGE_LABEL), ByteBuffer.wrap(e, off, len), ByteBuffer.wrap(externalContext));
  }

  public static boolean verifyMessage(
      Ed25519PublicKey key, byte[] e, int off, int len, byte[] externalContext, byte[] signature) {
    return key.verify(
        signature, ByteBuffer.wrap(MESSAGE_LABEL), ByteBuffer.wrap(e, off, len), ByteBuffer.wrap(externalContext));
  }
}
