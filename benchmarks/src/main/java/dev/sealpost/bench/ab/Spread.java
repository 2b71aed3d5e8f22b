package dev.sealpost.bench.ab;

import java.util.Arrays;
import java.util.Locale;

/** Median and spread of a sample (per-round ratios or per-round throughputs). */
public final class Spread {
  public final int n;
  public final double median;
  public final double p25;
  public final double p75;
  public final double min;
  public final double max;

  private Spread(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    n = v.length;
    median = quantile(v, 0.5);
    p25 = quantile(v, 0.25);
    p75 = quantile(v, 0.75);
    min = v[0];
    max = v[n - 1];
  }

  public static Spread of(double[] values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("no values");
    }
    return new Spread(values);
  }

  /** Element-wise a[i] / b[i]: the ratio of two variants measured in the same round. */
  public static double[] ratios(double[] a, double[] b) {
    double[] r = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      r[i] = a[i] / b[i];
    }
    return r;
  }

  /** Linear interpolation between the closest ranks of a sorted sample. */
  static double quantile(double[] sorted, double q) {
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = (int) Math.ceil(pos);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
  }

  /** "0.87x (p25-p75 0.85-0.89, min-max 0.80-0.93)". */
  public String ratio() {
    return String.format(Locale.ROOT, "%.2fx (IQR %.2f-%.2f, min-max %.2f-%.2f)", median, p25, p75, min, max);
  }

  /** "0.87 (0.80-0.93)": median and min-max, for few rounds. */
  public String ratioMinMax() {
    return String.format(Locale.ROOT, "%.2f (%.2f-%.2f)", median, min, max);
  }
}
