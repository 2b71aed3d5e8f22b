package dev.sealpost.codec;

import java.security.GeneralSecurityException;
import java.util.Objects;

/**
 * The one exception of the codec: every failure carries an {@link ErrorCategory} [ERR-1].
 * Messages never contain key material or plaintext.
 */
public final class SealpostException extends GeneralSecurityException {
  private static final long serialVersionUID = 1L;

  private final ErrorCategory category;

  public SealpostException(ErrorCategory category, String message) {
    super(category.id() + ": " + message);
    this.category = Objects.requireNonNull(category);
  }

  public SealpostException(ErrorCategory category, String message, Throwable cause) {
    super(category.id() + ": " + message, cause);
    this.category = Objects.requireNonNull(category);
  }

  public ErrorCategory category() {
    return category;
  }
}
