package dev.sealpost.conformance.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.sealpost.conformance.proto.BindingRandomness;
import dev.sealpost.conformance.proto.ConformanceRequest;
import dev.sealpost.conformance.proto.ConformanceResponse;
import dev.sealpost.conformance.proto.KafkaBindingConfig;
import dev.sealpost.conformance.proto.KafkaHeader;
import dev.sealpost.conformance.proto.KafkaReadRequest;
import dev.sealpost.conformance.proto.KafkaRecord;
import dev.sealpost.conformance.proto.KafkaWriteRequest;
import dev.sealpost.conformance.proto.Keys;
import dev.sealpost.conformance.proto.NatsBindingConfig;
import dev.sealpost.conformance.proto.NatsHeader;
import dev.sealpost.conformance.proto.NatsKvEntry;
import dev.sealpost.conformance.proto.NatsKvPutRequest;
import dev.sealpost.conformance.proto.NatsKvReadRequest;
import dev.sealpost.conformance.proto.NatsMessage;
import dev.sealpost.conformance.proto.NatsOpenRequest;
import dev.sealpost.conformance.proto.NatsSealRequest;
import dev.sealpost.conformance.protocol.ProtoJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Issue 12: the broker binding vectors ({@code test-vectors/sealpost_kafka_binding_v1.json},
 * {@code sealpost_nats_binding_v1.json}), every vector a Required test in the groups
 * {@code Binding.Kafka.Write}, {@code Binding.Kafka.Read}, {@code Binding.Nats.Seal},
 * {@code Binding.Nats.Open} and {@code Binding.Nats.Kv}. Each vector is forwarded nearly verbatim
 * (its configuration as is, hex byte strings as bytes); every expected value is the vector's.
 * A missing or unreadable file, or one whose test count is not its {@code numberOfTests}, is a
 * failing Required test of its own.
 */
final class BindingTests {
  static final String KAFKA_FILE = "sealpost_kafka_binding_v1.json";
  static final String NATS_FILE = "sealpost_nats_binding_v1.json";
  private static final HexFormat HEX = HexFormat.of();
  private static final JsonFormat.Parser CONFIG = JsonFormat.parser(); // unknown config fields fail the vector

  private BindingTests() {}

  static List<ConformanceTest> load(Path dir) {
    List<ConformanceTest> tests = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    JsonNode kafka = read(json, dir.resolve(KAFKA_FILE), "Binding.Kafka", tests);
    if (kafka != null) {
      kafka(kafka, tests);
    }
    JsonNode nats = read(json, dir.resolve(NATS_FILE), "Binding.Nats", tests);
    if (nats != null) {
      nats(nats, tests);
    }
    return tests;
  }

  private static JsonNode read(ObjectMapper json, Path file, String group, List<ConformanceTest> tests) {
    JsonNode root;
    try {
      root = json.readTree(Files.readAllBytes(file));
    } catch (IOException e) {
      String why = "cannot read binding vector file " + file.getFileName() + ": " + e.getClass().getSimpleName();
      tests.add(new ConformanceTest(Level.REQUIRED, group, "File", t -> Verdict.fail(why, String.valueOf(file))));
      return null;
    }
    int n = 0;
    for (JsonNode g : root.path("testGroups")) {
      n += g.path("tests").size();
    }
    int declared = root.path("numberOfTests").asInt(-1);
    if (n != declared || n == 0) {
      String why = "binding vector file " + file.getFileName() + " has " + n + " tests, numberOfTests says " + declared;
      tests.add(new ConformanceTest(Level.REQUIRED, group, "File", t -> Verdict.fail(why, String.valueOf(file))));
    }
    return root;
  }

  // ---------------------------------------------------------------------------------- Kafka

