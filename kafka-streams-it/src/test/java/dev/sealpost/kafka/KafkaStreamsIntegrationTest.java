package dev.sealpost.kafka;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sealpost.codec.Decryptor;
import dev.sealpost.codec.EncryptionContext;
import dev.sealpost.codec.format.EnvelopeHeader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Kafka Streams topology with a state store, using {@link SealpostSerde} as the default key
 * and value serde, configured by properties only. State stores serialize without headers, so the
 * envelope must be self-contained; the store's changelog topic holds only envelopes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaStreamsIntegrationTest {
  private static final String APP = "sealpost-streams-test";
  private static final String IN = "orders.amounts";
  private static final String OUT = "orders.totals";
  private static final String STORE = "totals";
  private static final String CHANGELOG = APP + "-" + STORE + "-changelog";

  @TempDir static Path dir;
  private EmbeddedCluster cluster;

  @BeforeAll
  void start() throws Exception {
    cluster = new EmbeddedCluster();
    cluster.createTopic(IN, 2, Map.of());
    cluster.createTopic(OUT, 2, Map.of());
  }

  @AfterAll
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void topologyWithStateStoreRunsOnEncryptedTopicsAndChangelog() throws Exception {
    Map<String, Object> sealpost = Keys.props(Keys.writeKeyring(dir, "app.keyring", 1));
    // Internal topics (changelog, repartition) are named after the application: map them too.
    sealpost.put(SealpostKafkaConfig.RULE_PREFIX + "internal.pattern", APP + "-.*");
    sealpost.put(SealpostKafkaConfig.RULE_PREFIX + "internal.recipients", "kek:audit");
    sealpost.put(SealpostKafkaConfig.KEY_INNER_SERDE, "org.apache.kafka.common.serialization.Serdes$StringSerde");
    sealpost.put(SealpostKafkaConfig.VALUE_INNER_SERDE, "org.apache.kafka.common.serialization.Serdes$StringSerde");

    Properties props = new Properties();
    props.putAll(sealpost);
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, APP);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, SealpostSerde.class);
    props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, SealpostSerde.class);
    props.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);

    StreamsBuilder builder = new StreamsBuilder();
    builder.<String, String>stream(IN)
        .groupByKey()
        .reduce((a, b) -> String.valueOf(Long.parseLong(a) + Long.parseLong(b)),
            Materialized.as(STORE))
        .toStream()
        .to(OUT);

    // Input: 5 accounts, 40 amounts each, written through the encrypting serializer.
    Map<String, Long> expected = new HashMap<>();
    Map<String, Object> producerProps = new HashMap<>(sealpost);
    producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    producerProps.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, SealpostSerializer.class);
    producerProps.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, SealpostSerializer.class);
    try (KafkaProducer<String, String> p = new KafkaProducer<>(producerProps)) {
      for (int i = 0; i < 200; i++) {
        String account = "ACCOUNT-SECRET-" + (i % 5);
        long amount = 1000 + i;
        expected.merge(account, amount, Long::sum);
        p.send(new ProducerRecord<>(IN, account, String.valueOf(amount)));
      }
    }

    try (KafkaStreams streams = new KafkaStreams(builder.build(), props)) {
      streams.start();
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      Map<String, Long> actual = new HashMap<>();
      while (!expected.equals(actual)) {
        if (System.nanoTime() > deadline) {
          fail("store did not reach the expected totals: " + actual + " state " + streams.state());
        }
        Thread.sleep(200);
        if (streams.state() != KafkaStreams.State.RUNNING) {
          continue;
        }
        ReadOnlyKeyValueStore<String, String> store =
            streams.store(StoreQueryParameters.fromNameAndType(STORE, QueryableStoreTypes.keyValueStore()));
        actual.clear();
        store.all().forEachRemaining(kv -> actual.put(kv.key, Long.parseLong(kv.value)));
      }
      // The output topic, read back through the decrypting deserializer.
      Map<String, Object> consumerProps = new HashMap<>(sealpost);
      consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
      consumerProps.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, SealpostDeserializer.class);
      consumerProps.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, SealpostDeserializer.class);
      consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "totals-reader");
      consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      Map<String, Long> latest = new HashMap<>();
      try (KafkaConsumer<String, String> c = new KafkaConsumer<>(consumerProps)) {
        c.subscribe(List.of(OUT));
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!expected.equals(latest) && System.nanoTime() < until) {
          c.poll(Duration.ofMillis(200)).forEach(r -> latest.put(r.key(), Long.parseLong(r.value())));
        }
      }
      assertEquals(expected, latest);
    }

    // The changelog the store wrote through serialize(topic, data): envelopes bound to it.
    try (KafkaConsumer<byte[], byte[]> raw = new KafkaConsumer<>(
        Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()),
        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> tps = List.of(new TopicPartition(CHANGELOG, 0), new TopicPartition(CHANGELOG, 1));
      raw.assign(tps);
      raw.seekToBeginning(tps);
      int n = 0;
      long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (n == 0 && System.nanoTime() < until) {
        for (var r : raw.poll(Duration.ofMillis(200))) {
          n++;
          assertEquals("audit", EnvelopeHeader.parse(r.value()).recipients().get(0).keyId());
          assertTrue(EnvelopeHeader.hasMagic(r.key(), 0, r.key().length));
        }
      }
      assertTrue(n > 0, "the changelog has records");
    }
    // Bindings (docs/bindings/kafka.md), checked with contexts computed here: the output topic's
    // values are bound to their record key [KB-4], the changelog's to topic and part only [KB-9].
    Decryptor decryptor = Decryptor.builder().kekSource(Keys.keyring(1)).build();
    String noHeaders = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(new byte[0]));
    for (String topic : List.of(OUT, CHANGELOG)) {
      try (KafkaConsumer<byte[], byte[]> raw = new KafkaConsumer<>(
          Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()),
          new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
        List<TopicPartition> tps = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
        raw.assign(tps);
        raw.seekToBeginning(tps);
        int n = 0;
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (n == 0 && System.nanoTime() < until) {
          for (var r : raw.poll(Duration.ofMillis(200))) {
            n++;
            Map<String, String> context = new HashMap<>(Map.of("kafka.topic", topic, "kafka.record.part", "value"));
            if (topic.equals(OUT)) {
              context.put("kafka.record.key-sha256",
                  HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(r.key())));
              context.put("kafka.record.headers-sha256", noHeaders);
            }
            assertTrue(decryptor.decrypt(r.value(), EncryptionContext.of(context)).length > 3, topic);
          }
        }
        assertTrue(n > 0, topic + " has records");
      }
    }
    // And the broker's disk has neither the account names nor the totals.
    StringBuilder disk = new StringBuilder();
    for (String topic : List.of(IN, OUT, CHANGELOG)) {
      for (Path p : cluster.segmentFiles(topic)) {
        disk.append(new String(Files.readAllBytes(p), ISO_8859_1));
      }
    }
    assertTrue(disk.length() > 0);
    assertFalse(disk.indexOf("ACCOUNT-SECRET") >= 0, "plaintext key on disk");
    for (long total : expected.values()) {
      assertFalse(disk.indexOf(String.valueOf(total)) >= 0, "plaintext total on disk");
    }
  }
}
