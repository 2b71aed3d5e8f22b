package dev.sealpost.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealpost.codec.format.EnvelopeHeader;
import dev.sealpost.codec.keys.Keyring;
import dev.sealpost.codec.keys.KeyringFile;
import dev.sealpost.kafka.SealpostDeserializer;
import dev.sealpost.kafka.SealpostSerializer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, item 5: {@code kafka consume}, {@code produce} and {@code reencrypt} against a real
 * KRaft broker in this JVM. Records are written and read independently of the CLI by the
 * adapter's own serializer and deserializer, so the CLI is checked against what applications do.
 */
class KafkaCommandsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static EmbeddedBroker broker;
  private static String bootstrap;

  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    broker = new EmbeddedBroker();
    bootstrap = broker.bootstrapServers();
  }

  @AfterAll
  static void stop() throws Exception {
    broker.close();
  }

  private static void createTopic(String topic, int partitions) throws Exception {
    try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
    }
  }

  /** A keyring with 'orders' v1 and a properties file mapping the given topics to it. */
  private Path config(String... topics) throws Exception {
    Path ring = dir.resolve("app.keyring");
    if (!Files.exists(ring)) {
      byte[] k = new byte[32];
      new java.security.SecureRandom().nextBytes(k);
      KeyringFile.write(ring, Keyring.builder().add("orders", 1, k).build());
    }
    StringBuilder sb = new StringBuilder("bootstrap.servers=" + bootstrap + "\n"
        + "sealpost.keyring.path=" + ring + "\n"
        + "sealpost.secret.headers=x-pii-.*\n"
        + "sealpost.authenticated.headers=x-tenant\n");
    for (String t : topics) {
      sb.append("sealpost.topic.").append(t).append("=kek:orders\n");
    }
    Path p = dir.resolve("client.properties");
    Files.writeString(p, sb.toString());
    return p;
  }

  private static Map<String, Object> props(Path config) throws Exception {
    return KafkaClientOptions.read(config);
  }

  /** What an application's producer with this file writes: string key and value, the adapter's serializer. */
  private static void produceWithSerializer(Path config, String topic, List<String[]> records) throws Exception {
    Map<String, Object> p = new HashMap<>(props(config));
    p.put("key.serializer", SealpostSerializer.class.getName());
    p.put("value.serializer", SealpostSerializer.class.getName());
    p.put("sealpost.key.inner.serializer", StringSerializer.class.getName());
    p.put("sealpost.value.inner.serializer", StringSerializer.class.getName());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      for (String[] r : records) {
        RecordHeaders h = new RecordHeaders();
        h.add("x-tenant", "acme".getBytes(UTF_8));
        h.add("x-pii-name", ("name of " + r[0]).getBytes(UTF_8));
        producer.send(new ProducerRecord<>(topic, 0, r[0], r[1], h)).get();
      }
    }
  }

  private static List<ConsumerRecord<byte[], byte[]>> raw(String topic) {
    Map<String, Object> p = Map.of("bootstrap.servers", bootstrap);
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> tps = new ArrayList<>();
      c.partitionsFor(topic).forEach(i -> tps.add(new TopicPartition(topic, i.partition())));
      c.assign(tps);
      c.seekToBeginning(tps);
      Map<TopicPartition, Long> end = c.endOffsets(tps);
      List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
      long deadline = System.currentTimeMillis() + 30_000;
      while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.currentTimeMillis() < deadline) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
      return out;
    }
  }

  /** What an application's consumer with this file reads. */
  private static List<ConsumerRecord<String, String>> readWithDeserializer(Path config, String topic) throws Exception {
    Map<String, Object> p = new HashMap<>(props(config));
    p.put("sealpost.key.inner.deserializer", StringDeserializer.class.getName());
    p.put("sealpost.value.inner.deserializer", StringDeserializer.class.getName());
    p.put("key.deserializer", SealpostDeserializer.class.getName());
    p.put("value.deserializer", SealpostDeserializer.class.getName());
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
      List<TopicPartition> tps = new ArrayList<>();
      c.partitionsFor(topic).forEach(i -> tps.add(new TopicPartition(topic, i.partition())));
      c.assign(tps);
      c.seekToBeginning(tps);
      Map<TopicPartition, Long> end = c.endOffsets(tps);
      List<ConsumerRecord<String, String>> out = new ArrayList<>();
      long deadline = System.currentTimeMillis() + 30_000;
      while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.currentTimeMillis() < deadline) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
      return out;
    }
  }

  private static List<JsonNode> jsonLines(CliTest.Result r) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String line : r.outText().split("\n")) {
      if (!line.isEmpty()) {
        out.add(JSON.readTree(line));
      }
    }
    return out;
  }

  /** Writes two records, a copy of the first with one body byte flipped, and two more: offsets 0..4, 2 tampered. */
  private void topicWithTamperedRecord(Path config, String topic) throws Exception {
    createTopic(topic, 1);
    produceWithSerializer(config, topic, List.of(new String[] {"k0", "payment 0"}, new String[] {"k1", "payment 1"}));
    ConsumerRecord<byte[], byte[]> first = raw(topic).get(0);
    byte[] value = first.value().clone();
    value[value.length - 20] ^= 1; // inside the body: the tag check fails
    try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", bootstrap),
        new ByteArraySerializer(), new ByteArraySerializer())) {
      p.send(new ProducerRecord<>(topic, 0, first.key(), value, first.headers())).get();
    }
    produceWithSerializer(config, topic, List.of(new String[] {"k3", "payment 3"}, new String[] {"k4", "payment 4"}));
  }

  @Test
  void consumeReportsATamperedRecordByCategoryAndPrintsTheRest() throws Exception {
    Path config = config("tampered");
    topicWithTamperedRecord(config, "tampered");

    CliTest.Result text = CliTest.run("kafka", "consume", "-F", config.toString(), "-t", "tampered", "--from-beginning", "-e");
    assertEquals(1, text.code(), text.err());
    assertEquals(List.of("payment 0", "payment 1", "payment 3", "payment 4"), text.outText().lines().toList());
    assertTrue(text.err().contains("tampered partition 0 offset 2: record value: authentication-failed"), text.err());
    assertTrue(text.err().contains("read 5 records from tampered; 1 failed"), text.err());

    CliTest.Result json = CliTest.run("kafka", "consume", "-F", config.toString(), "-t", "tampered", "--from-beginning",
        "-e", "--format", "json");
    assertEquals(1, json.code(), json.err());
    List<JsonNode> lines = jsonLines(json);
    assertEquals(5, lines.size());
    String[] keys = {"k0", "k1", null, "k3", "k4"};
    for (int i = 0; i < 5; i++) {
      JsonNode l = lines.get(i);
      assertEquals(i, l.get("offset").asInt());
      assertEquals(0, l.get("partition").asInt());
      assertEquals("tampered", l.get("topic").asText());
      assertTrue(l.get("timestamp").asLong() > 0);
      assertEquals("AES_256_GCM", l.at("/envelope/value/suite").asText());
      assertEquals("AES_256_SIV", l.at("/envelope/key/suite").asText());
      assertEquals("orders", l.at("/envelope/value/recipients/0/keyId").asText());
      assertEquals(1, l.at("/envelope/value/recipients/0/keyVersion").asInt());
      if (i == 2) {
        assertEquals("authentication-failed", l.at("/error/category").asText(), l.toString());
        assertEquals("value", l.at("/error/part").asText());
        assertEquals("DECRYPTION_FAILED", l.at("/error/reason").asText());
        assertTrue(l.get("value").isNull());
        assertEquals("k0", l.get("key").asText()); // the key itself was intact
        continue;
      }
      assertNull(l.get("error"), l.toString());
      assertEquals(keys[i], l.get("key").asText());
      assertEquals("payment " + i, l.get("value").asText());
      // The secret header is back, after the clear one, as the deserializer restores it.
      assertEquals("x-tenant", l.at("/headers/0/name").asText());
      assertEquals("acme", l.at("/headers/0/value").asText());
      assertEquals("x-pii-name", l.at("/headers/1/name").asText());
      assertEquals("name of " + keys[i], l.at("/headers/1/value").asText());
    }

    // By hand, as cli/README.md and decrypt's help show: the four context entries of
    // docs/bindings/kafka.md section 4, computed here from the stored record.
    ConsumerRecord<byte[], byte[]> stored = raw("tampered").get(0);
    java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
    String k = java.util.HexFormat.of().formatHex(sha.digest(stored.key()));
    java.io.ByteArrayOutputStream a = new java.io.ByteArrayOutputStream();
    java.io.DataOutputStream d = new java.io.DataOutputStream(a);
    d.writeShort(8);
    d.writeBytes("x-tenant");
    d.writeByte(1);
    d.writeInt(4);
    d.writeBytes("acme");
    String h = java.util.HexFormat.of().formatHex(sha.digest(a.toByteArray()));
    CliTest.Result byHand = CliTest.run(stored.value(), "decrypt", "--keyring", dir.resolve("app.keyring").toString(),
        "--context", "kafka.topic=tampered", "--context", "kafka.record.part=value",
        "--context", "kafka.record.key-sha256=" + k, "--context", "kafka.record.headers-sha256=" + h);
    assertEquals(0, byHand.code(), byHand.err());
    assertEquals(1, byHand.out()[0]); // inner framing version
    assertTrue(byHand.outText().endsWith("payment 0"), byHand.outText());

    // -o, -p and -c: one record from offset 3.
    CliTest.Result one = CliTest.run("kafka", "consume", "-F", config.toString(), "-t", "tampered", "-p", "0", "-o", "3",
        "-c", "1", "-K", "\\t");
    assertEquals(0, one.code(), one.err());
    assertEquals("k3\tpayment 3\n", one.outText());
  }

  @Test
  void produceThenConsumeRoundTrip() throws Exception {
    Path config = config("roundtrip");
    createTopic("roundtrip", 1);
    String input = "{\"key\": \"order-1\", \"value\": \"12.50 EUR\", \"headers\": [{\"name\": \"x-tenant\", \"value\": \"acme\"},"
        + " {\"name\": \"x-pii-card\", \"value\": \"4111\"}]}\n"
        + "{\"key\": \"order-2\", \"valueBase64\": \"AP8=\"}\n"
        + "\n"
        + "{\"key\": \"order-1\", \"value\": null}\n";
    CliTest.Result produced = CliTest.run(input.getBytes(UTF_8), "kafka", "produce", "-F", config.toString(), "-t",
        "roundtrip", "--format", "json");
    assertEquals(0, produced.code(), produced.err());
    assertTrue(produced.err().contains("produced 3 records from standard input to roundtrip"), produced.err());
    CliTest.Result lines = CliTest.run("plain line\n".getBytes(UTF_8), "kafka", "produce", "-F", config.toString(), "-t",
        "roundtrip");
    assertEquals(0, lines.code(), lines.err());

    // The broker holds envelopes only, and the secret header is not among the clear ones.
    List<ConsumerRecord<byte[], byte[]>> stored = raw("roundtrip");
    assertEquals(4, stored.size());
    for (ConsumerRecord<byte[], byte[]> r : stored) {
      assertFalse(new String(r.key() == null ? new byte[0] : r.key(), UTF_8).contains("order-")); // "orders" is the key id, in the header
      assertNull(r.headers().lastHeader("x-pii-card"));
    }
    assertFalse(new String(stored.get(0).value(), UTF_8).contains("12.50"));
    assertNull(stored.get(2).value());
    assertNotNull(stored.get(2).headers().lastHeader("sealpost.tombstone"));

    // An application's consumer reads what the CLI wrote.
    List<ConsumerRecord<String, String>> app = readWithDeserializer(config, "roundtrip");
    assertEquals(4, app.size());
    assertEquals("order-1", app.get(0).key());
    assertEquals("12.50 EUR", app.get(0).value());
    assertEquals("4111", new String(app.get(0).headers().lastHeader("x-pii-card").value(), UTF_8));
    assertEquals("order-2", app.get(1).key());
    assertNull(app.get(2).value());
    assertNull(app.get(3).key());
    assertEquals("plain line", app.get(3).value());

    // And the CLI's consume reads it back, bytes that are not UTF-8 as base64, the tombstone authenticated.
    CliTest.Result c = CliTest.run("kafka", "consume", "-F", config.toString(), "-t", "roundtrip", "--from-beginning", "-e",
        "--format", "json");
    assertEquals(0, c.code(), c.err());
    List<JsonNode> l = jsonLines(c);
    assertEquals(4, l.size());
    assertEquals("12.50 EUR", l.get(0).get("value").asText());
    assertEquals("AP8=", l.get(1).get("valueBase64").asText());
    assertTrue(l.get(2).get("value").isNull());
    assertTrue(l.get(2).at("/tombstone/authenticated").asBoolean(), l.get(2).toString());
    assertTrue(l.get(3).get("key").isNull());
  }

  @Test
  void consumeShowsTheVerifiedSignerWhenTheFileTrustsWriters() throws Exception {
    // SPEC.md 16 through the adapter: a producer signs with sealpost.signer.*, a consumer trusts
    // it with sealpost.trust.*; consume names the verified signer per record and refuses the
    // unsigned one by category, going on with the rest.
    Path plainConfig = config("signed");
    createTopic("signed", 1);
    assertEquals(0, CliTest.run("keygen", "ed25519", "--out", dir.resolve("billing").toString()).code());
    String base = Files.readString(plainConfig);
    Path writer = dir.resolve("writer.properties");
    Files.writeString(writer, base + "sealpost.signer.key=" + dir.resolve("billing.key") + "\nsealpost.signer.id=billing\n");
    Path reader = dir.resolve("reader.properties");
    Files.writeString(reader, base + "sealpost.trust.billing.keys=billing:1:" + dir.resolve("billing.pub")
        + "\nsealpost.trust.billing.topics=signed\n");
    assertEquals(0, CliTest.run("k1\tsigned one\n".getBytes(UTF_8), "kafka", "produce", "-F", writer.toString(), "-t", "signed",
        "-K", "\\t").code());
    assertEquals(0, CliTest.run("k2\tunsigned\n".getBytes(UTF_8), "kafka", "produce", "-F", plainConfig.toString(), "-t", "signed",
        "-K", "\\t").code());
    assertEquals(0, CliTest.run("k3\tsigned two\n".getBytes(UTF_8), "kafka", "produce", "-F", writer.toString(), "-t", "signed",
        "-K", "\\t").code());

    CliTest.Result c = CliTest.run("kafka", "consume", "-F", reader.toString(), "-t", "signed", "--from-beginning", "-e",
        "--format", "json");
    assertEquals(1, c.code(), c.err());
    List<JsonNode> l = jsonLines(c);
    assertEquals(3, l.size());
    assertEquals("signed one", l.get(0).get("value").asText());
    assertEquals("billing", l.get(0).at("/envelope/value/signer/signerId").asText(), l.get(0).toString());
    assertEquals(1, l.get(0).at("/envelope/value/signer/version").asInt());
    assertEquals("per-dek", l.get(0).at("/envelope/value/signer/mode").asText());
    assertTrue(l.get(0).at("/envelope/value/signer/verified").asBoolean(), l.get(0).toString());
    assertEquals("untrusted-writer", l.get(1).at("/error/category").asText(), l.get(1).toString());
    assertTrue(l.get(1).at("/envelope/value/signer").isMissingNode(), "an unsigned envelope has no signer field");
    assertEquals("signed two", l.get(2).get("value").asText());
    assertTrue(l.get(2).at("/envelope/value/signer/verified").asBoolean());
    assertTrue(c.err().contains("read 3 records from signed; 1 failed to decrypt (reported above); 2 signed by 'billing' v1"
        + " (per-dek), verified"), c.err());

    // Without trust in the file the records decrypt and the signer field is header data only.
    CliTest.Result u = CliTest.run("kafka", "consume", "-F", plainConfig.toString(), "-t", "signed", "--from-beginning", "-e",
        "--format", "json");
    assertEquals(0, u.code(), u.err());
    List<JsonNode> ul = jsonLines(u);
    assertEquals("billing", ul.get(0).at("/envelope/value/signer/signerId").asText());
    assertFalse(ul.get(0).at("/envelope/value/signer/verified").asBoolean(), ul.get(0).toString());
    assertFalse(u.err().contains("verified"), u.err());
  }

  @Test
  void produceStopsAtTheFirstRefusedLine() throws Exception {
    Path config = config(); // no topic mapped: the serializer refuses to send plaintext
    createTopic("unmapped", 1);
    CliTest.Result r = CliTest.run("a\nb\n".getBytes(UTF_8), "kafka", "produce", "-F", config.toString(), "-t", "unmapped");
    CliTest.assertOneLineError(r, 1, "standard input line 1: ");
    assertTrue(r.err().contains("nothing was sent"), r.err());
    assertEquals(0, raw("unmapped").size());

    // Nothing arrives at the end of an empty topic: --timeout ends the wait, and nothing failed.
    CliTest.Result waited = CliTest.run("kafka", "consume", "-F", config.toString(), "-t", "unmapped", "--timeout", "1");
    assertEquals(0, waited.code(), waited.err());
    assertEquals("", waited.outText());
    assertTrue(waited.err().contains("read 0 records from unmapped"), waited.err());
    // Usage errors exit 2; a missing topic is a failure naming it.
    CliTest.assertOneLineError(CliTest.run("kafka", "consume", "-F", config.toString(), "-t", "unmapped", "-o", "3",
        "--from-beginning"), 2, "give one");
    CliTest.assertOneLineError(CliTest.run("kafka", "consume", "-t", "unmapped"), 2, "no brokers");
    CliTest.assertOneLineError(CliTest.run("kafka", "consume", "-F", config.toString(), "-t", "no-such-topic", "-e"), 1,
        "no topic 'no-such-topic'");
  }

  @Test
  void reencryptCopiesUnderTheNewKeyAndChecksTheCount() throws Exception {
    Path config = config("old", "new");
    createTopic("old", 2);
    produceWithSerializer(config, "old", List.of(new String[] {"a", "1"}, new String[] {"b", "2"}, new String[] {"a", "3"}));
    // Rotate: orders v2 becomes current for writers; v1 stays for reading.
    Path ring = dir.resolve("app.keyring");
    assertEquals(0, CliTest.run("keys", "add", "--keyring", ring.toString(), "--key-id", "orders", "--promote").code());

    CliTest.Result r = CliTest.run("kafka", "reencrypt", "-F", config.toString(), "--from", "old", "--to", "new");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.outText().contains("re-encrypted 3 records from old to new (2 partitions); new holds 3 records: count checked"),
        r.outText());

    List<ConsumerRecord<byte[], byte[]>> stored = raw("new");
    assertEquals(3, stored.size());
    for (ConsumerRecord<byte[], byte[]> s : stored) {
      assertEquals(0, s.partition()); // partitions are kept
      assertEquals(2, EnvelopeHeader.parse(s.value()).recipients().get(0).keyVersionUnsigned());
      assertEquals(2, EnvelopeHeader.parse(s.key()).recipients().get(0).keyVersionUnsigned());
    }
    List<ConsumerRecord<String, String>> app = readWithDeserializer(config, "new");
    assertEquals(List.of("a=1", "b=2", "a=3"), app.stream().map(x -> x.key() + "=" + x.value()).toList());
    assertEquals("name of b", new String(app.get(1).headers().lastHeader("x-pii-name").value(), UTF_8));
    // The same key got the same bytes under the new key (compaction keeps working).
    assertTrue(Arrays.equals(stored.get(0).key(), stored.get(2).key()));

    // A non-empty target is refused.
    CliTest.assertOneLineError(CliTest.run("kafka", "reencrypt", "-F", config.toString(), "--from", "old", "--to", "new"), 1,
        "is not empty (3 records)");
  }

  @Test
  void reencryptStopsAtARecordThatDoesNotDecrypt() throws Exception {
    Path config = config("bad", "bad-copy");
    topicWithTamperedRecord(config, "bad");
    CliTest.Result r = CliTest.run("kafka", "reencrypt", "-F", config.toString(), "--from", "bad", "--to", "bad-copy");
    CliTest.assertOneLineError(r, 1, "bad partition 0 offset 2: record value: authentication-failed");
    assertTrue(r.err().contains("2 records were already written to bad-copy"), r.err());
  }
}