  private static void kafka(JsonNode root, List<ConformanceTest> tests) {
    Keys keys = VectorTests.keys(root.path("keys"));
    for (JsonNode g : root.path("testGroups")) {
      String type = g.path("type").asText();
      String group = type.equals("KafkaRecordWrite") ? "Binding.Kafka.Write"
          : type.equals("KafkaRecordRead") ? "Binding.Kafka.Read" : null;
      for (JsonNode v : g.path("tests")) {
        String id = "tc" + v.path("tcId").asText();
        String comment = v.path("comment").asText("") + " " + v.path("flags");
        if (group == null) {
          tests.add(new ConformanceTest(Level.REQUIRED, "Binding.Kafka", id,
              t -> Verdict.fail("unknown binding vector group type '" + type + "'", comment)));
          continue;
        }
        try {
          tests.add(group.endsWith("Write") ? kafkaWrite(group, id, comment, keys, v) : kafkaRead(group, id, comment, keys, v));
        } catch (RuntimeException | InvalidProtocolBufferException e) {
          String why = "vector cannot be read: " + e.getMessage();
          tests.add(new ConformanceTest(Level.REQUIRED, group, id, t -> Verdict.fail(why, comment)));
        }
      }
    }
  }

  private static <B extends Message.Builder> B config(JsonNode config, B builder) throws InvalidProtocolBufferException {
    if (!config.isObject()) {
      throw new IllegalArgumentException("no config object");
    }
    CONFIG.merge(config.toString(), builder);
    return builder;
  }

  private static BindingRandomness randomness(JsonNode r) {
    return BindingRandomness.newBuilder().setDek(hex(r.path("dek"))).setNonce(hex(r.path("nonce"))).build();
  }

  /** A record of the Kafka vectors: null key, value, header value or header list kept as null. */
  static KafkaRecord kafkaRecord(JsonNode r) {
    if (!r.isObject()) {
      throw new IllegalArgumentException("record missing");
    }
    KafkaRecord.Builder b = KafkaRecord.newBuilder().setTopic(text(r, "topic"));
    if (!r.path("key").isNull()) {
      b.setKey(hex(r.get("key")));
    }
    if (!r.path("value").isNull()) {
      b.setValue(hex(r.get("value")));
    }
    if (r.path("headers").isNull()) {
      b.setNoHeaders(true);
    } else {
      for (JsonNode h : r.get("headers")) {
        KafkaHeader.Builder kh = KafkaHeader.newBuilder().setName(text(h, "name"));
        if (!h.path("value").isNull()) {
          kh.setValue(hex(h.get("value")));
        }
        b.addHeaders(kh);
      }
    }
    return b.build();
  }

  private static ConformanceTest kafkaWrite(String group, String id, String comment, Keys keys, JsonNode v)
      throws InvalidProtocolBufferException {
    KafkaWriteRequest.Builder w = KafkaWriteRequest.newBuilder()
        .setKeys(keys)
        .setConfig(config(v.path("config"), KafkaBindingConfig.newBuilder()))
        .setInput(kafkaRecord(v.path("input")));
    if (v.has("randomness")) {
      w.setRandomness(randomness(v.get("randomness")));
    }
    ConformanceRequest request = ConformanceRequest.newBuilder().setKafkaWrite(w).build();
    return judged(group, id, comment, v, request, expected -> {
      KafkaRecord out = kafkaRecord(v.path("output"));
      return r -> kafkaRecord(r, out);
    });
  }

  private static ConformanceTest kafkaRead(String group, String id, String comment, Keys keys, JsonNode v)
      throws InvalidProtocolBufferException {
    KafkaReadRequest.Builder q = KafkaReadRequest.newBuilder()
        .setKeys(keys)
        .setConfig(config(v.path("config"), KafkaBindingConfig.newBuilder()))
        .setRecord(kafkaRecord(v.path("record")));
    ConformanceRequest request = ConformanceRequest.newBuilder().setKafkaRead(q).build();
    return judged(group, id, comment, v, request, expected -> {
      KafkaRecord out = kafkaRecord(v.path("expected"));
      return r -> kafkaRecord(r, out);
    });
  }

  // ----------------------------------------------------------------------------------- NATS

