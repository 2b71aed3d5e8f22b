package dev.sealpost.kafka;

import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A SecureRandom that hands out exactly the byte strings a vector prescribes, in order, so the
 * codec's encryptor writes byte-exact envelopes. Past the script it fails, unless built with
 * {@link #orZeros()} for serializers that prepare encryptors a vector never uses.
 */
final class ScriptedRandom extends SecureRandom {
  private static final long serialVersionUID = 1L;
  private final Deque<byte[]> script = new ArrayDeque<>();
  private boolean zerosAfter;

  ScriptedRandom then(byte[] bytes) {
    script.addLast(bytes.clone());
    return this;
  }

  ScriptedRandom orZeros() {
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
        java.util.Arrays.fill(out, (byte) 0);
        return;
      }
      throw new IllegalStateException("drew " + out.length + " random bytes beyond the script");
    }
    if (next.length != out.length) {
      throw new IllegalStateException("drew " + out.length + " bytes where the script has " + next.length);
    }
    System.arraycopy(next, 0, out, 0, out.length);
  }

  boolean exhausted() {
    return script.isEmpty();
  }
}
