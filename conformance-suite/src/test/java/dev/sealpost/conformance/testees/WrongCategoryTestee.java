package dev.sealpost.conformance.testees;

import dev.sealpost.conformance.ReferenceCodec;
import dev.sealpost.conformance.proto.ConformanceResponse;
import dev.sealpost.conformance.proto.Error;
import dev.sealpost.conformance.testee.TesteeLoop;
import java.io.IOException;

/**
 * Broken on purpose: the Java testee, but it reports every header failure as
 * authentication-failed, hiding parse errors behind an authentication error [ERR-1], [ERR-2].
 */
public final class WrongCategoryTestee {
  private WrongCategoryTestee() {}

  public static void main(String[] args) throws IOException {
    TesteeLoop.run(request -> {
      ConformanceResponse r = ReferenceCodec.handle(request);
      if (r.hasError() && r.getError().getCategory().equals("malformed-header")) {
        return r.toBuilder().setError(Error.newBuilder().setCategory("authentication-failed").setMessage("bad")).build();
      }
      return r;
    });
  }
}
