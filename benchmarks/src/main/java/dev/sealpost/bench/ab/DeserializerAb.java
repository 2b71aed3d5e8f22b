package dev.sealpost.bench.ab;

import dev.sealpost.codec.keys.Keyring;
import dev.sealpost.codec.keys.KeyringFile;
import dev.sealpost.kafka.SealpostKafkaConfig;
import dev.sealpost.kafka.SealpostSerializer;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The consumer's per-record deserializer path, interleaved in one JVM (issue 9, item 2): two
 * builds of the Kafka adapter side by side, each loaded from its own jar by its own class loader
 * (codec and Kafka clients shared), called exactly as the consumer calls them: the key
 * deserializer (keys clear, values bound to them) then the value deserializer, each given a
 * {@code ByteBuffer} over the record inside a larger fetched batch, with a new {@code Headers}
 * per record. An adapter that only implements the {@code byte[]} form gets Kafka's default,
 * which copies the buffer first, as in a real consumer. The report is the median of the
 * per-round ratios new / old with their spread. A third variant is the floor of issue 9 (the
 * target is new / floor of at least 0.9 at 1 KiB and 0.8 at 100 B): the plaintext consumer's work
 * (key and value copied out of the buffer, as {@code ByteArrayDeserializer} does) plus one raw JCE
 * AES-256-GCM decryption of the value with a cached {@code Cipher}, no AAD.
 *
 * <pre>
 * benchmarks/ab.sh deserializer --old OLD.jar --new NEW.jar --sizes 100,1024
 * benchmarks/ab.sh deserializer --old OLD.jar --new NEW.jar --secret-headers 'x-secret-.*'
 * </pre>
 *
 * With {@code --secret-headers}, every record carries one secret header (restored by the reader)
 * and one clear header; with {@code --null-keys true} records have no key (the consumer then
 * skips the key deserializer).
 */
public final class DeserializerAb {
  private DeserializerAb() {}

  /** Loads the adapter's own classes from its jar first; everything else from the harness class path. */
  static final class AdapterLoader extends URLClassLoader {
    AdapterLoader(Path jar) throws Exception {
      super(new URL[] {jar.toUri().toURL()}, DeserializerAb.class.getClassLoader());
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (!name.startsWith("dev.sealpost.kafka.")) {
        return super.loadClass(name, resolve);
      }
      synchronized (getClassLoadingLock(name)) {
        Class<?> c = findLoadedClass(name);
        if (c == null) {
          c = findClass(name);
        }
        if (resolve) {
          resolveClass(c);
        }
        return c;
      }
    }
  }

  /** A key and a value deserializer of one adapter build. */
  static final class Reader {
    final Deserializer<Object> keys;
    final Deserializer<Object> values;

    @SuppressWarnings("unchecked")
    Reader(Path jar, Map<String, Object> props) throws Exception {
      ClassLoader loader = new AdapterLoader(jar);
      Class<?> cls = loader.loadClass("dev.sealpost.kafka.SealpostDeserializer");
      keys = (Deserializer<Object>) cls.getConstructor().newInstance();
      values = (Deserializer<Object>) cls.getConstructor().newInstance();
      keys.configure(props, true);
      values.configure(props, false);
    }
  }

  /** Records as fetched: key and value at odd offsets of one batch array, and their headers. */
  static final class Batch {
    final ByteBuffer[] keys;
    final ByteBuffer[] values;

