package dev.sealpost.bench.ab;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs several variants of one operation in short alternating time slices, many rounds, in one
 * JVM: every round runs each variant for one slice, in an order rotated from round to round, so
 * a change in machine load (other processes, frequency, GC) hits all variants of a round alike.
 * The unit of comparison is the per-round ratio of two variants' throughputs; its median over
 * the rounds is what a report states, with the spread beside it. This is not JMH: no forks per
 * variant, so JIT profile pollution between variants is possible (it is the same in a real
 * process that uses several of them) and each run should state the JDK.
 */
public final class Interleaver {
  /** One variant: performs {@code n} operations and returns a value derived from their results. */
  @FunctionalInterface
  public interface Op {
    long run(int n) throws Exception;
  }

  /** A named variant. */
  public static final class Variant {
    final String name;
    final Op op;

    public Variant(String name, Op op) {
      this.name = name;
      this.op = op;
    }

    public String name() {
      return name;
    }
  }

  private final long sliceNanos;
  private final int rounds;
  private final long warmupNanos;
  /** Keeps results alive so the JIT cannot drop the work. */
  private long sink;

  public Interleaver(long sliceMillis, int rounds, long warmupMillis) {
    if (sliceMillis <= 0 || rounds <= 0 || warmupMillis < 0) {
      throw new IllegalArgumentException("slice and rounds must be positive, warm-up not negative");
    }
    this.sliceNanos = sliceMillis * 1_000_000L;
    this.rounds = rounds;
    this.warmupNanos = warmupMillis * 1_000_000L;
  }

  /**
   * Measures the variants; the result is ops/s by variant (in the given order) and round. The
   * warm-up alternates the variants in slices too, so each is compiled before round 1.
   */
  public double[][] run(List<Variant> variants) throws Exception {
    int v = variants.size();
    int[] batch = new int[v];
    for (int i = 0; i < v; i++) {
      batch[i] = calibrate(variants.get(i).op);
    }
    long warmEnd = System.nanoTime() + warmupNanos;
    while (System.nanoTime() < warmEnd) {
      for (int i = 0; i < v; i++) {
        slice(variants.get(i).op, batch[i]);
      }
    }
    for (int i = 0; i < v; i++) { // again, on compiled code: fewer clock reads per slice
      batch[i] = calibrate(variants.get(i).op);
    }
    double[][] opsPerSec = new double[v][rounds];
    for (int r = 0; r < rounds; r++) {
      for (int k = 0; k < v; k++) {
        int i = (r + k) % v; // rotate the order every round
        opsPerSec[i][r] = slice(variants.get(i).op, batch[i]);
      }
    }
    return opsPerSec;
  }

  /** Operations between two clock reads: about 1/20 of a slice, at least 1. */
  private int calibrate(Op op) throws Exception {
    int n = 1;
    while (true) {
      long t0 = System.nanoTime();
      sink += op.run(n);
      long dt = System.nanoTime() - t0;
      if (dt >= sliceNanos / 20 || n >= (1 << 20)) {
        return Math.max(1, n);
      }
      n *= 2;
    }
  }

  private double slice(Op op, int batch) throws Exception {
    long start = System.nanoTime();
    long deadline = start + sliceNanos;
    long ops = 0;
    long now;
    do {
      sink += op.run(batch);
      ops += batch;
      now = System.nanoTime();
    } while (now < deadline);
    return ops * 1e9 / (now - start);
  }

  /** Printed at the end so the JIT must keep every result. */
  public long sink() {
    return sink;
  }

  /** The settings, for a report header. */
  public String describe() {
    return String.format(Locale.ROOT, "%d rounds of one %d ms slice per variant, order rotated every round, %d ms warm-up",
        rounds, sliceNanos / 1_000_000L, warmupNanos / 1_000_000L);
  }

  /** Median ops/s of each variant and the per-round ratios of {@code a} over each other variant. */
  public static List<String> summary(List<Variant> variants, double[][] opsPerSec, int a) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < variants.size(); i++) {
      if (i == a) {
        continue;
      }
      Spread s = Spread.of(Spread.ratios(opsPerSec[a], opsPerSec[i]));
      out.add(variants.get(a).name + " / " + variants.get(i).name + " = " + s.ratio());
    }
    return out;
  }
}
