package dev.sealpost.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sealpost.codec.Decryptor;
import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.Recipient;
import dev.sealpost.codec.keys.Keyring;
import dev.sealpost.vectors.ScriptedRandom;
import io.nats.client.Message;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The adapter against every NATS binding vector: sealing gives the exact data bytes and clear
 * headers, opening gives the exact data and headers or exactly the expected category and reason.
 * Cites the ids the vectors exercise: [NB-1] [NB-2] [NB-3] [NB-4] [NB-5] [NB-6] [NB-7] [NB-8]
 * [NB-9] [NB-10] [NB-11] [NB-12] [NB-13] [NB-14] [NB-15] [NB-16] [NB-17] [NB-18] [NB-19] [NB-20]
 * [NB-21] [NB-22].
 */
class NatsVectorTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void vectorCountsAreAsDocumented() throws Exception {
    JsonNode root = VectorFiles.read();
    int n = 0;
    for (JsonNode g : root.get("testGroups")) {
      assertFalse(g.get("tests").isEmpty(), g.get("type").asText());
      n += g.get("tests").size();
      for (JsonNode t : g.get("tests")) {
        if (t.has("reason")) {
          assertTrue(root.get("errors").has(t.get("reason").asText()), "reason explained in 'errors': " + t.get("reason"));
        }
      }
    }
    assertEquals(root.get("numberOfTests").asInt(), n);
    assertTrue(n >= 50, "expected at least 50 NATS binding vectors, found " + n);
  }

  @TestFactory
  Stream<DynamicTest> everyVector() throws Exception {
    JsonNode root = VectorFiles.read();
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode g : root.get("testGroups")) {
      String type = g.get("type").asText();
      for (JsonNode t : g.get("tests")) {
        tests.add(DynamicTest.dynamicTest(type + " tcId " + t.get("tcId").asInt() + ": " + t.get("comment").asText(),
            () -> run(root, type, t)));
      }
    }
    return tests.stream();
  }

  private static void run(JsonNode root, String type, JsonNode t) throws Exception {
    NatsSealer sealer = sealer(root, t.get("randomness"));
    switch (type) {
      case "seal":
        seal(sealer, t);
        break;
      case "open":
        open(sealer, t);
        break;
      default:
        kv(sealer, t);
    }
  }

  /** Settings from the vector file's config; every encryptor draws the vector's randomness. */
  static NatsSealer sealer(JsonNode root, JsonNode randomness) throws Exception {
    Keyring.Builder ring = Keyring.builder();
    for (JsonNode k : root.get("keys").get("symmetric")) {
      ring.add(k.get("keyId").asText(), k.get("version").asInt(), HEX.parseHex(k.get("key").asText()));
    }
    Keyring keyring = ring.build();
    JsonNode c = root.get("config");
    NatsSealerSettings.Builder b = NatsSealerSettings.builder();
    c.get("subjects").fields().forEachRemaining(e -> b.subject(e.getKey(), recipients(keyring, e.getValue())));
    c.get("plaintextSubjects").forEach(s -> b.plaintextSubjects(s.asText()));
    c.get("consumePlaintextSubjects").forEach(s -> b.consumePlaintextSubjects(s.asText()));
    c.get("kvBuckets").fields().forEachRemaining(e -> b.kvBucket(e.getKey(), recipients(keyring, e.getValue())));
    b.secretHeaders(Pattern.compile(c.get("secretHeaders").asText()));
    b.authenticatedHeaders(Pattern.compile(c.get("authenticatedHeaders").asText()));
    b.decryptor(Decryptor.builder().kekSource(keyring).build());
    Function<String, SecureRandom> random = name -> randomness == null
        ? new SecureRandom()
        : new ScriptedRandom().then(HEX.parseHex(randomness.get("dek").asText()))
            .then(HEX.parseHex(randomness.get("nonce").asText()));
    return new NatsSealer(b.build(), random);
  }

  private static Recipient[] recipients(Keyring keyring, JsonNode list) {
    List<Recipient> out = new ArrayList<>();
    for (JsonNode r : list) {
      String spec = r.asText();
      assertTrue(spec.startsWith("kek:"), spec);
      try {
        out.add(Recipient.symmetric(keyring, spec.substring(4)));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    return out.toArray(new Recipient[0]);
  }

  static Headers headers(JsonNode list) {
    Headers h = new Headers();
    list.forEach(x -> h.add(x.get(0).asText(), x.get(1).asText()));
    return h;
  }

  /** Name to values, names in byte order: what a NATS client can observe of a header set. */
  static Map<String, List<String>> view(Headers h) {
    Map<String, List<String>> m = new TreeMap<>();
    if (h != null) {
      h.forEach((k, v) -> m.put(k, List.copyOf(v)));
    }
    return m;
  }

  static Map<String, List<String>> view(JsonNode list) {
    return view(headers(list));
  }

  private static String reason(NatsSealException e) {
    return e.reason().name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static void seal(NatsSealer sealer, JsonNode t) {
    String subject = t.get("subject").asText();
    String replyTo = t.has("replyTo") ? t.get("replyTo").asText() : null;
    Headers in = headers(t.get("headers"));
    byte[] data = HEX.parseHex(t.get("data").asText());
    if (t.get("result").asText().equals("invalid")) {
      NatsSealException e = assertThrows(NatsSealException.class, () -> sealer.seal(subject, replyTo, in, data));
      assertEquals(ErrorCategory.fromId(t.get("error").asText()), e.category());
      assertEquals(t.get("reason").asText(), reason(e));
      return;
    }
    Map<String, List<String>> before = view(in);
    Message out = sealer.seal(subject, replyTo, in, data);
    JsonNode expected = t.get("expected");
    assertEquals(expected.get("data").asText(), HEX.formatHex(out.getData()));
    assertEquals(view(expected.get("headers")), view(out.getHeaders()));
    assertEquals(subject, out.getSubject());
    assertEquals(replyTo, out.getReplyTo());
    assertEquals(before, view(in), "the application's headers were changed");
  }

  private static void open(NatsSealer sealer, JsonNode t) {
    Headers in = headers(t.get("headers"));
    Message m = new NatsMessage(t.get("subject").asText(), t.has("replyTo") ? t.get("replyTo").asText() : null,
        in.isEmpty() ? null : in, HEX.parseHex(t.get("data").asText()));
    if (t.get("result").asText().equals("invalid")) {
      NatsSealException e = assertThrows(NatsSealException.class, () -> sealer.open(m));
      assertEquals(ErrorCategory.fromId(t.get("error").asText()), e.category(), e.getMessage());
      assertEquals(t.get("reason").asText(), reason(e), e.getMessage());
      assertTrue(e.received().isPresent());
      return;
    }
    OpenedMessage o = sealer.open(m);
    assertEquals(t.get("expected").get("data").asText(), HEX.formatHex(o.data()));
    assertEquals(view(t.get("expected").get("headers")), view(o.headers()));
    assertEquals(m.getReplyTo(), o.replyTo());
  }

  private static void kv(NatsSealer sealer, JsonNode t) {
    String bucket = t.get("bucket").asText();
    if (t.get("op").asText().equals("put")) {
      String stored = sealer.encodeKvKey(bucket, t.get("key").asText());
      assertEquals(t.get("expected").get("storedKey").asText(), stored);
      assertTrue(stored.matches("[A-Za-z0-9_-]+"), "a valid Key-Value key");
      byte[] value = sealer.sealKvValue(bucket, stored, HEX.parseHex(t.get("value").asText()));
      assertEquals(t.get("expected").get("storedValue").asText(), HEX.formatHex(value));
      return;
    }
    KeyValueOperation op = t.get("operation").asText().equals("PUT") ? KeyValueOperation.PUT : KeyValueOperation.instance(t.get("operation").asText()); // the KV-Operation header value
    String storedKey = t.get("storedKey").asText();
    byte[] storedValue = HEX.parseHex(t.get("storedValue").asText());
    if (t.get("result").asText().equals("invalid")) {
      NatsSealException e = assertThrows(NatsSealException.class,
          () -> SealedKeyValue.open(sealer, bucket, storedKey, op, storedValue, 1, null));
      assertEquals(ErrorCategory.fromId(t.get("error").asText()), e.category(), e.getMessage());
      assertEquals(t.get("reason").asText(), reason(e), e.getMessage());
      return;
    }
    SealedKeyValue.Entry e = SealedKeyValue.open(sealer, bucket, storedKey, op, storedValue, 1, null);
    assertEquals(t.get("expected").get("key").asText(), e.key());
    if (t.get("expected").get("value").isNull()) {
      assertNull(e.value());
    } else {
      assertEquals(t.get("expected").get("value").asText(), HEX.formatHex(e.value()));
    }
  }
}
