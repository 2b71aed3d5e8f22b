package dev.sealpost.conformance.runner;

/** The testee did not answer a request: it timed out, crashed or broke the protocol. */
public final class TesteeFailure extends Exception {
  private static final long serialVersionUID = 1L;

  private final String detail;

  /**
   * @param headline a deterministic one-line reason, e.g. "testee timed out after 5000 ms"
   * @param detail what else is known, e.g. the tail of the testee's standard error
   */
  public TesteeFailure(String headline, String detail) {
    super(headline);
    this.detail = detail;
  }

  public String detail() {
    return detail;
  }
}
