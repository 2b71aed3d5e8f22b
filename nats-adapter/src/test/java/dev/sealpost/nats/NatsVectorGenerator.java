package dev.sealpost.nats;

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
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Writes {@code test-vectors/sealpost_nats_binding_v1.json}: messages in (subject, headers, data,
 * keys, randomness) and the exact data bytes and clear headers out, negative cases with their
 * expected outcome, and Key-Value entries. Deterministic (HMAC labels, as the codec's generator),
 * so {@code NatsVectorDriftTest} can check the committed file.
 *
 * <p>Independent of the adapter: the framing, the header selection, order and digest, the
 * contexts and the key encoding are written here from docs/bindings/nats.md; only the envelope
 * itself comes from the codec's public {@link Encryptor} with scripted randomness (the codec has
 * its own byte-exact vectors). Every negative case's outcome follows from how it is built.
 *
 * <p>Run: {@value #REGENERATE}.
 */
public final class NatsVectorGenerator {
  static final String FILE = "sealpost_nats_binding_v1.json";
  static final String REGENERATE = "./mvnw -q -pl nats-adapter -am verify -Dtest=NatsVectorDriftTest"
      + " -Dsurefire.failIfNoSpecifiedTests=false -Dsealpost.nats.regenerate=true";
  private static final HexFormat HEX = HexFormat.of();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] SEED = "sealpost nats binding v1 vectors".getBytes(StandardCharsets.US_ASCII);

  static final String SECRET = "x-pii-.*|authorization";
  static final String AUTHENTICATED = "x-tenant|content-type";

  private NatsVectorGenerator() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args.length > 0 ? args[0] : "test-vectors");
    Files.writeString(dir.resolve(FILE), generate(), StandardCharsets.UTF_8);
    System.out.println("wrote " + dir.resolve(FILE));
  }

  static byte[] drbg(String label, int n) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(SEED, "HmacSHA256"));
      byte[] out = new byte[n];
      for (int block = 0, done = 0; done < n; block++) {
        mac.update(label.getBytes(StandardCharsets.UTF_8));
        mac.update(new byte[] {0, (byte) (block >>> 8), (byte) block});
        byte[] t = mac.doFinal();
        int k = Math.min(t.length, n - done);
        System.arraycopy(t, 0, out, done, k);
        done += k;
      }
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- the configuration every vector shares ----
  /** Key id to KEK (version 1). */
  static final Map<String, byte[]> KEKS = new TreeMap<>(Map.of(
      "orders", drbg("kek orders", 32), "vip", drbg("kek vip", 32),
      "payments", drbg("kek payments", 32), "profiles", drbg("kek profiles", 32)));
  /** Subject or pattern to key id; plaintext subjects separately. Resolution by [NB-13]. */
  static final Map<String, String> SUBJECTS = new TreeMap<>(Map.of(
      "orders.*", "orders", "orders.eu.vip", "vip", "payments.>", "payments"));
  static final List<String> PLAINTEXT = List.of("metrics.>", "orders.public");
  static final List<String> CONSUME_PLAINTEXT = List.of("legacy.*");
  static final Map<String, String> BUCKETS = new TreeMap<>(Map.of("profiles", "profiles", "archive", "profiles"));

  /** Key id for a subject: the most specific entry by hand-written rules ([NB-13]), null for plaintext. */
  static String keyFor(String subject) {
    switch (subject) {
      case "orders.eu.vip":
        return "vip";
      case "orders.public":
      case "metrics.cpu":
        return null;
      default:
        if (subject.startsWith("payments.")) {
          return "payments";
        }
        if (subject.startsWith("orders.") && subject.split("\\.").length == 2) {
          return "orders";
        }
        throw new IllegalArgumentException("no vector subject " + subject);
    }
  }

  static boolean secret(String name) {
    return name.matches("(?iu)" + SECRET);
  }

  static boolean authenticated(String name) {
    return name.matches("(?iu)" + AUTHENTICATED) && !secret(name);
  }

  /** [NB-22]: names ascending by UTF-8 bytes, one entry per value, values in message order. */
  static List<String[]> ordered(List<String[]> headers, java.util.function.Predicate<String> select) {
    TreeMap<byte[], List<String[]>> byName = new TreeMap<>(Arrays::compareUnsigned);
    for (String[] h : headers) {
      if (select.test(h[0])) {
        byName.computeIfAbsent(h[0].getBytes(StandardCharsets.UTF_8), k -> new ArrayList<>()).add(h);
      }
    }
    List<String[]> out = new ArrayList<>();
    byName.values().forEach(out::addAll);
    return out;
  }

  /** [NB-3]: the Kafka binding's framed-value. */
  static byte[] frame(List<String[]> secretHeaders, byte[] payload) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(1);
    out.write(u16(secretHeaders.size()));
    for (String[] h : secretHeaders) {
      byte[] name = h[0].getBytes(StandardCharsets.UTF_8);
      byte[] value = h[1].getBytes(StandardCharsets.UTF_8);
      out.write(u16(name.length));
      out.write(name);
      out.write(ByteBuffer.allocate(4).putInt(value.length).array());
      out.write(value);
    }
    out.write(payload);
    return out.toByteArray();
  }

  static byte[] u16(int n) {
    return new byte[] {(byte) (n >>> 8), (byte) n};
  }

  /** [NB-6]. */
  static String digest(List<String[]> authenticatedHeaders) throws GeneralSecurityException, IOException {
    ByteArrayOutputStream a = new ByteArrayOutputStream();
    for (String[] h : authenticatedHeaders) {
      byte[] name = h[0].getBytes(StandardCharsets.UTF_8);
      byte[] value = h[1].getBytes(StandardCharsets.UTF_8);
      a.write(u16(name.length));
      a.write(name);
      a.write(1);
      a.write(ByteBuffer.allocate(4).putInt(value.length).array());
      a.write(value);
    }
    return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(a.toByteArray()));
  }

  static Map<String, String> dataContext(String subject, String digest) {
    return new TreeMap<>(Map.of("nats.subject", subject, "nats.part", "data", "nats.headers-sha256", digest));
  }

  static byte[] encrypt(Suite suite, String keyId, byte[] plaintext, Map<String, String> context, byte[] dek, byte[] nonce)
      throws GeneralSecurityException {
    ScriptedRandom random = new ScriptedRandom();
    if (suite.randomized()) {
      random.then(dek).then(nonce);
    }
    Keyring ring = Keyring.builder().add(keyId, 1, KEKS.get(keyId)).build();
    Encryptor e = Encryptor.builder().suite(suite).recipient(Recipient.symmetric(ring, keyId)).random(random).build();
    byte[] envelope = e.encrypt(plaintext, EncryptionContext.of(context));
    if (!random.exhausted()) {
      throw new IllegalStateException("the codec drew less randomness than scripted");
    }
    return envelope;
  }

  // ---- the file ----

  static String generate() throws Exception {
    ObjectNode root = JSON.createObjectNode();
    root.put("algorithm", "SEALPOST-NATS-BINDING-V1");
    root.put("bindingVersion", 1);
    root.put("document", "docs/bindings/nats.md");
    ArrayNode header = root.putArray("header");
    header.add("NATS binding vectors: messages in (subject, headers, data, keys, randomness), exact data bytes and clear headers out.");
    header.add("Generated by nats-adapter/src/test/java/dev/sealpost/nats/NatsVectorGenerator.java; do not edit.");
    ObjectNode keys = root.putObject("keys");
    ArrayNode sym = keys.putArray("symmetric");
    KEKS.forEach((id, k) -> sym.addObject().put("keyId", id).put("version", 1).put("key", HEX.formatHex(k)));
    ObjectNode config = root.putObject("config");
    ObjectNode subjects = config.putObject("subjects");
    SUBJECTS.forEach((s, id) -> subjects.putArray(s).add("kek:" + id));
    PLAINTEXT.forEach(config.putArray("plaintextSubjects")::add);
    CONSUME_PLAINTEXT.forEach(config.putArray("consumePlaintextSubjects")::add);
    config.put("secretHeaders", SECRET);
    config.put("authenticatedHeaders", AUTHENTICATED);
    config.put("valueSuite", "AES_256_GCM");
    ObjectNode buckets = config.putObject("kvBuckets");
    BUCKETS.forEach((b, id) -> buckets.putArray(b).add("kek:" + id));

    ArrayNode groups = JSON.createArrayNode();
    Counter tc = new Counter();
    Map<String, ObjectNode> sealed = new LinkedHashMap<>();
    groups.add(sealGroup(tc, sealed));
    groups.add(openGroup(tc, sealed));
    groups.add(kvGroup(tc));
    int n = 0;
    for (var g : groups) {
      n += g.get("tests").size();
    }
    root.put("numberOfTests", n);
    ObjectNode errors = root.putObject("errors");
    errors.put("no-key-for-subject", "writer: no entry matches the subject; nothing is sent [NB-12] (category no-matching-key)");
    errors.put("secret-header-without-envelope", "writer: a secret header on a message without envelope [NB-8] (category no-matching-key)");
    errors.put("plaintext-rejected", "reader: no magic on a subject not allowed to carry plaintext, or a plaintext Key-Value value [NB-14] [NB-19] (category not-an-envelope)");
    errors.put("secret-header-in-clear", "reader: a clear header with a secret name [NB-9] (category authentication-failed)");
    errors.put("decryption-failed", "reader: the envelope does not open under the context computed from the message as received [NB-10] [NB-17] (the codec's category)");
    errors.put("bad-inner-framing", "reader: the decrypted plaintext is not framed-data [NB-4] (category malformed-header)");
    errors.put("bad-kv-key", "reader: a stored Key-Value key is not base64url, not an envelope, or not of this bucket [NB-18] (the codec's category, or not-an-envelope)");
    ObjectNode notes = root.putObject("notes");
    notes.put("seal", "Publishing: 'expected' gives the message to send. Randomness: the encryptor's DEK then nonce base; the message is the first under that DEK.");
    notes.put("open", "Receiving: 'result' valid gives the data and headers the application sees (clear headers, then restored secret ones), invalid gives the SPEC error category and the adapter reason.");
    notes.put("kv", "Key-Value: stored key and stored value for a put; negative cases name the stored form a reader gets.");
    root.set("testGroups", groups);
    DefaultPrettyPrinter pp = new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n"))
        .withArrayIndenter(new DefaultIndenter("  ", "\n"));
    return JSON.writer(pp).writeValueAsString(root) + "\n";
  }

  static final class Counter {
    int next = 1;
  }

  static List<String[]> h(String... nameValue) {
    List<String[]> out = new ArrayList<>();
    for (int i = 0; i < nameValue.length; i += 2) {
      out.add(new String[] {nameValue[i], nameValue[i + 1]});
    }
    return out;
  }

  static ArrayNode headersJson(List<String[]> headers) {
    ArrayNode a = JSON.createArrayNode();
    headers.forEach(x -> a.addArray().add(x[0]).add(x[1]));
    return a;
  }

  private static ObjectNode test(Counter tc, String comment) {
    ObjectNode t = JSON.createObjectNode();
    t.put("tcId", tc.next++);
    t.put("comment", comment);
    return t;
  }

  /** Publishing: exact output, or the writer's refusal. */
  static ObjectNode sealGroup(Counter tc, Map<String, ObjectNode> sealed) throws Exception {
    ObjectNode g = JSON.createObjectNode();
    g.put("type", "seal");
    ArrayNode tests = g.putArray("tests");
    String json = "{\"order\":42,\"card\":\"4111 1111 1111 1111\"}";
    addSeal(tests, tc, sealed, "plain", "no headers", "orders.eu", null, h(), "hello");
    addSeal(tests, tc, sealed, "empty", "empty data still gets an envelope [NB-1]", "orders.eu", null, h(), "");
    addSeal(tests, tc, sealed, "full", "secret, authenticated and other headers [NB-7]", "orders.us", null,
        h("x-pii-name", "Ada Lovelace", "Authorization", "Bearer t0k3n", "x-tenant", "acme", "trace-id", "7f3a"), json);
    addSeal(tests, tc, sealed, "multi", "repeated names: one frame entry and one digest entry per value, order kept [NB-22]",
        "orders.us", null, h("X-Pii-Email", "a@example.com", "X-Pii-Email", "b@example.com", "x-tenant", "acme",
            "x-tenant", "globex"), json);
    addSeal(tests, tc, sealed, "case", "names sort by bytes: 'X-Tenant' before 'content-type'; selection ignores case [NB-21]",
        "orders.us", null, h("content-type", "application/json", "X-Tenant", "acme", "x-pii-zip", "10115",
            "X-PII-City", "Berlin"), json);
    addSeal(tests, tc, sealed, "vip", "an exact subject wins over orders.* [NB-13]", "orders.eu.vip", null, h(), "vip");
    addSeal(tests, tc, sealed, "payments", "'>' matches several tokens [NB-13]", "payments.card.visa", null,
        h("x-tenant", "acme"), "12.50 EUR");
    addSeal(tests, tc, sealed, "reply", "the reply subject is kept and not bound [NB-11]", "orders.eu", "_INBOX.abc.1",
        h(), "ping");
    addSeal(tests, tc, sealed, "metrics", "plaintext subject: sent as is [NB-13]", "metrics.cpu", null,
        h("x-tenant", "acme", "unit", "percent"), "73");
    addSeal(tests, tc, sealed, "public", "an exact plaintext subject wins over orders.* [NB-13]", "orders.public", null,
        h(), "open data");
    ObjectNode t = test(tc, "a subject no entry matches is refused [NB-12]");
    t.put("subject", "inventory.eu");
    t.set("headers", headersJson(h()));
    t.put("data", HEX.formatHex("x".getBytes(StandardCharsets.UTF_8)));
    t.put("result", "invalid");
    t.put("error", "no-matching-key");
    t.put("reason", "no-key-for-subject");
    tests.add(t);
    t = test(tc, "a secret header on a plaintext subject is refused [NB-8]");
    t.put("subject", "metrics.cpu");
    t.set("headers", headersJson(h("x-pii-name", "Ada")));
    t.put("data", HEX.formatHex("73".getBytes(StandardCharsets.UTF_8)));
    t.put("result", "invalid");
    t.put("error", "no-matching-key");
    t.put("reason", "secret-header-without-envelope");
    tests.add(t);
    return g;
  }

  private static void addSeal(ArrayNode tests, Counter tc, Map<String, ObjectNode> sealed, String label, String comment,
      String subject, String replyTo, List<String[]> headers, String data) throws Exception {
    ObjectNode t = test(tc, comment);
    t.put("subject", subject);
    if (replyTo != null) {
      t.put("replyTo", replyTo);
    }
    t.set("headers", headersJson(headers));
    byte[] payload = data.getBytes(StandardCharsets.UTF_8);
    t.put("data", HEX.formatHex(payload));
    ObjectNode expected = JSON.createObjectNode();
    String keyId = keyFor(subject);
    List<String[]> clear = new ArrayList<>();
    headers.stream().filter(x -> !secret(x[0])).forEach(clear::add);
    if (keyId == null) {
      expected.put("data", HEX.formatHex(payload));
      expected.set("headers", headersJson(ordered(headers, n -> true)));
    } else {
      byte[] dek = drbg(label + " dek", 32);
      byte[] nonce = drbg(label + " nonce", 12);
      ObjectNode r = t.putObject("randomness");
      r.put("dek", HEX.formatHex(dek));
      r.put("nonce", HEX.formatHex(nonce));
      byte[] framed = frame(ordered(headers, NatsVectorGenerator::secret), payload);
      Map<String, String> ctx = dataContext(subject, digest(ordered(clear, NatsVectorGenerator::authenticated)));
      byte[] envelope = encrypt(Suite.AES_256_GCM, keyId, framed, ctx, dek, nonce);
      expected.put("keyId", keyId);
      expected.put("framed", HEX.formatHex(framed));
      ObjectNode c = expected.putObject("externalContext");
      ctx.forEach(c::put);
      expected.put("data", HEX.formatHex(envelope));
      expected.set("headers", headersJson(ordered(clear, n -> true)));
    }
    if (replyTo != null) {
      expected.put("replyTo", replyTo);
    }
    t.set("expected", expected);
    t.put("result", "valid");
    tests.add(t);
    ObjectNode copy = t.deepCopy();
    copy.put("_subject", subject);
    sealed.put(label, copy);
  }

  /** Receiving: what arrives (possibly changed on the way) and what the reader gives or refuses. */
  static ObjectNode openGroup(Counter tc, Map<String, ObjectNode> sealed) throws Exception {
    ObjectNode g = JSON.createObjectNode();
    g.put("type", "open");
    ArrayNode tests = g.putArray("tests");
    for (String label : List.of("plain", "empty", "full", "multi", "case", "vip", "payments", "reply")) {
      ObjectNode s = sealed.get(label);
      ObjectNode t = arrived(tc, "as sent: " + s.get("comment").asText(), s, s.get("subject").asText(),
          s.get("expected").get("headers"));
      ArrayNode restored = headersJson(restoredHeaders(s));
      valid(t, s.get("data").asText(), restored);
      tests.add(t);
    }
    ObjectNode full = sealed.get("full");
    ArrayNode clear = (ArrayNode) full.get("expected").get("headers");
    // Moved, changed, injected, removed.
    tests.add(invalid(arrived(tc, "moved to another subject of the same key [NB-10]", full, "orders.eu", clear),
        "authentication-failed", "decryption-failed"));
    tests.add(invalid(arrived(tc, "moved to a subject with another key; the reader holds both [NB-5]", full, "payments.card",
        clear), "authentication-failed", "decryption-failed"));
    tests.add(invalid(arrived(tc, "authenticated header changed [NB-6]", full, "orders.us",
        replace(clear, "x-tenant", "globex")), "authentication-failed", "decryption-failed"));
    tests.add(invalid(arrived(tc, "authenticated header removed [NB-6]", full, "orders.us",
        without(clear, "x-tenant")), "authentication-failed", "decryption-failed"));
    ArrayNode injected = clear.deepCopy();
    injected.addArray().add("content-type").add("text/plain");
    tests.add(invalid(arrived(tc, "authenticated header injected [NB-10]", full, "orders.us", injected),
        "authentication-failed", "decryption-failed"));
    ArrayNode second = clear.deepCopy();
    second.addArray().add("x-tenant").add("acme");
    tests.add(invalid(arrived(tc, "a second value of an authenticated header injected [NB-10]", full, "orders.us", second),
        "authentication-failed", "decryption-failed"));
    ObjectNode multi = sealed.get("multi");
    ArrayNode swapped = JSON.createArrayNode();
    swapped.addArray().add("x-tenant").add("globex");
    swapped.addArray().add("x-tenant").add("acme");
    tests.add(invalid(arrived(tc, "values of an authenticated header reordered [NB-22]", multi, "orders.us", swapped),
        "authentication-failed", "decryption-failed"));
    ArrayNode clearSecret = clear.deepCopy();
    clearSecret.addArray().add("x-pii-name").add("Eve");
    tests.add(invalid(arrived(tc, "secret header added in clear [NB-9]", full, "orders.us", clearSecret),
        "authentication-failed", "secret-header-in-clear"));
    ArrayNode upper = clear.deepCopy();
    upper.addArray().add("AUTHORIZATION").add("Bearer forged");
    tests.add(invalid(arrived(tc, "secret header added in clear, other case [NB-21]", full, "orders.us", upper),
        "authentication-failed", "secret-header-in-clear"));
    // Not protected, on purpose.
    ObjectNode t = arrived(tc, "an unauthenticated header changed: not protected [NB-7]", full, "orders.us",
        replace(clear, "trace-id", "0000"));
    List<String[]> restored = restoredHeaders(full);
    for (String[] x : restored) {
      if (x[0].equals("trace-id")) {
        x[1] = "0000";
      }
    }
    valid(t, full.get("data").asText(), headersJson(restored));
    tests.add(t);
    ObjectNode reply = sealed.get("reply");
    t = arrived(tc, "reply subject changed: not bound [NB-11]", reply, "orders.eu", reply.get("expected").get("headers"));
    t.put("replyTo", "_INBOX.other.9");
    valid(t, reply.get("data").asText(), JSON.createArrayNode());
    tests.add(t);
    // Plaintext recognition.
    String plain = HEX.formatHex("{\"order\":42}".getBytes(StandardCharsets.UTF_8));
    tests.add(invalid(raw(tc, "plaintext on an encrypted subject [NB-14]", "orders.eu", plain, h()),
        "not-an-envelope", "plaintext-rejected"));
    tests.add(invalid(raw(tc, "plaintext on a subject no entry matches [NB-14]", "inventory.eu", plain, h()),
        "not-an-envelope", "plaintext-rejected"));
    tests.add(invalid(raw(tc, "empty data on an encrypted subject [NB-14]", "orders.eu", "", h()),
        "not-an-envelope", "plaintext-rejected"));
    t = raw(tc, "plaintext on a plaintext subject [NB-14]", "metrics.cpu", plain, h("unit", "percent"));
    valid(t, plain, headersJson(h("unit", "percent")));
    tests.add(t);
    t = raw(tc, "plaintext on a consume-plaintext subject [NB-14]", "legacy.orders", plain, h());
    valid(t, plain, JSON.createArrayNode());
    tests.add(t);
    tests.add(invalid(raw(tc, "secret header in clear on a plaintext subject [NB-9]", "metrics.cpu", plain,
        h("x-pii-name", "Ada")), "authentication-failed", "secret-header-in-clear"));
    ObjectNode plainSealed = sealed.get("plain");
    tests.add(invalid(arrived(tc, "an envelope on a plaintext subject is an envelope, bound elsewhere [NB-14]",
        plainSealed, "metrics.cpu", JSON.createArrayNode()), "authentication-failed", "decryption-failed"));
    // Framing.
    String digest = digest(List.of());
    byte[] badFrame = encrypt(Suite.AES_256_GCM, "orders", HEX.parseHex("020000") , dataContext("orders.eu", digest),
        drbg("bad frame dek", 32), drbg("bad frame nonce", 12));
    tests.add(invalid(raw(tc, "decrypts, but the frame version is 2 [NB-4]", "orders.eu", HEX.formatHex(badFrame), h()),
        "malformed-header", "bad-inner-framing"));
    byte[] truncated = encrypt(Suite.AES_256_GCM, "orders", HEX.parseHex("010001000178"), dataContext("orders.eu", digest),
        drbg("truncated frame dek", 32), drbg("truncated frame nonce", 12));
    tests.add(invalid(raw(tc, "decrypts, but the frame runs past the end [NB-4]", "orders.eu", HEX.formatHex(truncated), h()),
        "malformed-header", "bad-inner-framing"));
    return g;
  }

  /** The headers a reader gives for a sealed case: clear ones, then the framed (secret) ones [NB-9]. */
  static List<String[]> restoredHeaders(ObjectNode sealedCase) {
    List<String[]> all = new ArrayList<>();
    sealedCase.get("expected").get("headers").forEach(x -> all.add(new String[] {x.get(0).asText(), x.get(1).asText()}));
    List<String[]> in = new ArrayList<>();
    sealedCase.get("headers").forEach(x -> in.add(new String[] {x.get(0).asText(), x.get(1).asText()}));
    all.addAll(ordered(in, NatsVectorGenerator::secret));
    return all;
  }

  private static ObjectNode arrived(Counter tc, String comment, ObjectNode sealedCase, String subject, com.fasterxml.jackson.databind.JsonNode headers) {
    ObjectNode t = test(tc, comment);
    t.put("subject", subject);
    t.set("headers", headers.deepCopy());
    t.put("data", sealedCase.get("expected").get("data").asText());
    if (sealedCase.get("expected").has("replyTo")) {
      t.put("replyTo", sealedCase.get("expected").get("replyTo").asText());
    }
    return t;
  }

  private static ObjectNode raw(Counter tc, String comment, String subject, String dataHex, List<String[]> headers) {
    ObjectNode t = test(tc, comment);
    t.put("subject", subject);
    t.set("headers", headersJson(headers));
    t.put("data", dataHex);
    return t;
  }

  private static void valid(ObjectNode t, String dataHex, ArrayNode headers) {
    t.put("result", "valid");
    ObjectNode e = t.putObject("expected");
    e.put("data", dataHex);
    e.set("headers", headers);
  }

  private static ObjectNode invalid(ObjectNode t, String category, String reason) {
    t.put("result", "invalid");
    t.put("error", category);
    t.put("reason", reason);
    return t;
  }

  private static ArrayNode replace(ArrayNode headers, String name, String value) {
    ArrayNode out = JSON.createArrayNode();
    headers.forEach(x -> out.addArray().add(x.get(0).asText()).add(x.get(0).asText().equals(name) ? value : x.get(1).asText()));
    return out;
  }

  private static ArrayNode without(ArrayNode headers, String name) {
    ArrayNode out = JSON.createArrayNode();
    headers.forEach(x -> {
      if (!x.get(0).asText().equals(name)) {
        out.add(x.deepCopy());
      }
    });
    return out;
  }

  /** Key-Value: stored forms of a put, and what a reader makes of altered stored forms. */
  static ObjectNode kvGroup(Counter tc) throws Exception {
    ObjectNode g = JSON.createObjectNode();
    g.put("type", "kv");
    ArrayNode tests = g.putArray("tests");
    Map<String, String[]> stored = new LinkedHashMap<>();
    String[][] puts = {
        {"profiles", "user.42", "{\"name\":\"Ada\"}", "user42"},
        {"profiles", "ключ/ü", "unicode key", "unicode"},
        {"profiles", "", "empty key", "emptykey"},
        {"archive", "user.42", "{\"name\":\"Ada\",\"archived\":true}", "archive42"}};
    for (String[] p : puts) {
      String bucket = p[0];
      ObjectNode t = test(tc, "put " + bucket + "/" + p[3] + ": key [NB-15] [NB-16], value [NB-17]");
      t.put("op", "put");
      t.put("bucket", bucket);
      t.put("key", p[1]);
      t.put("value", HEX.formatHex(p[2].getBytes(StandardCharsets.UTF_8)));
      byte[] keyEnvelope = encrypt(Suite.AES_256_SIV, BUCKETS.get(bucket), p[1].getBytes(StandardCharsets.UTF_8),
          new TreeMap<>(Map.of("nats.kv.bucket", bucket, "nats.part", "kv-key")), null, null);
      String storedKey = Base64.getUrlEncoder().withoutPadding().encodeToString(keyEnvelope);
      byte[] dek = drbg(p[3] + " kv dek", 32);
      byte[] nonce = drbg(p[3] + " kv nonce", 12);
      byte[] value = encrypt(Suite.AES_256_GCM, BUCKETS.get(bucket), p[2].getBytes(StandardCharsets.UTF_8),
          new TreeMap<>(Map.of("nats.kv.bucket", bucket, "nats.kv.key", storedKey, "nats.part", "kv-value")), dek, nonce);
      ObjectNode r = t.putObject("randomness");
      r.put("dek", HEX.formatHex(dek));
      r.put("nonce", HEX.formatHex(nonce));
      ObjectNode e = t.putObject("expected");
      e.put("storedKey", storedKey);
      e.put("storedValue", HEX.formatHex(value));
      t.put("result", "valid");
      tests.add(t);
      stored.put(p[3], new String[] {bucket, storedKey, HEX.formatHex(value), p[1], HEX.formatHex(p[2].getBytes(StandardCharsets.UTF_8))});
    }
    String[] a = stored.get("user42");
    String[] u = stored.get("unicode");
    String[] arch = stored.get("archive42");
    tests.add(kvRead(tc, "value moved under another key [NB-17]", "profiles", u[1], a[2], "authentication-failed", "decryption-failed"));
    tests.add(kvRead(tc, "value moved into another bucket under the same application key [NB-17]", "archive", arch[1], a[2],
        "authentication-failed", "decryption-failed"));
    tests.add(kvRead(tc, "stored key of another bucket [NB-16] [NB-18]", "profiles", arch[1], arch[2],
        "authentication-failed", "bad-kv-key"));
    tests.add(kvRead(tc, "stored key with base64 padding [NB-18]", "profiles", a[1] + "=", a[2], "not-an-envelope", "bad-kv-key"));
    tests.add(kvRead(tc, "stored key that is not an envelope [NB-18]", "profiles",
        Base64.getUrlEncoder().withoutPadding().encodeToString("user.42".getBytes(StandardCharsets.UTF_8)), a[2],
        "not-an-envelope", "bad-kv-key"));
    tests.add(kvRead(tc, "plaintext value [NB-19]", "profiles", a[1], a[4], "not-an-envelope", "plaintext-rejected"));
    ObjectNode t = test(tc, "a delete marker: the key decrypts, the marker has no value and proves nothing [NB-20]");
    t.put("op", "read");
    t.put("bucket", "profiles");
    t.put("storedKey", a[1]);
    t.put("operation", "DEL"); // the KV-Operation header value of a delete marker
    t.put("storedValue", "");
    t.put("result", "valid");
    t.putObject("expected").put("key", a[3]).putNull("value");
    tests.add(t);
    for (String[] s : stored.values()) {
      t = test(tc, "read back " + s[0] + " [NB-15] [NB-17]");
      t.put("op", "read");
      t.put("bucket", s[0]);
      t.put("storedKey", s[1]);
      t.put("operation", "PUT");
      t.put("storedValue", s[2]);
      t.put("result", "valid");
      t.putObject("expected").put("key", s[3]).put("value", s[4]);
      tests.add(t);
    }
    return g;
  }

  private static ObjectNode kvRead(Counter tc, String comment, String bucket, String storedKey, String storedValue,
      String category, String reason) {
    ObjectNode t = test(tc, comment);
    t.put("op", "read");
    t.put("bucket", bucket);
    t.put("storedKey", storedKey);
    t.put("operation", "PUT");
    t.put("storedValue", storedValue);
    return invalid(t, category, reason);
  }
}
