package dev.sealpost.conformance.testees;

import com.google.protobuf.ByteString;
import dev.sealpost.conformance.ReferenceCodec;
import dev.sealpost.conformance.proto.ConformanceResponse;
import dev.sealpost.conformance.testee.TesteeLoop;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Broken on purpose: the Java testee, but when the payload fails authentication it releases a
 * plaintext anyway, as a reader that skipped the tag check would [AUTH-2], [AUTH-3].
 */
public final class AcceptsTamperedTestee {
  private AcceptsTamperedTestee() {}

  public static void main(String[] args) throws IOException {
    TesteeLoop.run(request -> {
      ConformanceResponse r = ReferenceCodec.handle(request);
      if (r.hasError() && r.getError().getCategory().equals("authentication-failed")) {
        return ConformanceResponse.newBuilder()
            .setPlaintext(ByteString.copyFrom("unauthenticated", StandardCharsets.UTF_8))
            .build();
      }
      return r;
    });
  }
}
