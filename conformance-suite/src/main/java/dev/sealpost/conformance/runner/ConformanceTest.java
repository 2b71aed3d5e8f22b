package dev.sealpost.conformance.runner;

import dev.sealpost.conformance.proto.ConformanceRequest;
import dev.sealpost.conformance.proto.ConformanceResponse;

/**
 * One conformance test: a name such as {@code Required.Vector.Decrypt.tc7}, its level and group,
 * and a body that talks to the testee (one or more requests) and judges the answers.
 */
public final class ConformanceTest {
  /** The testee as a test body sees it. */
  public interface Testee {
    ConformanceResponse call(ConformanceRequest request) throws TesteeFailure;
  }

  /** What a test does. A {@link TesteeFailure} fails the test with the failure's message. */
  public interface Body {
    Verdict run(Testee testee) throws TesteeFailure;
  }

  private final String name;
  private final Level level;
  private final String group;
  private final Body body;

  /**
   * @param group the summary row, e.g. {@code Vector.Decrypt}; the name is
   *     {@code <Level>.<group>.<id>}
   */
  public ConformanceTest(Level level, String group, String id, Body body) {
    this.level = level;
    this.group = group;
    this.name = level.label() + "." + group + "." + id;
    this.body = body;
  }

  public String name() {
    return name;
  }

  public Level level() {
    return level;
  }

  public String group() {
    return group;
  }

  public Body body() {
    return body;
  }
}
