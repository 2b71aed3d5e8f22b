package dev.sealpost.conformance.testees;

import dev.sealpost.conformance.ReferenceCodec;
import dev.sealpost.conformance.testee.TesteeLoop;
import java.io.IOException;

/**
 * Broken on purpose: the Java testee, but it exits with status 3 on the requests of tests whose
 * name contains the first argument, after a line on stderr.
 */
public final class CrashingTestee {
  private CrashingTestee() {}

  public static void main(String[] args) throws IOException {
    String trigger = args[0];
    TesteeLoop.run(request -> {
      if (request.getTestName().contains(trigger)) {
        System.err.println("simulated crash in " + request.getTestName());
        System.exit(3);
      }
      return ReferenceCodec.handle(request);
    });
  }
}