    Batch(int count, int size, Map<String, Object> props, boolean secret, boolean nullKeys) throws Exception {
      SealpostSerializer<byte[]> ks = new SealpostSerializer<>();
      SealpostSerializer<byte[]> vs = new SealpostSerializer<>();
      ks.configure(props, true);
      vs.configure(props, false);
      Random random = new Random(7);
      keys = new ByteBuffer[count];
      values = new ByteBuffer[count];
      for (int i = 0; i < count; i++) {
        byte[] value = new byte[size];
        random.nextBytes(value);
        byte[] key = nullKeys ? null : ("customer-" + (1000 + i)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        RecordHeaders h = new RecordHeaders();
        h.add("trace", new byte[] {1, 2, 3, 4});
        if (secret) {
          h.add("x-secret-card", new byte[] {4, 1, 1, 1});
        }
        byte[] k = ks.serialize(BENCH_TOPIC, h, key);
        byte[] v = vs.serialize(BENCH_TOPIC, h, value);
        keys[i] = k == null ? null : inBatch(k);
        values[i] = inBatch(v);
      }
    }

    /** As the consumer hands it over: a slice of a larger array, nonzero array offset. */
    static ByteBuffer inBatch(byte[] b) {
      byte[] batch = new byte[b.length + 61];
      System.arraycopy(b, 0, batch, 29, b.length);
      return ByteBuffer.wrap(batch, 29, b.length).slice();
    }

    long read(Reader r, int n, int[] next) {
      long s = 0;
      for (int j = 0; j < n; j++) {
        int i = next[0]++ % keys.length;
        Headers h = new RecordHeaders();
        h.add("trace", new byte[] {1, 2, 3, 4}); // the clear header the record kept
        // As the consumer: no key deserializer call for a null key.
        Object k = keys[i] == null ? null : r.keys.deserialize(BENCH_TOPIC, h, keys[i].duplicate());
        Object v = r.values.deserialize(BENCH_TOPIC, h, values[i].duplicate());
        byte[] value = (byte[]) v;
        s += value.length + value[value.length - 1] + (k == null ? 0 : ((byte[]) k).length);
      }
      return s;
    }
  }

  static final String BENCH_TOPIC = "bench";

  /** The floor: plaintext records, and one AES-256-GCM per value (its own nonce per record). */
  static final class Floor {
    final ByteBuffer[] keys;
    final ByteBuffer[] values;
    final byte[][] nonces;
    final javax.crypto.spec.SecretKeySpec key;
    final javax.crypto.Cipher cipher;

