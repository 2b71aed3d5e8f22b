package dev.sealpost.bench.ab;

import dev.sealpost.codec.keys.Keyring;
import dev.sealpost.codec.keys.KeyringFile;
import dev.sealpost.kafka.SealpostDeserializer;
import dev.sealpost.kafka.SealpostKafkaConfig;
import dev.sealpost.kafka.SealpostSerializer;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The Kafka client's per-record serializer and deserializer work without a broker, interleaved
 * against the floor of issue 9, configured as the end-to-end harness configures its clients
 * ({@code kafka.KafkaEndToEnd}): a keyring file, {@code sealpost.default.recipients=kek:bench},
 * {@code SealpostSerializer}/{@code SealpostDeserializer} for keys too with keys clear, null
 * keys, records without headers.
 *
 * <ul>
 *   <li>produce: as {@code KafkaProducer.doSend}: a new {@code RecordHeaders} per record, the key
 *       serializer called with the null key, then the value serializer. The floor is
 *       {@code ByteArraySerializer} for both plus one JCE AES-256-GCM seal of the value (cached
 *       {@code Cipher}, its own nonce per record).
 *   <li>consume: as the consumer's fetch parsing: a new {@code RecordHeaders} per record, no key
 *       deserializer call for a null key, the value deserializer given a {@code ByteBuffer} over
 *       the record inside a larger batch. The floor is {@code ByteArrayDeserializer}'s copy plus
 *       one JCE AES-256-GCM open of a ciphertext of the value's length.
 * </ul>
 *
 * <pre>
 * benchmarks/ab.sh serializer --sizes 100,1024 --rounds 200
 * benchmarks/ab.sh serializer --paths produce
 * </pre>
 */
public final class SerializerAb {
  private SerializerAb() {}

  static final String TOPIC = "bench";

  static final class Produce {
    final Serializer<byte[]> keys;
    final Serializer<byte[]> values;
    final byte[][] records;

    Produce(Serializer<byte[]> keys, Serializer<byte[]> values, byte[][] records) {
      this.keys = keys;
      this.values = values;
      this.records = records;
    }

    long send(int n, int[] next) {
      long s = 0;
      for (int j = 0; j < n; j++) {
        byte[] value = records[next[0]++ % records.length];
        Headers h = new RecordHeaders();
        byte[] k = keys.serialize(TOPIC, h, null);
        byte[] v = values.serialize(TOPIC, h, value);
        s += v.length + v[v.length - 1] + (k == null ? 0 : k.length);
      }
      return s;
    }
  }

  /** One AES-256-GCM seal per record, its output discarded but observed; the plaintext is what is sent. */
  static final class FloorSerializer implements Serializer<byte[]> {
    final SecretKeySpec key;
    final byte[] nonce = new byte[12];
    final Cipher cipher;
    long counter;
    int sink;

    FloorSerializer(SecretKeySpec key) throws Exception {
      this.key = key;
      cipher = Cipher.getInstance("AES/GCM/NoPadding");
    }

    @Override
    public byte[] serialize(String topic, byte[] data) {
      try {
        ByteBuffer.wrap(nonce).putLong(4, ++counter);
        cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
        byte[] sealed = cipher.doFinal(data);
        sink += sealed[sealed.length - 1];
      } catch (java.security.GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
      return data;
    }
  }

  /** One AES-256-GCM open per record of a ciphertext of the record's length; the bytes are returned. */
  static final class FloorDeserializer implements Deserializer<byte[]> {
    final SecretKeySpec key;
    final GCMParameterSpec spec = new GCMParameterSpec(128, new byte[12]);
    final Cipher cipher;
    final Map<Integer, byte[]> ciphertexts = new HashMap<>();
    int sink;

    FloorDeserializer(SecretKeySpec key) throws Exception {
      this.key = key;
      cipher = Cipher.getInstance("AES/GCM/NoPadding");
    }

    @Override
    public byte[] deserialize(String topic, byte[] data) {
      try {
        byte[] ct = ciphertexts.get(data.length);
        if (ct == null) {
          Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
          c.init(Cipher.ENCRYPT_MODE, key, spec);
          ct = c.doFinal(new byte[data.length]);
          ciphertexts.put(data.length, ct);
        }
        cipher.init(Cipher.DECRYPT_MODE, key, spec);
        sink += cipher.doFinal(ct).length;
      } catch (java.security.GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
      return data;
    }
  }

  static final class Consume {
    final Deserializer<byte[]> values;
    final ByteBuffer[] records;

    Consume(Deserializer<byte[]> values, ByteBuffer[] records) {
      this.values = values;
      this.records = records;
    }

    long poll(int n, int[] next) {
      long s = 0;
      for (int j = 0; j < n; j++) {
        ByteBuffer b = records[next[0]++ % records.length];
        Headers h = new RecordHeaders();
        byte[] v = values.deserialize(TOPIC, h, b.duplicate());
        s += v.length + v[v.length - 1];
      }
      return s;
    }
  }

