package dev.sealpost.conformance.runner;

/**
 * How binding a test is, after protobuf's conformance levels. A Required test checks a MUST of
 * SPEC.md that every implementation has to meet; a failing Required test fails the run. A
 * Recommended test checks optional surface (inspection details), scale (large plaintexts) and
 * extra generated limit cases; failures are reported but do not fail the run unless
 * {@code --strict} is given.
 */
public enum Level {
  REQUIRED("Required"),
  RECOMMENDED("Recommended");

  private final String label;

  Level(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
