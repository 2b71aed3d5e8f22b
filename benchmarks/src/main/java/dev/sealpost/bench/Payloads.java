package dev.sealpost.bench;

import java.util.SplittableRandom;

/** Benchmark inputs: incompressible bytes of a given size, the same for every implementation. */
final class Payloads {
  private Payloads() {}

  static byte[] random(int size) {
    byte[] b = new byte[size];
    new SplittableRandom(size).nextBytes(b);
    return b;
  }

  static byte[] key(int seed, int size) {
    byte[] b = new byte[size];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }
}
