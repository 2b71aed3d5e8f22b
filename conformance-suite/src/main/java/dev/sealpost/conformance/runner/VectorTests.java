package dev.sealpost.conformance.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import dev.sealpost.conformance.ReferenceCodec;
import dev.sealpost.conformance.proto.Compression;
import dev.sealpost.conformance.proto.ConformanceRequest;
import dev.sealpost.conformance.proto.ConformanceResponse;
import dev.sealpost.conformance.proto.SignMode;
import dev.sealpost.conformance.proto.SignerInfo;
import dev.sealpost.conformance.proto.StreamEncryptRequest;
import dev.sealpost.conformance.proto.TrustedWriter;
import dev.sealpost.conformance.proto.WriterKey;
import dev.sealpost.conformance.proto.DecryptRequest;
import dev.sealpost.conformance.proto.EncryptRequest;
import dev.sealpost.conformance.proto.Keys;
import dev.sealpost.conformance.proto.KmsKey;
import dev.sealpost.conformance.proto.RecipientSpec;
import dev.sealpost.conformance.proto.RecipientType;
import dev.sealpost.conformance.proto.Suite;
import dev.sealpost.conformance.proto.SymmetricKey;
import dev.sealpost.conformance.proto.X25519Key;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Tests from the JSON vectors of {@code test-vectors/} (format in test-vectors/README.md),
 * all Required [VEC-1]. A missing or unreadable vector file is itself a failing Required test.
 */
final class VectorTests {
  static final String ENCRYPT_FILE = "sealpost_v1_encrypt.json";
  static final String DECRYPT_FILE = "sealpost_v1_decrypt.json";
  private static final HexFormat HEX = HexFormat.of();

  /** Every envelope a vector names, for the inspection tests. */
  final List<byte[]> envelopes = new ArrayList<>();
  final List<String> envelopeIds = new ArrayList<>();

  List<ConformanceTest> load(Path dir) {
    List<ConformanceTest> tests = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    loadFile(dir.resolve(ENCRYPT_FILE), json, tests, true);
    loadFile(dir.resolve(DECRYPT_FILE), json, tests, false);
    return tests;
  }

  private void loadFile(Path file, ObjectMapper json, List<ConformanceTest> tests, boolean encrypt) {
    String group = encrypt ? "Vector.Encrypt" : "Vector.Decrypt";
    JsonNode root;
    try {
      root = json.readTree(Files.readAllBytes(file));
    } catch (IOException e) {
      String why = "cannot read vector file " + file.getFileName() + ": " + e.getClass().getSimpleName();
      tests.add(new ConformanceTest(Level.REQUIRED, group, "File", t -> Verdict.fail(why, String.valueOf(file))));
      return;
    }
    for (JsonNode g : root.path("testGroups")) {
      Keys keys = keys(g.path("keys"));
      for (JsonNode v : g.path("tests")) {
        String id = "tc" + v.path("tcId").asText();
        String comment = v.path("comment").asText("") + " " + v.path("flags");
        try {
          if (encrypt) {
            addEncrypt(tests, group, id, comment, keys, v);
          } else {
            addDecrypt(tests, group, id, comment, keys, v);
          }
        } catch (RuntimeException e) {
          String why = "vector cannot be read: " + e.getMessage();
          tests.add(new ConformanceTest(Level.REQUIRED, group, id, t -> Verdict.fail(why, comment)));
        }
      }
    }
  }

