package dev.sealpost.codec.format;

import static dev.sealpost.codec.ErrorCategory.LIMIT_EXCEEDED;
import static dev.sealpost.codec.ErrorCategory.MALFORMED_HEADER;

import dev.sealpost.codec.EncryptionContext;
import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.Limits;
import dev.sealpost.codec.RecipientType;
import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.SignMode;
import dev.sealpost.codec.SignerRef;
import dev.sealpost.codec.Suite;
import dev.sealpost.codec.internal.Bytes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a header in the order of SPEC.md section 11, steps 1 to 8. Every read first applies
 * [LIM-2]: beyond 16384 header bytes is {@code limit-exceeded}, beyond the input is
 * {@code malformed-header}; nothing is allocated for a field before its length is checked.
 */
final class HeaderParser {
  static final byte[] MAGIC = {(byte) 0xF7, 0x53, 0x50};
  static final int VERSION = 0x01;
  static final int COMMITMENT_LENGTH = 32;
  /** Ed25519 signature length (RFC 8032). */
  public static final int SIGNATURE_LENGTH = 64;

  private final byte[] buf;
  private final int start;
  private final int end;
  private int pos;
  /** The recipient or context entry being read, for failure messages. */
  private int item;

  // Enum lookups without the array copy values() makes on every call.
  private static final Suite[] SUITES = Suite.values();
  private static final RecipientType[] TYPES = RecipientType.values();

