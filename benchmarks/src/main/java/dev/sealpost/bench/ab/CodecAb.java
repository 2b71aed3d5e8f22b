package dev.sealpost.bench.ab;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import dev.sealpost.bench.CodecBenchmark;
import dev.sealpost.bench.JceAesGcmBenchmark;
import dev.sealpost.codec.EncryptionContext;
import dev.sealpost.codec.Suite;
import dev.sealpost.codec.format.EnvelopeHeader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The codec against its peers, interleaved in one JVM (issue 9, item 1): for each size and
 * operation, the codec ({@link CodecBenchmark}'s setup, suite AES_256_GCM), Tink's AES256_GCM
 * AEAD with associated data exactly as long as the codec's (its header plus the encoded external
 * context, measured here rather than assumed) and raw JCE ({@link JceAesGcmBenchmark}'s setup)
 * run in alternating slices; the report is the median of the per-round ratios codec / peer with
 * their spread.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.sealpost.bench.ab.CodecAb --sizes 64,1024 --rounds 200
 * </pre>
 */
public final class CodecAb {
  private CodecAb() {}

  public static void main(String[] argv) throws Exception {
    Map<String, String> defaults = new LinkedHashMap<>();
    defaults.put("sizes", "64,1024");
    defaults.put("ops", "encrypt,decrypt");
    defaults.put("rounds", "200");
    defaults.put("slice-ms", "50");
    defaults.put("warmup-ms", "10000");
    Args args = new Args(argv, defaults);
    Interleaver il = new Interleaver(args.longValue("slice-ms"), args.integer("rounds"), args.longValue("warmup-ms"));

    System.out.println("# Codec vs peers, interleaved");
    System.out.println();
    System.out.println(Env.describe());
    System.out.println(il.describe());
    if (present("org.conscrypt.Conscrypt")) {
      // Tink's com.google.crypto.tink.internal.Random then takes its nonces from Conscrypt.
      System.out.println("WARNING: Conscrypt is on the class path, so Tink draws its random nonces from it:"
          + " not the Tink of the JMH runs. Run without it (benchmarks/ab.sh codec does).");
    }
    System.out.println();
    System.out.println("| size | op | codec ops/s | Tink AEAD (same AAD) ops/s | raw JCE ops/s | codec / Tink, median (IQR, min-max) | codec / raw JCE, median (IQR, min-max) |");
    System.out.println("|---|---|---:|---:|---:|---|---|");
    long sink = 0;
    List<String> notes = new ArrayList<>();
    for (int size : args.ints("sizes")) {
      CodecBenchmark codec = new CodecBenchmark();
      codec.suite = Suite.AES_256_GCM;
      codec.size = size;
      codec.setup();
      JceAesGcmBenchmark jce = new JceAesGcmBenchmark();
      jce.size = size;
      jce.setup();
      byte[] envelope = codec.encrypt();
      int aadLength = EnvelopeHeader.parse(envelope).headerLength()
          + EncryptionContext.of("topic", "orders").encode().length;
      Tink tink = new Tink(size, aadLength);
      for (String op : args.list("ops")) {
        List<Interleaver.Variant> variants = new ArrayList<>();
        if (op.equals("encrypt")) {
          variants.add(new Interleaver.Variant("codec", n -> loop(n, codec::encrypt)));
          variants.add(new Interleaver.Variant("tink-aad" + aadLength, n -> loop(n, tink::encrypt)));
          variants.add(new Interleaver.Variant("jce", n -> loop(n, jce::encrypt)));
        } else if (op.equals("decrypt")) {
          variants.add(new Interleaver.Variant("codec", n -> loop(n, codec::decrypt)));
          variants.add(new Interleaver.Variant("tink-aad" + aadLength, n -> loop(n, tink::decrypt)));
          variants.add(new Interleaver.Variant("jce", n -> loop(n, jce::decrypt)));
        } else {
          throw new IllegalArgumentException("op is encrypt or decrypt: " + op);
        }
        double[][] t = il.run(variants);
        System.out.printf("| %d B | %s | %.0f | %.0f | %.0f | %s | %s |%n", size, op,
            Spread.of(t[0]).median, Spread.of(t[1]).median, Spread.of(t[2]).median,
            Spread.of(Spread.ratios(t[0], t[1])).ratio(), Spread.of(Spread.ratios(t[0], t[2])).ratio());
      }
      notes.add(String.format("%d B: the codec's AAD is its %d-byte header plus the encoded external context, %d bytes;"
          + " Tink gets %d bytes of associated data", size, EnvelopeHeader.parse(envelope).headerLength(), aadLength, aadLength));
      sink += Arrays.hashCode(envelope);
    }
    System.out.println();
    for (String n : notes) {
      System.out.println("- " + n);
    }
    System.out.println();
    System.out.println("(sink " + (sink ^ il.sink()) + ")");
  }

  static boolean present(String className) {
    try {
      Class.forName(className, false, CodecAb.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /** A benchmark method: returns the output array. */
  @FunctionalInterface
  interface ByteOp {
    byte[] call() throws Exception;
  }

  static long loop(int n, ByteOp op) throws Exception {
    long s = 0;
    for (int i = 0; i < n; i++) {
      byte[] out = op.call();
      s += out.length + out[out.length - 1];
    }
    return s;
  }

  /** {@code TinkAeadAadBenchmark}'s setup with the associated-data length as a parameter. */
  static final class Tink {
    final byte[] plaintext;
    final byte[] aad;
    final Aead aead;
    final byte[] ciphertext;

    Tink(int size, int aadLength) throws Exception {
      AeadConfig.register();
      plaintext = new byte[size];
      new SplittableRandom(size).nextBytes(plaintext);
      aad = new byte[aadLength];
      new SplittableRandom(aadLength).nextBytes(aad);
      aead = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM)
          .getPrimitive(RegistryConfiguration.get(), Aead.class);
      ciphertext = aead.encrypt(plaintext, aad);
    }

    byte[] encrypt() throws Exception {
      return aead.encrypt(plaintext, aad);
    }

    byte[] decrypt() throws Exception {
      return aead.decrypt(ciphertext, aad);
    }
  }
}
