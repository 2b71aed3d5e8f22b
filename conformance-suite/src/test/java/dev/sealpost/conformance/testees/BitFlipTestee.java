package dev.sealpost.conformance.testees;

import com.google.protobuf.ByteString;
import dev.sealpost.conformance.ReferenceCodec;
import dev.sealpost.conformance.proto.ConformanceResponse;
import dev.sealpost.conformance.testee.TesteeLoop;
import java.io.IOException;

/** Broken on purpose: the Java testee, but every envelope it writes has one bit flipped in its body. */
public final class BitFlipTestee {
  private BitFlipTestee() {}

  public static void main(String[] args) throws IOException {
    TesteeLoop.run(request -> {
      ConformanceResponse r = ReferenceCodec.handle(request);
      if (!r.hasEnvelope()) {
        return r;
      }
      byte[] e = r.getEnvelope().toByteArray();
      e[e.length - 1] ^= 0x04;
      return r.toBuilder().setEnvelope(ByteString.copyFrom(e)).build();
    });
  }
}
