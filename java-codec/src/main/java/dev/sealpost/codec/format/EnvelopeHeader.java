package dev.sealpost.codec.format;

import dev.sealpost.codec.EncryptionContext;
import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.Suite;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A parsed envelope header (SPEC.md section 3), for inspection without decryption and for the
 * decryptor. Immutable. {@link #parse(byte[])} applies every check of SPEC.md section 11,
 * steps 1 to 8, and fails with the category the spec names.
 */
public final class EnvelopeHeader {
  private final int version;
  private final Suite suite;
  private final List<RecipientEntry> recipients;
  private final byte[] commitment;
  private final EncryptionContext storedContext;
  private final byte[] nonce;
  private final int headerLength;
  private final int bodyLength;

  EnvelopeHeader(
      int version,
      Suite suite,
      List<RecipientEntry> recipients,
      byte[] commitment,
      EncryptionContext storedContext,
      byte[] nonce,
      int headerLength,
      int bodyLength) {
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

  public byte[] nonce() {
    return nonce.clone();
  }

  /** Bytes from the magic through the nonce. */
  public int headerLength() {
    return headerLength;
  }

  /** Bytes after the header: ciphertext and tag. */
  public int bodyLength() {
    return bodyLength;
  }
}
