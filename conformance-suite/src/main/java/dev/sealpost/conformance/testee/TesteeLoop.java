package dev.sealpost.conformance.testee;

import dev.sealpost.conformance.protocol.Framing;
import dev.sealpost.conformance.protocol.ProtoJson;
import dev.sealpost.conformance.proto.ConformanceRequest;
import dev.sealpost.conformance.proto.ConformanceResponse;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.function.Function;

/**
 * The testee side of the protocol for a Java implementation: read a framed request, answer it,
 * repeat until standard input ends. Standard output is reserved for frames, so {@code System.out}
 * is redirected to standard error while the loop runs.
 */
public final class TesteeLoop {
  private TesteeLoop() {}

  public static void run(Function<ConformanceRequest, ConformanceResponse> handler) throws IOException {
    OutputStream out = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);
    System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true));
    run(new BufferedInputStream(new java.io.FileInputStream(FileDescriptor.in), 1 << 16), out, handler);
  }

  public static void run(InputStream in, OutputStream out, Function<ConformanceRequest, ConformanceResponse> handler)
      throws IOException {
    while (true) {
      byte[] frame = Framing.read(in);
      if (frame == null) {
        return;
      }
      ConformanceResponse response;
      try {
        response = handler.apply(ProtoJson.request(frame));
      } catch (IOException | RuntimeException e) {
        response = ConformanceResponse.newBuilder().setRuntimeError("cannot process the request: " + e).build();
      }
      Framing.write(out, ProtoJson.encode(response));
    }
  }
}
