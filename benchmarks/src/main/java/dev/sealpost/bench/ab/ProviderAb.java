package dev.sealpost.bench.ab;

import java.nio.ByteBuffer;
import java.security.Provider;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Per-message AES-256-GCM through the JDK's provider (SunJCE) against Amazon Corretto Crypto
 * Provider and Conscrypt (issue 9, item 3), interleaved in one JVM. A message is what the codec
 * does per envelope: {@code Cipher.init} with a new nonce (encryption: a counter, as GCM refuses
 * a repeated key and nonce) and one {@code doFinal} over byte arrays, optionally with associated
 * data as long as the codec's (about 120 bytes). One cached {@code Cipher} per provider. Neither
 * provider is installed in the JVM's provider list: each is asked for by object, so nothing else
 * in the process changes. A provider that does not load is reported with the reason, not fatal.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.sealpost.bench.ab.ProviderAb --sizes 64,1024 --aad 0,120 --rounds 200
 * </pre>
 */
public final class ProviderAb {
  private ProviderAb() {}

  public static void main(String[] argv) throws Exception {
    Map<String, String> defaults = new LinkedHashMap<>();
    defaults.put("sizes", "64,1024");
    defaults.put("aad", "0,120");
    defaults.put("ops", "encrypt,decrypt");
    defaults.put("providers", "SunJCE,ACCP,Conscrypt");
    defaults.put("rounds", "200");
    defaults.put("slice-ms", "50");
    defaults.put("warmup-ms", "10000");
    Args args = new Args(argv, defaults);
    Interleaver il = new Interleaver(args.longValue("slice-ms"), args.integer("rounds"), args.longValue("warmup-ms"));

    System.out.println("# AES-256-GCM per message: JCE providers, interleaved");
    System.out.println();
    System.out.println(Env.describe());
    System.out.println(il.describe());
    System.out.println();
    List<Provider> providers = new ArrayList<>();
    for (String name : args.list("providers")) {
      try {
        Provider p = load(name);
        selfTest(p);
        providers.add(p);
        String jar = p.getClass().getPackage().getImplementationVersion();
        System.out.println("- " + name + ": loaded, " + p.getName() + " " + p.getVersionStr() + " (" + p.getClass().getName()
            + (jar == null ? "" : ", jar " + jar) + "); self-test against SunJCE passed");
      } catch (Throwable e) {
        System.out.println("- " + name + ": NOT LOADED: " + reason(e)
            + (e instanceof ClassNotFoundException ? " (not on the class path: run through benchmarks/ab.sh providers)" : ""));
      }
    }
    System.out.println();
    if (providers.isEmpty() || !providers.get(0).getName().equals("SunJCE")) {
      throw new IllegalStateException("the first provider must be SunJCE, the baseline");
    }
    StringBuilder head = new StringBuilder("| size | AAD | op |");
    StringBuilder rule = new StringBuilder("|---|---|---|");
    for (Provider p : providers) {
      head.append(' ').append(p.getName()).append(" ops/s |");
      rule.append("---:|");
    }
    for (Provider p : providers.subList(1, providers.size())) {
      head.append(' ').append(p.getName()).append(" / SunJCE, median (IQR, min-max) |");
      rule.append("---|");
    }
    System.out.println(head);
    System.out.println(rule);
    long sink = 0;
    for (int size : args.ints("sizes")) {
      for (int aad : args.ints("aad")) {
        for (String op : args.list("ops")) {
          boolean encrypt = op.equals("encrypt");
          if (!encrypt && !op.equals("decrypt")) {
            throw new IllegalArgumentException("op is encrypt or decrypt: " + op);
          }
          List<Interleaver.Variant> variants = new ArrayList<>();
          for (Provider p : providers) {
            Gcm g = new Gcm(p, size, aad);
            sink += g.encrypt(1) + g.decrypt(1);
            variants.add(new Interleaver.Variant(p.getName(), encrypt ? g::encrypt : g::decrypt));
          }
          double[][] t = il.run(variants);
          StringBuilder row = new StringBuilder().append("| ").append(size).append(" B | ").append(aad)
              .append(" B | ").append(op).append(" |");
          for (double[] v : t) {
            row.append(String.format(" %.0f |", Spread.of(v).median));
          }
          for (int i = 1; i < t.length; i++) {
            row.append(' ').append(Spread.of(Spread.ratios(t[i], t[0])).ratio()).append(" |");
          }
          System.out.println(row);
        }
      }
    }
    System.out.println();
    System.out.println("(sink " + (sink ^ il.sink()) + ")");
  }