  private static Optional<Suite> suite(int id) {
    for (Suite s : SUITES) {
      if (s.id() == id) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  private static Optional<RecipientType> recipientType(int id) {
    for (RecipientType t : TYPES) {
      if (t.id() == id) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  private HeaderParser(byte[] buf, int offset, int length) {
    if (offset < 0 || length < 0 || offset > buf.length - length) {
      throw new IndexOutOfBoundsException("offset/length outside the array");
    }
    this.buf = buf;
    this.start = offset;
    this.end = offset + length;
    this.pos = offset;
  }

  static boolean hasMagic(byte[] b, int off, int len) {
    return len >= 3 && b[off] == MAGIC[0] && b[off + 1] == MAGIC[1] && b[off + 2] == MAGIC[2];
  }

  static EnvelopeHeader parse(byte[] buf, int offset, int length) throws SealpostException {
    return new HeaderParser(buf, offset, length).parse();
  }

  private EnvelopeHeader parse() throws SealpostException {
    // Step 1 [DET-2]
    if (!hasMagic(buf, start, end - start)) {
      throw new SealpostException(ErrorCategory.NOT_AN_ENVELOPE, "input does not start with the Sealpost magic");
    }
    pos += 3;
    // Step 2 [DET-3], [DET-4]
    int version = u8("version");
    if (version != VERSION) {
      throw new SealpostException(ErrorCategory.UNSUPPORTED_VERSION, "envelope version " + version + " is not supported");
    }
    // Step 3 [SUITE-2]
    int suiteId = u16("suite id");
    Optional<Suite> suite = suite(suiteId);
    if (suite.isEmpty() || !dev.sealpost.codec.compress.Packing.implemented(suite.get())) { // [CMP-5]
      throw new SealpostException(
          ErrorCategory.UNSUPPORTED_SUITE, String.format("suite id 0x%04x is not supported", suiteId));
    }
    // Step 4 [HDR-3], [LIM-1]
    int count = u8("recipient count");
    if (count == 0) {
      throw new SealpostException(MALFORMED_HEADER, "recipient count is 0");
    }
    if (count > Limits.MAX_RECIPIENTS) {
      throw new SealpostException(LIMIT_EXCEEDED, "recipient count " + count + " exceeds " + Limits.MAX_RECIPIENTS);
    }
    // Step 5
    List<RecipientEntry> recipients = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      recipients.add(recipient(i, suite.get(), recipients));
    }
    // Step 6 [COM-1]
    byte[] commitment = bytes(COMMITMENT_LENGTH, "commitment");
    // Step 7
    EncryptionContext stored = context();
    // Step 7a [SIG-3]
    SignerRef signer = null;
    int signedPrefixLength = 0;
    byte[] headerSignature = null;
    if (suite.get().signed()) {
      signer = signer(suite.get());
      signedPrefixLength = pos - start;
      if (signer.mode() == SignMode.PER_DEK) {
        headerSignature = bytes(SIGNATURE_LENGTH, "header signature");
      }
      // UTF-8 and the mode rule come after the whole field has been read, as step 7a orders.
      if (signerIdBad) {
        throw new SealpostException(MALFORMED_HEADER, "signer id is not well-formed UTF-8");
      }
      if (suite.get().segmented() && signer.mode() == SignMode.PER_MESSAGE) {
        throw new SealpostException(
            MALFORMED_HEADER, "sign mode 02 (per message) is not allowed with a segmented suite [SIG-3]");
      }
    }
    // Step 8
    byte[] nonce = bytes(suite.get().nonceLength(), "nonce");
    int headerLength = pos - start;
    int bodyLength = end - pos;
    // Step 9, its first check [HDR-5]: in mode 02 the last 64 bytes are the message signature.
    if (signer != null && signer.mode() == SignMode.PER_MESSAGE) {
      if (bodyLength < SIGNATURE_LENGTH) {
        throw new SealpostException(
            MALFORMED_HEADER, "sign mode 02 needs a 64-byte message signature after the header, found " + bodyLength + " bytes");
      }
      bodyLength -= SIGNATURE_LENGTH;
    }
    return new EnvelopeHeader(
        version, suite.get(), recipients, commitment, stored, signer, signedPrefixLength, headerSignature,
        nonce, headerLength, bodyLength);
  }

  private boolean signerIdBad;

  /** Step 7a up to the signer version; the caller reads the mode 01 signature. */
  private SignerRef signer(Suite suite) throws SealpostException {
    int modeByte = u8("sign mode");
    SignMode mode = SignMode.fromWire(modeByte);
    if (mode == null) {
      throw new SealpostException(MALFORMED_HEADER, "sign mode " + modeByte + " is neither 01 nor 02");
    }
    int idLength = u8("signer id length");
    if (idLength == 0) {
      throw new SealpostException(MALFORMED_HEADER, "signer id length is 0");
    }
    need(idLength, "signer id");
    int idOffset = pos;
    pos += idLength;
    int version = u32("signer version");
    String id = utf8(buf, idOffset, idLength);
    signerIdBad = id == null;
    return new SignerRef(id == null ? "" : id, version, mode);
  }

  private RecipientEntry recipient(int index, Suite suite, List<RecipientEntry> earlier) throws SealpostException {
    item = index; // labels below name "recipient <item>"; built only when a read fails
    int type = u8("recipient %d type");
    int keyIdLength = u8("recipient %d key id length");
    if (keyIdLength == 0) {
      throw new SealpostException(MALFORMED_HEADER, "recipient " + index + ": key id length is 0");
    }
    need(keyIdLength, "recipient %d key id");
    int keyIdOffset = pos;
    pos += keyIdLength;
    int version = u32("recipient %d key version");
    int wrappedLength = u16("recipient %d wrapped DEK length");
    if (wrappedLength == 0) {
      throw new SealpostException(MALFORMED_HEADER, "recipient " + index + ": wrapped DEK length is 0");
    }
    if (wrappedLength > Limits.MAX_WRAPPED_LENGTH) {
      throw new SealpostException(
          LIMIT_EXCEEDED,
          "recipient " + index + ": wrapped DEK length " + wrappedLength + " exceeds " + Limits.MAX_WRAPPED_LENGTH);
    }
    byte[] wrapped = bytes(wrappedLength, "recipient %d wrapped DEK");
    String keyId = utf8(buf, keyIdOffset, keyIdLength);
    if (keyId == null) {
      throw new SealpostException(MALFORMED_HEADER, "recipient " + index + ": key id is not well-formed UTF-8");
    }
    Optional<RecipientType> known = recipientType(type);
    if (known.isPresent() && known.get().wrappedLength() >= 0 && known.get().wrappedLength() != wrappedLength) {
      throw new SealpostException(
          MALFORMED_HEADER,
          "recipient " + index + ": " + known.get() + " needs a " + known.get().wrappedLength()
              + "-byte wrapped DEK, got " + wrappedLength);
    }
    // [SUITE-4]: the deterministic suite's DEK comes from a symmetric KEK; an X25519 or KMS
    // entry could only carry a DEK the writer did not derive.
    if (!suite.randomized() && (type == RecipientType.X25519_HPKE.id() || type == RecipientType.KMS.id())) {
      throw new SealpostException(
          MALFORMED_HEADER, "recipient " + index + ": type " + type + " is not allowed with the deterministic suite");
    }
    // [RCP-7]: a repeated key reference would only multiply the reader's unwrap work. At most 32
    // entries, compared as decoded strings (strict UTF-8 is one-to-one), without allocating.
    for (int j = 0; j < earlier.size(); j++) {
      RecipientEntry e = earlier.get(j);
      if (e.typeId() == type
          && (type == RecipientType.KMS.id() || e.keyVersion() == version)
          && e.keyId().equals(keyId)) {
        throw new SealpostException(
            MALFORMED_HEADER, "recipient " + index + ": repeats the key reference of recipient " + j);
      }
    }
    return new RecipientEntry(type, keyId, version, wrapped);
  }

  private EncryptionContext context() throws SealpostException {
    int count = u8("context entry count");
    if (count == 0) {
      return EncryptionContext.empty();
    }
    if (count > Limits.MAX_CONTEXT_ENTRIES) {
      throw new SealpostException(LIMIT_EXCEEDED, "context entry count " + count + " exceeds " + Limits.MAX_CONTEXT_ENTRIES);
    }
    Map<String, String> map = new LinkedHashMap<>();
    int previousOffset = -1;
    int previousLength = 0;
    for (int i = 0; i < count; i++) {
      item = i;
      int keyLength = u8("context entry %d key length");
      if (keyLength == 0) {
        throw new SealpostException(MALFORMED_HEADER, "context entry " + i + ": key length is 0");
      }
      need(keyLength, "context entry %d key");
      int keyOffset = pos;
      pos += keyLength;
      int valueLength = u16("context entry %d value length");
      if (valueLength > Limits.MAX_CONTEXT_VALUE_LENGTH) {
        throw new SealpostException(
            LIMIT_EXCEEDED,
            "context entry " + i + ": value length " + valueLength + " exceeds " + Limits.MAX_CONTEXT_VALUE_LENGTH);
      }
      need(valueLength, "context entry %d value");
      int valueOffset = pos;
      pos += valueLength;
      String k = utf8(buf, keyOffset, keyLength);
      String v = utf8(buf, valueOffset, valueLength);
      if (k == null || v == null) {
        throw new SealpostException(MALFORMED_HEADER, "context entry " + i + ": not well-formed UTF-8");
      }
      if (previousOffset >= 0
          && Arrays.compareUnsigned(
                  buf, previousOffset, previousOffset + previousLength, buf, keyOffset, keyOffset + keyLength)
              >= 0) {
        throw new SealpostException(MALFORMED_HEADER, "context entry " + i + ": keys not in strictly ascending order");
      }
      previousOffset = keyOffset;
      previousLength = keyLength;
      map.put(k, v);
    }
    return EncryptionContext.of(map);
  }

  /**
   * [LIM-2]: the header limit is checked before the end of input. {@code what} is a constant
   * label, with {@code %d} standing for the current recipient or context entry; it is formatted
   * only on failure, so a successful parse builds no strings for it.
   */
  private void need(int n, String what) throws SealpostException {
    if ((long) (pos - start) + n > Limits.MAX_HEADER_LENGTH) {
      throw new SealpostException(
          LIMIT_EXCEEDED, label(what) + " would end beyond the " + Limits.MAX_HEADER_LENGTH + "-byte header limit");
    }
    if ((long) pos + n > end) {
      throw new SealpostException(MALFORMED_HEADER, "envelope truncated in " + label(what));
    }
  }

  private String label(String what) {
    return what.contains("%d") ? String.format(what, item) : what;
  }

  /**
   * Strict UTF-8 [HDR-4]; ASCII, the common case for key ids and context, is decoded without
   * a CharsetDecoder (every ASCII string is well-formed UTF-8).
   */
  private static String utf8(byte[] b, int off, int len) {
    for (int i = off; i < off + len; i++) {
      if (b[i] < 0) {
        return Bytes.strictUtf8(b, off, len);
      }
    }
    return new String(b, off, len, StandardCharsets.US_ASCII);
  }

  private int u8(String what) throws SealpostException {
    need(1, what);
    return buf[pos++] & 0xFF;
  }

  private int u16(String what) throws SealpostException {
    need(2, what);
    int v = ((buf[pos] & 0xFF) << 8) | (buf[pos + 1] & 0xFF);
    pos += 2;
    return v;
  }

  private int u32(String what) throws SealpostException {
    need(4, what);
    int v = ((buf[pos] & 0xFF) << 24) | ((buf[pos + 1] & 0xFF) << 16) | ((buf[pos + 2] & 0xFF) << 8) | (buf[pos + 3] & 0xFF);
    pos += 4;
    return v;
  }

  private byte[] bytes(int n, String what) throws SealpostException {
    need(n, what);
    byte[] out = Arrays.copyOfRange(buf, pos, pos + n);
    pos += n;
    return out;
  }
}
