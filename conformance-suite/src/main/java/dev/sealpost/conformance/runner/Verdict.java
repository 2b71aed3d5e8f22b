package dev.sealpost.conformance.runner;

/**
 * The outcome of one test. A failure has a deterministic one-line {@code headline} (it is what
 * known-failure lists record and compare) and a free-form {@code detail} (hex diffs, messages).
 */
public final class Verdict {
  private static final Verdict PASS = new Verdict(true, false, "", "");

  private final boolean passed;
  private final boolean skipped;
  private final String headline;
  private final String detail;

  private Verdict(boolean passed, boolean skipped, String headline, String detail) {
    this.passed = passed;
    this.skipped = skipped;
    this.headline = headline;
    this.detail = detail;
  }

  public static Verdict pass() {
    return PASS;
  }

  public static Verdict fail(String headline, String detail) {
    return new Verdict(false, false, headline, detail == null ? "" : detail);
  }

  /** The testee declined the request; counted as a failure, shown as skipped. */
  public static Verdict skipped(String reason) {
    return new Verdict(false, true, "testee skipped the request", reason);
  }

  public boolean passed() {
    return passed;
  }

  public boolean skipped() {
    return skipped;
  }

  public String headline() {
    return headline;
  }

  public String detail() {
    return detail;
  }
}