  private static void nats(JsonNode root, List<ConformanceTest> tests) {
    Keys keys = VectorTests.keys(root.path("keys"));
    NatsBindingConfig config;
    try {
      config = config(root.path("config"), NatsBindingConfig.newBuilder()).build();
    } catch (RuntimeException | InvalidProtocolBufferException e) {
      String why = "the NATS vectors' config cannot be read: " + e.getMessage();
      tests.add(new ConformanceTest(Level.REQUIRED, "Binding.Nats", "File", t -> Verdict.fail(why, "")));
      return;
    }
    for (JsonNode g : root.path("testGroups")) {
      String type = g.path("type").asText();
      String group;
      switch (type) {
        case "seal":
          group = "Binding.Nats.Seal";
          break;
        case "open":
          group = "Binding.Nats.Open";
          break;
        case "kv":
          group = "Binding.Nats.Kv";
          break;
        default:
          group = null;
      }
      for (JsonNode v : g.path("tests")) {
        String id = "tc" + v.path("tcId").asText();
        String comment = v.path("comment").asText("");
        if (group == null) {
          tests.add(new ConformanceTest(Level.REQUIRED, "Binding.Nats", id,
              t -> Verdict.fail("unknown binding vector group type '" + type + "'", comment)));
          continue;
        }
        try {
          switch (type) {
            case "seal":
              tests.add(natsSeal(group, id, comment, keys, config, v));
              break;
            case "open":
              tests.add(natsOpen(group, id, comment, keys, config, v));
              break;
            default:
              tests.add(natsKv(group, id, comment, keys, config, v));
          }
        } catch (RuntimeException e) {
          String why = "vector cannot be read: " + e.getMessage();
          tests.add(new ConformanceTest(Level.REQUIRED, group, id, t -> Verdict.fail(why, comment)));
        }
      }
    }
  }

  /** A message of the NATS vectors: subject, reply subject, ["name", "value"] headers, hex data. */
  static NatsMessage natsMessage(String subject, String replyTo, JsonNode headers, JsonNode data) {
    NatsMessage.Builder m = NatsMessage.newBuilder().setSubject(subject).setReplyTo(replyTo).setData(hex(data));
    if (!headers.isArray()) {
      throw new IllegalArgumentException("headers missing");
    }
    for (JsonNode h : headers) {
      if (!h.isArray() || h.size() != 2) {
        throw new IllegalArgumentException("a header is not a [name, value] pair");
      }
      m.addHeaders(NatsHeader.newBuilder().setName(h.get(0).asText()).setValue(h.get(1).asText()));
    }
    return m.build();
  }

  private static NatsMessage natsInput(JsonNode v) {
    return natsMessage(text(v, "subject"), v.path("replyTo").asText(""), v.path("headers"), v.path("data"));
  }

  private static ConformanceTest natsSeal(String group, String id, String comment, Keys keys, NatsBindingConfig config, JsonNode v) {
    NatsSealRequest.Builder s = NatsSealRequest.newBuilder().setKeys(keys).setConfig(config).setMessage(natsInput(v));
    if (v.has("randomness")) {
      s.setRandomness(randomness(v.get("randomness")));
    }
    ConformanceRequest request = ConformanceRequest.newBuilder().setNatsSeal(s).build();
    return judged(group, id, comment, v, request, expected -> {
      JsonNode e = v.path("expected");
      // The message to send: the subject it was published to, the expected reply subject (none unless given).
      NatsMessage out = natsMessage(text(v, "subject"), e.path("replyTo").asText(""), e.path("headers"), e.path("data"));
      return r -> natsMessage(r, out, true);
    });
  }

  private static ConformanceTest natsOpen(String group, String id, String comment, Keys keys, NatsBindingConfig config, JsonNode v) {
    NatsOpenRequest.Builder o = NatsOpenRequest.newBuilder().setKeys(keys).setConfig(config).setMessage(natsInput(v));
    ConformanceRequest request = ConformanceRequest.newBuilder().setNatsOpen(o).build();
    return judged(group, id, comment, v, request, expected -> {
      JsonNode e = v.path("expected");
      NatsMessage out = natsMessage(text(v, "subject"), "", e.path("headers"), e.path("data"));
      return r -> natsMessage(r, out, false);
    });
  }

