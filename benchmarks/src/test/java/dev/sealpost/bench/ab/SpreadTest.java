package dev.sealpost.bench.ab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class SpreadTest {
  @Test
  void medianQuartilesAndRange() {
    Spread s = Spread.of(new double[] {5, 1, 4, 2, 3});
    assertEquals(3, s.median);
    assertEquals(2, s.p25);
    assertEquals(4, s.p75);
    assertEquals(1, s.min);
    assertEquals(5, s.max);
    assertEquals(2.5, Spread.of(new double[] {1, 2, 3, 4}).median);
    assertEquals("3.00 (1.00-5.00)", s.ratioMinMax());
  }

  @Test
  void ratiosArePerRound() {
    assertArrayEquals(new double[] {0.5, 2, 1}, Spread.ratios(new double[] {1, 4, 3}, new double[] {2, 2, 3}));
  }

  @Test
  void emptyFails() {
    assertThrows(IllegalArgumentException.class, () -> Spread.of(new double[0]));
  }

  @Test
  void interleaverMeasuresEveryVariantEveryRound() throws Exception {
    // Shape only, no speed: 3 variants, 4 rounds of 1 ms, no warm-up.
    Interleaver il = new Interleaver(1, 4, 0);
    long[] calls = new long[3];
    List<Interleaver.Variant> v = List.of(
        new Interleaver.Variant("a", n -> calls[0] += n),
        new Interleaver.Variant("b", n -> calls[1] += n),
        new Interleaver.Variant("c", n -> calls[2] += n));
    double[][] t = il.run(v);
    assertEquals(3, t.length);
    for (int i = 0; i < 3; i++) {
      assertEquals(4, t[i].length);
      for (double x : t[i]) {
        assertEquals(true, x > 0, "ops/s " + x);
      }
      assertEquals(true, calls[i] > 0);
    }
  }
}