  private void addEncrypt(List<ConformanceTest> tests, String group, String id, String comment, Keys keys, JsonNode v) {
    EncryptRequest.Builder e = EncryptRequest.newBuilder()
        .setSuite(Suite.valueOf(v.path("suite").asText()))
        .setKeys(keys)
        .putAllStoredContext(context(v.path("storedContext")))
        .putAllExternalContext(context(v.path("externalContext")))
        .setPlaintext(ByteString.copyFrom(plaintext(v)))
        .setFixedRandomness(true)
        .setDek(hex(v.path("dek")))
        .setNonce(hex(v.path("nonce")));
    for (JsonNode r : v.path("recipients")) {
      e.addRecipients(RecipientSpec.newBuilder()
          .setType(recipientType(r.path("type").asText()))
          .setKeyId(r.path("keyId").asText())
          .setVersion((int) r.path("version").asLong())
          .setEphemeralPrivateKey(hex(r.path("ephemeralPrivateKey")))
          .setKmsNonce(hex(r.path("kmsNonce"))));
    }
    if (v.has("packed")) {
      // SPEC.md 15: compressed suites give the packed payload as an input; its method names the compressor.
      ByteString packed = hex(v.path("packed"));
      e.setPacked(packed);
      e.setCompression(packed.byteAt(0) == 2 ? Compression.LZ4 : Compression.ZSTD);
    }
    JsonNode signer = v.path("signer");
    DecryptRequest.Builder back = DecryptRequest.newBuilder().setKeys(keys).putAllExternalContext(e.getExternalContextMap());
    SignerInfo verified = null;
    if (!signer.isMissingNode()) {
      e.setSigner(WriterKey.newBuilder()
          .setSignerId(signer.path("signerId").asText())
          .setVersion((int) signer.path("version").asLong())
          .setPrivateKey(hex(signer.path("privateKey")))
          .setMode(SignMode.valueOf(signer.path("mode").asText())));
      // Decrypted back by a reader that trusts exactly this writer [SIG-4].
      back.addTrustedWriters(TrustedWriter.newBuilder()
          .setSignerId(signer.path("signerId").asText())
          .setVersion((int) signer.path("version").asLong())
          .setPublicKey(hex(signer.path("publicKey"))));
      verified = SignerInfo.newBuilder().setSignerId(signer.path("signerId").asText()).setVersion((int) signer.path("version").asLong()).build();
    }
    byte[] plaintext = e.getPlaintext().toByteArray();
    ConformanceRequest request = ConformanceRequest.newBuilder().setEncrypt(e).build();
    byte[] envelope;
    if (v.has("envelope")) {
      envelope = hex(v.path("envelope")).toByteArray();
      byte[] expected = envelope;
      tests.add(new ConformanceTest(Level.REQUIRED, group, id, t -> annotate(Expect.envelope(t.call(request), expected), comment)));
    } else {
      // Past one segment the vector gives the envelope's length and SHA-256 (test-vectors/README.md).
      long length = v.path("envelopeLength").asLong();
      byte[] sha = HEX.parseHex(v.path("envelopeSha256").asText());
      tests.add(new ConformanceTest(Level.REQUIRED, group, id, t -> {
        ConformanceResponse r = t.call(request);
        if (r.getResultCase() != ConformanceResponse.ResultCase.ENVELOPE) {
          return annotate(Expect.unexpected(r, "an envelope"), comment);
        }
        byte[] got = r.getEnvelope().toByteArray();
        return annotate(Expect.envelopeDigest(got.length, ReferenceCodec.sha256().digest(got), length, sha), comment);
      }));
      // The envelope to decrypt back: the reference's, if it is the vector's.
      ConformanceResponse ref = GeneratedTests.reference(request);
      envelope = ref.getEnvelope().toByteArray();
      if (!Arrays.equals(ReferenceCodec.sha256().digest(envelope), sha)) {
        throw new IllegalArgumentException("the reference does not write this vector's envelope");
      }
    }
    envelopes.add(envelope);
    envelopeIds.add("Encrypt." + id);
    DecryptRequest backRequest = back.setEnvelope(ByteString.copyFrom(envelope)).build();
    ConformanceRequest backCall = ConformanceRequest.newBuilder().setDecrypt(backRequest).build();
    SignerInfo signerInfo = verified;
    tests.add(new ConformanceTest(Level.REQUIRED, group, id + ".DecryptBack",
        t -> annotate(Expect.plaintext(t.call(backCall), plaintext, signerInfo), comment)));
    if (e.getSuite().name().endsWith("_SEGMENTED")) {
      // [SEG-1], [SEG-3]: through the testee's streaming writer and reader as well.
      StreamEncryptRequest.Builder se = StreamEncryptRequest.newBuilder()
          .setEncrypt(e.clone().clearPlaintext()).setPatternLength(plaintext.length).addWriteSizes(4096).addWriteSizes(65537);
      boolean pattern = v.has("plaintextPattern");
      byte[] expected = envelope;
      if (pattern) {
        ConformanceRequest ser = ConformanceRequest.newBuilder().setStreamEncrypt(se).build();
        tests.add(new ConformanceTest(Level.REQUIRED, group, id + ".StreamEncrypt",
            t -> annotate(Expect.envelope(t.call(ser), expected), comment)));
      }
      tests.add(Streams.test(Level.REQUIRED, group, id + ".StreamBack", backRequest, envelope, Streams.UNEVEN, java.util.Optional.empty()));
    }
  }

