package dev.sealpost.vectors;

import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * A SecureRandom that hands out exactly the byte strings a vector prescribes, in order, and fails
 * loudly if the codec asks for anything else, so that an encryptor writes byte-exact envelopes.
 * Past the script it fails, unless built with {@link #orZeros()} (for serializers that prepare
 * encryptors a vector never uses).
 *
 * <p>Test code only, shared through this module's test jar with the Kafka and NATS adapters'
 * tests. It is not in the codec's main code on purpose: a scripted SecureRandom has no
 * legitimate use in a deployment, and a public class there would invite one.
 */
public final class ScriptedRandom extends SecureRandom {
  private static final long serialVersionUID = 1L;
  private final Deque<byte[]> script = new ArrayDeque<>();
  private boolean zerosAfter;

  /** Appends a copy of {@code bytes}: the next draw must ask for exactly that many. */
  public ScriptedRandom then(byte[] bytes) {
    script.addLast(bytes.clone());
    return this;
  }

  /** Past the script, hand out zeros instead of failing. */
  public ScriptedRandom orZeros() {
    zerosAfter = true;
    return this;
  }

  @Override
  public synchronized void nextBytes(byte[] out) {
    if (out.length == 0) {
      return;
    }
    byte[] next = script.pollFirst();
    if (next == null) {
      if (zerosAfter) {
        Arrays.fill(out, (byte) 0);
        return;
      }
      throw new IllegalStateException("the codec drew " + out.length + " random bytes beyond the script");
    }
    if (next.length != out.length) {
      throw new IllegalStateException("the codec drew " + out.length + " bytes where the script has " + next.length);
    }
    System.arraycopy(next, 0, out, 0, out.length);
  }

  /** True once every scripted string has been drawn. */
  public synchronized boolean exhausted() {
    return script.isEmpty();
  }
}
