package dev.sealpost.codec;

/**
 * The closed set of failure categories of SPEC.md section 9. Every {@link SealpostException}
 * carries exactly one; test vectors name them by {@link #id()}.
 */
public enum ErrorCategory {
  /** No magic: the input is not an envelope [DET-2]. */
  NOT_AN_ENVELOPE("not-an-envelope"),
  /** Magic present, version not implemented [DET-4]. */
  UNSUPPORTED_VERSION("unsupported-version"),
  /** Suite id reserved, unassigned, private or not implemented [SUITE-2]. */
  UNSUPPORTED_SUITE("unsupported-suite"),
  /** The header cannot be parsed [HDR-2]..[HDR-4], [RCP-3], [CTX-2]. */
  MALFORMED_HEADER("malformed-header"),
  /** A count, length or size beyond SPEC.md section 10. */
  LIMIT_EXCEEDED("limit-exceeded"),
  /** The reader holds a key for none of the recipients [RCP-4]. */
  NO_MATCHING_KEY("no-matching-key"),
  /** A matching key was held but unwrapping failed [SYM-2], [HPKE-3], [KMS-2]. */
  UNWRAP_FAILED("unwrap-failed"),
  /** The unwrapped DEK does not match the header's commitment [COM-2]. */
  COMMITMENT_MISMATCH("commitment-mismatch"),
  /** The body, header or external context was altered, or the body is too short [AUTH-2]. */
  AUTHENTICATION_FAILED("authentication-failed"),
  /** The stored context lacks a required entry or holds another value [CTX-4]. */
  CONTEXT_MISMATCH("context-mismatch"),
  /**
   * The reader requires a trusted writer for this source and the envelope is unsigned, or signed
   * by a key it does not trust for this source [SIG-5].
   */
  UNTRUSTED_WRITER("untrusted-writer"),
  /** The envelope's writer signature does not verify under the trusted key [SIG-6]. */
  SIGNATURE_INVALID("signature-invalid"),
  /**
   * The authenticated payload of a compressed suite cannot be unpacked: too short, an unknown
   * method, or data that does not give exactly the declared length [CMP-4].
   */
  MALFORMED_PAYLOAD("malformed-payload"),
  /** A keyring, PEM or raw key cannot be used. Never produced by an envelope. */
  INVALID_KEY_MATERIAL("invalid-key-material"),
  /** A KMS or other key service failed or refused; may be transient. */
  KEY_SERVICE_FAILURE("key-service-failure");

  private final String id;

  ErrorCategory(String id) {
    this.id = id;
  }

  /** The category's identifier as SPEC.md and the vectors spell it, e.g. {@code malformed-header}. */
  public String id() {
    return id;
  }

  /** The category with this identifier. */
  public static ErrorCategory fromId(String id) {
    for (ErrorCategory c : values()) {
      if (c.id.equals(id)) {
        return c;
      }
    }
    throw new IllegalArgumentException("unknown error category: " + id);
  }
}
