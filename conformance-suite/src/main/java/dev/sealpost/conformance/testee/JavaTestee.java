package dev.sealpost.conformance.testee;

import dev.sealpost.conformance.ReferenceCodec;
import java.io.IOException;

/**
 * The testee for the Java reference codec ({@code sealpost-codec}): every envelope request is
 * answered by {@link ReferenceCodec}, the same code the runner uses as its in-process reference;
 * the broker binding requests (issue 12) by the Kafka and NATS adapters ({@link JavaBindings}).
 *
 * <pre>java -cp sealpost-conformance.jar dev.sealpost.conformance.testee.JavaTestee</pre>
 */
public final class JavaTestee {
  private JavaTestee() {}

  public static void main(String[] args) throws IOException {
    TesteeLoop.run(request -> JavaBindings.handle(request).orElseGet(() -> ReferenceCodec.handle(request)));
  }
}