  private static ConformanceTest natsKv(String group, String id, String comment, Keys keys, NatsBindingConfig config, JsonNode v) {
    String op = text(v, "op");
    ConformanceRequest request;
    if (op.equals("put")) {
      NatsKvPutRequest.Builder p = NatsKvPutRequest.newBuilder().setKeys(keys).setConfig(config)
          .setBucket(text(v, "bucket")).setKey(text(v, "key")).setValue(hex(v.path("value")));
      if (v.has("randomness")) {
        p.setRandomness(randomness(v.get("randomness")));
      }
      request = ConformanceRequest.newBuilder().setNatsKvPut(p).build();
      return judged(group, id, comment, v, request, expected -> {
        JsonNode e = v.path("expected");
        NatsKvEntry out = NatsKvEntry.newBuilder().setStoredKey(text(e, "storedKey")).setStoredValue(hex(e.path("storedValue"))).build();
        return r -> kvPut(r, out);
      });
    }
    if (!op.equals("read")) {
      throw new IllegalArgumentException("unknown Key-Value op '" + op + "'");
    }
    NatsKvReadRequest.Builder q = NatsKvReadRequest.newBuilder().setKeys(keys).setConfig(config)
        .setBucket(text(v, "bucket")).setStoredKey(text(v, "storedKey")).setOperation(text(v, "operation"))
        .setStoredValue(hex(v.path("storedValue")));
    request = ConformanceRequest.newBuilder().setNatsKvRead(q).build();
    return judged(group, id, comment, v, request, expected -> {
      JsonNode e = v.path("expected");
      NatsKvEntry.Builder out = NatsKvEntry.newBuilder().setKey(text(e, "key"));
      if (!e.path("value").isNull()) {
        out.setValue(hex(e.get("value")));
      }
      NatsKvEntry want = out.build();
      return r -> kvRead(r, want);
    });
  }

  // -------------------------------------------------------------------------------- judging

  private interface Judge {
    Verdict judge(ConformanceResponse r);
  }

  private interface ValidJudge {
    Judge make(JsonNode expected);
  }

  /**
   * {@code result} valid: the judge the vector's expected output gives; invalid: exactly the
   * vector's error (and reason, part).
   */
  private static ConformanceTest judged(String group, String id, String comment, JsonNode v, ConformanceRequest request,
      ValidJudge valid) {
    String result = v.path("result").asText();
    Judge judge;
    if (result.equals("valid")) {
      judge = valid.make(v);
    } else if (result.equals("invalid")) {
      String error = text(v, "error");
      String reason = v.has("reason") ? v.get("reason").asText() : null;
      String part = v.has("part") ? v.get("part").asText() : null;
      judge = r -> bindingError(r, error, reason, part);
    } else {
      throw new IllegalArgumentException("result must be valid or invalid, got '" + result + "'");
    }
    return new ConformanceTest(Level.REQUIRED, group, id, t -> annotate(judge.judge(t.call(request)), comment));
  }

  private static Verdict annotate(Verdict v, String comment) {
    if (v.passed() || v.skipped()) {
      return v;
    }
    return Verdict.fail(v.headline(), "vector: " + comment.trim() + "\n" + v.detail());
  }

