package dev.sealpost.codec.format;

import dev.sealpost.codec.EncryptionContext;
import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.Limits;
import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.SignMode;
import dev.sealpost.codec.SignerRef;
import dev.sealpost.codec.Suite;
import dev.sealpost.codec.internal.Bytes;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes the part of the header that is fixed for one DEK: everything from the magic through
 * the stored context [HDR-1]. The writer appends the per-message nonce. Refuses anything
 * beyond SPEC.md section 10 with {@code limit-exceeded} [LIM-4].
 *
 * <pre>
 * prefix = F7 53 50 | 01 | suite-id(u16) | count(u8) | recipient{count} | commitment(32) | context
 * </pre>
 *
 * Signed suites continue with the signer field ({@link #signedPrefix}).
 */
public final class HeaderWriter {
  private HeaderWriter() {}

  /** [RCP-1], [ENC-2]: none is what a reader calls malformed, more than 32 a limit. */
  public static void checkRecipientCount(int n) throws SealpostException {
    if (n == 0) {
      throw new SealpostException(ErrorCategory.MALFORMED_HEADER, "an envelope needs at least one recipient");
    }
    if (n > Limits.MAX_RECIPIENTS) {
      throw new SealpostException(
          ErrorCategory.LIMIT_EXCEEDED, n + " recipients exceed the limit of " + Limits.MAX_RECIPIENTS);
    }
  }

  /** The prefix of an unsigned suite: magic through the stored context. */
  public static byte[] prefix(
      Suite suite, List<RecipientEntry> recipients, byte[] commitment, EncryptionContext storedContext)
      throws SealpostException {
    if (suite.signed()) {
      throw new IllegalArgumentException(suite + " needs a signer field");
    }
    return prefix(suite, recipients, commitment, storedContext, null);
  }

  /**
   * {@code P} of a signed suite (SPEC.md 16): the prefix followed by the signer field without
   * its mode 01 signature, which the caller signs and appends.
   *
   * <pre>
   * P = prefix | sign-mode(u8: 01, 02) | signer-id-len(u8, 1..255) | signer-id | signer-version(u32)
   * </pre>
   */
  public static byte[] signedPrefix(
      Suite suite, List<RecipientEntry> recipients, byte[] commitment, EncryptionContext storedContext,
      SignerRef signer)
      throws SealpostException {
    if (!suite.signed()) {
      throw new IllegalArgumentException(suite + " has no signer field");
    }
    return prefix(suite, recipients, commitment, storedContext, java.util.Objects.requireNonNull(signer, "signer"));
  }

  /**
   * [ENC-2] for the signer id, in the order of [ENC-3]: empty or not well-formed is what a reader
   * calls malformed, longer than 255 bytes a limit.
   */
  public static byte[] checkSignerId(String signerId) throws SealpostException {
    if (signerId.isEmpty()) {
      throw new SealpostException(ErrorCategory.MALFORMED_HEADER, "signer id is empty");
    }
    if (!Bytes.isWellFormed(signerId)) {
      throw new SealpostException(ErrorCategory.MALFORMED_HEADER, "signer id is not valid Unicode (unpaired surrogate)");
    }
    byte[] id = signerId.getBytes(StandardCharsets.UTF_8); // exact: the string is well-formed
    if (id.length > Limits.MAX_KEY_ID_LENGTH) {
      throw new SealpostException(
          ErrorCategory.LIMIT_EXCEEDED, "signer id of " + id.length + " UTF-8 bytes exceeds 255");
    }
    return id;
  }

  private static byte[] prefix(
      Suite suite, List<RecipientEntry> recipients, byte[] commitment, EncryptionContext storedContext,
      SignerRef signer)
      throws SealpostException {
    checkRecipientCount(recipients.size());
    if (commitment.length != HeaderParser.COMMITMENT_LENGTH) {
      throw new IllegalArgumentException("commitment must be 32 bytes");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    out.writeBytes(HeaderParser.MAGIC);
    out.write(HeaderParser.VERSION);
    out.write(suite.id() >>> 8);
    out.write(suite.id());
    out.write(recipients.size());
    for (RecipientEntry r : recipients) {
      byte[] keyId = r.keyId().getBytes(StandardCharsets.UTF_8);
      if (keyId.length < 1 || keyId.length > Limits.MAX_KEY_ID_LENGTH) {
        throw new SealpostException(ErrorCategory.LIMIT_EXCEEDED, "key id must be 1..255 UTF-8 bytes");
      }
      byte[] wrapped = r.wrappedDekView();
      if (wrapped.length < 1 || wrapped.length > Limits.MAX_WRAPPED_LENGTH) {
        throw new SealpostException(ErrorCategory.LIMIT_EXCEEDED, "wrapped DEK must be 1..4096 bytes, got " + wrapped.length);
      }
      out.write(r.typeId());
      out.write(keyId.length);
      out.writeBytes(keyId);
      int v = r.keyVersion();
      out.write(v >>> 24);
      out.write(v >>> 16);
      out.write(v >>> 8);
      out.write(v);
      out.write(wrapped.length >>> 8);
      out.write(wrapped.length);
      out.writeBytes(wrapped);
    }
    out.writeBytes(commitment);
    out.writeBytes(storedContext.encode());
    int signatureInHeader = 0;
    if (signer != null) {
      if (signer.mode() == SignMode.PER_MESSAGE && suite.segmented()) {
        throw new SealpostException(
            ErrorCategory.MALFORMED_HEADER, "sign mode 02 (per message) is not allowed with a segmented suite [SIG-3]");
      }
      byte[] id = checkSignerId(signer.signerId());
      out.write(signer.mode().wireValue());
      out.write(id.length);
      out.writeBytes(id);
      out.writeBytes(Bytes.u32(signer.version()));
      signatureInHeader = signer.mode() == SignMode.PER_DEK ? HeaderParser.SIGNATURE_LENGTH : 0;
    }
    int headerLength = out.size() + signatureInHeader + suite.nonceLength();
    if (headerLength > Limits.MAX_HEADER_LENGTH) {
      throw new SealpostException(
          ErrorCategory.LIMIT_EXCEEDED, "header would be " + headerLength + " bytes, limit " + Limits.MAX_HEADER_LENGTH);
    }
    return out.toByteArray();
  }
}
