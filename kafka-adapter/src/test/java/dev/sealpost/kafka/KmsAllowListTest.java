package dev.sealpost.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealpost.codec.ErrorCategory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Issue 8 finding 3, Kafka side: the reader, not the writer, chooses which KMS keys it calls. */
class KmsAllowListTest {
  private static final String OURS = "test-kms://orders/key-1";
  private static final String EVIL = "test-kms://attacker/key-9";

  @BeforeEach
  void reset() {
    RecordingKms.UNWRAPPED.clear();
  }

  private static Map<String, Object> base() {
    Map<String, Object> p = new HashMap<>();
    p.put(SealpostKafkaConfig.KMS_CLIENT_CLASS, RecordingKms.class.getName());
    p.put(SealpostKafkaConfig.VALUE_INNER_SERIALIZER, "org.apache.kafka.common.serialization.StringSerializer");
    p.put(SealpostKafkaConfig.VALUE_INNER_DESERIALIZER, "org.apache.kafka.common.serialization.StringDeserializer");
    p.put(SealpostKafkaConfig.VALUE_BIND_KEY, "false");
    return p;
  }

  private static byte[] write(String uri) {
    Map<String, Object> w = base();
    w.put(SealpostKafkaConfig.TOPIC_PREFIX + "orders", "kms:" + uri);
    SealpostSerializer<String> s = new SealpostSerializer<>();
    s.configure(w, false);
    return s.serialize("orders", new RecordHeaders(), "v");
  }

  private static SealpostDeserializer<String> reader(Map<String, Object> p) {
    SealpostDeserializer<String> d = new SealpostDeserializer<>();
    d.configure(p, false);
    return d;
  }

  @Test
  void kmsClientWithoutAllowedKeysFailsAtConfigure() {
    // [KMS-3]: allowing every key is never a default.
    ConfigException e = assertThrows(ConfigException.class, () -> reader(base()));
    assertTrue(e.getMessage().contains(SealpostKafkaConfig.KMS_KEY_URIS), e.getMessage());
    assertTrue(e.getMessage().contains(SealpostKafkaConfig.KMS_DISCOVERY), e.getMessage());
  }

  @Test
  void writerChosenKeyIsNeverCalled() {
    // Finding 3 exploit: an envelope naming a key of the writer's choice made the consumer call
    // KMS Decrypt on it with the consumer's credentials.
    Map<String, Object> p = base();
    p.put(SealpostKafkaConfig.KMS_KEY_URIS, OURS);
    SealpostDeserializer<String> d = reader(p);
    assertEquals("v", d.deserialize("orders", new RecordHeaders(), write(OURS)));
    SealpostRecordException e = assertThrows(SealpostRecordException.class,
        () -> d.deserialize("orders", new RecordHeaders(), write(EVIL)));
    assertEquals(ErrorCategory.NO_MATCHING_KEY, e.category());
    assertEquals(List.of(OURS), RecordingKms.UNWRAPPED);
  }

  @Test
  void prefixesEndInAStar() {
    Map<String, Object> p = base();
    p.put(SealpostKafkaConfig.KMS_KEY_URIS, "test-kms://elsewhere/x, test-kms://orders/*");
    SealpostDeserializer<String> d = reader(p);
    assertEquals("v", d.deserialize("orders", new RecordHeaders(), write(OURS)));
    assertThrows(SealpostRecordException.class, () -> d.deserialize("orders", new RecordHeaders(), write(EVIL)));
    assertEquals(List.of(OURS), RecordingKms.UNWRAPPED);
    for (String bad : new String[] {"*", "test-kms://*/x", "test-kms://a*b"}) {
      Map<String, Object> q = base();
      q.put(SealpostKafkaConfig.KMS_KEY_URIS, bad);
      assertThrows(ConfigException.class, () -> reader(q), bad);
    }
  }

  @Test
  void writersReadTheirOwnKmsRecipients() {
    // The kms: recipients a configuration writes for are keys it chose explicitly.
    Map<String, Object> p = base();
    p.put(SealpostKafkaConfig.TOPIC_PREFIX + "orders", "kms:" + OURS);
    assertEquals("v", reader(p).deserialize("orders", new RecordHeaders(), write(OURS)));
  }

  @Test
  void discoveryIsAnExplicitOptIn() {
    // [KMS-4]: only with sealpost.kms.discovery=true.
    Map<String, Object> p = base();
    p.put(SealpostKafkaConfig.KMS_DISCOVERY, "true");
    assertEquals("v", reader(p).deserialize("orders", new RecordHeaders(), write(EVIL)));
    assertEquals(List.of(EVIL), RecordingKms.UNWRAPPED);
  }
}
