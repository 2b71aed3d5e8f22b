package dev.sealpost.bench.ab;

import dev.sealpost.bench.SignedCodecBenchmark.Signed;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writer signatures, interleaved in one JVM (issue 10): unsigned, signed per DEK and signed per
 * message, with {@code SignedCodecBenchmark}'s setup, encrypt and decrypt (the reader trusts the
 * writer). The report is the median of the per-round ratios signed / unsigned with their spread;
 * the target is at least 0.9 per DEK at 1 KiB.
 *
 * <pre>
 * benchmarks/ab.sh signed --sizes 1024 --rounds 200
 * </pre>
 */
public final class SignedAb {
  private SignedAb() {}

  /** A ratio far below 1, also as "1/N" (the per-message signature costs N unsigned messages). */
  static String small(Spread s) {
    return String.format(java.util.Locale.ROOT, "%.4fx = 1/%.0f (IQR %.4f-%.4f, min-max %.4f-%.4f)",
        s.median, 1 / s.median, s.p25, s.p75, s.min, s.max);
  }

  public static void main(String[] argv) throws Exception {
    Map<String, String> defaults = new LinkedHashMap<>();
    defaults.put("sizes", "1024");
    defaults.put("ops", "encrypt,decrypt");
    defaults.put("rounds", "200");
    defaults.put("slice-ms", "50");
    defaults.put("warmup-ms", "10000");
    Args args = new Args(argv, defaults);
    Interleaver il = new Interleaver(args.longValue("slice-ms"), args.integer("rounds"), args.longValue("warmup-ms"));

    System.out.println("# Writer signatures, interleaved");
    System.out.println();
    System.out.println(Env.describe());
    System.out.println(il.describe());
    System.out.println();
    System.out.println("| size | op | unsigned ops/s | per DEK ops/s | per message ops/s"
        + " | per DEK / unsigned, median (IQR, min-max) | per message / unsigned, median (IQR, min-max) |");
    System.out.println("|---|---|---:|---:|---:|---|---|");
    long sink = 0;
    for (int size : args.ints("sizes")) {
      Signed none = new Signed("none", size);
      Signed perDek = new Signed("PER_DEK", size);
      Signed perMessage = new Signed("PER_MESSAGE", size);
      for (String op : args.list("ops")) {
        List<Interleaver.Variant> variants = new ArrayList<>();
        boolean enc = op.equals("encrypt");
        if (!enc && !op.equals("decrypt")) {
          throw new IllegalArgumentException("op is encrypt or decrypt: " + op);
        }
        for (Signed s : new Signed[] {none, perDek, perMessage}) {
          variants.add(new Interleaver.Variant(s == none ? "unsigned" : s == perDek ? "per-dek" : "per-message",
              n -> CodecAb.loop(n, enc ? s::encrypt : s::decrypt)));
        }
        double[][] t = il.run(variants);
        System.out.printf("| %d B | %s | %.0f | %.0f | %.0f | %s | %s |%n", size, op,
            Spread.of(t[0]).median, Spread.of(t[1]).median, Spread.of(t[2]).median,
            Spread.of(Spread.ratios(t[1], t[0])).ratio(), small(Spread.of(Spread.ratios(t[2], t[0]))));
      }
      sink += none.decrypt().length + perDek.decrypt().length + perMessage.decrypt().length;
    }
    System.out.println();
    System.out.println("(sink " + (sink ^ il.sink()) + ")");
  }
}
