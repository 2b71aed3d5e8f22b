package dev.sealpost.conformance.testees;

import dev.sealpost.conformance.ReferenceCodec;
import dev.sealpost.conformance.proto.ConformanceResponse;
import dev.sealpost.conformance.proto.SignerInfo;
import dev.sealpost.conformance.proto.StreamResult;
import dev.sealpost.conformance.testee.TesteeLoop;
import java.io.IOException;

/**
 * Broken on purpose, in one of three ways (the first argument): {@code eof} reports the end of
 * the stream where the reader failed, as a reader that mistakes truncation for the end would
 * [SEG-4], [SEG-6]; {@code early} claims to have released every byte before asking for the first
 * chunk, as a reader releasing unauthenticated segments would [SEG-3]; {@code signer} names a
 * verified signer though no trusted writer was required [SIG-8].
 */
public final class StreamShortcutTestee {
  private StreamShortcutTestee() {}

  public static void main(String[] args) throws IOException {
    String how = args[0];
    TesteeLoop.run(request -> {
      ConformanceResponse r = ReferenceCodec.handle(request);
      switch (how) {
        case "eof":
          return r.hasStream() ? r.toBuilder().setStream(r.getStream().toBuilder().clearError()).build() : r;
        case "early": {
          if (!r.hasStream()) {
            return r;
          }
          StreamResult.Builder s = r.getStream().toBuilder();
          for (int i = 0; i < s.getReleasedBeforeChunkCount(); i++) {
            s.setReleasedBeforeChunk(i, s.getReleasedLength());
          }
          return r.toBuilder().setStream(s).build();
        }
        default:
          return r.hasPlaintext() && !r.hasVerifiedSigner()
              ? r.toBuilder().setVerifiedSigner(SignerInfo.newBuilder().setSignerId("payments-writer").setVersion(1)).build()
              : r;
      }
    });
  }
}
