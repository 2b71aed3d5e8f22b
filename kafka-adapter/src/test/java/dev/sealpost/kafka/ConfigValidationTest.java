package dev.sealpost.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealpost.codec.dek.DekPolicy;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 8 findings 5 and 7: properties that used to be accepted and then leaked or crashed. */
class ConfigValidationTest {
  @TempDir Path dir;
  Map<String, Object> props;

  @BeforeEach
  void setUp() throws Exception {
    props = Keys.props(Keys.writeKeyring(dir, "app.keyring", 1));
  }

  private ConfigException refused(Map<String, Object> p) {
    return assertThrows(ConfigException.class, () -> new SealpostSerializer<String>().configure(p, false));
  }

  @Test
  void typoOfSecretHeadersIsRefusedAndNamesTheProperty() {
    // Finding 5 exploit: 'sealpost.secret.header' was ignored and PII headers went out in clear.
    props.put("sealpost.secret.header", "x-pii-.*");
    ConfigException e = refused(props);
    assertTrue(e.getMessage().contains("'sealpost.secret.header'"), e.getMessage());
    assertTrue(e.getMessage().contains("did you mean 'sealpost.secret.headers'"), e.getMessage());
  }

  @Test
  void familyTyposNameTheFamilyShape() {
    Map<String, Object> p = new HashMap<>(props);
    p.put("sealpost.rule.orders.patern", "orders.*");
    assertTrue(refused(p).getMessage().contains("did you mean 'sealpost.rule.orders.pattern'"));
    p = new HashMap<>(props);
    p.put("sealpost.topics.payments", "kek:orders");
    String m = refused(p).getMessage();
    assertTrue(m.contains("did you mean 'sealpost.topic.payments'"), m);
    p = new HashMap<>(props);
    p.put("sealpost.x25519.publik.auditor", "/x.pub");
    assertTrue(refused(p).getMessage().contains("did you mean 'sealpost.x25519.public.auditor'"));
    p = new HashMap<>(props);
    p.put("sealpost.authenticated.header", "approved-by");
    assertTrue(refused(p).getMessage().contains("did you mean 'sealpost.authenticated.headers'"));
  }

  @Test
  void knownShapesAndForeignPropertiesPass() {
    Set<String> fixed = SealpostKafkaConfig.configDef().names();
    for (String k : new String[] {"sealpost.topic.a.b", "sealpost.rule.x.y.pattern", "sealpost.x25519.private.l.version",
        SealpostKafkaConfig.KMS_KEY_URIS, SealpostKafkaConfig.TOMBSTONE_POLICY}) {
      assertTrue(KnownProperties.isKnown(k, fixed), k);
    }
    for (String k : new String[] {"sealpost.topic.", "sealpost.rule.x", "sealpost.rule.x.pattrn", "sealpost.x25519.public."}) {
      assertTrue(!KnownProperties.isKnown(k, fixed), k);
    }
    props.put("bootstrap.servers", "b:9092"); // not ours: left to Kafka
    new SealpostSerializer<String>().configure(props, false);
  }

  @Test
  void editDistanceIsLevenshtein() {
    assertEquals(3, dev.sealpost.codec.internal.NearestName.editDistance("kitten", "sitting"));
    assertEquals(0, dev.sealpost.codec.internal.NearestName.editDistance("", ""));
    assertEquals(4, dev.sealpost.codec.internal.NearestName.editDistance("", "abcd"));
  }

  @Test
  void deserializerWithoutKeyMaterialFailsAtConfigure() {
    Map<String, Object> none = new HashMap<>();
    none.put(SealpostKafkaConfig.PLAINTEXT_TOPICS, "metrics");
    ConfigException e = assertThrows(ConfigException.class, () -> new SealpostDeserializer<String>().configure(none, false));
    assertTrue(e.getMessage().contains(SealpostKafkaConfig.KEYRING_PATH), e.getMessage());
    // A key deserializer for clear keys decrypts nothing and needs no key.
    none.put(SealpostKafkaConfig.KEY_MODE, "clear");
    new SealpostDeserializer<String>().configure(none, true);
  }

  @Test
  void dekMaxAgeAtLongMaxIsRefusedWithTheRange() {
    // Finding 7 exploit: Long.MAX_VALUE was accepted and then every send threw ArithmeticException.
    props.put(SealpostKafkaConfig.DEK_MAX_AGE_MS, String.valueOf(Long.MAX_VALUE));
    ConfigException e = refused(props);
    assertTrue(e.getMessage().contains(SealpostKafkaConfig.DEK_MAX_AGE_MS), e.getMessage());
    assertTrue(e.getMessage().contains("2147483647"), "names the upper bound: " + e.getMessage());
    props.put(SealpostKafkaConfig.DEK_MAX_AGE_MS, "0");
    refused(props);
  }

  @Test
  void dekLimitsAtTheirMaximumWork() throws Exception {
    props.put(SealpostKafkaConfig.DEK_MAX_AGE_MS, String.valueOf(Integer.MAX_VALUE));
    props.put(SealpostKafkaConfig.DEK_MAX_MESSAGES, String.valueOf(1L << 32));
    SealpostSerializer<String> keys = new SealpostSerializer<>();
    keys.configure(props, true);
    SealpostSerializer<String> values = new SealpostSerializer<>();
    values.configure(props, false);
    for (int i = 0; i < 3; i++) {
      Records.produce(keys, values, "orders", "k", "v" + i, new RecordHeaders());
    }
    props.put(SealpostKafkaConfig.DEK_MAX_MESSAGES, String.valueOf((1L << 32) + 1));
    assertTrue(refused(props).getMessage().contains(SealpostKafkaConfig.DEK_MAX_MESSAGES));
    assertEquals(1L << 32, DekPolicy.HARD_MAX_MESSAGES);
  }

  @Test
  void keyringReloadIntervalIsBounded() {
    props.put(SealpostKafkaConfig.KEYRING_RELOAD_MS, String.valueOf(Long.MAX_VALUE));
    assertTrue(refused(props).getMessage().contains(SealpostKafkaConfig.KEYRING_RELOAD_MS));
  }
}