  private void addDecrypt(List<ConformanceTest> tests, String group, String id, String comment, Keys keys, JsonNode v) {
    DecryptRequest.Builder d = DecryptRequest.newBuilder()
        .setEnvelope(hex(v.path("envelope")))
        .setKeys(keys)
        .putAllExternalContext(context(v.path("externalContext")))
        .putAllRequiredContext(context(v.path("requiredContext")));
    if (v.has("maxPlaintextLength")) {
      d.setMaxPlaintextLength((int) v.path("maxPlaintextLength").asLong());
    }
    for (JsonNode w : v.path("trustedWriters")) {
      d.addTrustedWriters(TrustedWriter.newBuilder()
          .setSignerId(w.path("signerId").asText())
          .setVersion((int) w.path("version").asLong())
          .setPublicKey(hex(w.path("publicKey"))));
    }
    byte[] envelope = d.getEnvelope().toByteArray();
    envelopes.add(envelope);
    envelopeIds.add("Decrypt." + id);
    ConformanceRequest request = ConformanceRequest.newBuilder().setDecrypt(d).build();
    String result = v.path("result").asText();
    if ("valid".equals(result)) {
      byte[] plaintext = plaintext(v);
      JsonNode s = v.path("verifiedSigner");
      SignerInfo signer = s.isMissingNode() ? null
          : SignerInfo.newBuilder().setSignerId(s.path("signerId").asText()).setVersion((int) s.path("version").asLong()).build();
      tests.add(new ConformanceTest(Level.REQUIRED, group, id,
          t -> annotate(Expect.plaintext(t.call(request), plaintext, signer), comment)));
    } else if ("invalid".equals(result)) {
      String error = v.path("error").asText();
      tests.add(new ConformanceTest(Level.REQUIRED, group, id, t -> annotate(Expect.error(t.call(request), error), comment)));
    } else {
      throw new IllegalArgumentException("result must be valid or invalid, got '" + result + "'");
    }
    boolean segmented = envelope.length >= 6 && (envelope[4] == 0x02 || envelope[4] == 0x03);
    boolean compressed = envelope.length >= 6 && (envelope[4] == 0x04 || envelope[4] == 0x05);
    if ((segmented || compressed) && !v.has("maxPlaintextLength") && d.getRequiredContextCount() == 0) {
      // The same envelope through the streaming reader: same outcome, nothing unauthenticated released.
      // A compressed envelope is read whole and unpacked (SPEC.md 17, 18): an API property, not [VEC-1].
      java.util.Optional<String> outcome = "valid".equals(result) ? java.util.Optional.empty() : java.util.Optional.of(v.path("error").asText());
      tests.add(Streams.test(segmented ? Level.REQUIRED : Level.RECOMMENDED, group, id + ".Streamed", d.build(), envelope,
          Streams.UNEVEN, outcome));
    }
  }

  /** {@code plaintext}, or the bytes of {@code plaintextPattern} (byte i = i mod 251). */
  private static byte[] plaintext(JsonNode v) {
    if (v.has("plaintextPattern")) {
      if (!"byte i = i mod 251".equals(v.path("plaintextPattern").path("rule").asText())) {
        throw new IllegalArgumentException("unknown plaintext rule");
      }
      return SignedSegmentedTests.pattern(v.path("plaintextPattern").path("length").asLong());
    }
    return hex(v.path("plaintext")).toByteArray();
  }

  private static Verdict annotate(Verdict v, String comment) {
    if (v.passed() || v.skipped()) {
      return v;
    }
    return Verdict.fail(v.headline(), "vector: " + comment.trim() + "\n" + v.detail());
  }

  static Keys keys(JsonNode k) {
    Keys.Builder b = Keys.newBuilder();
    for (JsonNode s : k.path("symmetric")) {
      b.addSymmetric(SymmetricKey.newBuilder()
          .setKeyId(s.path("keyId").asText()).setVersion((int) s.path("version").asLong()).setKey(hex(s.path("key"))));
    }
    for (JsonNode x : k.path("x25519")) {
      b.addX25519(X25519Key.newBuilder()
          .setKeyId(x.path("keyId").asText()).setVersion((int) x.path("version").asLong())
          .setPrivateKey(hex(x.path("privateKey"))).setPublicKey(hex(x.path("publicKey"))));
    }
    for (JsonNode m : k.path("kms")) {
      b.addKms(KmsKey.newBuilder().setKeyUri(m.path("keyUri").asText()).setKey(hex(m.path("key"))));
    }
    return b.build();
  }

  private static RecipientType recipientType(String t) {
    switch (t) {
      case "symmetric":
        return RecipientType.SYMMETRIC;
      case "x25519":
        return RecipientType.X25519;
      case "kms":
        return RecipientType.KMS;
      default:
        throw new IllegalArgumentException("unknown recipient type '" + t + "'");
    }
  }

  private static Map<String, String> context(JsonNode n) {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      m.put(e.getKey(), e.getValue().asText());
    }
    return m;
  }

  private static ByteString hex(JsonNode n) {
    return n.isMissingNode() || n.isNull() ? ByteString.EMPTY : ByteString.copyFrom(HEX.parseHex(n.asText()));
  }
}
