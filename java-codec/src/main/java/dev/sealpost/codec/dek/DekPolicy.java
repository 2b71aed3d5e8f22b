package dev.sealpost.codec.dek;

import java.time.Duration;
import java.util.Objects;

/**
 * When a writer rotates its DEK (SPEC.md 5.5): after {@code maxMessages} envelopes [DEK-3] or
 * {@code maxAge} [DEK-4], whichever comes first. Immutable.
 */
public final class DekPolicy {
  /** The format's hard limit per DEK, 2^32 [DEK-3]. */
  public static final long HARD_MAX_MESSAGES = 1L << 32;
  /** Default count limit, 2^24 [DEK-3]. */
  public static final long DEFAULT_MAX_MESSAGES = 1L << 24;
  /** Default age limit, 1 hour [DEK-4]. */
  public static final Duration DEFAULT_MAX_AGE = Duration.ofHours(1);

  private static final DekPolicy DEFAULT = new DekPolicy(DEFAULT_MAX_MESSAGES, DEFAULT_MAX_AGE);

  private final long maxMessages;
  private final Duration maxAge;

  private DekPolicy(long maxMessages, Duration maxAge) {
    this.maxMessages = maxMessages;
    this.maxAge = maxAge;
  }

  public static DekPolicy defaults() {
    return DEFAULT;
  }

  /**
   * @param maxMessages 1..2^32
   * @param maxAge positive
   */
  public static DekPolicy of(long maxMessages, Duration maxAge) {
    Objects.requireNonNull(maxAge, "maxAge");
    if (maxMessages < 1 || maxMessages > HARD_MAX_MESSAGES) {
      throw new IllegalArgumentException("maxMessages must be in 1..2^32, got " + maxMessages);
    }
    if (maxAge.isNegative() || maxAge.isZero()) {
      throw new IllegalArgumentException("maxAge must be positive, got " + maxAge);
    }
    return new DekPolicy(maxMessages, maxAge);
  }

  public long maxMessages() {
    return maxMessages;
  }

  public Duration maxAge() {
    return maxAge;
  }

  @Override
  public String toString() {
    return "DekPolicy[maxMessages=" + maxMessages + ", maxAge=" + maxAge + "]";
  }
}
