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
