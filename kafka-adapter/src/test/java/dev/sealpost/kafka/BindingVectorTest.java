package dev.sealpost.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealpost.codec.Decryptor;
import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.Recipient;
import dev.sealpost.codec.Suite;
import dev.sealpost.codec.keys.Keyring;
import dev.sealpost.vectors.ScriptedRandom;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * test-vectors/sealpost_kafka_binding_v1.json: the committed file is what the generator writes,
 * and the Java adapter writes every write test's exact record and reaches every read test's
 * outcome ([KB-1]..[KB-22] as flagged in the file).
 */
class BindingVectorTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final ObjectMapper JSON = new ObjectMapper();

  static Path file() {
    String root = System.getProperty("sealpost.root");
    return (root != null ? Path.of(root, "test-vectors") : Path.of("..", "test-vectors")).resolve(BindingVectorGenerator.FILE);
  }

  @Test
  void regeneratingChangesNoByte() throws Exception {
    String fresh = BindingVectorGenerator.generate();
    if (Boolean.getBoolean("sealpost.regenerate")) {
      Files.writeString(file(), fresh, StandardCharsets.UTF_8);
    }
    assertTrue(Files.exists(file()), file() + " is missing");
    assertTrue(fresh.equals(Files.readString(file(), StandardCharsets.UTF_8)),
        "the Kafka binding vectors differ from what the generator writes now; if intended, regenerate with"
            + " ./mvnw -q -B -pl kafka-adapter -am test -Dtest=BindingVectorTest -Dsurefire.failIfNoSpecifiedTests=false"
            + " -Dsealpost.regenerate=true and commit the result");
    assertEquals(fresh, BindingVectorGenerator.generate(), "generation is deterministic");
  }

  @Test
  void vectorCounts() throws Exception {
    JsonNode root = JSON.readTree(file().toFile());
    int n = 0;
    for (JsonNode g : root.get("testGroups")) {
      n += g.get("tests").size();
    }
    assertEquals(root.get("numberOfTests").asInt(), n);
    assertTrue(n >= 40, "write and read tests: " + n);
  }

  @TestFactory
  Stream<DynamicTest> adapterFollowsEveryVector() throws Exception {
    JsonNode root = JSON.readTree(file().toFile());
    JsonNode keys = root.get("keys");
    List<DynamicTest> out = new ArrayList<>();
    for (JsonNode g : root.get("testGroups")) {
      boolean write = g.get("type").asText().equals("KafkaRecordWrite");
      for (JsonNode t : g.get("tests")) {
        out.add(DynamicTest.dynamicTest(g.get("type").asText() + " " + t.get("tcId") + ": " + t.get("comment").asText(),
            () -> {
              // Each in a thread of its own: see BindingVectorGenerator.inFreshThread.
              BindingVectorGenerator.inFreshThread(() -> {
                if (write) {
                  checkWrite(keys, t);
                } else {
                  checkRead(keys, t);
                }
                return null;
              });
            }));
      }
    }
    return out.stream();
  }

  private static Keyring keyring(JsonNode keys) throws Exception {
    Keyring.Builder b = Keyring.builder();
    for (JsonNode k : keys.get("symmetric")) {
      b.add(k.get("keyId").asText(), k.get("version").asInt(), HEX.parseHex(k.get("key").asText()));
    }
    return b.build();
  }

  private static SealpostSettings settings(JsonNode keys, JsonNode c, ScriptedRandom random) throws Exception {
    Keyring ring = keyring(keys);
    SealpostSettings.Builder b = SealpostSettings.builder();
    List<Recipient> rs = new ArrayList<>();
    for (JsonNode r : c.get("recipients")) {
      rs.add(Recipient.symmetric(ring, r.get("keyId").asText()));
    }
    SealpostSettings.Target target = SealpostSettings.Builder.target("vector", rs); // one key reference, one encryptor
    c.get("encryptedTopics").forEach(topic -> b.topic(topic.asText(), target));
    c.get("plaintextTopics").forEach(p -> b.plaintextTopics(p.asText()));
    b.secretHeaders(Pattern.compile(c.get("secretHeaders").asText()));
    b.authenticatedHeaders(Pattern.compile(c.get("authenticatedHeaders").asText()));
    b.keyMode(SealpostSettings.KeyMode.valueOf(c.get("keyMode").asText().toUpperCase(java.util.Locale.ROOT)));
    b.bindValueToKey(c.get("bindKey").asBoolean());
    b.valueSuite(Suite.valueOf(c.get("valueSuite").asText()));
    if (!c.get("storeTopics").isNull()) {
      b.storeTopics(Pattern.compile(c.get("storeTopics").asText()));
    }
    b.decryptor(Decryptor.builder().kekSource(ring).build());
    return b.random(random).build();
  }

  private static byte[] hex(JsonNode n) {
    return n == null || n.isNull() ? null : HEX.parseHex(n.asText());
  }

  private static Headers headers(JsonNode n) {
    RecordHeaders h = new RecordHeaders();
    n.forEach(x -> h.add(x.get("name").asText(), hex(x.get("value"))));
    return h;
  }

  private static void assertHeaders(JsonNode expected, Headers actual) {
    List<String> want = new ArrayList<>();
    expected.forEach(x -> want.add(x.get("name").asText() + "=" + (x.get("value").isNull() ? "null" : x.get("value").asText())));
    List<String> got = new ArrayList<>();
    for (Header h : actual) {
      got.add(h.key() + "=" + (h.value() == null ? "null" : HEX.formatHex(h.value())));
    }
    assertEquals(want, got);
  }

  private static void checkWrite(JsonNode keys, JsonNode t) throws Exception {
    ScriptedRandom random = new ScriptedRandom();
    if (t.has("randomness")) {
      random.then(hex(t.get("randomness").get("dek"))).then(hex(t.get("randomness").get("nonce")));
    }
    random.orZeros(); // encryptors prepared for topics this record does not use
    SealpostSettings s = settings(keys, t.get("config"), random);
    SealpostSerializer<byte[]> k = SealpostSerializer.forKeys(new ByteArraySerializer(), s);
    SealpostSerializer<byte[]> v = SealpostSerializer.forValues(new ByteArraySerializer(), s);
    JsonNode in = t.get("input");
    String topic = in.get("topic").asText();
    Headers h = in.get("headers").isNull() ? null : headers(in.get("headers"));
    if (t.get("result").asText().equals("invalid")) {
      SealpostRecordException e = assertThrows(SealpostRecordException.class,
          () -> Records.produce(k, v, topic, hex(in.get("key")), hex(in.get("value")), h));
      assertEquals("secret-header-without-envelope", t.get("error").asText());
      assertTrue(e.reason() == SealpostRecordException.Reason.SECRET_HEADERS_IN_CLEAR
          || e.reason() == SealpostRecordException.Reason.SECRET_HEADERS_ON_TOMBSTONE, e.reason().toString());
      return;
    }
    byte[] key;
    byte[] value;
    if (h == null) {
      key = k.serialize(topic, hex(in.get("key")));
      value = v.serialize(topic, hex(in.get("value")));
    } else {
      Records.Wire w = Records.produce(k, v, topic, hex(in.get("key")), hex(in.get("value")), h);
      key = w.key;
      value = w.value;
    }
    JsonNode o = t.get("output");
    assertArrayEquals(hex(o.get("key")), key, "key bytes");
    assertArrayEquals(hex(o.get("value")), value, "value bytes");
    if (h != null) {
      assertHeaders(o.get("headers"), h);
    }
    assertTrue(random.exhausted(), "the adapter drew the vector's randomness");
  }

  private static void checkRead(JsonNode keys, JsonNode t) throws Exception {
    JsonNode c = t.get("config");
    SealpostSettings s = settings(keys, c, null);
    SealpostDeserializer<byte[]> k = SealpostDeserializer.forKeys(new ByteArrayDeserializer(), s);
    SealpostDeserializer<byte[]> v = SealpostDeserializer.forValues(new ByteArrayDeserializer(), s);
    JsonNode r = t.get("record");
    Records.Wire w = new Records.Wire(r.get("topic").asText(), hex(r.get("key")), hex(r.get("value")), headers(r.get("headers")));
    boolean valid = t.get("result").asText().equals("valid");
    String error = valid ? null : t.get("error").asText();
    Records.Read<byte[], byte[]> read;
    try {
      read = Records.consume(k, v, w);
    } catch (SealpostRecordException e) {
      assertTrue(!valid, "unexpected failure: " + e.getMessage());
      switch (error) {
        case "authentication-failed":
          assertEquals(ErrorCategory.AUTHENTICATION_FAILED, e.category(), e.getMessage());
          assertEquals(t.get("part").asText().equals("key"), e.isKey(), "failing part");
          break;
        case "not-an-envelope":
          assertEquals(ErrorCategory.NOT_AN_ENVELOPE, e.category());
          break;
        case "secret-header-in-clear":
          assertEquals(SealpostRecordException.Reason.SECRET_HEADERS_IN_CLEAR, e.reason());
          break;
        default:
          throw new AssertionError("the adapter failed with " + e.reason() + " where the vector expects " + error);
      }
      return;
    }
    if (w.value == null) {
      SealpostTombstoneInterceptor<byte[], byte[]> policy = new SealpostTombstoneInterceptor<>(
          Decryptor.builder().kekSource(keyring(keys)).build(), c.get("tombstonePolicy").asText().equals("drop-unauthenticated"));
      ConsumerRecord<byte[], byte[]> cr = new ConsumerRecord<>(w.topic, 0, 0L, 0L, TimestampType.CREATE_TIME, -1, -1,
          read.key, null, read.headers, Optional.empty());
      ConsumerRecords<byte[], byte[]> kept =
          policy.onConsume(new ConsumerRecords<>(Map.of(new TopicPartition(w.topic, 0), List.of(cr)), Map.of()));
      if (!valid) {
        assertEquals("tombstone-dropped", error);
        assertEquals(0, kept.count(), "dropped");
        return;
      }
      assertEquals(1, kept.count(), "kept");
    }
    assertTrue(valid, "the adapter accepted what the vector expects to fail with " + error);
    JsonNode e = t.get("expected");
    assertArrayEquals(hex(e.get("key")), read.key);
    if (e.get("value").isNull()) {
      assertNull(read.value);
    } else {
      assertArrayEquals(hex(e.get("value")), read.value);
    }
    assertHeaders(e.get("headers"), read.headers);
  }
}
