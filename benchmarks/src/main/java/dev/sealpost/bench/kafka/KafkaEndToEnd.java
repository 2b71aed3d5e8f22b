package dev.sealpost.bench.kafka;

import dev.sealpost.bench.ab.Args;
import dev.sealpost.bench.ab.Env;
import dev.sealpost.bench.ab.Spread;
import dev.sealpost.codec.keys.Keyring;
import dev.sealpost.codec.keys.KeyringFile;
import dev.sealpost.kafka.SealpostDeserializer;
import dev.sealpost.kafka.SealpostKafkaConfig;
import dev.sealpost.kafka.SealpostSerializer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * End-to-end Kafka throughput (issue 9, item 1): a KRaft broker started as its own JVM from the
 * Kafka server jars ({@link Broker}), then for every record size and compression type, the
 * variants side by side, their order rotated every round:
 *
 * <ul>
 *   <li>{@code plain}: {@code ByteArraySerializer} / {@code ByteArrayDeserializer};
 *   <li>{@code floor}: the same plus one raw JCE AES-256-GCM call per record ({@link Floor});
 *   <li>{@code sealpost}: {@code SealpostSerializer} / {@code SealpostDeserializer} configured
 *       by client properties, with a keyring file written by {@code KeyringFile}; they are the key
 *       serializer and deserializer too, keys clear ({@code sealpost.key.mode=clear}), so values
 *       are bound to the record as the adapter does by default;
 *   <li>{@code sealpost-zstd}, {@code sealpost-lz4}: the same, with the measured topic named in
 *       {@code sealpost.compression.topics} and {@code sealpost.compression.type} set, so values
 *       are compressed inside the envelope (suite 0401, SPEC.md 18); the consumer is configured
 *       exactly as for {@code sealpost}, the suite being in the envelope.
 * </ul>
 *
 * The producer's batch compression (the cell's compression type) is the same for every variant:
 * compressing inside the envelope is independent of it.
 *
 * Each measurement: a new topic with one partition; a new producer (acks=all, linger.ms=5,
 * batch.size=64 KiB, the cell's compression) sends N JSON-like records of exactly the cell's
 * size, timed from the first {@code send} to the return of {@code flush()}; then a new consumer
 * (assigned to the partition, no group) reads them back from the start, timed from the first
 * {@code poll} to the N-th record; then the bytes of the partition's segment files are summed and
 * the topic is deleted. Produce and consume do not overlap. Run on demand only; see README.md.
 */
public final class KafkaEndToEnd {
  static final List<String> ALL_VARIANTS = List.of("plain", "floor", "sealpost", "sealpost-zstd", "sealpost-lz4");

  private KafkaEndToEnd() {}

  public static void main(String[] argv) throws Exception {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
    Map<String, String> d = new LinkedHashMap<>();
    d.put("sizes", "100,1024,10240");
    d.put("compression", "none,lz4,zstd");
    d.put("variants", String.join(",", ALL_VARIANTS));
    d.put("rounds", "3");
    d.put("warmup-rounds", "1");
    d.put("mib-per-cell", "32");
    d.put("min-records", "10000");
    d.put("records", "0");
    d.put("broker-classpath", "benchmarks/target/broker.classpath");
    d.put("broker-heap", "1g");
    d.put("broker-java", ProcessHandle.current().info().command().orElse("java"));
    d.put("out", "kafka-e2e.md");
    Args args = new Args(argv, d);
    List<String> variants = args.list("variants");
    for (String v : variants) {
      if (!ALL_VARIANTS.contains(v)) {
        throw new IllegalArgumentException("variants are " + ALL_VARIANTS + ": " + v);
      }
    }
    Path cpFile = Path.of(args.get("broker-classpath"));
    if (!Files.isReadable(cpFile)) {
      throw new IllegalArgumentException(cpFile + " not found: build first (./mvnw -q -B -pl benchmarks -am package -DskipTests)"
          + " or give --broker-classpath");
    }
    String classpath = Files.readString(cpFile, StandardCharsets.UTF_8).trim();

    removeStale();
    Path tmp = Files.createTempDirectory(TMP_PREFIX);
    Files.writeString(tmp.resolve(PID_FILE), String.valueOf(ProcessHandle.current().pid()));
    Path keyring = tmp.resolve("bench.keyring");
    byte[] kek = new byte[32];
    new SecureRandom().nextBytes(kek);
    KeyringFile.write(keyring, Keyring.builder().add("bench", 1, kek).build());
    Arrays.fill(kek, (byte) 0);

    AtomicReference<Broker> brokerRef = new AtomicReference<>();
    Thread hook = new Thread(() -> {
      Broker b = brokerRef.get();
      if (b != null) {
        b.close();
      }
      Broker.deleteTree(tmp);
    }, "kafka-e2e-cleanup");
    Runtime.getRuntime().addShutdownHook(hook);

    StringBuilder report = new StringBuilder();
    try {
      long t0 = System.nanoTime();
      Broker broker = Broker.start(tmp.resolve("broker"), classpath, args.get("broker-java"), args.get("broker-heap"), List.of());
      brokerRef.set(broker);
      System.err.printf("broker pid %d on %s, started in %.1f s%n", broker.pid(), broker.bootstrap, (System.nanoTime() - t0) / 1e9);
      double loadBefore = Env.loadAverage();
      Run run = new Run(broker, keyring, args, variants);
      run.all();
      header(report, args, variants, loadBefore, Env.loadAverage(), run);
      run.tables(report);
    } finally {
      Broker b = brokerRef.get();
      if (b != null) {
        b.close();
      }
      Broker.deleteTree(tmp);
      Runtime.getRuntime().removeShutdownHook(hook);
    }
    System.out.print(report);
    Path out = Path.of(args.get("out"));
    if (out.getParent() != null) {
      Files.createDirectories(out.getParent());
    }
    Files.writeString(out, report, StandardCharsets.UTF_8);
    System.err.println("written to " + out.toAbsolutePath());
  }

  private static void header(StringBuilder r, Args args, List<String> variants, double loadBefore, double loadAfter, Run run) {
    r.append("# Kafka end to end: plaintext, floor and Sealpost\n\n");
    r.append(Env.describe().replace("\n", "  \n")).append("  \n");
    r.append(String.format(Locale.ROOT, "load average at start %.2f, at end %.2f (a loaded machine: do not believe these numbers)  %n", loadBefore, loadAfter));
    r.append("Kafka clients ").append(clientsVersion()).append(", broker ").append(run.brokerVersion)
        .append(" (KRaft, own JVM: ").append(args.get("broker-java")).append(", heap ").append(args.get("broker-heap")).append(")  \n");
    r.append("variants ").append(variants).append(", ").append(args.get("rounds")).append(" rounds after ")
        .append(args.get("warmup-rounds")).append(" warm-up round(s), order rotated every round; ")
        .append("one partition, acks=all, linger.ms=5, batch.size=65536; records per measurement: ")
        .append(run.recordCounts).append("\n\n");
  }

  static final String TMP_PREFIX = "sealpost-kafka-e2e-";
  static final String PID_FILE = "harness.pid";

  /**
   * Deletes the temporary directories of earlier runs whose harness process is gone (killed
   * without running its shutdown hook; the broker's watchdog stopped the broker then).
   */
  static void removeStale() {
    Path tmpRoot = Path.of(System.getProperty("java.io.tmpdir"));
    try (var dirs = Files.newDirectoryStream(tmpRoot, TMP_PREFIX + "*")) {
      for (Path dir : dirs) {
        try {
          long pid = Long.parseLong(Files.readString(dir.resolve(PID_FILE)).trim());
          if (ProcessHandle.of(pid).isEmpty()) {
            Broker.deleteTree(dir);
            System.err.println("removed " + dir + " left by an earlier run");
          }
        } catch (java.io.IOException | NumberFormatException e) {
          // not ours, or being created: leave it
        }
      }
    } catch (java.io.IOException e) {
      System.err.println("could not look for stale directories in " + tmpRoot + ": " + e);
    }
  }

  /** The version in the name of the kafka_2.13 jar on the broker's class path. */
  static String brokerJarVersion(String classpath) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("kafka_2\\.13-([^/\\\\:;]+)\\.jar").matcher(classpath);
    return m.find() ? "kafka_2.13 " + m.group(1) : "?";
  }

  /** kafka-clients' version as its jar states it. */
  static String clientsVersion() {
    try (var in = KafkaProducer.class.getResourceAsStream("/kafka/kafka-version.properties")) {
      java.util.Properties p = new java.util.Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "?");
    } catch (java.io.IOException e) {
      return "?";
    }
  }

  /** One cell: a record size and a compression type. */
  static final class Cell {
    final int size;
    final String compression;
    final int records;
    final byte[][] values;
    /** variant -> per-round produce records/s, consume records/s, bytes on disk per record. */
    final Map<String, double[]> produce = new HashMap<>();
    final Map<String, double[]> consume = new HashMap<>();
    final Map<String, double[]> disk = new HashMap<>();

    Cell(int size, String compression, int records, byte[][] values) {
      this.size = size;
      this.compression = compression;
      this.records = records;
      this.values = values;
    }
  }

  static final class Run {
    final Broker broker;
    final Path keyring;
    final Args args;
    final List<String> variants;
    final List<Cell> cells = new ArrayList<>();
    final int rounds;
    final int warmup;
    final Map<Integer, Integer> recordCounts = new LinkedHashMap<>();
    String brokerVersion = "?";
    int topicSeq;
    long sink;

    Run(Broker broker, Path keyring, Args args, List<String> variants) {
      this.broker = broker;
      this.keyring = keyring;
      this.args = args;
      this.variants = variants;
      this.rounds = args.integer("rounds");
      this.warmup = args.integer("warmup-rounds");
      Map<Integer, byte[][]> pools = new HashMap<>();
      for (int size : args.ints("sizes")) {
        int n = args.integer("records");
        if (n <= 0) {
          n = (int) Math.max(args.longValue("min-records"), args.longValue("mib-per-cell") * 1024 * 1024 / size);
        }
        recordCounts.put(size, n);
        byte[][] pool = pools.computeIfAbsent(size, s -> JsonValues.pool(s, 1024, 20261128L));
        for (String c : args.list("compression")) {
          cells.add(new Cell(size, c, n, pool));
        }
      }
    }

    void all() throws Exception {
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap))) {
        var features = admin.describeFeatures().featureMetadata().get(30, TimeUnit.SECONDS);
        var mv = features.finalizedFeatures().get("metadata.version");
        brokerVersion = brokerJarVersion(broker.classpath) + (mv == null ? "" : " (metadata.version level " + mv.maxVersionLevel() + ")");
        for (int r = -warmup; r < rounds; r++) {
          for (int c = 0; c < cells.size(); c++) {
            Cell cell = cells.get(c);
            for (int k = 0; k < variants.size(); k++) {
              String v = variants.get(Math.floorMod(r + k, variants.size()));
              double[] m = measure(admin, cell, v);
              System.err.printf(Locale.ROOT, "%s %6d B %-4s %-8s produce %9.0f rec/s  consume %9.0f rec/s  disk %8.1f B/rec%n",
                  r < 0 ? "warm-up" : "round " + (r + 1), cell.size, cell.compression, v, m[0], m[1], m[2]);
              if (r >= 0) {
                cell.produce.computeIfAbsent(v, x -> new double[rounds])[r] = m[0];
                cell.consume.computeIfAbsent(v, x -> new double[rounds])[r] = m[1];
                cell.disk.computeIfAbsent(v, x -> new double[rounds])[r] = m[2];
              }
            }
          }
        }
      }
    }

    /** Produce records/s, consume records/s, segment bytes per record. */
    double[] measure(Admin admin, Cell cell, String variant) throws Exception {
      String topic = String.format(Locale.ROOT, "e2e-%04d-%d-%s-%s", ++topicSeq, cell.size, cell.compression, variant);
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(60, TimeUnit.SECONDS);
      TopicPartition tp = new TopicPartition(topic, 0);
      int n = cell.records;
      byte[][] values = cell.values;

      double produceRate;
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(cell, variant, topic))) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (producer.partitionsFor(topic).isEmpty()) { // metadata before the clock starts
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("no metadata for " + topic);
          }
          Thread.sleep(50);
        }
        AtomicReference<Exception> error = new AtomicReference<>();
        AtomicLong acked = new AtomicLong();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
          producer.send(new ProducerRecord<>(topic, values[i % values.length]), (md, e) -> {
            if (e != null) {
              error.compareAndSet(null, e);
            } else {
              acked.incrementAndGet();
            }
          });
        }
        producer.flush();
        long t1 = System.nanoTime();
        if (error.get() != null) {
          throw new IllegalStateException("produce to " + topic + " failed", error.get());
        }
        if (acked.get() != n) {
          throw new IllegalStateException(topic + ": " + acked.get() + " of " + n + " records acknowledged");
        }
        produceRate = n * 1e9 / (t1 - t0);
      }

      double consumeRate;
      try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps(variant))) {
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        consumer.position(tp); // offset lookup (and the connection) before the clock starts
        long count = 0;
        long bytes = 0;
        long lastProgress = System.nanoTime();
        long t0 = System.nanoTime();
        while (count < n) {
          ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(200));
          if (batch.isEmpty()) {
            if (System.nanoTime() - lastProgress > TimeUnit.SECONDS.toNanos(60)) {
              throw new IllegalStateException(topic + ": consumer stalled at " + count + " of " + n);
            }
            continue;
          }
          lastProgress = System.nanoTime();
          for (ConsumerRecord<byte[], byte[]> rec : batch) {
            byte[] v = rec.value();
            bytes += v.length;
            if (rec.offset() % 997 == 0 && !Arrays.equals(v, values[(int) (rec.offset() % values.length)])) {
              throw new IllegalStateException(topic + ": record " + rec.offset() + " does not read back as sent");
            }
            count++;
          }
        }
        long t1 = System.nanoTime();
        if (count != n || bytes != (long) n * cell.size) {
          throw new IllegalStateException(topic + ": read " + count + " records, " + bytes + " bytes; sent " + n);
        }
        consumeRate = n * 1e9 / (t1 - t0);
        sink += bytes;
      }

      double diskPerRecord = (double) broker.segmentBytes(topic, 0) / n;
      admin.deleteTopics(List.of(topic)).all().get(60, TimeUnit.SECONDS);
      return new double[] {produceRate, consumeRate, diskPerRecord};
    }

    Map<String, Object> producerProps(Cell cell, String variant, String topic) {
      Map<String, Object> p = new HashMap<>();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap);
      p.put(ProducerConfig.ACKS_CONFIG, "all");
      p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
      p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(64 * 1024));
      p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, cell.compression);
      p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
      switch (variant) {
        case "plain":
          p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
          break;
        case "floor":
          p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, Floor.FloorSerializer.class.getName());
          break;
        default:
          p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, SealpostSerializer.class.getName());
          p.put(SealpostKafkaConfig.KEYRING_PATH, keyring.toString());
          p.put(SealpostKafkaConfig.DEFAULT_RECIPIENTS, "kek:bench");
          // Values are bound to the record key: the key serializer hands its digest over, keys stay clear.
          p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, SealpostSerializer.class.getName());
          p.put(SealpostKafkaConfig.KEY_MODE, "clear");
          if (variant.startsWith("sealpost-")) {
            // Opt-in per topic [CMP-1]: this measurement's topic only, with the variant's method.
            p.put(SealpostKafkaConfig.COMPRESSION_TOPICS, topic);
            p.put(SealpostKafkaConfig.COMPRESSION_TYPE, variant.substring("sealpost-".length()));
          }
      }
      return p;
    }

    Map<String, Object> consumerProps(String variant) {
      Map<String, Object> p = new HashMap<>();
      p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap);
      p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
      p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
      switch (variant) {
        case "plain":
          p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
          break;
        case "floor":
          p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, Floor.FloorDeserializer.class.getName());
          break;
        default:
          p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, SealpostDeserializer.class.getName());
          p.put(SealpostKafkaConfig.KEYRING_PATH, keyring.toString());
          p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, SealpostDeserializer.class.getName());
          p.put(SealpostKafkaConfig.KEY_MODE, "clear");
      }
      return p;
    }

    void tables(StringBuilder r) {
      r.append(String.format(Locale.ROOT, "## Records/s (median of %d rounds)%n%n", rounds));
      r.append("| record | compression |");
      StringBuilder rule = new StringBuilder("|---|---|");
      for (String side : List.of("produce", "consume")) {
        for (String v : variants) {
          r.append(' ').append(side).append(' ').append(v).append(" |");
          rule.append("---:|");
        }
      }
      r.append('\n').append(rule).append('\n');
      for (Cell c : cells) {
        r.append("| ").append(size(c.size)).append(" | ").append(c.compression).append(" |");
        for (Map<String, double[]> m : List.of(c.produce, c.consume)) {
          for (String v : variants) {
            r.append(String.format(Locale.ROOT, " %.0f |", Spread.of(m.get(v)).median));
          }
        }
        r.append('\n');
      }

      List<String[]> pairs = new ArrayList<>();
      if (variants.contains("sealpost") && variants.contains("plain")) {
        pairs.add(new String[] {"sealpost", "plain"});
      }
      if (variants.contains("sealpost") && variants.contains("floor")) {
        pairs.add(new String[] {"sealpost", "floor"});
      }
      if (variants.contains("floor") && variants.contains("plain")) {
        pairs.add(new String[] {"floor", "plain"});
      }
      for (String v : variants) {
        // What compressing inside the envelope costs in records/s, against Sealpost without it.
        if (v.startsWith("sealpost-") && variants.contains("sealpost")) {
          pairs.add(new String[] {v, "sealpost"});
        }
      }
      if (!pairs.isEmpty()) {
        r.append(String.format(Locale.ROOT, "%n## Ratios: median of the %d per-round ratios (min-max)%n%n", rounds));
        r.append("| record | compression |");
        rule = new StringBuilder("|---|---|");
        for (String side : List.of("produce", "consume")) {
          for (String[] p : pairs) {
            r.append(' ').append(side).append(' ').append(name(p[0])).append('/').append(name(p[1])).append(" |");
            rule.append("---|");
          }
        }
        r.append('\n').append(rule).append('\n');
        for (Cell c : cells) {
          r.append("| ").append(size(c.size)).append(" | ").append(c.compression).append(" |");
          for (Map<String, double[]> m : List.of(c.produce, c.consume)) {
            for (String[] p : pairs) {
              r.append(' ').append(Spread.of(Spread.ratios(m.get(p[0]), m.get(p[1]))).ratioMinMax()).append(" |");
            }
          }
          r.append('\n');
        }
      }

      r.append(String.format(Locale.ROOT, "%n## Bytes on disk per record (segment files / records, median of %d rounds)%n%n", rounds));
      r.append("| record | compression |");
      rule = new StringBuilder("|---|---|");
      for (String v : variants) {
        r.append(' ').append(v).append(" |");
        rule.append("---:|");
      }
      List<String> overPlain = new ArrayList<>(); // every Sealpost variant, as a ratio to plain
      if (variants.contains("plain")) {
        for (String v : variants) {
          if (v.startsWith("sealpost")) {
            overPlain.add(v);
            r.append(' ').append(name(v)).append("/plain |");
            rule.append("---:|");
          }
        }
      }
      r.append('\n').append(rule).append('\n');
      for (Cell c : cells) {
        r.append("| ").append(size(c.size)).append(" | ").append(c.compression).append(" |");
        for (String v : variants) {
          r.append(String.format(Locale.ROOT, " %.1f |", Spread.of(c.disk.get(v)).median));
        }
        for (String v : overPlain) {
          r.append(String.format(Locale.ROOT, " %.2fx |", Spread.of(c.disk.get(v)).median / Spread.of(c.disk.get("plain")).median));
        }
        r.append('\n');
      }
      r.append(String.format(Locale.ROOT, "%n## Every round (records/s produce / consume, bytes on disk per record)%n%n"));
      r.append("| record | compression | variant |");
      rule = new StringBuilder("|---|---|---|");
      for (int i = 1; i <= rounds; i++) {
        r.append(" round ").append(i).append(" |");
        rule.append("---|");
      }
      r.append('\n').append(rule).append('\n');
      for (Cell c : cells) {
        for (String v : variants) {
          r.append("| ").append(size(c.size)).append(" | ").append(c.compression).append(" | ").append(v).append(" |");
          for (int i = 0; i < rounds; i++) {
            r.append(String.format(Locale.ROOT, " %.0f / %.0f / %.1f |", c.produce.get(v)[i], c.consume.get(v)[i], c.disk.get(v)[i]));
          }
          r.append('\n');
        }
      }
      r.append("\n(sink ").append(sink).append(")\n");
    }

    static String name(String v) {
      return v.startsWith("sealpost") ? "Sealpost" + v.substring("sealpost".length()) : v;
    }

    static String size(int s) {
      return s % 1024 == 0 ? (s / 1024) + " KiB" : s + " B";
    }
  }

}
