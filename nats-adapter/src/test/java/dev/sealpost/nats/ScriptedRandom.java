package dev.sealpost.nats;

import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A SecureRandom that hands out exactly the byte strings a vector prescribes, in order, and fails
 * loudly if the codec asks for anything else: the mechanism of java-codec's VectorTest (whose
 * class is package-private there), so the adapter can be checked byte for byte.
 */
final class ScriptedRandom extends SecureRandom {
  private static final long serialVersionUID = 1L;
  private final Deque<byte[]> script = new ArrayDeque<>();

  ScriptedRandom then(byte[] bytes) {
    script.addLast(bytes);
    return this;
  }

  @Override
  public synchronized void nextBytes(byte[] out) {
    if (out.length == 0) {
      return;
    }
    byte[] next = script.pollFirst();
    if (next == null) {
      throw new IllegalStateException("the codec drew " + out.length + " random bytes beyond the script");
    }
    if (next.length != out.length) {
      throw new IllegalStateException("the codec drew " + out.length + " bytes where the script has " + next.length);
    }
    System.arraycopy(next, 0, out, 0, out.length);
  }

  boolean exhausted() {
    return script.isEmpty();
  }
}
