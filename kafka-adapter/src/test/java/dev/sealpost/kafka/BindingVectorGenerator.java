package dev.sealpost.kafka;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sealpost.codec.EncryptionContext;
import dev.sealpost.codec.Encryptor;
import dev.sealpost.codec.Recipient;
import dev.sealpost.codec.Suite;
import dev.sealpost.codec.keys.Keyring;
import dev.sealpost.vectors.ScriptedRandom;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Writes {@code test-vectors/sealpost_kafka_binding_v1.json} deterministically from
 * docs/bindings/kafka.md: the framing, the header encoding, the digests and the external
 * contexts are computed here, independently of the adapter; only the envelopes come from the
 * codec (itself checked by the envelope vectors), with randomness derived from the test id.
 * The adapter is then run over every vector by {@link BindingVectorTest}.
 */
final class BindingVectorGenerator {
  static final String FILE = "sealpost_kafka_binding_v1.json";
  private static final HexFormat HEX = HexFormat.of();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String KEY_ID = "orders";
  private static final int KEY_VERSION = 1;
  private static final byte[] KEK = HEX.parseHex("5ca1ab1e0123456789abcdef00112233445566778899aabbccddeeff0f1e2d3c");
  private static final String SECRET = "x-pii-.*|authorization";
  private static final String AUTHENTICATED = "approved-by|x-auth-.*";

  /** A record as stored: what a write test outputs and a read test inputs. */
  static final class Rec {
    final String topic;
    final byte[] key;
    final byte[] value;
    final List<String[]> headers; // name, hex value or null; null list = no headers

    Rec(String topic, byte[] key, byte[] value, List<String[]> headers) {
      this.topic = topic;
      this.key = key;
      this.value = value;
      this.headers = headers;
    }
  }

  private final ArrayNode writes = JSON.createArrayNode();
  private final ArrayNode reads = JSON.createArrayNode();
  private int tcId;

