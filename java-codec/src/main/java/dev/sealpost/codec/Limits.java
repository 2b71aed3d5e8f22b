package dev.sealpost.codec;

/** The limits of SPEC.md section 10. */
public final class Limits {
  /** Header size, magic through nonce [LIM-2]. */
  public static final int MAX_HEADER_LENGTH = 16384;
  /** Recipient entries per envelope [RCP-1], [LIM-1]. */
  public static final int MAX_RECIPIENTS = 32;
  /** Key id bytes (by encoding). */
  public static final int MAX_KEY_ID_LENGTH = 255;
  /** Wrapped DEK bytes [LIM-1]. */
  public static final int MAX_WRAPPED_LENGTH = 4096;
  /** Entries per context, stored or external [CTX-3]. */
  public static final int MAX_CONTEXT_ENTRIES = 32;
  /** Context key bytes (by encoding). */
  public static final int MAX_CONTEXT_KEY_LENGTH = 255;
  /** Context value bytes [LIM-1]. */
  public static final int MAX_CONTEXT_VALUE_LENGTH = 1024;
  /** The format's plaintext limit, 2^30 bytes; readers and writers may configure less [LIM-3]. */
  public static final int MAX_PLAINTEXT_LENGTH = 1 << 30;

  private Limits() {}

  /** A configured plaintext limit must lie in 0..2^30. */
  static int checkPlaintextLimit(int max) {
    if (max < 0 || max > MAX_PLAINTEXT_LENGTH) {
      throw new IllegalArgumentException("maxPlaintextLength must be in 0..2^30, got " + max);
    }
    return max;
  }
}
