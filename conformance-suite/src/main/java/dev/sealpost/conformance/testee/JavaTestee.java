package dev.sealpost.conformance.testee;

import dev.sealpost.conformance.ReferenceCodec;
import java.io.IOException;

/**
 * The testee for the Java reference codec ({@code sealpost-codec}): every request is answered by
 * {@link ReferenceCodec}, the same code the runner uses as its in-process reference.
 *
 * <pre>java -cp sealpost-conformance.jar dev.sealpost.conformance.testee.JavaTestee</pre>
 */
public final class JavaTestee {
  private JavaTestee() {}

  public static void main(String[] args) throws IOException {
    TesteeLoop.run(ReferenceCodec::handle);
  }
}