  /**
   * The vector's error: a SPEC.md section 9 category is compared as the category (and, where the
   * vector names it, the failing record part, and the reason where the vector gives one); any
   * other name is a reason of the binding's own (the vector file's {@code errors}) and is
   * compared as the reason.
   */
  static Verdict bindingError(ConformanceResponse r, String error, String reason, String part) {
    boolean category = Expect.CATEGORIES.contains(error);
    String want = category ? "error " + error + (reason != null ? " (reason " + reason + ")" : "") : "reason " + error;
    if (r.getResultCase() != ConformanceResponse.ResultCase.ERROR) {
      switch (r.getResultCase()) {
        case KAFKA_RECORD:
        case NATS_MESSAGE:
        case NATS_KV_ENTRY:
          return Verdict.fail("expected " + want + ", but the testee accepted it",
              "answer: " + Expect.abbreviate(ProtoJson.pretty(r)));
        default:
          return Expect.unexpected(r, want);
      }
    }
    dev.sealpost.conformance.proto.Error e = r.getError();
    String got = "error " + e.getCategory() + (e.getReason().isEmpty() ? "" : " (reason " + e.getReason() + ")");
    String detail = "testee message: " + e.getMessage();
    if (category) {
      if (!e.getCategory().equals(error)) {
        return Verdict.fail("expected error " + error + ", got " + got
            + (Expect.CATEGORIES.contains(e.getCategory()) ? "" : " (not a SPEC.md section 9 category)"), detail);
      }
      if (reason != null && !reason.equals(e.getReason())) {
        return Verdict.fail("expected " + want + ", got " + got, detail);
      }
      if (part != null && !part.equals(e.getPart())) {
        return Verdict.fail("expected error " + error + " of the record " + part + ", got it for the record "
            + (e.getPart().isEmpty() ? "part (none named)" : e.getPart()), detail);
      }
      return Verdict.pass();
    }
    if (!e.getReason().equals(error)) {
      return Verdict.fail("expected reason " + error + ", got " + (e.getReason().isEmpty() ? "no reason" : "reason " + e.getReason())
          + " (category " + e.getCategory() + ")", detail);
    }
    return Verdict.pass();
  }

  private static boolean isEnvelope(byte[] b) {
    return b.length >= 4 && (b[0] & 0xFF) == 0xF7 && b[1] == 0x53 && b[2] == 0x50;
  }

  /** Byte-exact, with a hex diff (and the envelope field, for envelopes). */
  static Verdict bytes(String what, byte[] expected, byte[] got) {
    if (Arrays.equals(expected, got)) {
      return Verdict.pass();
    }
    int at = HexDiff.firstDifference(expected, got);
    boolean envelope = isEnvelope(expected);
    String where = envelope ? " (" + HexDiff.field(expected, at).replaceAll(", field offset.*", "") + ")" : "";
    return Verdict.fail(what + " differs from offset " + at + where, HexDiff.describe(expected, got, envelope));
  }

  private static Verdict nullableBytes(String what, boolean expectedPresent, ByteString expected, boolean gotPresent,
      ByteString got) {
    if (expectedPresent != gotPresent) {
      return Verdict.fail(what + (expectedPresent ? " is null" : " is not null"),
          expectedPresent ? "expected " + expected.size() + " bytes" : "expected null, got " + got.size() + " bytes: "
              + Expect.abbreviate(HexDiff.hex(got.toByteArray())));
    }
    return expectedPresent ? bytes(what, expected.toByteArray(), got.toByteArray()) : Verdict.pass();
  }

  private static String kafkaHeaders(List<KafkaHeader> hs) {
    List<String> out = new ArrayList<>();
    for (KafkaHeader h : hs) {
      out.add(h.getName() + "=" + (h.hasValue() ? HexDiff.hex(h.getValue().toByteArray()) : "null"));
    }
    return out.toString();
  }

  /** A Kafka record: topic, key, value (null or bytes, exact) and headers in order, repeats and nulls kept. */
  static Verdict kafkaRecord(ConformanceResponse r, KafkaRecord expected) {
    if (r.getResultCase() != ConformanceResponse.ResultCase.KAFKA_RECORD) {
      return unexpectedAnswer(r, "a Kafka record");
    }
    KafkaRecord got = r.getKafkaRecord();
    if (!got.getTopic().equals(expected.getTopic())) {
      return Verdict.fail("record topic differs", "expected '" + expected.getTopic() + "', got '" + got.getTopic() + "'");
    }
    Verdict v = nullableBytes("record key", expected.hasKey(), expected.getKey(), got.hasKey(), got.getKey());
    if (v.passed()) {
      v = nullableBytes("record value", expected.hasValue(), expected.getValue(), got.hasValue(), got.getValue());
    }
    if (v.passed() && !kafkaHeaders(expected.getHeadersList()).equals(kafkaHeaders(got.getHeadersList()))) {
      // "headers": null in a vector (no headers object) is a record without headers.
      v = Verdict.fail("record headers differ", "expected " + kafkaHeaders(expected.getHeadersList())
          + "\nactual   " + kafkaHeaders(got.getHeadersList()));
    }
    return v;
  }

