package dev.sealpost.codec.format;

import dev.sealpost.codec.EncryptionContext;
import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.Suite;
import java.nio.ByteBuffer;
import dev.sealpost.codec.SignerRef;
import java.util.List;
import java.util.Optional;

/**
 * A parsed envelope header (SPEC.md section 3), for inspection without decryption and for the
 * decryptor. Immutable. {@link #parse(byte[])} applies every check of SPEC.md section 11,
 * steps 1 to 8, and fails with the category the spec names; for sign mode 02 it also applies
 * the first check of step 9 (a 64-byte message signature must follow the header).
 */
public final class EnvelopeHeader {
  private final int version;
  private final Suite suite;
  private final List<RecipientEntry> recipients;
  private final byte[] commitment;
  private final EncryptionContext storedContext;
  private final SignerRef signer;
  private final int signedPrefixLength;
  private final byte[] headerSignature;
  private final byte[] nonce;
  private final int headerLength;
  private final int bodyLength;

  EnvelopeHeader(
      int version,
      Suite suite,
      List<RecipientEntry> recipients,
      byte[] commitment,
      EncryptionContext storedContext,
      SignerRef signer,
      int signedPrefixLength,
      byte[] headerSignature,
      byte[] nonce,
      int headerLength,
      int bodyLength) {
    this.signer = signer;
    this.signedPrefixLength = signedPrefixLength;
    this.headerSignature = headerSignature;
    this.version = version;
    this.suite = suite;
    this.recipients = List.copyOf(recipients);
    this.commitment = commitment;
    this.storedContext = storedContext;
    this.nonce = nonce;
    this.headerLength = headerLength;
    this.bodyLength = bodyLength;
  }

  public static EnvelopeHeader parse(byte[] envelope) throws SealpostException {
    return HeaderParser.parse(envelope, 0, envelope.length);
  }

  public static EnvelopeHeader parse(byte[] envelope, int offset, int length) throws SealpostException {
    return HeaderParser.parse(envelope, offset, length);
  }

  /** Parses the buffer's remaining bytes without moving its position. */
  public static EnvelopeHeader parse(ByteBuffer envelope) throws SealpostException {
    if (envelope.hasArray()) {
      return HeaderParser.parse(
          envelope.array(), envelope.arrayOffset() + envelope.position(), envelope.remaining());
    }
    byte[] copy = new byte[envelope.remaining()];
    envelope.duplicate().get(copy);
    return HeaderParser.parse(copy, 0, copy.length);
  }

  /** Whether the bytes start with the magic [DET-2]: a cheap check, not a validation. */
  public static boolean hasMagic(byte[] bytes, int offset, int length) {
    return HeaderParser.hasMagic(bytes, offset, length);
  }

  public int version() {
    return version;
  }

  public Suite suite() {
    return suite;
  }

  public List<RecipientEntry> recipients() {
    return recipients;
  }

  public byte[] commitment() {
    return commitment.clone();
  }

  byte[] commitmentView() {
    return commitment;
  }

  public EncryptionContext storedContext() {
    return storedContext;
  }

  /**
   * The signer field of a signed suite (SPEC.md 16), as the header states it: not verified.
   * Empty for unsigned suites. Only {@link dev.sealpost.codec.Decrypted#verifiedSigner()} says
   * who signed [SIG-8].
   */
  public Optional<SignerRef> signer() {
    return Optional.ofNullable(signer);
  }

  /**
   * Length of {@code P}, the bytes from the magic through the signer version that a mode 01
   * signature covers; 0 for unsigned suites.
   */
  public int signedPrefixLength() {
    return signedPrefixLength;
  }

  /** The mode 01 header signature (64 bytes), if this is a mode 01 envelope. */
  public Optional<byte[]> headerSignature() {
    return headerSignature == null ? Optional.empty() : Optional.of(headerSignature.clone());
  }

  /** The header signature without a copy, for the decryptor; null unless mode 01. */
  public byte[] headerSignatureView() {
    return headerSignature;
  }

  public byte[] nonce() {
    return nonce.clone();
  }

  /** Bytes from the magic through the nonce. */
  public int headerLength() {
    return headerLength;
  }

  /**
   * Bytes after the header that belong to the body: ciphertext and tag, without a mode 02
   * message signature (the envelope's last 64 bytes) [HDR-5].
   */
  public int bodyLength() {
    return bodyLength;
  }
}
