package dev.sealpost.conformance.testees;

import dev.sealpost.conformance.ReferenceCodec;
import dev.sealpost.conformance.testee.TesteeLoop;
import java.io.IOException;

/**
 * Broken on purpose: the Java testee, but it never answers the requests of tests whose name
 * contains the first argument, as a testee stuck in a loop would.
 */
public final class HangingTestee {
  private HangingTestee() {}

  public static void main(String[] args) throws IOException {
    String trigger = args[0];
    TesteeLoop.run(request -> {
      if (request.getTestName().contains(trigger)) {
        System.err.println("hanging on " + request.getTestName());
        while (true) {
          try {
            Thread.sleep(60_000);
          } catch (InterruptedException e) {
            // keep hanging
          }
        }
      }
      return ReferenceCodec.handle(request);
    });
  }
}
