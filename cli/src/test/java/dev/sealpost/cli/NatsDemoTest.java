package dev.sealpost.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The NATS demo end to end, small, against a nats-server it starts itself (a missing binary
 * fails with install advice, as in the adapter's tests).
 */
class NatsDemoTest {
  @Test
  void natsDemoRunsAndFindsNoPlaintextInTheStore() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int code = new NatsDemo(300, null, null, 30).run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, out);
    assertTrue(out.contains("Pulled and decrypted 300 / 300 messages"), out);
    assertTrue(out.contains("plaintext strings: none found"), out);
    assertTrue(out.contains("x-card-holder=") && out.contains("x-tenant=acme"), out);
    assertTrue(out.contains("Stopping nats-server."), out);
  }

  @Test
  void demoCommandDispatchesToNats() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(new String[] {"demo", "--broker", "nats", "--records", "200"},
        new java.io.ByteArrayInputStream(new byte[0]),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    String text = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, text + err.toString(StandardCharsets.UTF_8));
    assertTrue(text.contains("Pulled and decrypted 200 / 200 messages"), text);
  }

  @Test
  void demoCommandRefusesUnknownBrokerAndMixedOptions() {
    for (String[] args : new String[][] {
        {"demo", "--broker", "rabbit"},
        {"demo", "--broker", "nats", "--bootstrap-servers", "localhost:9092"},
        {"demo", "--nats-url", "nats://localhost:4222"}}) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int code = Main.run(args, new java.io.ByteArrayInputStream(new byte[0]),
          new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
          new PrintStream(err, true, StandardCharsets.UTF_8));
      assertEquals(2, code, String.join(" ", args) + ": " + err.toString(StandardCharsets.UTF_8));
    }
  }

  @Test
  void badRecordCount() {
    CliException e = assertThrows(CliException.class,
        () -> new NatsDemo(0, null, null, 30).run(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
    assertTrue(e.getMessage().contains("--records"), e.getMessage());
  }
}
