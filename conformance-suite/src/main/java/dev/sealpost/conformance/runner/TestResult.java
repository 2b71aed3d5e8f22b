package dev.sealpost.conformance.runner;

/** One test's verdict after the known-failure list is applied. */
public final class TestResult {
  /** How a result counts. */
  public enum Status {
    PASSED,
    FAILED,
    SKIPPED,
    /** Failed as its known-failure entry says. */
    KNOWN_FAILURE,
    /** Listed as a known failure but passed: remove it from the list. */
    UNEXPECTED_PASS,
    /** Listed as a known failure but fails with another headline: update the entry. */
    FAILURE_CHANGED;
  }

  private final ConformanceTest test;
  private final Verdict verdict;
  private final Status status;
  private final long nanos;

  TestResult(ConformanceTest test, Verdict verdict, Status status, long nanos) {
    this.test = test;
    this.verdict = verdict;
    this.status = status;
    this.nanos = nanos;
  }

  public ConformanceTest test() {
    return test;
  }

  public Verdict verdict() {
    return verdict;
  }

  public Status status() {
    return status;
  }

  public long nanos() {
    return nanos;
  }

  /** Whether this result makes the run fail. */
  public boolean fatal(boolean strict) {
    switch (status) {
      case UNEXPECTED_PASS:
      case FAILURE_CHANGED:
        return true;
      case FAILED:
      case SKIPPED:
        return strict || test.level() == Level.REQUIRED;
      default:
        return false;
    }
  }
}
