package dev.sealpost.conformance.testees;

import com.google.protobuf.ByteString;
import dev.sealpost.conformance.ReferenceCodec;
import dev.sealpost.conformance.proto.ConformanceResponse;
import dev.sealpost.conformance.proto.Error;
import dev.sealpost.conformance.testee.JavaBindings;
import dev.sealpost.conformance.testee.TesteeLoop;
import java.io.IOException;

/**
 * Broken on purpose: the Java testee, but with argument {@code flip} the last bit of every
 * binding answer's value, data or stored value is flipped, and with {@code reason} every binding
 * error names another reason and the other record part.
 */
public final class BrokenBindingsTestee {
  private BrokenBindingsTestee() {}

  private static ByteString flip(ByteString b) {
    if (b.isEmpty()) {
      return b;
    }
    byte[] x = b.toByteArray();
    x[x.length - 1] ^= 1;
    return ByteString.copyFrom(x);
  }

  public static void main(String[] args) throws IOException {
    String mode = args[0];
    TesteeLoop.run(request -> {
      ConformanceResponse r = JavaBindings.handle(request).orElseGet(() -> ReferenceCodec.handle(request));
      if (mode.equals("flip")) {
        if (r.hasKafkaRecord() && r.getKafkaRecord().hasValue()) {
          return r.toBuilder().setKafkaRecord(r.getKafkaRecord().toBuilder().setValue(flip(r.getKafkaRecord().getValue()))).build();
        }
        if (r.hasNatsMessage()) {
          return r.toBuilder().setNatsMessage(r.getNatsMessage().toBuilder().setData(flip(r.getNatsMessage().getData()))).build();
        }
        if (r.hasNatsKvEntry()) {
          return r.toBuilder().setNatsKvEntry(r.getNatsKvEntry().toBuilder().setStoredValue(flip(r.getNatsKvEntry().getStoredValue()))).build();
        }
      }
      if (mode.equals("reason") && r.hasError()) {
        Error e = r.getError();
        return r.toBuilder().setError(e.toBuilder()
            .setReason(e.getReason().equals("decryption-failed") ? "plaintext-rejected" : "decryption-failed")
            .setPart(e.getPart().equals("key") ? "value" : "key")).build();
      }
      return r;
    });
  }
}