  public static void main(String[] argv) throws Exception {
    Map<String, String> defaults = new LinkedHashMap<>();
    defaults.put("sizes", "100,1024");
    defaults.put("paths", "produce,consume");
    defaults.put("records", "1024");
    defaults.put("rounds", "100");
    defaults.put("slice-ms", "50");
    defaults.put("warmup-ms", "8000");
    Args args = new Args(argv, defaults);
    Path dir = Files.createTempDirectory("sealpost-ser-ab");
    Path keyring = dir.resolve("bench.keyring");
    byte[] kek = new byte[32];
    new java.security.SecureRandom().nextBytes(kek);
    KeyringFile.write(keyring, Keyring.builder().add("bench", 1, kek).build());
    Map<String, Object> props = new HashMap<>();
    props.put(SealpostKafkaConfig.KEYRING_PATH, keyring.toString());
    props.put(SealpostKafkaConfig.DEFAULT_RECIPIENTS, "kek:bench");
    props.put(SealpostKafkaConfig.KEY_MODE, "clear");
    byte[] fk = new byte[32];
    new Random(11).nextBytes(fk);
    SecretKeySpec floorKey = new SecretKeySpec(fk, "AES");
    Interleaver il = new Interleaver(args.longValue("slice-ms"), args.integer("rounds"), args.longValue("warmup-ms"));
    List<String> paths = List.of(args.get("paths").split(","));

    System.out.println("# Kafka serializer and deserializer per record vs the floor, no broker, interleaved");
    System.out.println();
    System.out.println(Env.describe());
    System.out.println(il.describe() + "  ");
    System.out.println("null keys, no headers, keys clear, default recipients kek:bench  ");
    System.out.println();
    System.out.println("| path | value size | sealpost records/s | floor records/s | sealpost / floor, median (IQR, min-max) |");
    System.out.println("|---|---|---:|---:|---|");
    for (int size : args.ints("sizes")) {
      Random random = new Random(7);
      byte[][] values = new byte[args.integer("records")][];
      for (int i = 0; i < values.length; i++) {
        values[i] = new byte[size];
        random.nextBytes(values[i]);
      }
      if (paths.contains("produce")) {
        SealpostSerializer<byte[]> ks = new SealpostSerializer<>();
        SealpostSerializer<byte[]> vs = new SealpostSerializer<>();
        ks.configure(props, true);
        vs.configure(props, false);
        Produce sealpost = new Produce(ks, vs, values);
        Produce floor = new Produce(new ByteArraySerializer(), new FloorSerializer(floorKey), values);
        report("produce", size, il, sealpost::send, floor::send);
      }
      if (paths.contains("consume")) {
        SealpostSerializer<byte[]> ks = new SealpostSerializer<>();
        SealpostSerializer<byte[]> vs = new SealpostSerializer<>();
        ks.configure(props, true);
        vs.configure(props, false);
        ByteBuffer[] sealed = new ByteBuffer[values.length];
        ByteBuffer[] plain = new ByteBuffer[values.length];
        for (int i = 0; i < values.length; i++) {
          Headers h = new RecordHeaders();
          ks.serialize(TOPIC, h, null);
          sealed[i] = DeserializerAb.Batch.inBatch(vs.serialize(TOPIC, h, values[i]));
          plain[i] = DeserializerAb.Batch.inBatch(values[i]);
        }
        SealpostDeserializer<byte[]> vd = new SealpostDeserializer<>();
        vd.configure(props, false);
        FloorDeserializer fd = new FloorDeserializer(floorKey);
        Deserializer<byte[]> floorValues = new Deserializer<>() {
          final ByteArrayDeserializer bytes = new ByteArrayDeserializer();

          @Override
          public byte[] deserialize(String topic, byte[] data) {
            return fd.deserialize(topic, bytes.deserialize(topic, data));
          }
        };
        Consume sealpost = new Consume(vd, sealed);
        Consume floor = new Consume(floorValues, plain);
        report("consume", size, il, sealpost::poll, floor::poll);
      }
    }
    System.out.println();
    System.out.println("(sink " + il.sink() + ")");
  }

  interface Path2 {
    long run(int n, int[] next) throws Exception;
  }

  static void report(String path, int size, Interleaver il, Path2 sealpost, Path2 floor) throws Exception {
    int[] a = {0};
    int[] b = {0};
    List<Interleaver.Variant> variants = new ArrayList<>();
    variants.add(new Interleaver.Variant("sealpost", n -> sealpost.run(n, a)));
    variants.add(new Interleaver.Variant("floor", n -> floor.run(n, b)));
    double[][] t = il.run(variants);
    System.out.printf(Locale.ROOT, "| %s | %d B | %.0f | %.0f | %s |%n", path, size,
        Spread.of(t[0]).median, Spread.of(t[1]).median, Spread.of(Spread.ratios(t[0], t[1])).ratio());
  }
}
