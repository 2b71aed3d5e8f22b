package dev.sealpost.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The demo end to end with an embedded broker, small. */
class DemoTest {
  @Test
  void demoRunsAndFindsNoPlaintextOnDisk() {
    CliTest.Result r = CliTest.run("demo", "--records", "300", "--topic", "payments-test");
    String out = r.outText();
    assertEquals(0, r.code(), r.err() + out);
    assertTrue(out.contains("none found"), out);
    assertTrue(out.contains("records produced / consumed   300 / 300"), out);
    assertTrue(out.contains("Stopping the embedded broker."), out);
    // Steady-state rates: after an untimed warm-up, stated in the summary, each rate positive.
    assertTrue(positive(out, "produce \\(encrypt \\+ send\\) +([0-9,]+) records/s, ([0-9.]+) MB/s plain \\(one producer, steady state\\)"), out);
    assertTrue(positive(out, "consume \\(fetch \\+ decrypt\\) +([0-9,]+) records/s, ([0-9.]+) MB/s plain \\(one consumer, steady state\\)"), out);
    java.util.regex.Matcher m = java.util.regex.Pattern
        .compile("the first ([0-9,]+) records of each phase are an untimed warm-up, the rates are over the next ([0-9,]+) produced and ([0-9,]+) consumed")
        .matcher(out);
    assertTrue(m.find(), out);
    int warmup = Integer.parseInt(m.group(1).replace(",", ""));
    assertTrue(warmup > 0, out);
    assertEquals(300, warmup + Integer.parseInt(m.group(2).replace(",", "")), out);
    assertTrue(Integer.parseInt(m.group(3).replace(",", "")) > 0, out);
  }

  /** Both numbers the pattern captures are above zero. */
  private static boolean positive(String out, String regex) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile(regex).matcher(out);
    return m.find()
        && Double.parseDouble(m.group(1).replace(",", "")) > 0
        && Double.parseDouble(m.group(2)) > 0;
  }

  @Test
  void badDemoArguments() {
    CliTest.assertOneLineError(CliTest.run("demo", "--records", "0"), 2, "--records");
    CliTest.assertOneLineError(CliTest.run("demo", "--records", "many"), 2, "many");
  }

  @Test
  void demoAgainstAnUnreachableClusterFailsInOneLine() {
    CliTest.Result r = CliTest.run("demo", "--bootstrap-servers", "127.0.0.1:1", "--timeout-seconds", "2");
    CliTest.assertOneLineError(r, 1, "127.0.0.1:1");
  }
}
