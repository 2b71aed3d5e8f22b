package dev.sealpost.cli;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import dev.sealpost.codec.format.EnvelopeHeader;
import dev.sealpost.codec.format.RecipientEntry;
import dev.sealpost.codec.keys.Keyring;
import dev.sealpost.codec.keys.KeyringFile;
import dev.sealpost.kafka.SealpostDeserializer;
import dev.sealpost.kafka.SealpostKafkaConfig;
import dev.sealpost.kafka.SealpostSerializer;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Encrypted records end to end through Kafka (default) or NATS JetStream, on a broker it starts or",
        "on yours.",
        "Produces fake payments through the encrypting serializer, shows what the broker stores and what the "
            + "consumer reads, and scans the broker's files for plaintext."},
    footerHeading = "%nExamples:%n",
    footer = {
      "  sealpost demo",
      "  sealpost demo --records 20000",
      "  sealpost demo --broker nats",
      "  sealpost demo --bootstrap-servers kafka1:9092 --client-properties client.properties \\",
      "      --topic payments-demo --keep-keyring demo.keyring     # keeps the topic and its keyring",
      "",
      "Against a cluster, the topic is deleted at the end if the demo created it, unless --keep."
    })
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--broker", description = "kafka (default) or nats.")
  String broker = "kafka";

  @Option(names = "--nats-url", description = "With --broker nats: use this server (JetStream on) instead of starting one.")
  String natsUrl;

  @Option(names = "--nats-store-dir", description = "With --nats-url: the server's store directory to scan (optional).")
  Path natsStoreDir;

  @Option(names = "--bootstrap-servers", description = "Use this cluster instead of an embedded broker.")
  String bootstrapServers;

  @Option(names = "--log-dir", description = "With --bootstrap-servers: the broker's log directory to scan (optional).")
  Path logDir;

  @Option(names = "--records", description = "Records to produce (default: ${DEFAULT-VALUE}).")
  int records = 5000;

  @Option(names = "--topic", description = "Topic (default: payments-<random>).")
  String topic;

  @Option(names = "--timeout-seconds", description = "How long to wait for the cluster (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds = 30;

  @Option(names = "--client-properties", paramLabel = "FILE",
      description = "With --bootstrap-servers: Kafka client properties (SASL, TLS...) for the demo's admin, producer and consumers.")
  Path clientProperties;

  @Option(names = "--keep", description = "Keep the topic at the end (by default a topic the demo created is deleted).")
  boolean keep;

  @Option(names = "--keep-keyring", paramLabel = "FILE",
      description = "Write the demo's keyring to FILE (new file), so that the records can be read afterwards; implies --keep.")
  Path keepKeyring;

  private static final String[] NAMES = {
    "Ada Lovelace", "Alan Turing", "Grace Hopper", "Edsger Dijkstra", "Barbara Liskov", "Donald Knuth",
    "Margaret Hamilton", "Ken Thompson", "Radia Perlman", "Claude Shannon", "Frances Allen", "John McCarthy"
  };
  private static final String[] MERCHANTS = {
    "Corner Bakery", "Night Train Books", "Blue Bottle Coffee", "City Bikes", "Green Grocer", "The Hardware Store"
  };

  @Override
  public Integer call() throws Exception {
    if (records < 1 || records > 10_000_000) {
      throw CliException.usage("--records must be 1..10000000");
    }
    if (timeoutSeconds < 1) {
      throw CliException.usage("--timeout-seconds must be at least 1");
    }
    if ("nats".equals(broker)) {
      if (bootstrapServers != null || clientProperties != null) {
        throw CliException.usage("--bootstrap-servers and --client-properties are for --broker kafka");
      }
      return new NatsDemo(records, natsUrl, natsStoreDir, timeoutSeconds).run(Session.get().text);
    } else if (!"kafka".equals(broker)) {
      throw CliException.usage("--broker is kafka or nats");
    } else if (natsUrl != null || natsStoreDir != null) {
      throw CliException.usage("--nats-url and --nats-store-dir are for --broker nats");
    }
    if (clientProperties != null && bootstrapServers == null) {
      throw CliException.usage("--client-properties is for a cluster: give --bootstrap-servers too");
    }
    if (keepKeyring != null && Files.exists(keepKeyring, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      throw new CliException(keepKeyring + " already exists; --keep-keyring writes a new file");
    }
    Map<String, Object> client = clientProperties(clientProperties);
    boolean keepTopic = keep || keepKeyring != null;
    Boolean created = null; // null until the topic is known to be new (true) or to exist (false)
    PrintStream out = Session.get().text;
    String t = topic != null ? topic : "payments-" + UUID.randomUUID().toString().substring(0, 8);
    Path work = Files.createTempDirectory("sealpost-demo");
    EmbeddedBroker broker = null;
    try {
      String bootstrap = bootstrapServers;
      if (bootstrap == null) {
        out.println("[1/6] Starting an embedded Kafka broker (KRaft, inside this JVM)...");
        long s = System.nanoTime();
        broker = new EmbeddedBroker();
        bootstrap = broker.bootstrapServers();
        out.printf(Locale.ROOT, "      broker ready at %s in %.1f s%n", bootstrap, secs(s));
      } else {
        out.println("[1/6] Using the cluster at " + bootstrap + " (no embedded broker)"
            + (clientProperties != null ? ", client properties from " + clientProperties : ""));
      }

      // Key material: a fresh keyring with one KEK, written to a temporary file.
      Path keyring = work.resolve("demo.keyring");
      byte[] kek = new byte[32];
      new SecureRandom().nextBytes(kek);
      Keyring ring = Keyring.builder().add("payments", 1, kek).build();
      java.util.Arrays.fill(kek, (byte) 0);
      KeyringFile.write(keyring, ring);
      if (keepKeyring != null) {
        KeyringFile.write(keepKeyring, ring);
      }

      Map<String, Object> sealpost = new HashMap<>();
      sealpost.put(SealpostKafkaConfig.KEYRING_PATH, keyring.toString());
      sealpost.put(SealpostKafkaConfig.TOPIC_PREFIX + t, "kek:payments");
      sealpost.put(SealpostKafkaConfig.SECRET_HEADERS, "x-card-.*");
      sealpost.put(SealpostKafkaConfig.KEY_INNER_SERIALIZER, "org.apache.kafka.common.serialization.StringSerializer");
      sealpost.put(SealpostKafkaConfig.VALUE_INNER_SERIALIZER, "org.apache.kafka.common.serialization.StringSerializer");
      sealpost.put(SealpostKafkaConfig.KEY_INNER_DESERIALIZER, "org.apache.kafka.common.serialization.StringDeserializer");
      sealpost.put(SealpostKafkaConfig.VALUE_INNER_DESERIALIZER, "org.apache.kafka.common.serialization.StringDeserializer");

      out.println("[2/6] Creating topic " + t + " (3 partitions); records go to it encrypted under KEK 'payments' v1");
      int timeoutMs = timeoutSeconds * 1000;
      try (Admin admin = Admin.create(adminConfig(client, bootstrap, timeoutMs))) {
        admin.createTopics(List.of(new NewTopic(t, 3, (short) 1))).all().get();
        created = true;
      } catch (java.util.concurrent.ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw new CliException("cannot create topic " + t + " on " + bootstrap + ": " + e.getCause().getMessage());
        }
        created = false;
      }

      // Produce.
      out.printf(Locale.ROOT, "[3/6] Producing %,d fake payment records (key: customer id; header x-card-holder travels encrypted)%n", records);
      Map<String, Object> pp = new HashMap<>(client);
      pp.putAll(sealpost);
      pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      pp.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, SealpostSerializer.class.getName());
      pp.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, SealpostSerializer.class.getName());
      pp.put(ProducerConfig.LINGER_MS_CONFIG, 10);
      pp.put(ProducerConfig.BATCH_SIZE_CONFIG, 65536);
      pp.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMs);
      Random random = new Random(42);
      AtomicLong plainBytes = new AtomicLong();
      AtomicLong storedBytes = new AtomicLong();
      long secretHeaderBytes = 0;
      String sample = null;
      // Steady state: the first fifth of the records warm the JIT and the connections up and
      // are not timed; each phase is timed over the rest.
      int warmup = records / 5;
      long timedPlainBytes = 0;
      long produceStart = 0;
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp)) {
        producer.partitionsFor(t); // metadata first: time the records, not the client's start-up
        int step = Math.max(1, records / 5);
        for (int i = 0; i < records; i++) {
          if (i == warmup) {
            producer.flush(); // the warm-up's sends finish before the clock starts
            produceStart = System.nanoTime();
          }
          String name = NAMES[random.nextInt(NAMES.length)];
          String value = payment(i, name, random);
          if (sample == null) {
            sample = value;
          }
          int valueBytes = value.getBytes(UTF_8).length;
          plainBytes.addAndGet(valueBytes);
          if (i >= warmup) {
            timedPlainBytes += valueBytes;
          }
          secretHeaderBytes += 2 + "x-card-holder".length() + 4 + name.getBytes(UTF_8).length;
          RecordHeaders h = new RecordHeaders();
          h.add("x-card-holder", name.getBytes(UTF_8));
          h.add("source", "sealpost-demo".getBytes(UTF_8));
          producer.send(new ProducerRecord<>(t, null, "customer-" + (1000 + i % 500), value, h), (m, e) -> {
            if (m != null) {
              storedBytes.addAndGet(m.serializedValueSize());
            }
          });
          if ((i + 1) % step == 0 || i + 1 == records) {
            out.printf(Locale.ROOT, "      %,d / %,d sent%n", i + 1, records);
          }
        }
        producer.flush();
      }
      double produceSecs = secs(produceStart);
      int timedRecords = records - warmup;

      // One record as the broker stores it.
      out.println("[4/6] One record as the broker stores it:");
      ConsumerRecord<byte[], byte[]> raw = firstRaw(client, bootstrap, t);
      EnvelopeHeader header = EnvelopeHeader.parse(raw.value());
      RecipientEntry r = header.recipients().get(0);
      out.println("      key    (" + raw.key().length + " bytes): " + hex(raw.key(), 40));
      out.println("      value  (" + raw.value().length + " bytes): " + hex(raw.value(), 40));
      out.println("      headers: " + headerNames(raw) + " (x-card-holder is inside the envelope)");
      out.println("      envelope: suite " + header.suite() + ", recipient " + r.type().map(Enum::name).orElse("?")
          + " '" + r.keyId() + "' v" + r.keyVersionUnsigned() + ", key suite "
          + EnvelopeHeader.parse(raw.key()).suite());

      // Consume everything through the decrypting deserializer.
      out.println("      ...and as the consumer reads it:");
      Map<String, Object> cp = new HashMap<>(client);
      cp.putAll(sealpost);
      cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      cp.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, SealpostDeserializer.class.getName());
      cp.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, SealpostDeserializer.class.getName());
      cp.put(ConsumerConfig.GROUP_ID_CONFIG, "sealpost-demo-" + UUID.randomUUID());
      cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      // Polls no larger than the warm-up, so that the timed phase spans several polls even when
      // a single one could return every record.
      cp.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.max(1, Math.min(2000, warmup == 0 ? 2000 : warmup)));
      long consumeStart = 0;
      int consumed = 0;
      int consumeTimedFrom = 0; // records consumed before the clock started
      boolean shown = false;
      try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(cp)) {
        consumer.subscribe(List.of(t));
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (consumed < records && System.nanoTime() < deadline) {
          if (consumeStart == 0 && warmup > 0 && consumed >= warmup) {
            // Records are decrypted inside poll(): the clock runs over whole polls after the warm-up.
            consumeStart = System.nanoTime();
            consumeTimedFrom = consumed;
          }
          for (ConsumerRecord<String, String> rec : consumer.poll(Duration.ofMillis(200))) {
            if (consumeStart == 0 && warmup == 0) {
              consumeStart = System.nanoTime(); // too few records to warm up: from the first one
            }
            consumed++;
            if (!shown && rec.partition() == raw.partition() && rec.offset() == raw.offset()) {
              out.println("      key    : " + rec.key());
              out.println("      value  : " + rec.value());
              out.println("      headers: " + headerNames(rec) + ", x-card-holder=" 
                  + new String(rec.headers().lastHeader("x-card-holder").value(), UTF_8));
              shown = true;
            }
          }
        }
      }
      double consumeSecs = secs(consumeStart);
      int consumeTimed = consumed - consumeTimedFrom;
      out.printf(Locale.ROOT, "[5/6] Consumed and decrypted %,d / %,d records%n", consumed, records);
      if (consumed != records) {
        throw new CliException("consumed " + consumed + " of " + records + " records");
      }

      // Scan the broker's files.
      String scan;
      Path root = broker != null ? broker.dataDirectory() : logDir;
      if (root == null) {
        out.println("[6/6] Skipping the disk scan: the broker is remote (pass --log-dir to scan its log directory)");
        scan = "skipped (remote broker)";
      } else {
        List<Path> segments = EmbeddedBroker.segmentFiles(root, t);
        long bytes = 0;
        StringBuilder disk = new StringBuilder();
        for (Path p : segments) {
          byte[] data = Files.readAllBytes(p);
          bytes += data.length;
          disk.append(new String(data, ISO_8859_1));
        }
        List<String> probes = new ArrayList<>(List.of(NAMES));
        probes.addAll(List.of(MERCHANTS));
        probes.addAll(List.of("customer-1000", "\"amount\"", "card_last4", sample));
        List<String> found = new ArrayList<>();
        for (String p : probes) {
          if (disk.indexOf(p) >= 0) {
            found.add(p);
          }
        }
        boolean sane = disk.indexOf("sealpost-demo") >= 0; // the clear header: the scan sees records
        out.printf(Locale.ROOT, "[6/6] Scanned %d log segment files (%,d bytes) for %d plaintext strings: %s%n",
            segments.size(), bytes, probes.size(), found.isEmpty() ? "none found" : "FOUND " + found);
        if (!sane) {
          throw new CliException("the scan did not see the records' clear header; is --log-dir right?");
        }
        if (!found.isEmpty()) {
          throw new CliException("plaintext found on the broker's disk: " + found);
        }
        scan = "no plaintext in " + segments.size() + " segment files (" + String.format(Locale.ROOT, "%,d", bytes) + " bytes)";
      }

      long plain = plainBytes.get();
      long stored = storedBytes.get();
      out.println();
      out.println("Summary");
      out.println("  ------------------------------------------------------------");
      out.printf(Locale.ROOT, "  records produced / consumed   %,d / %,d%n", records, consumed);
      out.printf(Locale.ROOT, "  value bytes before (plain)    %,d (avg %.0f B)%n", plain, plain / (double) records);
      out.printf(Locale.ROOT, "  value bytes after (envelopes) %,d (avg %.0f B)%n", stored, stored / (double) records);
      long framing = 3;
      long headerAvg = Math.round(secretHeaderBytes / (double) records);
      long overhead = Math.round((stored - plain) / (double) records);
      out.printf(Locale.ROOT, "  overhead per record           %d B (%.1f%%) = envelope %d B + inner framing %d B"
              + " + encrypted header %d B%n",
          overhead, 100.0 * (stored - plain) / plain, overhead - framing - headerAvg, framing, headerAvg);
      out.printf(Locale.ROOT, "  produce (encrypt + send)      %,.0f records/s, %.2f MB/s plain (one producer, steady state)%n",
          timedRecords / produceSecs, timedPlainBytes / produceSecs / 1e6);
      out.printf(Locale.ROOT, "  consume (fetch + decrypt)     %,.0f records/s, %.2f MB/s plain (one consumer, steady state)%n",
          consumeTimed / consumeSecs, consumeTimed * (plain / (double) records) / consumeSecs / 1e6);
      out.printf(Locale.ROOT, "                                (steady state: the first %,d records of each phase are an"
              + " untimed warm-up, the rates are over the next %,d produced and %,d consumed; %s;%n"
              + "                                 codec speed is in benchmarks/)%n",
          warmup, timedRecords, consumeTimed, broker != null ? "broker in this JVM" : "cluster at " + bootstrap);
      out.println("  broker disk                   " + scan);
      out.println("  keys                          AES_256_SIV (deterministic: compaction, partitioning)");
      out.println("  ------------------------------------------------------------");
      return 0;
    } finally {
      if (broker == null && created != null) {
        finishTopic(out, client, t, created, keepTopic);
      }
      if (keepKeyring != null && Files.exists(keepKeyring)) {
        out.println("Kept the keyring in " + keepKeyring + " (KEK 'payments'): consumers read the records with "
            + SealpostKafkaConfig.KEYRING_PATH + "=" + keepKeyring + (broker != null ? "; the embedded broker's records go with it" : ""));
      }
      if (broker != null) {
        out.println("Stopping the embedded broker.");
        broker.close();
      }
      deleteTree(work);
    }
  }

  private static String payment(int i, String name, Random random) {
    String[] parts = name.split(" ");
    return String.format(Locale.ROOT,
        "{\"payment_id\":\"pay_%08d\",\"payer\":\"%s\",\"card_last4\":\"%04d\",\"amount\":%d.%02d,"
            + "\"currency\":\"EUR\",\"merchant\":\"%s\",\"email\":\"%s.%s@example.com\"}",
        i, name, random.nextInt(10000), 1 + random.nextInt(400), random.nextInt(100),
        MERCHANTS[random.nextInt(MERCHANTS.length)], parts[0].toLowerCase(Locale.ROOT), parts[1].toLowerCase(Locale.ROOT));
  }

  /** Deletes the topic if the demo created it and it is not to be kept; says which. */
  private void finishTopic(PrintStream out, Map<String, Object> client, String t, boolean created, boolean keepTopic) {
    // Only on a cluster: the embedded broker takes its topics with it.
    if (!created) {
      out.println("Kept topic " + t + ": it existed before the demo.");
      return;
    }
    if (keepTopic) {
      out.println("Kept topic " + t + ".");
      return;
    }
    try (Admin admin = Admin.create(adminConfig(client, bootstrapServers, timeoutSeconds * 1000))) {
      admin.deleteTopics(List.of(t)).all().get();
      out.println("Deleted topic " + t + " (use --keep to keep it).");
    } catch (Exception e) {
      Session.get().warn("could not delete topic " + t + " on " + bootstrapServers + ": " + Main.oneLine(String.valueOf(
          e.getCause() != null ? e.getCause().getMessage() : e.getMessage())));
    }
  }

  private static Map<String, Object> adminConfig(Map<String, Object> client, String bootstrap, int timeoutMs) {
    Map<String, Object> m = new HashMap<>(client);
    m.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    m.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
    m.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(timeoutMs, 10_000));
    return m;
  }

  /** Client properties from a file; the demo's own settings (bootstrap, serializers) win over them. */
  private static Map<String, Object> clientProperties(Path file) throws java.io.IOException {
    Map<String, Object> m = new HashMap<>();
    if (file == null) {
      return m;
    }
    java.util.Properties p = new java.util.Properties();
    try (var r = Files.newBufferedReader(file, UTF_8)) {
      p.load(r);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new CliException("no such client properties file: " + file);
    }
    p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
    return m;
  }

  private static ConsumerRecord<byte[], byte[]> firstRaw(Map<String, Object> client, String bootstrap, String topic) {
    Map<String, Object> config = new HashMap<>(client);
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(
        config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      TopicPartition tp = new TopicPartition(topic, 0);
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          return r;
        }
      }
    }
    throw new CliException("no record could be read back from " + topic);
  }

  private static List<String> headerNames(ConsumerRecord<?, ?> r) {
    List<String> names = new ArrayList<>();
    r.headers().forEach(h -> names.add(h.key()));
    return names;
  }

  private static String hex(byte[] b, int max) {
    String h = HexFormat.ofDelimiter(" ").formatHex(b, 0, Math.min(max, b.length));
    return b.length > max ? h + " ..." : h;
  }

  private static double secs(long startNanos) {
    return Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
  }

  private static void deleteTree(Path root) {
    try (var files = Files.walk(root)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException e) {
      // best effort: a temporary directory
    }
  }
}