  /** SunJCE from the JDK; the others by reflection so that a class or native library that does not load is a reported reason. */
  static Provider load(String name) throws Exception {
    switch (name) {
      case "SunJCE": {
        Provider p = java.security.Security.getProvider("SunJCE");
        if (p == null) {
          throw new IllegalStateException("the JDK has no SunJCE provider");
        }
        return p;
      }
      case "ACCP": {
        Class<?> c = Class.forName("com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider");
        Provider p = (Provider) c.getField("INSTANCE").get(null);
        Object error = c.getMethod("getLoadingError").invoke(p);
        if (error != null) {
          throw new IllegalStateException("native library did not load", (Throwable) error);
        }
        c.getMethod("assertHealthy").invoke(p);
        return p;
      }
      case "Conscrypt": {
        Class<?> c = Class.forName("org.conscrypt.Conscrypt");
        Object available = c.getMethod("isAvailable").invoke(null);
        if (!Boolean.TRUE.equals(available)) {
          Throwable cause = null;
          try {
            c.getMethod("checkAvailability").invoke(null);
          } catch (java.lang.reflect.InvocationTargetException e) {
            cause = e.getCause();
          }
          throw new IllegalStateException("Conscrypt.isAvailable() is false", cause);
        }
        return (Provider) c.getMethod("newProvider").invoke(null);
      }
      default:
        throw new IllegalArgumentException("providers are SunJCE, ACCP, Conscrypt: " + name);
    }
  }

  /** Each provider must open the JDK's ciphertext and produce the same ciphertext for the same nonce. */
  static void selfTest(Provider p) throws Exception {
    byte[] key = new byte[32];
    byte[] nonce = new byte[12];
    byte[] aad = new byte[120];
    byte[] pt = new byte[1000];
    new SplittableRandom(7).nextBytes(pt);
    SecretKeySpec k = new SecretKeySpec(key, "AES");
    Cipher jdk = Cipher.getInstance("AES/GCM/NoPadding", "SunJCE");
    jdk.init(Cipher.ENCRYPT_MODE, k, new GCMParameterSpec(128, nonce));
    jdk.updateAAD(aad);
    byte[] expected = jdk.doFinal(pt);
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding", p);
    c.init(Cipher.ENCRYPT_MODE, k, new GCMParameterSpec(128, nonce));
    c.updateAAD(aad);
    if (!Arrays.equals(c.doFinal(pt), expected)) {
      throw new IllegalStateException(p.getName() + " AES-GCM ciphertext differs from SunJCE's");
    }
    c.init(Cipher.DECRYPT_MODE, k, new GCMParameterSpec(128, nonce));
    c.updateAAD(aad);
    if (!Arrays.equals(c.doFinal(expected), pt)) {
      throw new IllegalStateException(p.getName() + " does not decrypt SunJCE's AES-GCM ciphertext");
    }
  }

  static String reason(Throwable e) {
    StringBuilder sb = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.lang.reflect.InvocationTargetException) {
        continue;
      }
      if (sb.length() > 0) {
        sb.append(" <- ");
      }
      sb.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
    }
    return sb.toString();
  }

  /** One provider's cipher, as {@code JceAesGcmBenchmark} uses the JDK's. */
  static final class Gcm {
    private final SecretKeySpec key;
    private final Cipher enc;
    private final Cipher dec;
    private final byte[] plaintext;
    private final byte[] aad;
    private final byte[] nonce = new byte[12];
    private final byte[] fixedNonce = new byte[12];
    private final byte[] ciphertext;
    private long counter;

    Gcm(Provider p, int size, int aadLength) throws Exception {
      byte[] k = new byte[32];
      new SplittableRandom(1).nextBytes(k);
      key = new SecretKeySpec(k, "AES");
      plaintext = new byte[size];
      new SplittableRandom(size).nextBytes(plaintext);
      aad = new byte[aadLength];
      new SplittableRandom(aadLength + 1).nextBytes(aad);
      enc = Cipher.getInstance("AES/GCM/NoPadding", p);
      dec = Cipher.getInstance("AES/GCM/NoPadding", p);
      enc.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, fixedNonce));
      if (aadLength > 0) {
        enc.updateAAD(aad);
      }
      ciphertext = enc.doFinal(plaintext);
    }

    long encrypt(int n) throws Exception {
      long s = 0;
      for (int i = 0; i < n; i++) {
        ByteBuffer.wrap(nonce).putLong(4, ++counter);
        enc.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
        if (aad.length > 0) {
          enc.updateAAD(aad);
        }
        byte[] out = enc.doFinal(plaintext);
        s += out[out.length - 1];
      }
      return s;
    }

    long decrypt(int n) throws Exception {
      long s = 0;
      for (int i = 0; i < n; i++) {
        dec.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, fixedNonce));
        if (aad.length > 0) {
          dec.updateAAD(aad);
        }
        byte[] out = dec.doFinal(ciphertext);
        s += out[out.length - 1];
      }
      return s;
    }
  }
}