    Floor(int count, int size, boolean nullKeys) throws Exception {
      byte[] k = new byte[32];
      new Random(11).nextBytes(k);
      key = new javax.crypto.spec.SecretKeySpec(k, "AES");
      cipher = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
      Random random = new Random(7);
      keys = new ByteBuffer[count];
      values = new ByteBuffer[count];
      nonces = new byte[count][12];
      for (int i = 0; i < count; i++) {
        byte[] value = new byte[size];
        random.nextBytes(value);
        random.nextBytes(nonces[i]);
        cipher.init(javax.crypto.Cipher.ENCRYPT_MODE, key, new javax.crypto.spec.GCMParameterSpec(128, nonces[i]));
        keys[i] = nullKeys ? null : Batch.inBatch(("customer-" + (1000 + i)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        values[i] = Batch.inBatch(cipher.doFinal(value));
      }
    }

    long read(int n, int[] next) {
      long s = 0;
      try {
        for (int j = 0; j < n; j++) {
          int i = next[0]++ % keys.length;
          Headers h = new RecordHeaders();
          h.add("trace", new byte[] {1, 2, 3, 4});
          byte[] k = null;
          if (keys[i] != null) {
            k = new byte[keys[i].remaining()];
            keys[i].duplicate().get(k);
          }
          ByteBuffer v = values[i];
          byte[] copied = new byte[v.remaining()]; // ByteArrayDeserializer's copy
          v.duplicate().get(copied);
          cipher.init(javax.crypto.Cipher.DECRYPT_MODE, key, new javax.crypto.spec.GCMParameterSpec(128, nonces[i]));
          byte[] value = cipher.doFinal(copied);
          s += value.length + value[value.length - 1] + (k == null ? 0 : k.length) + h.toArray().length;
        }
      } catch (java.security.GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
      return s;
    }
  }

  public static void main(String[] argv) throws Exception {
    Map<String, String> defaults = new LinkedHashMap<>();
    defaults.put("old", "");
    defaults.put("new", "");
    defaults.put("sizes", "100,1024");
    defaults.put("secret-headers", "");
    defaults.put("records", "1024");
    defaults.put("null-keys", "false");
    defaults.put("rounds", "100");
    defaults.put("slice-ms", "50");
    defaults.put("warmup-ms", "8000");
    Args args = new Args(argv, defaults);
    if (args.get("old").isEmpty() || args.get("new").isEmpty()) {
      throw new IllegalArgumentException("--old and --new name the two kafka-adapter jars to compare");
    }
    Path dir = Files.createTempDirectory("sealpost-deser-ab");
    Path keyring = dir.resolve("bench.keyring");
    byte[] kek = new byte[32];
    new java.security.SecureRandom().nextBytes(kek);
    KeyringFile.write(keyring, Keyring.builder().add("bench", 1, kek).build());
    Map<String, Object> props = new HashMap<>();
    props.put(SealpostKafkaConfig.KEYRING_PATH, keyring.toString());
    props.put(SealpostKafkaConfig.DEFAULT_RECIPIENTS, "kek:bench");
    props.put(SealpostKafkaConfig.KEY_MODE, "clear");
    boolean secret = !args.get("secret-headers").isEmpty();
    boolean nullKeys = Boolean.parseBoolean(args.get("null-keys"));
    if (secret) {
      props.put(SealpostKafkaConfig.SECRET_HEADERS, args.get("secret-headers"));
    }
    Reader older = new Reader(Paths.get(args.get("old")), props);
    Reader newer = new Reader(Paths.get(args.get("new")), props);
    Interleaver il = new Interleaver(args.longValue("slice-ms"), args.integer("rounds"), args.longValue("warmup-ms"));

    System.out.println("# Kafka deserializer path (key then value, from the consumer's ByteBuffer), interleaved");
    System.out.println();
    System.out.println(Env.describe());
    System.out.println(il.describe());
    System.out.println("old: " + args.get("old") + "  ");
    System.out.println("new: " + args.get("new") + "  ");
    System.out.println("headers per record: one clear" + (secret ? ", one secret (" + args.get("secret-headers") + ")" : "")
        + "; keys " + (nullKeys ? "null" : "distinct, clear, bound") + "  ");
    System.out.println();
    System.out.println("| value size | old records/s | new records/s | floor records/s | new / old, median (IQR, min-max)"
        + " | new / floor, median (IQR, min-max) | old / floor, median |");
    System.out.println("|---|---:|---:|---:|---|---|---|");
    long sink = 0;
    for (int size : args.ints("sizes")) {
      Batch batch = new Batch(args.integer("records"), size, props, secret, nullKeys);
      int[] a = {0};
      int[] b = {0};
      int[] c = {0};
      Floor floor = new Floor(args.integer("records"), size, nullKeys);
      List<Interleaver.Variant> variants = new ArrayList<>();
      variants.add(new Interleaver.Variant("old", n -> batch.read(older, n, a)));
      variants.add(new Interleaver.Variant("new", n -> batch.read(newer, n, b)));
      variants.add(new Interleaver.Variant("floor", n -> floor.read(n, c)));
      double[][] t = il.run(variants);
      System.out.printf(java.util.Locale.ROOT, "| %d B | %.0f | %.0f | %.0f | %s | %s | %.2fx |%n", size,
          Spread.of(t[0]).median, Spread.of(t[1]).median, Spread.of(t[2]).median,
          Spread.of(Spread.ratios(t[1], t[0])).ratio(), Spread.of(Spread.ratios(t[1], t[2])).ratio(),
          Spread.of(Spread.ratios(t[0], t[2])).median);
    }
    System.out.println();
    System.out.println("(sink " + (sink ^ il.sink()) + ")");
  }
}