  /** NATS headers as a client sees them: name to its values in order, names in byte order. */
  static Map<String, List<String>> natsHeaders(List<NatsHeader> hs) {
    Map<String, List<String>> m = new TreeMap<>();
    for (NatsHeader h : hs) {
      m.computeIfAbsent(h.getName(), k -> new ArrayList<>()).add(h.getValue());
    }
    return m;
  }

  /** A NATS message: data exact, headers as a map; for a published message also subject and reply subject. */
  static Verdict natsMessage(ConformanceResponse r, NatsMessage expected, boolean published) {
    if (r.getResultCase() != ConformanceResponse.ResultCase.NATS_MESSAGE) {
      return unexpectedAnswer(r, "a NATS message");
    }
    NatsMessage got = r.getNatsMessage();
    if (published && !got.getSubject().equals(expected.getSubject())) {
      return Verdict.fail("message subject differs", "expected '" + expected.getSubject() + "', got '" + got.getSubject() + "'");
    }
    if (published && !got.getReplyTo().equals(expected.getReplyTo())) {
      return Verdict.fail("reply subject differs", "expected '" + expected.getReplyTo() + "', got '" + got.getReplyTo() + "'");
    }
    Verdict v = bytes("message data", expected.getData().toByteArray(), got.getData().toByteArray());
    if (v.passed() && !natsHeaders(expected.getHeadersList()).equals(natsHeaders(got.getHeadersList()))) {
      v = Verdict.fail("message headers differ",
          "expected " + natsHeaders(expected.getHeadersList()) + "\nactual   " + natsHeaders(got.getHeadersList()));
    }
    return v;
  }

  static Verdict kvPut(ConformanceResponse r, NatsKvEntry expected) {
    if (r.getResultCase() != ConformanceResponse.ResultCase.NATS_KV_ENTRY) {
      return unexpectedAnswer(r, "a stored Key-Value entry");
    }
    NatsKvEntry got = r.getNatsKvEntry();
    if (!got.getStoredKey().equals(expected.getStoredKey())) {
      return Verdict.fail("stored key differs", "expected " + expected.getStoredKey() + "\nactual   " + got.getStoredKey());
    }
    return bytes("stored value", expected.getStoredValue().toByteArray(), got.getStoredValue().toByteArray());
  }

  static Verdict kvRead(ConformanceResponse r, NatsKvEntry expected) {
    if (r.getResultCase() != ConformanceResponse.ResultCase.NATS_KV_ENTRY) {
      return unexpectedAnswer(r, "a Key-Value entry");
    }
    NatsKvEntry got = r.getNatsKvEntry();
    if (!Objects.equals(got.getKey(), expected.getKey())) {
      return Verdict.fail("key differs", "expected '" + expected.getKey() + "', got '" + got.getKey() + "'");
    }
    return nullableBytes("value", expected.hasValue(), expected.getValue(), got.hasValue(), got.getValue());
  }

  /** The wrong kind of answer; an error names its reason too. */
  private static Verdict unexpectedAnswer(ConformanceResponse r, String expected) {
    if (r.getResultCase() == ConformanceResponse.ResultCase.ERROR) {
      dev.sealpost.conformance.proto.Error e = r.getError();
      return Verdict.fail("expected " + expected + ", got error " + e.getCategory()
          + (e.getReason().isEmpty() ? "" : " (reason " + e.getReason() + ")"), "testee message: " + e.getMessage());
    }
    return Expect.unexpected(r, expected);
  }

  private static String text(JsonNode n, String field) {
    JsonNode f = n.get(field);
    if (f == null || !f.isTextual()) {
      throw new IllegalArgumentException("field '" + field + "' missing");
    }
    return f.asText();
  }

  private static ByteString hex(JsonNode n) {
    if (n == null || !n.isTextual()) {
      throw new IllegalArgumentException("a hex string is missing");
    }
    return ByteString.copyFrom(HEX.parseHex(n.asText()));
  }
}