  private BindingVectorGenerator() {}

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args.length > 0 ? args[0] : "test-vectors").resolve(FILE);
    Files.writeString(out, generate(), StandardCharsets.UTF_8);
    System.out.println("wrote " + out);
  }

  static String generate() throws Exception {
    return inFreshThread(() -> new BindingVectorGenerator().build());
  }

  /**
   * Runs {@code task} on a new thread. The JDK's ChaCha20-Poly1305 refuses to be initialised
   * twice in a row with the same key and nonce, and the codec keeps one Cipher per thread; the
   * vectors replay fixed nonces on purpose, so each replay gets a thread of its own.
   */
  static <T> T inFreshThread(java.util.concurrent.Callable<T> task) throws Exception {
    java.util.concurrent.ExecutorService one = java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      return one.submit(task).get();
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof Exception) {
        throw (Exception) e.getCause();
      }
      throw e;
    } finally {
      one.shutdownNow();
    }
  }

  // --- configuration of writer and reader (one per test) ---

  private static ObjectNode config(String keyMode, boolean bindKey, String suite, String storeTopics, String policy) {
    ObjectNode c = JSON.createObjectNode();
    ArrayNode topics = c.putArray("encryptedTopics");
    topics.add("orders").add("orders-app-totals-changelog");
    c.putArray("recipients").addObject().put("type", "symmetric").put("keyId", KEY_ID).put("version", KEY_VERSION);
    c.putArray("plaintextTopics").add("metrics");
    c.put("secretHeaders", SECRET);
    c.put("authenticatedHeaders", AUTHENTICATED);
    c.put("keyMode", keyMode);
    c.put("bindKey", bindKey);
    c.put("valueSuite", suite);
    if (storeTopics == null) {
      c.putNull("storeTopics");
    } else {
      c.put("storeTopics", storeTopics);
    }
    c.put("tombstonePolicy", policy);
    return c;
  }

  private static ObjectNode defaults() {
    return config("encrypt", true, "AES_256_GCM", null, "drop-unauthenticated");
  }

  // --- the binding, written out from the document ---

  private static String sha256Hex(byte[] b) throws Exception {
    return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  /** [KB-6]: u16 name length, name, then 00 or 01 u32 length value. */
  private static byte[] encodeHeaders(List<String[]> headers) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String[] h : headers) {
      byte[] n = h[0].getBytes(StandardCharsets.UTF_8);
      out.write(n.length >> 8);
      out.write(n.length & 0xFF);
      out.writeBytes(n);
      if (h[1] == null) {
        out.write(0);
      } else {
        byte[] v = HEX.parseHex(h[1]);
        out.write(1);
        out.writeBytes(new byte[] {(byte) (v.length >> 24), (byte) (v.length >> 16), (byte) (v.length >> 8), (byte) v.length});
        out.writeBytes(v);
      }
    }
    return out.toByteArray();
  }

  /** [KB-1]: 01, u16 count, each header as name-len name value-len value (FFFFFFFF for null), payload. */
  private static byte[] frame(List<String[]> secret, byte[] payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(1);
    out.write(secret.size() >> 8);
    out.write(secret.size() & 0xFF);
    for (String[] h : secret) {
      byte[] n = h[0].getBytes(StandardCharsets.UTF_8);
      out.write(n.length >> 8);
      out.write(n.length & 0xFF);
      out.writeBytes(n);
      if (h[1] == null) {
        out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
      } else {
        byte[] v = HEX.parseHex(h[1]);
        out.writeBytes(new byte[] {(byte) (v.length >> 24), (byte) (v.length >> 16), (byte) (v.length >> 8), (byte) v.length});
        out.writeBytes(v);
      }
    }
    out.writeBytes(payload);
    return out.toByteArray();
  }

  private static boolean matches(String regex, String name) {
    return Pattern.compile(regex, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.DOTALL).matcher(name).matches();
  }

  private static Keyring keyring() throws Exception {
    return Keyring.builder().add(KEY_ID, KEY_VERSION, KEK).build();
  }

  private static byte[] seeded(String what, int id, int length) throws Exception {
    byte[] d = MessageDigest.getInstance("SHA-256").digest(("sealpost kafka binding vectors " + what + " " + id)
        .getBytes(StandardCharsets.UTF_8));
    return java.util.Arrays.copyOf(d, length);
  }

  private static ObjectNode contextNode(Map<String, String> m) {
    ObjectNode n = JSON.createObjectNode();
    new TreeMap<>(m).forEach(n::put);
    return n;
  }

  private static ArrayNode headersNode(List<String[]> headers) {
    ArrayNode a = JSON.createArrayNode();
    for (String[] h : headers) {
      ObjectNode o = a.addObject().put("name", h[0]);
      if (h[1] == null) {
        o.putNull("value");
      } else {
        o.put("value", h[1]);
      }
    }
    return a;
  }

  private static ObjectNode recordNode(Rec r) {
    ObjectNode n = JSON.createObjectNode();
    n.put("topic", r.topic);
    putHex(n, "key", r.key);
    putHex(n, "value", r.value);
    if (r.headers == null) {
      n.putNull("headers");
    } else {
      n.set("headers", headersNode(r.headers));
    }
    return n;
  }

  private static void putHex(ObjectNode n, String field, byte[] b) {
    if (b == null) {
      n.putNull(field);
    } else {
      n.put(field, HEX.formatHex(b));
    }
  }

  private static List<String[]> h(String... nameValueUtf8) {
    List<String[]> out = new ArrayList<>();
    for (int i = 0; i < nameValueUtf8.length; i += 2) {
      String v = nameValueUtf8[i + 1];
      out.add(new String[] {nameValueUtf8[i], v == null ? null : HEX.formatHex(v.getBytes(StandardCharsets.UTF_8))});
    }
    return out;
  }

  private static byte[] utf8(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * One write test: what a conforming writer stores for this input, computed from the binding
   * text. Returns the stored record for the read tests.
   */
  private Rec write(String comment, List<String> flags, ObjectNode config, Rec in) throws Exception {
    int id = ++tcId;
    ObjectNode t = writes.addObject();
    t.put("tcId", id).put("comment", comment);
    ArrayNode f = t.putArray("flags");
    flags.forEach(f::add);
    t.set("config", config);
    t.set("input", recordNode(in));

    boolean encrypted = false;
    for (com.fasterxml.jackson.databind.JsonNode x : config.get("encryptedTopics")) {
      encrypted |= x.asText().equals(in.topic);
    }
    boolean clearKeys = config.get("keyMode").asText().equals("clear");
    boolean bindKey = config.get("bindKey").asBoolean();
    boolean store = !config.get("storeTopics").isNull() && in.topic.matches(config.get("storeTopics").asText());
    Suite suite = Suite.valueOf(config.get("valueSuite").asText());
    ObjectNode inter = JSON.createObjectNode();

    // [KB-2], [KB-3]: the key, deterministic, for topic and part.
    byte[] key = in.key;
    if (encrypted && !clearKeys && in.key != null) {
      Map<String, String> kc = Map.of("kafka.topic", in.topic, "kafka.record.part", "key");
      inter.set("keyContext", contextNode(kc));
      key = Encryptor.builder().suite(Suite.AES_256_SIV).recipient(Recipient.symmetric(keyring(), KEY_ID)).build()
          .encrypt(in.key, EncryptionContext.of(kc));
    }
    String k = key == null ? "null" : sha256Hex(key); // [KB-5]
    List<String[]> headers = in.headers == null ? null : new ArrayList<>();
    List<String[]> secret = new ArrayList<>();
    List<String[]> authenticated = new ArrayList<>();
    if (in.headers != null) {
      for (String[] x : in.headers) {
        if (x[0].equals("sealpost.tombstone")) {
          continue; // [KB-21]
        }
        if (matches(SECRET, x[0])) {
          secret.add(x);
        } else {
          headers.add(x);
          if (matches(AUTHENTICATED, x[0])) {
            authenticated.add(x); // [KB-7]
          }
        }
      }
    }
    byte[] value = in.value;
    if (encrypted) {
      Encryptor values = null;
      byte[] dek = seeded("dek", id, 32);
      byte[] nonce = seeded("nonce", id, suite.nonceLength());
      ScriptedRandom random = new ScriptedRandom().then(dek).then(nonce);
      values = Encryptor.builder().suite(suite).recipient(Recipient.symmetric(keyring(), KEY_ID)).random(random).build();
      ObjectNode rnd = JSON.createObjectNode().put("dek", HEX.formatHex(dek)).put("nonce", HEX.formatHex(nonce));
      if (in.value == null) {
        if (in.headers != null && !store && bindKey) {
          // [KB-11]: the tombstone authenticator.
          Map<String, String> tc = Map.of("kafka.topic", in.topic, "kafka.record.part", "tombstone", "kafka.record.key-sha256", k);
          inter.put("keySha256", k);
          inter.set("tombstoneContext", contextNode(tc));
          headers.add(new String[] {"sealpost.tombstone", HEX.formatHex(values.encrypt(new byte[0], EncryptionContext.of(tc)))});
          t.set("randomness", rnd);
        }
      } else {
        Map<String, String> vc = new TreeMap<>();
        vc.put("kafka.topic", in.topic);
        vc.put("kafka.record.part", "value");
        if (in.headers != null && !store) {
          byte[] a = encodeHeaders(authenticated);
          inter.put("authenticatedHeaders", HEX.formatHex(a));
          inter.put("headersSha256", sha256Hex(a)); // [KB-6]
          vc.put("kafka.record.headers-sha256", sha256Hex(a));
          if (bindKey) {
            inter.put("keySha256", k);
            vc.put("kafka.record.key-sha256", k);
          }
        }
        byte[] framed = frame(secret, in.value);
        inter.put("framedValue", HEX.formatHex(framed));
        inter.set("valueContext", contextNode(vc));
        value = values.encrypt(framed, EncryptionContext.of(vc));
        t.set("randomness", rnd);
      }
    }
    t.set("intermediates", inter);
    Rec out = new Rec(in.topic, key, value, headers);
    t.put("result", "valid");
    t.set("output", recordNode(out));
    return out;
  }

  private void writeRefused(String comment, List<String> flags, ObjectNode config, Rec in, String error) {
    ObjectNode t = writes.addObject();
    t.put("tcId", ++tcId).put("comment", comment);
    ArrayNode f = t.putArray("flags");
    flags.forEach(f::add);
    t.set("config", config);
    t.set("input", recordNode(in));
    t.put("result", "invalid");
    t.put("error", error);
  }

  /** One read test; {@code expected} null for invalid ones. */
  private void read(String comment, List<String> flags, ObjectNode config, Rec stored, Rec expected, String error, String part) {
    ObjectNode t = reads.addObject();
    t.put("tcId", ++tcId).put("comment", comment);
    ArrayNode f = t.putArray("flags");
    flags.forEach(f::add);
    t.set("config", config);
    t.set("record", recordNode(stored));
    if (expected != null) {
      t.put("result", "valid");
      t.set("expected", recordNode(expected));
    } else {
      t.put("result", "invalid");
      t.put("error", error);
      if (part != null) {
        t.put("part", part);
      }
    }
  }

  private static Rec rec(String topic, String key, String value, List<String[]> headers) {
    return new Rec(topic, utf8(key), utf8(value), headers);
  }

  private static List<String[]> copy(List<String[]> headers, String[]... more) {
    List<String[]> out = new ArrayList<>(headers);
    out.addAll(List.of(more));
    return out;
  }

  private String build() throws Exception {
    ObjectNode d = defaults();
    // Write tests, each also read back.
    Rec alice = write("key and value, no headers", List.of("Basic"), d, rec("orders", "alice", "limit=10", h()));
    Rec bob = write("another record of the same topic", List.of("Basic"), d, rec("orders", "bob", "limit=1000000", h()));
    List<String[]> mixed = h("trace", "t-1", "x-pii-ssn", "078-05-1120", "approved-by", "auditor-7", "Authorization", "Bearer x",
        "x-auth-flag", null, "trace", null, "approved-by", "auditor-8");
    Rec rich = write("secret, authenticated (repeated, null value) and clear headers; secret ones move into the frame",
        List.of("SecretHeaders", "AuthenticatedHeaders"), d, rec("orders", "carol", "{\"n\":1}", mixed));
    Rec upper = write("header names are matched case-insensitively", List.of("HeaderCase"), d,
        rec("orders", "dave", "v", h("Approved-By", "x", "X-PII-Name", "dave")));
    Rec nullKey = write("null key: key-sha256 is the string null", List.of("NullKey"), d, rec("orders", null, "v", h()));
    ObjectNode clear = config("clear", true, "AES_256_GCM", null, "drop-unauthenticated");
    Rec clearAlice = write("clear key mode: the key stays clear and is bound by its digest", List.of("ClearKey"), clear,
        rec("orders", "alice", "limit=10", h()));
    Rec clearBob = write("clear key mode, another record", List.of("ClearKey"), clear, rec("orders", "bob", "limit=1000000", h()));
    ObjectNode unbound = config("encrypt", false, "AES_256_GCM", null, "drop-unauthenticated");
    Rec unboundRec = write("value not bound to the key: no key-sha256 entry", List.of("UnboundKey"), unbound,
        rec("orders", "alice", "v", h("approved-by", "a")));
    ObjectNode chacha = config("encrypt", true, "CHACHA20_POLY1305", null, "drop-unauthenticated");
    write("ChaCha20-Poly1305 values", List.of("Basic"), chacha, rec("orders", "erin", "v", h()));
    ObjectNode store = config("encrypt", true, "AES_256_GCM", "orders-app-.*-changelog", "drop-unauthenticated");
    Rec storeRec = write("state-store topic: bound to topic and part only", List.of("StoreTopic"), store,
        rec("orders-app-totals-changelog", "alice", "42", h("approved-by", "x")));
    Rec headerless = write("call without headers: bound to topic and part only", List.of("Headerless"), d,
        rec("orders", "alice", "v", null));
    Rec tombAlice = write("tombstone: an authenticator bound to topic and key", List.of("Tombstone"), d,
        rec("orders", "alice", null, h()));
    Rec tombForwarded = write("tombstone forwarded with an old authenticator: replaced", List.of("Tombstone"), d,
        new Rec("orders", utf8("bob"), null, copy(h("trace", "t"), new String[] {"sealpost.tombstone", "00"})));
    Rec tombNullKey = write("tombstone with a null key", List.of("Tombstone", "NullKey"), d, rec("orders", null, null, h()));
    Rec plain = write("plaintext topic: passed through", List.of("PlaintextTopic"), d, rec("metrics", "host-1", "cpu=3", h("trace", "t")));

    writeRefused("secret header on a plaintext topic", List.of("SecretHeaderWithoutEnvelope"), d,
        rec("metrics", "k", "cpu=3", h("x-pii-ssn", "078-05-1120")), "secret-header-without-envelope");
    writeRefused("secret header on a tombstone", List.of("SecretHeaderWithoutEnvelope"), d,
        rec("orders", "k", null, h("Authorization", "Bearer x")), "secret-header-without-envelope");

    // Read tests: what a reader makes of records a broker operator could store.
    read("record as written", List.of("Basic"), d, alice, rec("orders", "alice", "limit=10", h()), null, null);
    read("secret headers restored after the clear ones", List.of("SecretHeaders"), d, rich,
        rec("orders", "carol", "{\"n\":1}", h("trace", "t-1", "approved-by", "auditor-7", "x-auth-flag", null, "trace", null,
            "approved-by", "auditor-8", "x-pii-ssn", "078-05-1120", "Authorization", "Bearer x")), null, null);
    read("null key", List.of("NullKey"), d, nullKey, rec("orders", null, "v", h()), null, null);
    read("state-store topic", List.of("StoreTopic"), store, storeRec, rec("orders-app-totals-changelog", "alice", "42", h("approved-by", "x")), null, null);
    read("record moved to another topic", List.of("MovedTopic"), d,
        new Rec("orders-eu", alice.key, alice.value, alice.headers), null, "authentication-failed", "key");
    read("value moved to another topic under a clear key", List.of("MovedTopic"), clear,
        new Rec("orders-eu", clearAlice.key, clearAlice.value, clearAlice.headers), null, "authentication-failed", "value");
    read("alice's key with bob's value (splice)", List.of("Splice"), d,
        new Rec("orders", alice.key, bob.value, h()), null, "authentication-failed", "value");
    read("clear key of alice with bob's value (splice)", List.of("Splice", "ClearKey"), clear,
        new Rec("orders", clearAlice.key, clearBob.value, h()), null, "authentication-failed", "value");
    read("value with its key removed (splice)", List.of("Splice"), d,
        new Rec("orders", null, alice.value, h()), null, "authentication-failed", "value");
    read("authenticated header injected", List.of("HeaderInjected"), d,
        new Rec("orders", alice.key, alice.value, h("approved-by", "auditor-1")), null, "authentication-failed", "value");
    read("authenticated header injected with another case", List.of("HeaderInjected", "HeaderCase"), d,
        new Rec("orders", alice.key, alice.value, h("APPROVED-BY", "auditor-1")), null, "authentication-failed", "value");
    List<String[]> changed = new ArrayList<>(rich.headers);
    changed.set(1, new String[] {"approved-by", HEX.formatHex(utf8("auditor-1"))});
    read("authenticated header changed", List.of("HeaderChanged"), d,
        new Rec("orders", rich.key, rich.value, changed), null, "authentication-failed", "value");
    List<String[]> removed = new ArrayList<>(rich.headers);
    removed.remove(removed.size() - 1);
    read("authenticated header removed", List.of("HeaderRemoved"), d,
        new Rec("orders", rich.key, rich.value, removed), null, "authentication-failed", "value");
    List<String[]> reordered = new ArrayList<>(rich.headers);
    java.util.Collections.swap(reordered, 1, reordered.size() - 1);
    read("authenticated headers reordered", List.of("HeaderChanged"), d,
        new Rec("orders", rich.key, rich.value, reordered), null, "authentication-failed", "value");
    List<String[]> clearChanged = new ArrayList<>(rich.headers);
    clearChanged.set(0, new String[] {"trace", HEX.formatHex(utf8("t-2"))});
    read("clear header that is not authenticated changed: accepted", List.of("ClearHeader"), d,
        new Rec("orders", rich.key, rich.value, clearChanged),
        rec("orders", "carol", "{\"n\":1}", h("trace", "t-2", "approved-by", "auditor-7", "x-auth-flag", null, "trace", null,
            "approved-by", "auditor-8", "x-pii-ssn", "078-05-1120", "Authorization", "Bearer x")), null, null);
    read("secret header added in the clear", List.of("SecretHeaderInClear"), d,
        new Rec("orders", upper.key, upper.value, copy(upper.headers, new String[] {"x-pii-name", HEX.formatHex(utf8("mallory"))})),
        null, "secret-header-in-clear", null);
    read("secret-pattern header added in the clear to a record without secret headers", List.of("SecretHeaderInClear"), d,
        new Rec("orders", alice.key, alice.value, h("authorization", "Bearer forged")), null, "secret-header-in-clear", null);
    read("unbound value read by a reader that binds keys", List.of("UnboundKey"), d, unboundRec, null, "authentication-failed", "value");
    read("unbound value, reader configured the same", List.of("UnboundKey"), unbound,
        new Rec("orders", bob.key, unboundRec.value, unboundRec.headers), rec("orders", "bob", "v", h("approved-by", "a")), null, null);
    read("header-less value read as a record: no fallback", List.of("Headerless"), d,
        new Rec("orders", headerless.key, headerless.value, h()), null, "authentication-failed", "value");
    read("tombstone with its authenticator", List.of("Tombstone"), d, tombAlice, rec("orders", "alice", null, tombAlice.headers), null, null);
    read("forwarded tombstone, fresh authenticator", List.of("Tombstone"), d, tombForwarded,
        rec("orders", "bob", null, tombForwarded.headers), null, null);
    read("tombstone with a null key", List.of("Tombstone", "NullKey"), d, tombNullKey, rec("orders", null, null, tombNullKey.headers), null, null);
    read("replayed key envelope with a null value", List.of("TombstoneReplay"), d,
        new Rec("orders", bob.key, null, h()), null, "tombstone-dropped", null);
    read("alice's tombstone authenticator on bob's key", List.of("TombstoneReplay"), d,
        new Rec("orders", bob.key, null, tombAlice.headers), null, "tombstone-dropped", null);
    read("tombstone authenticator moved to another topic", List.of("TombstoneReplay", "MovedTopic"), d,
        new Rec("orders-eu", null, null, tombNullKey.headers), null, "tombstone-dropped", null);
    read("two authenticators", List.of("TombstoneReplay"), d,
        new Rec("orders", alice.key, null, copy(tombAlice.headers, tombAlice.headers.get(0))), null, "tombstone-dropped", null);
    ObjectNode accept = config("encrypt", true, "AES_256_GCM", null, "accept");
    read("replayed key envelope, policy accept", List.of("TombstoneReplay"), accept,
        new Rec("orders", bob.key, null, h()), rec("orders", "bob", null, h()), null, null);
    read("plaintext on a plaintext topic", List.of("PlaintextTopic"), d, plain, rec("metrics", "host-1", "cpu=3", h("trace", "t")), null, null);
    read("plaintext value on an encrypted topic", List.of("PlaintextRejected"), d,
        new Rec("orders", alice.key, utf8("{\"forged\":true}"), h()), null, "not-an-envelope", "value");
    read("envelope on a plaintext topic is still an envelope", List.of("PlaintextTopic", "MovedTopic"), d,
        new Rec("metrics", null, nullKey.value, h()), null, "authentication-failed", "value");

    ObjectNode root = JSON.createObjectNode();
    root.put("algorithm", "SEALPOST-KAFKA-BINDING-V1");
    root.put("bindingVersion", 1);
    ArrayNode header = root.putArray("header");
    header.add("Kafka record binding vectors for docs/bindings/kafka.md; envelopes per SPEC.md.");
    header.add("Write tests: a record in (topic, key, value, headers), the writer's configuration and randomness,");
    header.add("the exact record out. Read tests: a stored record, the reader's configuration, one outcome.");
    header.add("Generated by kafka-adapter/src/test/java/dev/sealpost/kafka/BindingVectorGenerator.java.");
    root.put("numberOfTests", tcId);
    ObjectNode keys = root.putObject("keys");
    keys.putArray("symmetric").addObject().put("keyId", KEY_ID).put("version", KEY_VERSION).put("key", HEX.formatHex(KEK));
    ObjectNode errors = root.putObject("errors");
    errors.put("authentication-failed", "SPEC.md category; 'part' says whether the key or the value envelope failed");
    errors.put("not-an-envelope", "SPEC.md category: no magic on a topic not named as plaintext [KB-22]");
    errors.put("secret-header-in-clear", "the reader refuses a clear header with a secret name [KB-14]");
    errors.put("secret-header-without-envelope", "the writer refuses a secret header that no envelope would carry [KB-20]");
    errors.put("tombstone-dropped", "the tombstone policy drops the record [KB-12]");
    ArrayNode groups = root.putArray("testGroups");
    groups.addObject().put("type", "KafkaRecordWrite").set("tests", writes);
    groups.addObject().put("type", "KafkaRecordRead").set("tests", reads);
    DefaultPrettyPrinter pp = new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n"));
    pp.indentArraysWith(new DefaultIndenter("  ", "\n"));
    return JSON.writer(pp).writeValueAsString(root) + "\n";
  }
}
