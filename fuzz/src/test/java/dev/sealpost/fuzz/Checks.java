package dev.sealpost.fuzz;

import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.SealpostException;
import java.util.EnumSet;
import java.util.Set;

/** Category sanity for everything a fuzz target may see [ERR-1]. */
final class Checks {
  /** SPEC.md section 9: the categories an envelope can produce; the last two come only from keys. */
  static final Set<ErrorCategory> ENVELOPE_CATEGORIES =
      EnumSet.complementOf(EnumSet.of(ErrorCategory.INVALID_KEY_MATERIAL, ErrorCategory.KEY_SERVICE_FAILURE));

  private Checks() {}

  /** The exception names exactly one category, and says which in its message [ERR-1]. */
  static void wellFormed(SealpostException e) {
    if (e.category() == null) {
      throw new AssertionError("SealpostException without a category", e);
    }
    if (e.getMessage() == null || !e.getMessage().startsWith(e.category().id() + ": ")) {
      throw new AssertionError("message does not start with the category id: " + e.getMessage(), e);
    }
  }

  /** A failure to read or decrypt an envelope: one of the envelope categories. */
  static void envelopeFailure(SealpostException e) {
    wellFormed(e);
    if (!ENVELOPE_CATEGORIES.contains(e.category())) {
      throw new AssertionError("an envelope produced a key-material category " + e.category().id(), e);
    }
  }

  static void expectCategory(ErrorCategory expected, SealpostException e, String what) {
    wellFormed(e);
    if (e.category() != expected) {
      throw new AssertionError(what + ": expected " + expected.id() + " but got " + e.getMessage(), e);
    }
  }
}
