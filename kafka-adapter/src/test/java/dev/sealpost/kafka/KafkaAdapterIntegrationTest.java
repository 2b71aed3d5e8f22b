package dev.sealpost.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.Suite;
import dev.sealpost.codec.format.EnvelopeHeader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The adapter against a real KRaft broker started in this JVM (Kafka's test kit), shared by the
 * whole class: producers and consumers configured by properties only, as a tool would.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaAdapterIntegrationTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @TempDir static Path dir;
  private EmbeddedCluster cluster;
  private Path keyring;

  @BeforeAll
  void start() throws Exception {
    cluster = new EmbeddedCluster();
    keyring = Keys.writeKeyring(dir, "app.keyring", 1);
  }

  @AfterAll
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private Map<String, Object> sealpost(Path ring) {
    Map<String, Object> p = Keys.props(ring);
    p.put(SealpostKafkaConfig.SECRET_HEADERS, "x-secret-.*");
    p.put(SealpostKafkaConfig.AUTHENTICATED_HEADERS, "approved-by");
    return p;
  }

  private KafkaProducer<String, String> producer(Path ring) {
    return producer(ring, Map.of());
  }

  private KafkaProducer<String, String> producer(Path ring, Map<String, Object> extra) {
    Map<String, Object> p = sealpost(ring);
    p.putAll(extra);
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, SealpostSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, SealpostSerializer.class.getName());
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    return new KafkaProducer<>(p);
  }

  private KafkaConsumer<String, String> consumer(Path ring, String group, Map<String, Object> extra) {
    Map<String, Object> p = sealpost(ring);
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, SealpostDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, SealpostDeserializer.class.getName());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.putAll(extra);
    return new KafkaConsumer<>(p);
  }

  private KafkaProducer<byte[], byte[]> rawProducer() {
    return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()),
        new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** Everything in the topic, as stored, read from the start by an assigned consumer. */
  private List<ConsumerRecord<byte[], byte[]>> readRaw(String topic, int partitions) {
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(
        Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()),
        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> tps = new ArrayList<>();
      for (int i = 0; i < partitions; i++) {
        tps.add(new TopicPartition(topic, i));
      }
      c.assign(tps);
      c.seekToBeginning(tps);
      Map<TopicPartition, Long> end = c.endOffsets(tps);
      List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          fail("timed out reading " + topic);
        }
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
      return out;
    }
  }

  private static String payment(int n) {
    return "{\"payment\":" + n + ",\"payer\":\"PLAINTEXT-MARKER-" + n + "\",\"amount\":" + (n % 977) + ".50}";
  }

  @Test
  void severalProducersAndConsumersRoundTripValuesKeysAndHeaders() throws Exception {
    String topic = "orders.payments";
    cluster.createTopic(topic, 3, Map.of());
    int producers = 3;
    int perProducer = 400;
    ExecutorService pool = Executors.newFixedThreadPool(producers);
    List<Future<?>> sends = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      int base = p * perProducer;
      sends.add(pool.submit(() -> {
        try (KafkaProducer<String, String> producer = producer(keyring)) {
          for (int i = base; i < base + perProducer; i++) {
            RecordHeaders h = new RecordHeaders();
            h.add("trace-id", ("trace-" + i).getBytes(UTF_8));
            h.add("x-secret-card", ("4111-0000-" + i).getBytes(UTF_8));
            producer.send(new ProducerRecord<>(topic, null, "customer-" + (i % 50), payment(i), h));
          }
          producer.flush();
        }
        return null;
      }));
    }
    for (Future<?> f : sends) {
      f.get(2, TimeUnit.MINUTES);
    }
    pool.shutdown();

    // Two consumers of one group share the partitions.
    int total = producers * perProducer;
    Map<String, ConsumerRecord<String, String>> seen = new ConcurrentHashMap<>();
    ExecutorService readers = Executors.newFixedThreadPool(2);
    List<Future<?>> reads = new ArrayList<>();
    for (int r = 0; r < 2; r++) {
      reads.add(readers.submit(() -> {
        try (KafkaConsumer<String, String> c = consumer(keyring, "payments-group", Map.of())) {
          c.subscribe(List.of(topic));
          long deadline = System.nanoTime() + TIMEOUT.toNanos();
          while (seen.size() < total && System.nanoTime() < deadline) {
            c.poll(Duration.ofMillis(200)).forEach(rec -> seen.put(rec.value(), rec));
          }
        }
        return null;
      }));
    }
    for (Future<?> f : reads) {
      f.get(2, TimeUnit.MINUTES);
    }
    readers.shutdown();
    assertEquals(total, seen.size());
    for (int i = 0; i < total; i++) {
      ConsumerRecord<String, String> rec = seen.get(payment(i));
      assertNotNull(rec, "record " + i);
      assertEquals("customer-" + (i % 50), rec.key());
      assertEquals("trace-" + i, new String(rec.headers().lastHeader("trace-id").value(), UTF_8));
      assertEquals("4111-0000-" + i, new String(rec.headers().lastHeader("x-secret-card").value(), UTF_8));
    }

    // As stored: envelopes, the secret header gone, and each plaintext key on one partition
    // because equal keys encrypt to equal bytes [SIV-3].
    Map<String, Set<Integer>> partitionsByKey = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> raw : readRaw(topic, 3)) {
      assertEquals(Suite.AES_256_GCM, EnvelopeHeader.parse(raw.value()).suite());
      assertEquals(Suite.AES_256_SIV, EnvelopeHeader.parse(raw.key()).suite());
      assertEquals(null, raw.headers().lastHeader("x-secret-card"));
      assertNotNull(raw.headers().lastHeader("trace-id"));
      partitionsByKey.computeIfAbsent(java.util.HexFormat.of().formatHex(raw.key()), k -> new HashSet<>())
          .add(raw.partition());
    }
    assertEquals(50, partitionsByKey.size(), "50 distinct plaintext keys give 50 distinct encrypted keys");
    partitionsByKey.values().forEach(ps -> assertEquals(1, ps.size()));
  }

  @Test
  void brokerLogSegmentsHoldNoPlaintext() throws Exception {
    String topic = "orders.scan";
    cluster.createTopic(topic, 2, Map.of());
    try (KafkaProducer<String, String> producer = producer(keyring)) {
      for (int i = 0; i < 300; i++) {
        RecordHeaders h = new RecordHeaders();
        h.add("visible-header", "CLEAR-HEADER-CANARY".getBytes(UTF_8));
        h.add("x-secret-ssn", ("SECRET-HEADER-" + i).getBytes(UTF_8));
        producer.send(new ProducerRecord<>(topic, null, "KEY-MARKER-" + i, payment(i), h));
      }
      producer.flush();
    }
    List<Path> segments = cluster.segmentFiles(topic);
    assertEquals(2, segments.size(), "one active segment per partition: " + segments);
    StringBuilder all = new StringBuilder();
    long bytes = 0;
    for (Path p : segments) {
      byte[] data = Files.readAllBytes(p);
      bytes += data.length;
      all.append(new String(data, java.nio.charset.StandardCharsets.ISO_8859_1));
    }
    assertTrue(bytes > 300 * 100, "the segments hold the records: " + bytes + " bytes");
    // The scan works: the header left in the clear is there, in every record.
    assertTrue(all.indexOf("CLEAR-HEADER-CANARY") >= 0);
    for (String secret : List.of("PLAINTEXT-MARKER-", "KEY-MARKER-", "SECRET-HEADER-", "payer", "amount")) {
      assertEquals(-1, all.indexOf(secret), secret + " found in a broker log segment");
    }
  }

  /** A log line that compresses well: the same fields and words in every record, a marker per record. */
  private static String logLine(int n) {
    StringBuilder sb = new StringBuilder("{\"user\":\"PLAINTEXT-MARKER-" + n + "\",\"events\":[");
    for (int i = 0; i < 12; i++) {
      sb.append("{\"level\":\"INFO\",\"service\":\"checkout\",\"msg\":\"request served\",\"step\":").append(i).append("},");
    }
    return sb.append("{}]}").toString();
  }

  /**
   * [CMP-1], [KB-24]: one topic opted in to compression, a second one not, the same producer; on
   * the broker only the first holds 0401 envelopes, and both hold no plaintext; a consumer with no
   * compression setting reads both.
   */
  @Test
  void kb24_compressedTopicOnTheBrokerHoldsSmallerEnvelopesAndNoPlaintext() throws Exception {
    String compressed = "orders.logs";
    String other = "orders.logs-uncompressed";
    cluster.createTopic(compressed, 1, Map.of());
    cluster.createTopic(other, 1, Map.of());
    int n = 200;
    try (KafkaProducer<String, String> producer =
        producer(keyring, Map.of(SealpostKafkaConfig.COMPRESSION_TOPICS, compressed))) {
      for (int i = 0; i < n; i++) {
        for (String topic : List.of(compressed, other)) {
          RecordHeaders h = new RecordHeaders();
          h.add("x-secret-token", ("SECRET-HEADER-" + i).getBytes(UTF_8));
          producer.send(new ProducerRecord<>(topic, null, "KEY-MARKER-" + i, logLine(i), h));
        }
      }
      producer.flush();
    }
    long[] valueBytes = new long[2];
    for (int t = 0; t < 2; t++) {
      String topic = t == 0 ? compressed : other;
      List<ConsumerRecord<byte[], byte[]>> raw = readRaw(topic, 1);
      assertEquals(n, raw.size());
      for (ConsumerRecord<byte[], byte[]> r : raw) {
        assertEquals(t == 0 ? 0x0401 : 0x0001, EnvelopeHeader.parse(r.value()).suite().id(), topic);
        assertEquals(Suite.AES_256_SIV, EnvelopeHeader.parse(r.key()).suite());
        valueBytes[t] += r.value().length;
      }
    }
    // 12 near-identical events per record: compressed envelopes are well under half the size.
    assertTrue(valueBytes[0] * 2 < valueBytes[1], valueBytes[0] + " vs " + valueBytes[1] + " bytes of values");

    for (String topic : List.of(compressed, other)) {
      StringBuilder all = new StringBuilder();
      for (Path p : cluster.segmentFiles(topic)) {
        all.append(new String(Files.readAllBytes(p), java.nio.charset.StandardCharsets.ISO_8859_1));
      }
      assertTrue(all.length() > n * 100, topic + ": the segments hold the records");
      for (String secret : List.of("PLAINTEXT-MARKER-", "KEY-MARKER-", "SECRET-HEADER-", "checkout", "request served")) {
        assertEquals(-1, all.indexOf(secret), secret + " found in a broker log segment of " + topic);
      }
    }

    try (KafkaConsumer<String, String> c = consumer(keyring, "logs-group", Map.of())) {
      c.subscribe(List.of(compressed));
      Map<String, String> seen = new HashMap<>();
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (seen.size() < n && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> rec : c.poll(Duration.ofMillis(200))) {
          seen.put(rec.key(), rec.value());
          assertEquals("SECRET-HEADER-" + rec.key().substring("KEY-MARKER-".length()),
              new String(rec.headers().lastHeader("x-secret-token").value(), UTF_8));
        }
      }
      assertEquals(n, seen.size());
      for (int i = 0; i < n; i++) {
        assertEquals(logLine(i), seen.get("KEY-MARKER-" + i));
      }
    }
  }

  @Test
  void compactedTopicWithEncryptedKeysCompactsToLatestValuePerKey() throws Exception {
    String topic = "orders.compacted";
    cluster.createTopic(topic, 1, Map.of(
        "cleanup.policy", "compact",
        "segment.ms", "100",
        "min.cleanable.dirty.ratio", "0.01",
        "delete.retention.ms", "100",
        "min.compaction.lag.ms", "0"));
    int keys = 20;
    int versions = 5;
    try (KafkaProducer<String, String> producer = producer(keyring)) {
      for (int v = 1; v <= versions; v++) {
        for (int k = 0; k < keys; k++) {
          producer.send(new ProducerRecord<>(topic, "account-" + k, "balance v" + v));
        }
      }
      producer.flush();
      // Roll the segment: the active one is never cleaned. A new append after segment.ms rolls it.
      Thread.sleep(300);
      producer.send(new ProducerRecord<>(topic, "roll-trigger", "x")).get();
    }
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    int stored;
    while (true) {
      List<ConsumerRecord<byte[], byte[]>> raw = readRaw(topic, 1);
      stored = raw.size();
      if (stored == keys + 1) {
        break;
      }
      if (System.nanoTime() > deadline) {
        fail("topic did not compact to " + (keys + 1) + " records, still " + stored);
      }
      Thread.sleep(500);
    }
    // Decrypted: one record per key, the latest value.
    Map<String, String> latest = new HashMap<>();
    try (KafkaConsumer<String, String> c = consumer(keyring, "compacted-reader", Map.of())) {
      c.assign(List.of(new TopicPartition(topic, 0)));
      c.seekToBeginning(List.of(new TopicPartition(topic, 0)));
      long until = System.nanoTime() + TIMEOUT.toNanos();
      while (latest.size() < keys + 1 && System.nanoTime() < until) {
        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
          assertEquals(null, latest.put(r.key(), r.value()), "key seen twice after compaction: " + r.key());
        }
      }
    }
    for (int k = 0; k < keys; k++) {
      assertEquals("balance v" + versions, latest.get("account-" + k));
    }
  }

  @Test
  void producingToATopicWithoutKeyFailsAndSendsNothing() throws Exception {
    String topic = "unmapped-topic";
    cluster.createTopic(topic, 1, Map.of());
    try (KafkaProducer<String, String> producer = producer(keyring)) {
      SealpostRecordException e = assertThrows(SealpostRecordException.class,
          () -> producer.send(new ProducerRecord<>(topic, "k", "card 4111")));
      assertEquals(SealpostRecordException.Reason.NO_KEY_FOR_TOPIC, e.reason());
      assertEquals(topic, e.topic());
    }
    assertEquals(0, readRaw(topic, 1).size());
  }

  @Test
  void injectedPlaintextIsRejectedAndTheConsumerSaysWhere() throws Exception {
    String topic = "orders.guarded";
    cluster.createTopic(topic, 1, Map.of());
    RecordMetadata injected;
    try (KafkaProducer<String, String> producer = producer(keyring);
        KafkaProducer<byte[], byte[]> raw = rawProducer()) {
      producer.send(new ProducerRecord<>(topic, "a", "first")).get();
      injected = raw.send(new ProducerRecord<>(topic, null, "{\"forged\":true}".getBytes(UTF_8))).get();
      producer.send(new ProducerRecord<>(topic, "c", "third")).get();
    }
    List<String> values = new ArrayList<>();
    SealpostRecordException located = null;
    try (KafkaConsumer<String, String> c = consumer(keyring, "guarded-reader", Map.of())) {
      c.subscribe(List.of(topic));
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (values.size() < 2 && System.nanoTime() < deadline) {
        try {
          c.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
        } catch (RecordDeserializationException e) {
          // [SEC-1]: the consumer surfaces topic, partition and offset; skip past the record.
          located = SealpostRecordException.from(e).orElseThrow();
          c.seek(e.topicPartition(), e.offset() + 1);
        }
      }
    }
    assertEquals(List.of("first", "third"), values);
    assertNotNull(located, "the injected record was rejected");
    assertEquals(SealpostRecordException.Reason.PLAINTEXT_REJECTED, located.reason());
    assertEquals(ErrorCategory.NOT_AN_ENVELOPE, located.category());
    assertEquals(topic, located.topic());
    assertEquals(injected.partition(), located.partition());
    assertEquals(injected.offset(), located.offset());
    assertFalse(located.isKey());
    assertTrue(located.getMessage().contains("offset " + injected.offset()), located.getMessage());
  }

  // [KB-23]: a consumer that trusts a writer for a topic reads its signed records and refuses,
  // at the right offset, a record a holder of the topic's KEK wrote without the writer's key.
  @Test
  void unsignedRecordOnATrustedTopicIsRejectedAndTheConsumerSaysWhere() throws Exception {
    String topic = "orders.signed";
    cluster.createTopic(topic, 1, Map.of());
    dev.sealpost.codec.keys.Ed25519PrivateKey writer = dev.sealpost.codec.keys.Ed25519PrivateKey.generate();
    java.nio.file.Files.writeString(dir.resolve("orders-writer.key"), dev.sealpost.codec.keys.PemKeys.toPem(writer));
    java.nio.file.Files.writeString(dir.resolve("orders-writer.pub"), dev.sealpost.codec.keys.PemKeys.toPem(writer.publicKey()));
    Map<String, Object> signing = Map.of(SealpostKafkaConfig.SIGNER_KEY, dir.resolve("orders-writer.key").toString(),
        SealpostKafkaConfig.SIGNER_ID, "orders-writer");
    RecordMetadata unsigned;
    try (KafkaProducer<String, String> signed = producer(keyring, signing);
        KafkaProducer<String, String> other = producer(keyring)) {
      signed.send(new ProducerRecord<>(topic, "a", "first")).get();
      unsigned = other.send(new ProducerRecord<>(topic, "b", "from a KEK holder")).get();
      signed.send(new ProducerRecord<>(topic, "c", "third")).get();
    }
    List<String> values = new ArrayList<>();
    SealpostRecordException located = null;
    Map<String, Object> trust = Map.of("sealpost.trust.orders.pattern", "orders\\.sign.*",
        "sealpost.trust.orders.keys", "orders-writer:1:" + dir.resolve("orders-writer.pub"));
    try (KafkaConsumer<String, String> c = consumer(keyring, "trusting-reader", trust)) {
      c.subscribe(List.of(topic));
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (values.size() < 2 && System.nanoTime() < deadline) {
        try {
          c.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
        } catch (RecordDeserializationException e) {
          located = SealpostRecordException.from(e).orElseThrow();
          c.seek(e.topicPartition(), e.offset() + 1);
        }
      }
    }
    assertEquals(List.of("first", "third"), values);
    assertNotNull(located, "the unsigned record was rejected");
    assertEquals(ErrorCategory.UNTRUSTED_WRITER, located.category());
    assertEquals(unsigned.offset(), located.offset());
  }

  @Test
  void plaintextIsAcceptedOnANamedMigrationTopic() throws Exception {
    String topic = "orders.migrating";
    cluster.createTopic(topic, 1, Map.of());
    try (KafkaProducer<String, String> producer = producer(keyring);
        KafkaProducer<byte[], byte[]> raw = rawProducer()) {
      raw.send(new ProducerRecord<>(topic, "old".getBytes(UTF_8), "written before encryption".getBytes(UTF_8))).get();
      producer.send(new ProducerRecord<>(topic, "new", "written encrypted")).get();
    }
    Map<String, String> read = new HashMap<>();
    try (KafkaConsumer<String, String> c = consumer(keyring, "migration-reader",
        Map.of(SealpostKafkaConfig.CONSUME_PLAINTEXT_TOPICS, topic))) {
      c.subscribe(List.of(topic));
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (read.size() < 2 && System.nanoTime() < deadline) {
        c.poll(Duration.ofMillis(200)).forEach(r -> read.put(r.key(), r.value()));
      }
    }
    assertEquals(Map.of("old", "written before encryption", "new", "written encrypted"), read);
  }

  @Test
  void recordsWrittenBeforeAKekRotationStillDecrypt() throws Exception {
    // [DEK-5]: writers use the current version; readers accept every version they hold.
    String topic = "orders.rotation";
    cluster.createTopic(topic, 1, Map.of());
    Path ring = Keys.writeKeyring(dir, "rotating.keyring", 1);
    try (KafkaProducer<String, String> before = producer(ring)) {
      for (int i = 0; i < 10; i++) {
        before.send(new ProducerRecord<>(topic, "k" + i, "before-" + i));
      }
      before.flush();
    }
    dev.sealpost.codec.keys.KeyringFile.write(ring, Keys.keyring(2)); // rotation: orders v2 added
    try (KafkaProducer<String, String> after = producer(ring)) {
      for (int i = 0; i < 10; i++) {
        after.send(new ProducerRecord<>(topic, "k" + i, "after-" + i));
      }
      after.flush();
    }
    List<ConsumerRecord<byte[], byte[]>> raw = readRaw(topic, 1);
    Set<Integer> versions = new HashSet<>();
    for (ConsumerRecord<byte[], byte[]> r : raw) {
      versions.add(EnvelopeHeader.parse(r.value()).recipients().get(0).keyVersion());
    }
    assertEquals(Set.of(1, 2), versions);
    // SPEC 13.4: the same plaintext key is a different record key after rotation.
    assertFalse(java.util.Arrays.equals(raw.get(0).key(), raw.get(10).key()));
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> c = consumer(ring, "rotation-reader", Map.of())) {
      c.subscribe(List.of(topic));
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (values.size() < 20 && System.nanoTime() < deadline) {
        c.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.key() + "=" + r.value()));
      }
    }
    assertEquals(20, values.size());
    assertTrue(values.contains("k0=before-0") && values.contains("k9=after-9"), values.toString());
  }

  @Test
  void tombstonesPassThroughAsNull() throws Exception {
    String topic = "orders.tombstones";
    cluster.createTopic(topic, 1, Map.of());
    try (KafkaProducer<String, String> producer = producer(keyring)) {
      producer.send(new ProducerRecord<>(topic, "gone", null)).get();
    }
    List<ConsumerRecord<byte[], byte[]>> raw = readRaw(topic, 1);
    assertEquals(1, raw.size());
    assertEquals(null, raw.get(0).value());
    try (KafkaConsumer<String, String> c = consumer(keyring, "tombstone-reader", Map.of())) {
      c.subscribe(List.of(topic));
      List<ConsumerRecord<String, String>> got = new ArrayList<>();
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (got.isEmpty() && System.nanoTime() < deadline) {
        c.poll(Duration.ofMillis(200)).forEach(got::add);
      }
      assertEquals("gone", got.get(0).key());
      assertEquals(null, got.get(0).value());
    }
  }

  /** Reads the topic through the Sealpost consumer; failures are collected by offset and skipped. */
  private Map<Long, Object> readThroughSealpost(String topic, int expected, String group, Map<String, Object> extra) {
    Map<Long, Object> out = new java.util.TreeMap<>();
    try (KafkaConsumer<String, String> c = consumer(keyring, group, extra)) {
      c.subscribe(List.of(topic));
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (out.size() < expected && System.nanoTime() < deadline) {
        try {
          c.poll(Duration.ofMillis(200)).forEach(r -> out.put(r.offset(), r.key() + "=" + r.value()));
        } catch (RecordDeserializationException e) {
          out.put(e.offset(), SealpostRecordException.from(e).orElseThrow());
          c.seek(e.topicPartition(), e.offset() + 1);
        }
      }
    }
    return out;
  }

  @Test
  void brokerSideSpliceAndHeaderInjectionAreRejected() throws Exception {
    // Issue 8 finding 4, replayed as a broker operator would: records re-assembled from stored
    // bytes. [KB-19], [KB-7]
    String topic = "orders.binding";
    cluster.createTopic(topic, 1, Map.of());
    try (KafkaProducer<String, String> producer = producer(keyring)) {
      RecordHeaders h = new RecordHeaders();
      h.add("approved-by", "auditor-7".getBytes(UTF_8));
      producer.send(new ProducerRecord<>(topic, null, "alice", "limit=10", h)).get();
      producer.send(new ProducerRecord<>(topic, "bob", "limit=1000000")).get();
    }
    List<ConsumerRecord<byte[], byte[]>> stored = readRaw(topic, 1);
    ConsumerRecord<byte[], byte[]> alice = stored.get(0);
    ConsumerRecord<byte[], byte[]> bob = stored.get(1);
    try (KafkaProducer<byte[], byte[]> raw = rawProducer()) {
      // offset 2: alice's key with bob's value
      raw.send(new ProducerRecord<>(topic, null, alice.key(), bob.value())).get();
      // offset 3: alice's record with approved-by changed
      RecordHeaders changed = new RecordHeaders();
      changed.add("approved-by", "auditor-1".getBytes(UTF_8));
      raw.send(new ProducerRecord<>(topic, null, alice.key(), alice.value(), changed)).get();
      // offset 4: bob's record with an approved-by header injected
      RecordHeaders injected = new RecordHeaders();
      injected.add("approved-by", "auditor-1".getBytes(UTF_8));
      raw.send(new ProducerRecord<>(topic, null, bob.key(), bob.value(), injected)).get();
      // offset 5: alice's record exactly as stored
      raw.send(new ProducerRecord<>(topic, null, alice.key(), alice.value(), alice.headers())).get();
    }
    Map<Long, Object> read = readThroughSealpost(topic, 6, "binding-reader", Map.of());
    assertEquals("alice=limit=10", read.get(0L));
    assertEquals("bob=limit=1000000", read.get(1L));
    for (long offset : new long[] {2, 3, 4}) {
      SealpostRecordException e = (SealpostRecordException) read.get(offset);
      assertEquals(ErrorCategory.AUTHENTICATION_FAILED, e.category(), "offset " + offset);
      assertFalse(e.isKey());
      assertEquals(offset, e.offset());
    }
    assertEquals("alice=limit=10", read.get(5L), "a byte-exact copy is still the record (replay is not prevented)");
  }

  @Test
  void replayedKeyWithANullValueIsDroppedByTheTombstonePolicy() throws Exception {
    // Issue 8 finding 4: a deterministic key envelope replayed with a null value. [KB-12]
    String topic = "orders.tombstone-policy";
    cluster.createTopic(topic, 1, Map.of());
    try (KafkaProducer<String, String> producer = producer(keyring)) {
      producer.send(new ProducerRecord<>(topic, "bob", "limit=5")).get();
      producer.send(new ProducerRecord<>(topic, "alice", null)).get();
    }
    byte[] bobKey = readRaw(topic, 1).get(0).key();
    try (KafkaProducer<byte[], byte[]> raw = rawProducer()) {
      raw.send(new ProducerRecord<>(topic, bobKey, null)).get();
    }
    Map<String, Object> withPolicy = Map.of(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG, SealpostTombstoneInterceptor.class.getName());
    List<String> seen = new ArrayList<>();
    try (KafkaConsumer<String, String> c = consumer(keyring, "tombstone-policy", withPolicy)) {
      c.subscribe(List.of(topic));
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (c.assignment().isEmpty() || c.position(new TopicPartition(topic, 0)) < 3) {
        if (System.nanoTime() > deadline) {
          fail("did not reach the end of " + topic);
        }
        c.poll(Duration.ofMillis(200)).forEach(r -> seen.add(r.offset() + ":" + r.key() + "=" + r.value()));
      }
    }
    assertEquals(List.of("0:bob=limit=5", "1:alice=null"), seen, "the replayed tombstone at offset 2 is dropped");
  }

  @SuppressWarnings("unused")
  private static void assertHeader(Header h, String value) {
    assertArrayEquals(value.getBytes(UTF_8), h.value());
  }
}
