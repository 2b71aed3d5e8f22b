package dev.sealpost.vectors;

import static dev.sealpost.vectors.SpecWriter.cat;
import static dev.sealpost.vectors.SpecWriter.u16;
import static dev.sealpost.vectors.SpecWriter.u32;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.crypto.tink.subtle.X25519;
import dev.sealpost.vectors.SpecWriter.Entry;
import dev.sealpost.vectors.SpecWriter.SuiteSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes {@code test-vectors/sealpost_v1_encrypt.json} and {@code sealpost_v1_decrypt.json}.
 * Deterministic: every byte comes from {@link Drbg} labels, so regenerating gives identical
 * files ({@code VectorDriftTest} checks that). Envelopes are built by {@link SpecWriter}, not by
 * the codec; every negative vector's expected category is fixed by how the case is built, by
 * the rules of SPEC.md section 11, never by running a decoder.
 *
 * <p>Run: {@code ./mvnw -q -pl java-codec test-compile exec:java@generate-vectors}.
 */
public final class VectorGenerator {
  static final String ENCRYPT_FILE = "sealpost_v1_encrypt.json";
  static final String DECRYPT_FILE = "sealpost_v1_decrypt.json";
  private static final HexFormat HEX = HexFormat.of();
  private static final ObjectMapper JSON = new ObjectMapper();

  // ---- key material (SPEC.md sections 6.1-6.3) ----
  private static final byte[] ORDERS_V1 = Drbg.bytes("kek orders v1", 32);
  private static final byte[] ORDERS_V2 = Drbg.bytes("kek orders v2", 32);
  private static final byte[] AUDIT_V1 = Drbg.bytes("kek audit v1", 32);
  private static final byte[] ORDERS_V2_WRONG = Drbg.bytes("kek orders v2 wrong", 32);
  private static final byte[] CONSUMER_A = Drbg.bytes("x25519 consumer-a", 32);
  private static final byte[] CONSUMER_B = Drbg.bytes("x25519 consumer-b", 32);
  private static final byte[] SHARED_V1 = Drbg.bytes("kek shared v1", 32);
  private static final byte[] TEAM_A_V1 = Drbg.bytes("kek team-a v1", 32);
  private static final byte[] TEAM_B_V1 = Drbg.bytes("kek team-b v1", 32);
  /** A key id outside the BMP: U+1F600 is 4 UTF-8 bytes, 2 UTF-16 units. */
  static final String EMOJI_ID = "team-\uD83D\uDE00";
  private static final byte[] EMOJI_V1 = Drbg.bytes("kek team-emoji v1", 32);
  private static final String KMS_URI = "test-kms://alpha";
  private static final byte[] KMS_KEY = Drbg.bytes("kms alpha", 32);
  // ---- writer keys (SPEC.md section 16): RFC 8032 seeds ----
  static final String PAYMENTS_WRITER = "payments-writer";
  private static final byte[] PAYMENTS_V1_SEED = Drbg.bytes("ed25519 payments-writer v1", 32);
  private static final byte[] PAYMENTS_V2_SEED = Drbg.bytes("ed25519 payments-writer v2", 32);
  /** Not a trusted writer anywhere: the key of someone who knows only public keys. */
  private static final byte[] FORGER_SEED = Drbg.bytes("ed25519 forger", 32);
  /** A signer id outside ASCII, with the largest u32 version. */
  static final String UNICODE_WRITER = "\u00e9crivain-\uD83D\uDE00";
  private static final byte[] UNICODE_WRITER_SEED = Drbg.bytes("ed25519 unicode writer", 32);

  static SpecWriter.Signer payments1(int mode) {
    return new SpecWriter.Signer(PAYMENTS_V1_SEED, PAYMENTS_WRITER, 1, mode);
  }

  static SpecWriter.Signer payments2(int mode) {
    return new SpecWriter.Signer(PAYMENTS_V2_SEED, PAYMENTS_WRITER, 2, mode);
  }

  private VectorGenerator() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args.length > 0 ? args[0] : "test-vectors");
    for (Map.Entry<String, String> f : generate().entrySet()) {
      Files.writeString(dir.resolve(f.getKey()), f.getValue(), StandardCharsets.UTF_8);
      System.out.println("wrote " + dir.resolve(f.getKey()));
    }
  }

  /** File name to exact file content. */
  public static Map<String, String> generate() throws GeneralSecurityException, IOException {
    Map<String, String> files = new TreeMap<>();
    files.put(ENCRYPT_FILE, render(new EncryptFile().build()));
    files.put(DECRYPT_FILE, render(new DecryptFile().build()));
    return files;
  }

  static String render(ObjectNode root) throws IOException {
    DefaultPrettyPrinter pp = new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n"));
    pp = pp.withArrayIndenter(new DefaultIndenter("  ", "\n"));
    return JSON.writer(pp).writeValueAsString(root) + "\n";
  }

  // ---------------------------------------------------------------------------------------------
  // Recipients as the vectors describe them, and how the generator wraps for each.

  /** One recipient of an encryption case. */
  static final class To {
    final String type;
    final String keyId;
    final int version;

    private To(String type, String keyId, int version) {
      this.type = type;
      this.keyId = keyId;
      this.version = version;
    }

    static To sym(String keyId, int version) {
      return new To("symmetric", keyId, version);
    }

    static To x25519(String keyId) {
      return new To("x25519", keyId, 1);
    }

    static To kms() {
      return new To("kms", KMS_URI, 0);
    }
  }

  static byte[] kek(String keyId, int version) {
    switch (keyId) {
      case "orders":
        return version == 1 ? ORDERS_V1 : ORDERS_V2;
      case "shared":
        return SHARED_V1;
      case "team-a":
        return TEAM_A_V1;
      case "team-b":
        return TEAM_B_V1;
      case EMOJI_ID:
        return EMOJI_V1;
      default:
        return AUDIT_V1;
    }
  }

  static byte[] x25519Private(String keyId) {
    return keyId.equals("consumer-a") ? CONSUMER_A : CONSUMER_B;
  }

  static byte[] x25519Public(String keyId) {
    try {
      return X25519.publicFromPrivate(x25519Private(keyId));
    } catch (java.security.InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }

  static ObjectNode allKeys() {
    ObjectNode keys = JSON.createObjectNode();
    ArrayNode sym = keys.putArray("symmetric");
    sym.add(symKey("orders", 1, ORDERS_V1));
    sym.add(symKey("orders", 2, ORDERS_V2));
    sym.add(symKey("audit", 1, AUDIT_V1));
    sym.add(symKey("shared", 1, SHARED_V1));
    sym.add(symKey("team-a", 1, TEAM_A_V1));
    sym.add(symKey("team-b", 1, TEAM_B_V1));
    sym.add(symKey(EMOJI_ID, 1, EMOJI_V1));
    ArrayNode x = keys.putArray("x25519");
    x.add(x25519Key("consumer-a"));
    x.add(x25519Key("consumer-b"));
    ArrayNode kms = keys.putArray("kms");
    kms.add(kmsKey());
    return keys;
  }

  static ObjectNode symKey(String id, int version, byte[] key) {
    ObjectNode n = JSON.createObjectNode();
    n.put("keyId", id);
    n.put("version", version);
    n.put("key", HEX.formatHex(key));
    return n;
  }

  static ObjectNode x25519Key(String id) {
    ObjectNode n = JSON.createObjectNode();
    n.put("keyId", id);
    n.put("version", 1);
    n.put("privateKey", HEX.formatHex(x25519Private(id)));
    n.put("publicKey", HEX.formatHex(x25519Public(id)));
    return n;
  }

  static ObjectNode kmsKey() {
    ObjectNode n = JSON.createObjectNode();
    n.put("keyUri", KMS_URI);
    n.put("key", HEX.formatHex(KMS_KEY));
    return n;
  }

  static ObjectNode keys(ObjectNode... parts) {
    ObjectNode keys = JSON.createObjectNode();
    ArrayNode sym = keys.putArray("symmetric");
    ArrayNode x = keys.putArray("x25519");
    ArrayNode kms = keys.putArray("kms");
    for (ObjectNode p : parts) {
      if (p.has("privateKey")) {
        x.add(p);
      } else if (p.has("keyUri")) {
        kms.add(p);
      } else {
        sym.add(p);
      }
    }
    return keys;
  }

  static ObjectNode ctx(Map<String, String> m) {
    ObjectNode n = JSON.createObjectNode();
    new TreeMap<>(m).forEach(n::put);
    return n;
  }

  // ---------------------------------------------------------------------------------------------
  // A built envelope and where its fields are, so negative cases know what they touch.

  static final class Built {
    final byte[] envelope;
    final int headerLength;
    final List<int[]> recipientSpans = new ArrayList<>(); // {typeOff, keyIdOff, versionOff, wrappedOff, end}
    int commitmentOffset;
    int contextOffset;
    int nonceOffset;
    /** Signed suites: where the signer field starts (the end of the stored context), and the signature's offset. */
    int signerOffset = -1;
    int signatureOffset = -1;
    /** Inputs and intermediate values, for cases composed from this one. */
    SuiteSpec suite;
    byte[] dek;
    byte[] nonce;
    byte[] header;
    byte[] aad;
    byte[] kEnv;
    List<byte[]> segments = List.of();
    final ObjectNode encryptTest;

    Built(byte[] envelope, int headerLength, ObjectNode encryptTest) {
      this.envelope = envelope;
      this.headerLength = headerLength;
      this.encryptTest = encryptTest;
    }
  }

  /** Builds one encryption case from labelled randomness; records the field offsets. */
  static Built encryptCase(
      String label, SuiteSpec suite, List<To> to, Map<String, String> stored, Map<String, String> external, byte[] plaintext)
      throws GeneralSecurityException {
    return encryptCase(label, suite, to, stored, external, plaintext, null);
  }

  /**
   * As above, for any suite: {@code signer} is required exactly for the signed suites (SPEC.md
   * section 16); segmented suites cut the plaintext into 64 KiB segments (section 17).
   */
  static Built encryptCase(String label, SuiteSpec suite, List<To> to, Map<String, String> stored,
      Map<String, String> external, byte[] plaintext, SpecWriter.Signer signer) throws GeneralSecurityException {
    return encryptCase(label, suite, to, stored, external, plaintext, signer, suite.compressed ? SpecWriter.stored(plaintext) : null);
  }

  /**
   * As above; compressed suites (SPEC.md section 18) seal {@code packed} instead of the
   * plaintext, and the vector gives both.
   */
  static Built encryptCase(String label, SuiteSpec suite, List<To> to, Map<String, String> stored,
      Map<String, String> external, byte[] plaintext, SpecWriter.Signer signer, byte[] packed) throws GeneralSecurityException {
    if (suite.compressed != (packed != null)) {
      throw new IllegalArgumentException(suite + ": a packed payload exactly for the compressed suites");
    }
    if (suite.signed != (signer != null)) {
      throw new IllegalArgumentException(suite + ": a signer exactly for the signed suites");
    }
    ObjectNode t = JSON.createObjectNode();
    byte[] dek;
    byte[] sivInfo = null;
    if (suite.deterministic()) {
      List<Entry> refs = new ArrayList<>();
      for (To r : to) {
        refs.add(new Entry(1, r.keyId, r.version, new byte[0]));
      }
      sivInfo = SpecWriter.deterministicInfo(suite, refs, SpecWriter.context(stored), SpecWriter.context(external));
      To first = to.get(0);
      dek = SpecWriter.deterministicDek(kek(first.keyId, first.version), sivInfo);
    } else {
      dek = Drbg.bytes(label + " dek", 32);
    }
    ArrayNode wrappedIntermediates = JSON.createArrayNode();
    byte[] nonce = Drbg.bytes(label + " nonce", suite.nonceLength);
    List<Entry> entries = new ArrayList<>();
    ArrayNode recipients = JSON.createArrayNode();
    int i = 0;
    for (To r : to) {
      ObjectNode rn = recipients.addObject();
      rn.put("type", r.type);
      rn.put("keyId", r.keyId);
      rn.put("version", r.version);
      switch (r.type) {
        case "symmetric":
          entries.add(new Entry(1, r.keyId, r.version, SpecWriter.aesKw(kek(r.keyId, r.version), dek)));
          wrappedIntermediates.addObject();
          break;
        case "x25519": {
          byte[] eph = Drbg.bytes(label + " ephemeral " + i, 32);
          rn.put("ephemeralPrivateKey", HEX.formatHex(eph));
          entries.add(new Entry(2, r.keyId, r.version, SpecWriter.hpke(x25519Public(r.keyId), dek, eph)));
          wrappedIntermediates.addObject()
              .put("sharedSecret", HEX.formatHex(SpecWriter.hpkeSharedSecret(eph, x25519Public(r.keyId))));
          break;
        }
        default: {
          byte[] kmsNonce = Drbg.bytes(label + " kms nonce " + i, 12);
          rn.put("kmsNonce", HEX.formatHex(kmsNonce));
          entries.add(new Entry(3, r.keyId, 0, SpecWriter.testKms(KMS_KEY, KMS_URI, dek, kmsNonce)));
          wrappedIntermediates.addObject();
          break;
        }
      }
      i++;
    }
    byte[] commitment = SpecWriter.commitment(suite, dek);
    byte[] prefix = SpecWriter.prefix(suite.id, entries, commitment, SpecWriter.context(stored));
    byte[] signedMessage = null;
    byte[] signature = null;
    byte[] beforeNonce = prefix;
    if (signer != null) {
      byte[] p = cat(prefix, signer.field()); // P: the header from the magic through the signer version
      beforeNonce = p;
      if (signer.mode == SpecWriter.PER_DEK) {
        signedMessage = cat(SpecWriter.SIGNED_HEADER, p);
        signature = SpecWriter.ed25519Sign(signer.seed, signedMessage);
        beforeNonce = cat(p, signature);
      }
    }
    byte[] header = cat(beforeNonce, nonce);
    byte[] externalEncoded = SpecWriter.context(external);
    byte[] aad = cat(header, externalEncoded);
    byte[] kEnv = null;
    List<byte[]> segments = List.of();
    byte[] body;
    if (suite.segmented) {
      kEnv = SpecWriter.kEnv(suite, dek, nonce);
      segments = SpecWriter.segments(suite, kEnv, aad, plaintext);
      body = cat(segments.toArray(new byte[0][]));
    } else {
      body = SpecWriter.body(suite, SpecWriter.kMsg(suite, dek), nonce, header, externalEncoded,
          suite.compressed ? packed : plaintext);
    }
    byte[] envelope = cat(header, body);
    if (signer != null && signer.mode == SpecWriter.PER_MESSAGE) {
      signedMessage = cat(SpecWriter.SIGNED_MESSAGE, envelope, externalEncoded);
      signature = SpecWriter.ed25519Sign(signer.seed, signedMessage);
      envelope = cat(envelope, signature);
    }
    for (int k = 0; k < entries.size(); k++) {
      ((ObjectNode) wrappedIntermediates.get(k)).put("wrappedDek", HEX.formatHex(entries.get(k).wrapped));
    }
    ObjectNode im = JSON.createObjectNode();
    if (sivInfo != null) {
      im.put("deterministicInfo", HEX.formatHex(sivInfo));
      im.put("dek", HEX.formatHex(dek));
    }
    im.put("prk", HEX.formatHex(SpecWriter.prk(dek)));
    if (suite.segmented) {
      im.put("kEnv", HEX.formatHex(kEnv));
      im.put("segmentCount", segments.size());
    } else {
      im.put("kMsg", HEX.formatHex(SpecWriter.kMsg(suite, dek)));
    }
    im.put("commitment", HEX.formatHex(commitment));
    im.put("aad", HEX.formatHex(aad));
    if (signer != null) {
      im.put("signedMessage", HEX.formatHex(signedMessage));
      im.put("signature", HEX.formatHex(signature));
    }
    im.set("recipients", wrappedIntermediates);

    t.put("suite", suite.name());
    t.set("recipients", recipients);
    if (signer != null) {
      t.set("signer", signerNode(signer));
    }
    if (!suite.deterministic()) {
      t.put("dek", HEX.formatHex(dek));
    }
    t.put("nonce", HEX.formatHex(nonce));
    t.set("storedContext", ctx(stored));
    t.set("externalContext", ctx(external));
    if (suite.segmented && plaintext.length >= SpecWriter.SEGMENT) {
      // [VEC-*], SPEC.md section 15: a plaintext of at least one full segment is given by its rule.
      if (!Arrays.equals(plaintext, SpecWriter.pattern(plaintext.length))) {
        throw new IllegalArgumentException(label + ": a segmented plaintext of 64 KiB or more must be the pattern");
      }
      t.set("plaintextPattern", pattern(plaintext.length));
      t.put("envelopeLength", envelope.length);
      t.put("envelopeSha256", HEX.formatHex(sha256(envelope)));
    } else {
      t.put("plaintext", HEX.formatHex(plaintext));
      if (suite.compressed) {
        t.put("packed", HEX.formatHex(packed)); // an input: SPEC.md section 15
      }
      t.put("envelope", HEX.formatHex(envelope));
    }
    t.set("intermediates", im);
    t.put("result", "valid");

    Built b = new Built(envelope, header.length, t);
    int off = 7;
    for (Entry e : entries) {
      int typeOff = off;
      int keyIdOff = off + 2;
      int versionOff = keyIdOff + e.keyId.length;
      int wrappedOff = versionOff + 6;
      off = wrappedOff + e.wrapped.length;
      b.recipientSpans.add(new int[] {typeOff, keyIdOff, versionOff, wrappedOff, off});
    }
    b.commitmentOffset = off;
    b.contextOffset = off + 32;
    b.nonceOffset = header.length - nonce.length;
    if (signer != null) {
      b.signerOffset = prefix.length;
      b.signatureOffset = signer.mode == SpecWriter.PER_DEK ? prefix.length + signer.field().length : envelope.length - 64;
    }
    b.suite = suite;
    b.dek = dek;
    b.nonce = nonce;
    b.header = header;
    b.aad = aad;
    b.kEnv = kEnv;
    b.segments = segments;
    return b;
  }

  static ObjectNode pattern(int length) {
    ObjectNode n = JSON.createObjectNode();
    n.put("length", length);
    n.put("rule", "byte i = i mod 251");
    return n;
  }

  static byte[] sha256(byte[] b) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256").digest(b);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static ObjectNode signerNode(SpecWriter.Signer s) {
    ObjectNode n = JSON.createObjectNode();
    n.put("signerId", new String(s.signerId, StandardCharsets.UTF_8));
    n.put("version", s.version);
    n.put("mode", s.mode == SpecWriter.PER_DEK ? "PER_DEK" : "PER_MESSAGE");
    n.put("privateKey", HEX.formatHex(s.seed));
    try {
      n.put("publicKey", HEX.formatHex(SpecWriter.ed25519Public(s.seed)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    return n;
  }

  static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static final Map<String, String> NONE = Map.of();
  static final Map<String, String> STORED = Map.of("tenant", "acme", "region", "eu-west");
  static final Map<String, String> EXTERNAL = Map.of("topic", "payments");
  static final Map<String, String> UNICODE_STORED = Map.of("\uE000", "private use", "\uD83D\uDE00", "emoji");
  static final Map<String, String> UNICODE_EXTERNAL = Map.of("\uE000", "x", "\uD83D\uDE00", "y");
  static final Map<String, String> SIV_STORED = Map.of("schema", "record-key-v1");
  static final Map<String, String> TOPIC_A = Map.of("topic", "orders-a");
  static final Map<String, String> TOPIC_B = Map.of("topic", "orders-b");
  static final byte[] SECRET_RECORD_KEY = "customer-4711-secret-id".getBytes(StandardCharsets.UTF_8);

  static ObjectNode fileRoot(String schema, String description) {
    ObjectNode root = JSON.createObjectNode();
    root.put("algorithm", "SEALPOST-V1");
    root.put("formatVersion", 1);
    root.put("schema", schema);
    ArrayNode header = root.putArray("header");
    header.add(description);
    header.add("Generated by java-codec/src/test/java/dev/sealpost/vectors/VectorGenerator.java; do not edit.");
    return root;
  }

  static void finish(ObjectNode root, ArrayNode groups, Map<String, String> notes) {
    int n = 0;
    for (var g : groups) {
      n += g.get("tests").size();
    }
    root.put("numberOfTests", n);
    ObjectNode notesNode = root.putObject("notes");
    new TreeMap<>(notes).forEach((flag, text) -> notesNode.putObject(flag).put("description", text));
    root.set("testGroups", groups);
  }

  // =============================================================================================
  /** Positive, byte-exact encryption vectors. */
  static final class EncryptFile {
    private final ArrayNode tests = JSON.createArrayNode();
    private int tcId = 1;

    ObjectNode build() throws GeneralSecurityException {
      List<List<To>> sets = List.of(
          List.of(To.sym("orders", 2)),
          List.of(To.sym("orders", 1)),
          List.of(To.x25519("consumer-a")),
          List.of(To.kms()),
          List.of(To.sym("orders", 2), To.x25519("consumer-a"), To.x25519("consumer-b"), To.kms(), To.sym("audit", 1)));
      List<String> setNames = List.of("symmetric KEK", "symmetric KEK, older version", "X25519 HPKE", "test KMS",
          "five recipients of every type");
      List<byte[]> plaintexts = List.of(new byte[0], new byte[] {0x42}, text("{\"card\":\"4111 1111 1111 1111\",\"amount\":\"12.50\"}"));
      List<String> ptNames = List.of("empty plaintext", "1-byte plaintext", "short JSON plaintext");
      List<List<Map<String, String>>> contexts = List.of(
          List.of(NONE, NONE), List.of(STORED, NONE), List.of(NONE, EXTERNAL), List.of(STORED, EXTERNAL));
      List<String> ctxNames = List.of("no context", "stored context", "external context", "stored and external context");

      int variant = 0;
      for (SuiteSpec suite : List.of(SuiteSpec.AES_256_GCM, SuiteSpec.CHACHA20_POLY1305)) {
        for (int s = 0; s < sets.size(); s++) {
          for (int p = 0; p < plaintexts.size(); p++) {
            int c = variant++ % contexts.size();
            add(suite, sets.get(s), contexts.get(c).get(0), contexts.get(c).get(1), plaintexts.get(p),
                suite + ", " + setNames.get(s) + ", " + ptNames.get(p) + ", " + ctxNames.get(c),
                flags(sets.get(s), p, c, s == 1));
          }
        }
        byte[] large = Drbg.bytes("large plaintext " + suite, 65536 + 7);
        add(suite, sets.get(0), STORED, EXTERNAL, large, suite + ", symmetric KEK, 65543-byte plaintext",
            List.of("Symmetric", "LargePlaintext", "StoredContext", "ExternalContext"));
      }
      List<List<To>> sivSets = List.of(List.of(To.sym("orders", 2)), List.of(To.sym("orders", 2), To.sym("audit", 1)),
          List.of(To.sym("orders", 1)));
      List<String> sivNames = List.of("symmetric KEK", "two symmetric KEKs", "symmetric KEK, older version");
      List<byte[]> keys = List.of(new byte[0], new byte[] {0x07}, text("customer-000042"));
      List<String> keyNames = List.of("empty plaintext", "1-byte plaintext", "record key");
      for (int s = 0; s < sivSets.size(); s++) {
        for (int p = 0; p < keys.size(); p++) {
          int c = (s + p) % 2 == 0 ? 0 : 3;
          List<String> f = new ArrayList<>(flags(sivSets.get(s), p, c, s == 2));
          f.add("Deterministic");
          add(SuiteSpec.AES_256_SIV, sivSets.get(s), contexts.get(c).get(0), contexts.get(c).get(1), keys.get(p),
              "AES_256_SIV, " + sivNames.get(s) + ", " + keyNames.get(p) + ", " + ctxNames.get(c), f);
        }
      }
      // UTF-8 order is not UTF-16 order: U+E000 (EE 80 80) sorts before U+1F600 (F0 9F 98 80)
      // in the canonical encoding, after it in Java or JavaScript string order.
      add(SuiteSpec.AES_256_GCM, List.of(To.sym("orders", 2)), UNICODE_STORED, UNICODE_EXTERNAL,
          text("{\"note\":\"context keys outside ASCII\"}"),
          "AES_256_GCM, context keys U+E000 and U+1F600: canonical order is UTF-8 byte order",
          List.of("Symmetric", "StoredContext", "ExternalContext", "Utf8Order"));
      add(SuiteSpec.CHACHA20_POLY1305, List.of(To.sym(EMOJI_ID, 1), To.x25519("consumer-a")), NONE, UNICODE_EXTERNAL,
          new byte[] {0x42}, "CHACHA20_POLY1305, a key id with U+1F600 (4 UTF-8 bytes), external context keys U+E000 and U+1F600",
          List.of("MultipleRecipients", "Symmetric", "X25519", "ExternalContext", "Utf8Order"));
      // [SIV-1]: the deterministic DEK binds every recipient and both contexts; the same record
      // key for [shared, team-a] and [shared, team-b] (and [shared] alone) gets three DEKs.
      for (List<To> set : List.of(List.of(To.sym("shared", 1), To.sym("team-a", 1)),
          List.of(To.sym("shared", 1), To.sym("team-b", 1)), List.of(To.sym("shared", 1)))) {
        String names = set.size() == 1 ? "[shared]" : "[shared, " + set.get(1).keyId + "]";
        List<String> f = new ArrayList<>(List.of("Symmetric", "StoredContext", "ExternalContext", "Deterministic", "DeterministicIdentity"));
        if (set.size() > 1) {
          f.add(0, "MultipleRecipients");
        }
        add(SuiteSpec.AES_256_SIV, set, SIV_STORED, set.size() > 1 && set.get(1).keyId.equals("team-a") ? TOPIC_A : TOPIC_B,
            SECRET_RECORD_KEY, "AES_256_SIV, " + names + ", stored and external context: the DEK is derived from the whole identity", f);
      }
      add(SuiteSpec.AES_256_SIV, List.of(To.sym("orders", 2), To.sym("audit", 1)), UNICODE_STORED, UNICODE_EXTERNAL,
          text("customer-\u00e9"), "AES_256_SIV, two symmetric KEKs, context keys U+E000 and U+1F600 in the derivation",
          List.of("MultipleRecipients", "Symmetric", "StoredContext", "ExternalContext", "Deterministic", "Utf8Order"));
      signedAndSegmented();
      compressedSuites();
      ObjectNode root = fileRoot("sealpost_v1_encrypt.schema.json",
          "Byte-exact encryption: every input is given; a passing implementation writes exactly `envelope` and decrypts it back.");
      ArrayNode groups = JSON.createArrayNode();
      ObjectNode g = groups.addObject();
      g.put("type", "SealpostEncrypt");
      g.set("keys", allKeys());
      g.set("tests", tests);
      finish(root, groups, NOTES);
      return root;
    }

    private static List<String> flags(List<To> to, int plaintext, int context, boolean older) {
      List<String> f = new ArrayList<>();
      if (to.size() > 1) {
        f.add("MultipleRecipients");
      }
      for (String type : List.of("symmetric", "x25519", "kms")) {
        if (to.stream().anyMatch(r -> r.type.equals(type))) {
          f.add(type.equals("symmetric") ? "Symmetric" : type.equals("x25519") ? "X25519" : "Kms");
        }
      }
      if (plaintext == 0) {
        f.add("EmptyPlaintext");
      }
      if (context == 1 || context == 3) {
        f.add("StoredContext");
      }
      if (context == 2 || context == 3) {
        f.add("ExternalContext");
      }
      if (older) {
        f.add("OlderKeyVersion");
      }
      return f;
    }

    /** SPEC.md sections 16 and 17: signed suites in both modes, segmented suites, both together. */
    private void signedAndSegmented() throws GeneralSecurityException {
      int dek = SpecWriter.PER_DEK;
      int msg = SpecWriter.PER_MESSAGE;
      List<To> orders = List.of(To.sym("orders", 2));
      List<To> five = List.of(To.sym("orders", 2), To.x25519("consumer-a"), To.x25519("consumer-b"), To.kms(), To.sym("audit", 1));
      byte[] json = text("{\"card\":\"4111 1111 1111 1111\",\"amount\":\"12.50\"}");
      SpecWriter.Signer unicode = new SpecWriter.Signer(UNICODE_WRITER_SEED, UNICODE_WRITER, 0xFFFFFFFFL, dek);
      add(SuiteSpec.AES_256_GCM_SIGNED, orders, STORED, EXTERNAL, json, payments1(dek),
          "AES_256_GCM_SIGNED, per-DEK signature, symmetric KEK, stored and external context",
          List.of("Symmetric", "StoredContext", "ExternalContext", "Signed", "PerDekSignature"));
      add(SuiteSpec.AES_256_GCM_SIGNED, orders, STORED, EXTERNAL, json, payments1(msg),
          "AES_256_GCM_SIGNED, per-message signature, symmetric KEK, stored and external context",
          List.of("Symmetric", "StoredContext", "ExternalContext", "Signed", "PerMessageSignature"));
      add(SuiteSpec.CHACHA20_POLY1305_SIGNED, List.of(To.x25519("consumer-a")), NONE, EXTERNAL, new byte[0], payments2(dek),
          "CHACHA20_POLY1305_SIGNED, per-DEK signature, X25519 HPKE, empty plaintext",
          List.of("X25519", "EmptyPlaintext", "ExternalContext", "Signed", "PerDekSignature"));
      add(SuiteSpec.CHACHA20_POLY1305_SIGNED, List.of(To.kms()), NONE, NONE, new byte[] {0x42}, payments2(msg),
          "CHACHA20_POLY1305_SIGNED, per-message signature, test KMS, 1-byte plaintext, no context",
          List.of("Kms", "Signed", "PerMessageSignature"));
      add(SuiteSpec.AES_256_SIV_SIGNED, List.of(To.sym("orders", 2), To.sym("audit", 1)), SIV_STORED, TOPIC_A, SECRET_RECORD_KEY,
          payments1(dek), "AES_256_SIV_SIGNED, per-DEK signature, two symmetric KEKs: the DEK derivation names suite 0103",
          List.of("MultipleRecipients", "Symmetric", "StoredContext", "ExternalContext", "Deterministic", "Signed", "PerDekSignature"));
      add(SuiteSpec.AES_256_SIV_SIGNED, orders, NONE, EXTERNAL, text("customer-000042"), payments1(msg),
          "AES_256_SIV_SIGNED, per-message signature, symmetric KEK, record key",
          List.of("Symmetric", "ExternalContext", "Deterministic", "Signed", "PerMessageSignature"));
      add(SuiteSpec.AES_256_GCM_SIGNED, five, STORED, EXTERNAL, json, unicode,
          "AES_256_GCM_SIGNED, per-DEK signature, five recipients, signer id with U+00E9 and U+1F600, version 4294967295",
          List.of("MultipleRecipients", "Symmetric", "X25519", "Kms", "StoredContext", "ExternalContext", "Signed", "PerDekSignature",
              "Utf8Order"));
      add(SuiteSpec.AES_256_GCM_SIGNED, orders, UNICODE_STORED, UNICODE_EXTERNAL, new byte[0], payments2(msg),
          "AES_256_GCM_SIGNED, per-message signature, empty plaintext, context keys U+E000 and U+1F600 in the signed message",
          List.of("Symmetric", "EmptyPlaintext", "StoredContext", "ExternalContext", "Signed", "PerMessageSignature", "Utf8Order"));

      add(SuiteSpec.AES_256_GCM_SEGMENTED, orders, NONE, NONE, new byte[0], null,
          "AES_256_GCM_SEGMENTED, empty plaintext: one segment of the tag alone",
          List.of("Symmetric", "EmptyPlaintext", "Segmented"));
      add(SuiteSpec.AES_256_GCM_SEGMENTED, orders, STORED, EXTERNAL, json, null,
          "AES_256_GCM_SEGMENTED, one segment, stored and external context",
          List.of("Symmetric", "StoredContext", "ExternalContext", "Segmented"));
      add(SuiteSpec.CHACHA20_POLY1305_SEGMENTED, List.of(To.x25519("consumer-a")), NONE, EXTERNAL, new byte[] {0x42}, null,
          "CHACHA20_POLY1305_SEGMENTED, one segment, X25519 HPKE, 1-byte plaintext",
          List.of("X25519", "ExternalContext", "Segmented"));
      add(SuiteSpec.AES_256_GCM_SEGMENTED, orders, NONE, EXTERNAL, SpecWriter.pattern(65536), null,
          "AES_256_GCM_SEGMENTED, exactly 65536 bytes: one full segment, the last",
          List.of("Symmetric", "ExternalContext", "Segmented", "FullLastSegment", "PlaintextPattern"));
      add(SuiteSpec.AES_256_GCM_SEGMENTED, orders, NONE, EXTERNAL, SpecWriter.pattern(65537), null,
          "AES_256_GCM_SEGMENTED, 65537 bytes: a full segment, then a last segment of 1 byte",
          List.of("Symmetric", "ExternalContext", "Segmented", "MultiSegment", "PlaintextPattern"));
      add(SuiteSpec.AES_256_GCM_SEGMENTED, orders, STORED, NONE, SpecWriter.pattern(131072), null,
          "AES_256_GCM_SEGMENTED, 131072 bytes: two full segments, the second the last",
          List.of("Symmetric", "StoredContext", "Segmented", "MultiSegment", "FullLastSegment", "PlaintextPattern"));
      add(SuiteSpec.CHACHA20_POLY1305_SEGMENTED, five, STORED, EXTERNAL, SpecWriter.pattern(3 * 65536 + 100), null,
          "CHACHA20_POLY1305_SEGMENTED, five recipients, 196708 bytes: four segments",
          List.of("MultipleRecipients", "Symmetric", "X25519", "Kms", "StoredContext", "ExternalContext", "Segmented", "MultiSegment",
              "PlaintextPattern"));
      add(SuiteSpec.AES_256_GCM_SIGNED_SEGMENTED, orders, STORED, EXTERNAL, json, payments1(dek),
          "AES_256_GCM_SIGNED_SEGMENTED, per-DEK signature, one segment",
          List.of("Symmetric", "StoredContext", "ExternalContext", "Signed", "PerDekSignature", "Segmented"));
      add(SuiteSpec.AES_256_GCM_SIGNED_SEGMENTED, List.of(To.kms()), NONE, EXTERNAL, SpecWriter.pattern(200000), payments1(dek),
          "AES_256_GCM_SIGNED_SEGMENTED, per-DEK signature, test KMS, 200000 bytes: four segments",
          List.of("Kms", "ExternalContext", "Signed", "PerDekSignature", "Segmented", "MultiSegment", "PlaintextPattern"));
      add(SuiteSpec.CHACHA20_POLY1305_SIGNED_SEGMENTED, List.of(To.x25519("consumer-b")), NONE, NONE, new byte[0], payments2(dek),
          "CHACHA20_POLY1305_SIGNED_SEGMENTED, per-DEK signature, X25519 HPKE, empty plaintext",
          List.of("X25519", "EmptyPlaintext", "Signed", "PerDekSignature", "Segmented"));
      add(SuiteSpec.CHACHA20_POLY1305_SIGNED_SEGMENTED, orders, SIV_STORED, TOPIC_B, SpecWriter.pattern(2 * 65536 + 1), payments2(dek),
          "CHACHA20_POLY1305_SIGNED_SEGMENTED, per-DEK signature, 131073 bytes: three segments, the last of 1 byte",
          List.of("Symmetric", "StoredContext", "ExternalContext", "Signed", "PerDekSignature", "Segmented", "MultiSegment",
              "PlaintextPattern"));
    }

    private void add(SuiteSpec suite, List<To> to, Map<String, String> stored, Map<String, String> external,
        byte[] plaintext, String comment, List<String> flags) throws GeneralSecurityException {
      add(suite, to, stored, external, plaintext, null, comment, flags);
    }

    /**
     * SPEC.md section 18: every compressed suite, each method. Methods 01 and 02 give the packed
     * payload a compressor made (zstd-jni level 3, lz4-java's fast compressor), kept as bytes in
     * {@link Compressed} so that the vectors do not change with a compressor's version; method 00
     * vectors have plaintexts no compressor shortens (empty, one byte, random), so that they are
     * byte-exact from the plaintext alone.
     */
    private void compressedSuites() throws GeneralSecurityException {
      int dek = SpecWriter.PER_DEK;
      int msg = SpecWriter.PER_MESSAGE;
      List<To> orders = List.of(To.sym("orders", 2));
      List<To> five = List.of(To.sym("orders", 2), To.x25519("consumer-a"), To.x25519("consumer-b"), To.kms(), To.sym("audit", 1));
      byte[] random = Drbg.bytes("incompressible plaintext", 64);
      byte[] ev = Compressed.EVENTS;
      byte[] zstd = Compressed.zstdEvents();
      byte[] lz4 = Compressed.lz4Events();
      add(SuiteSpec.AES_256_GCM_COMPRESSED, orders, NONE, NONE, new byte[0], null, SpecWriter.stored(new byte[0]),
          "AES_256_GCM_COMPRESSED, empty plaintext: stored, packed 00 00000000",
          List.of("Symmetric", "EmptyPlaintext", "Compressed", "PackStored"));
      add(SuiteSpec.AES_256_GCM_COMPRESSED, orders, STORED, EXTERNAL, new byte[] {0x42}, null, SpecWriter.stored(new byte[] {0x42}),
          "AES_256_GCM_COMPRESSED, 1-byte plaintext: stored, stored and external context",
          List.of("Symmetric", "StoredContext", "ExternalContext", "Compressed", "PackStored"));
      add(SuiteSpec.CHACHA20_POLY1305_COMPRESSED, List.of(To.x25519("consumer-a")), NONE, EXTERNAL, random, null,
          SpecWriter.stored(random), "CHACHA20_POLY1305_COMPRESSED, X25519 HPKE, 64 random bytes: incompressible, stored [CMP-2]",
          List.of("X25519", "ExternalContext", "Compressed", "PackStored", "Incompressible"));
      add(SuiteSpec.AES_256_GCM_COMPRESSED, orders, STORED, EXTERNAL, ev, null, zstd,
          "AES_256_GCM_COMPRESSED, 276 bytes of JSON packed with zstd (99-byte frame)",
          List.of("Symmetric", "StoredContext", "ExternalContext", "Compressed", "PackZstd", "CompressorOutput"));
      add(SuiteSpec.AES_256_GCM_COMPRESSED, orders, STORED, EXTERNAL, ev, null, lz4,
          "AES_256_GCM_COMPRESSED, 276 bytes of JSON packed with LZ4 (102-byte block)",
          List.of("Symmetric", "StoredContext", "ExternalContext", "Compressed", "PackLz4", "CompressorOutput"));
      add(SuiteSpec.CHACHA20_POLY1305_COMPRESSED, List.of(To.kms()), NONE, EXTERNAL, ev, null, zstd,
          "CHACHA20_POLY1305_COMPRESSED, test KMS, JSON packed with zstd",
          List.of("Kms", "ExternalContext", "Compressed", "PackZstd", "CompressorOutput"));
      add(SuiteSpec.CHACHA20_POLY1305_COMPRESSED, five, STORED, NONE, ev, null, lz4,
          "CHACHA20_POLY1305_COMPRESSED, five recipients, JSON packed with LZ4",
          List.of("MultipleRecipients", "Symmetric", "X25519", "Kms", "StoredContext", "Compressed", "PackLz4", "CompressorOutput"));
      add(SuiteSpec.AES_256_GCM_SIGNED_COMPRESSED, orders, STORED, EXTERNAL, ev, payments1(dek), zstd,
          "AES_256_GCM_SIGNED_COMPRESSED, per-DEK signature, JSON packed with zstd",
          List.of("Symmetric", "StoredContext", "ExternalContext", "Signed", "PerDekSignature", "Compressed", "PackZstd",
              "CompressorOutput"));
      add(SuiteSpec.AES_256_GCM_SIGNED_COMPRESSED, orders, NONE, EXTERNAL, ev, payments1(msg), lz4,
          "AES_256_GCM_SIGNED_COMPRESSED, per-message signature, JSON packed with LZ4",
          List.of("Symmetric", "ExternalContext", "Signed", "PerMessageSignature", "Compressed", "PackLz4", "CompressorOutput"));
      add(SuiteSpec.AES_256_GCM_SIGNED_COMPRESSED, orders, NONE, EXTERNAL, new byte[] {0x42}, payments1(msg),
          SpecWriter.stored(new byte[] {0x42}), "AES_256_GCM_SIGNED_COMPRESSED, per-message signature, 1-byte plaintext: stored",
          List.of("Symmetric", "ExternalContext", "Signed", "PerMessageSignature", "Compressed", "PackStored"));
      add(SuiteSpec.CHACHA20_POLY1305_SIGNED_COMPRESSED, List.of(To.x25519("consumer-b")), NONE, NONE, new byte[0], payments2(dek),
          SpecWriter.stored(new byte[0]), "CHACHA20_POLY1305_SIGNED_COMPRESSED, per-DEK signature, X25519 HPKE, empty plaintext: stored",
          List.of("X25519", "EmptyPlaintext", "Signed", "PerDekSignature", "Compressed", "PackStored"));
      add(SuiteSpec.CHACHA20_POLY1305_SIGNED_COMPRESSED, orders, STORED, EXTERNAL, ev, payments2(msg), zstd,
          "CHACHA20_POLY1305_SIGNED_COMPRESSED, per-message signature, JSON packed with zstd",
          List.of("Symmetric", "StoredContext", "ExternalContext", "Signed", "PerMessageSignature", "Compressed", "PackZstd",
              "CompressorOutput"));
      add(SuiteSpec.CHACHA20_POLY1305_SIGNED_COMPRESSED, orders, NONE, EXTERNAL, random, payments2(dek), SpecWriter.stored(random),
          "CHACHA20_POLY1305_SIGNED_COMPRESSED, per-DEK signature, 64 random bytes: stored",
          List.of("Symmetric", "ExternalContext", "Signed", "PerDekSignature", "Compressed", "PackStored", "Incompressible"));
    }

    private void add(SuiteSpec suite, List<To> to, Map<String, String> stored, Map<String, String> external,
        byte[] plaintext, SpecWriter.Signer signer, String comment, List<String> flags) throws GeneralSecurityException {
      add(suite, to, stored, external, plaintext, signer, null, comment, flags);
    }

    private void add(SuiteSpec suite, List<To> to, Map<String, String> stored, Map<String, String> external,
        byte[] plaintext, SpecWriter.Signer signer, byte[] packed, String comment, List<String> flags)
        throws GeneralSecurityException {
      Built b = packed == null
          ? encryptCase("encrypt " + tcId, suite, to, stored, external, plaintext, signer)
          : encryptCase("encrypt " + tcId, suite, to, stored, external, plaintext, signer, packed);
      ObjectNode t = JSON.createObjectNode();
      t.put("tcId", tcId++);
      t.put("comment", comment);
      ArrayNode fl = t.putArray("flags");
      flags.forEach(fl::add);
      t.setAll(b.encryptTest);
      tests.add(t);
    }
  }

  /**
   * Payloads for SPEC.md section 18. The compressor outputs were made once, by zstd-jni 1.5.7-17
   * at level 3 and lz4-java 1.11.2's fast compressor from {@link #EVENTS}, and are kept as bytes:
   * compressors are not specified bit for bit, and the vectors must not move with them.
   */
  static final class Compressed {
    /** 276 bytes of repetitive JSON, as a broker topic of events holds. */
    static final byte[] EVENTS;

    static {
      StringBuilder sb = new StringBuilder("{\"events\":[");
      for (int i = 1; i <= 4; i++) {
        sb.append(i > 1 ? "," : "").append("{\"type\":\"page_view\",\"path\":\"/checkout\",\"user\":\"u-100").append(i)
            .append("\",\"ok\":true}");
      }
      EVENTS = text(sb.append("]}").toString());
    }

    /** One zstd frame (single segment, frame content size 276, compressed blocks, no checksum). */
    static final byte[] ZSTD_EVENTS = HEX.parseHex("28b52ffd601400cd0200224512198039e9fd4676972d76737c623160484cbb03fa8ca9a8a3a8"
        + "8f4f612008d8d35cf04e94ed845032f27b2993db984a72143900df08aab5ad28a231f4a0d677d702770837838936dd090400801303e90c12"
        + "6b529c210a");
    /** One LZ4 block. */
    static final byte[] LZ4_EVENTS = HEX.parseHex("ff3e7b226576656e7473223a5b7b2274797065223a22706167655f76696577222c2270617468"
        + "223a222f636865636b6f7574222c2275736572223a22752d31303031222c226f6b223a747275657d2c4200211f3242002e1f3342002e1534"
        + "42005075657d5d7d");

    private Compressed() {}

    static byte[] zstdEvents() {
      return SpecWriter.packed(SpecWriter.ZSTD, EVENTS.length, ZSTD_EVENTS);
    }

    static byte[] lz4Events() {
      return SpecWriter.packed(SpecWriter.LZ4, EVENTS.length, LZ4_EVENTS);
    }
  }

  static final Map<String, String> NOTES = new LinkedHashMap<>();

  static {
    NOTES.put("Symmetric", "A symmetric-KEK recipient (type 01, AES-KW) [SYM-1].");
    NOTES.put("X25519", "An X25519 HPKE recipient (type 02) [HPKE-1].");
    NOTES.put("Kms", "A KMS recipient (type 03) served by the test KMS of SPEC.md Appendix A [KMS-1].");
    NOTES.put("MultipleRecipients", "More than one recipient entry; every one wraps the same DEK [RCP-2].");
    NOTES.put("EmptyPlaintext", "A zero-length plaintext: the body is the tag alone.");
    NOTES.put("LargePlaintext", "A plaintext larger than 64 KiB.");
    NOTES.put("StoredContext", "A stored context in the header (SPEC.md section 7) [CTX-1].");
    NOTES.put("ExternalContext", "An external context, only in the AAD [AUTH-1], [CTX-5].");
    NOTES.put("OlderKeyVersion", "Wrapped under a KEK version other than the current one [DEK-5].");
    NOTES.put("Deterministic", "A deterministic suite, 0003 or 0103: the DEK is derived [SIV-1], the nonce empty [SIV-2].");
    NOTES.put("NotAnEnvelope", "Input without the magic; a reader never guesses [DET-2].");
    NOTES.put("MalformedHeader", "A header that cannot be parsed [HDR-2], [HDR-3], [HDR-4], [RCP-3], [CTX-2].");
    NOTES.put("UnknownVersion", "A version byte other than 01 [DET-4].");
    NOTES.put("UnknownSuite", "A reserved, unassigned or private suite id [SUITE-2].");
    NOTES.put("UnknownRecipientType", "A recipient type the reader does not know, or the reserved 00, is skipped [RCP-4], [RCP-6].");
    NOTES.put("LimitExceeded", "A count or length beyond SPEC.md section 10 [LIM-1], [LIM-2], [LIM-3].");
    NOTES.put("Truncated", "The envelope cut at a field boundary [HDR-2], [AUTH-4].");
    NOTES.put("BitFlip", "One bit of one field flipped; the category follows from the field (SPEC.md section 11).");
    NOTES.put("WrongKey", "The reader holds a key with the right reference but other bytes [SYM-2].");
    NOTES.put("NoMatchingKey", "The reader holds no key for any recipient [RCP-4], [RCP-5].");
    NOTES.put("UnwrapFailed", "A held key fails to unwrap [SYM-2], [HPKE-3], [KMS-2].");
    NOTES.put("CommitmentMismatch", "The unwrapped DEK does not match the commitment [COM-2].");
    NOTES.put("ContextMismatch", "The stored context lacks a required entry or holds another value [CTX-4].");
    NOTES.put("ExternalContextMismatch", "The reader's external context differs from the writer's [CTX-5].");
    NOTES.put("TrailingBytes", "Bytes appended after a valid envelope become body and fail authentication [HDR-5].");
    NOTES.put("ErrorOrder", "Several faults; the one SPEC.md section 11 meets first is reported [ERR-2].");
    NOTES.put("SuiteSwap", "The suite id changed to another valid suite: the commitment binds the suite [KDF-1], [COM-2].");
    NOTES.put("SmallOrderPoint", "An HPKE enc whose X25519 shared secret is all zeros [HPKE-3].");
    NOTES.put("InvalidUtf8", "A key id or context string that is not well-formed UTF-8 [HDR-4].");
    NOTES.put("AtLimit", "A count or length exactly at a limit of SPEC.md section 10: still valid [LIM-1], [LIM-2], [LIM-3].");
    NOTES.put("Utf8Order", "Context keys or key ids outside the BMP or in the private-use area: U+E000 sorts before U+1F600 in UTF-8 byte order (canonical), after it in UTF-16 order [CTX-2].");
    NOTES.put("DeterministicIdentity", "Deterministic envelopes whose recipient sets or contexts differ have different DEKs [SIV-1].");
    NOTES.put("DuplicateRecipient", "A recipient entry repeats an earlier entry's key reference: malformed-header [RCP-7].");
    NOTES.put("FirstHeldEntry", "The first held entry decides: its verdict ends step 11, its DEK is final [RCP-8], [COM-4].");
    NOTES.put("DeterministicRecipientType", "A suite 0003 envelope with an X25519 or KMS entry: malformed-header [SUITE-4].");
    NOTES.put("ReusedDeterministicHeader", "The header of a genuine suite 0003 envelope kept, and a body written under its DEK"
        + " for another external context: header, commitment and body agree, but the DEK is not the one [SIV-1] gives for that"
        + " context. A reader holding the first recipient's KEK recomputes the DEK and fails with authentication-failed [SIV-4];"
        + " a reader holding only a later recipient's KEK cannot recompute it and accepts the envelope (writer authentication is"
        + " the answer for it, SPEC.md 13.4).");
    // Issue 10: SPEC.md sections 16 and 17.
    NOTES.put("Signed", "A signed suite (01xx, 03xx): the header has a signer field, an Ed25519 writer key named by signer id and version (SPEC.md section 16) [SIG-1].");
    NOTES.put("PerDekSignature", "Sign mode 01: Ed25519 over ascii(\"sealpost/v1 signed header\") || P, P the header from the magic through the signer version; the signature is in the header, before the nonce [SIG-1], [SIG-2].");
    NOTES.put("PerMessageSignature", "Sign mode 02: Ed25519 over ascii(\"sealpost/v1 signed message\") || E || encode(external context), E the envelope without its last 64 bytes, which are the signature [SIG-1], [HDR-5].");
    NOTES.put("TrustedWriter", "The test lists trustedWriters: the reader requires a trusted writer and verifies the signature before unwrapping (section 11, step 10a) [SIG-4], [SIG-5], [SIG-6]; a valid result names the verified signer (verifiedSigner) [SIG-8].");
    NOTES.put("NoTrustRequired", "No trustedWriters: the reader requires no trusted writer, skips step 10a, verifies nothing and presents no signer; the signer field is still authenticated header bytes [SIG-4], [SIG-8].");
    NOTES.put("UntrustedWriter", "The reader requires a trusted writer and the suite is unsigned, or the signer (id bytes, version) is not in its set: untrusted-writer, before any unwrap [SIG-5].");
    NOTES.put("SignatureInvalid", "The signer is trusted but the signature does not verify under its key, because a byte of P, E, the signature or the external context (mode 02) changed, or another key signed: signature-invalid, before any unwrap [SIG-6].");
    NOTES.put("NonCanonicalSignature", "The signature's S replaced by S + L (the group order): RFC 8032 5.1.7 rejects S >= L [SIG-6].");
    NOTES.put("PerDekReuse", "A holder of the DEK (the writer or a recipient) writes another envelope under a signed header: valid in mode 01, which proves who created the DEK, not who wrote each envelope; a mode 02 signature does not carry over (section 16).");
    NOTES.put("Forgery", "An envelope made with a recipient's public key alone: accepted by a reader that requires no trusted writer, refused by one that does [SIG-5], [SIG-6].");
    NOTES.put("SignMode", "A sign-mode byte other than 01 or 02 is malformed-header at step 7a, whatever the reader trusts; 01 changed to 02 re-reads the envelope in mode 02 (section 11, step 7a).");
    NOTES.put("PerMessageSegmented", "Sign mode 02 with a segmented suite: malformed-header at step 7a, whatever the reader trusts [SIG-3].");
    NOTES.put("Segmented", "A segmented suite (02xx, 03xx): the body is segments of 65536 plaintext bytes, each AEAD under K_env with nonce_i = u88(i) || u8(f), segment 0 with the header and external context as AAD [SEG-1], [SEG-2].");
    NOTES.put("MultiSegment", "More than one segment [SEG-2].");
    NOTES.put("FullLastSegment", "The last segment holds exactly 65536 plaintext bytes (SPEC.md section 17).");
    NOTES.put("PlaintextPattern", "The plaintext is given as plaintextPattern (length, rule: byte i = i mod 251); encryption tests then give envelopeLength and envelopeSha256 instead of the envelope (SPEC.md section 15).");
    NOTES.put("TruncatedAtSegment", "The body ends at a segment boundary before the segment flagged last: authentication-failed, never a short plaintext [SEG-2], [SEG-6].");
    NOTES.put("ShortLastSegment", "A last segment of fewer than 16 bytes: authentication-failed [SEG-2], [AUTH-4].");
    NOTES.put("SegmentDuplicated", "A segment repeated: its index no longer matches its nonce [SEG-2], [SEG-6].");
    NOTES.put("SegmentDropped", "A segment removed: the following segments' indexes no longer match [SEG-2], [SEG-6].");
    NOTES.put("SegmentsSwapped", "Two segments exchanged [SEG-2], [SEG-6].");
    NOTES.put("ForeignSegment", "A segment of another envelope (another K_env) [SEG-1], [SEG-6].");
    NOTES.put("EmptyLastSegment", "An empty last segment after other segments, though both authenticate: authentication-failed [SEG-2].");
    NOTES.put("FinalFlagMidStream", "A segment before the last written with f = 01 [SEG-2], [SEG-6].");
    NOTES.put("ForgedDeterministic", "A forgery for another deterministic identity with a DEK learned from one's own envelope [SIV-1].");
    // Issue 9: SPEC.md section 18.
    NOTES.put("Compressed", "A compressed suite (04xx, 05xx): the AEAD's plaintext is the packed payload method || u32(length) || data (SPEC.md section 18). Encryption tests give the plaintext and `packed` as inputs; the envelope is byte-exact from `packed` [CMP-2].");
    NOTES.put("PackStored", "Packing method 00: data is the plaintext itself. Encryption tests with it are byte-exact from the plaintext alone: no compressor shortens it [CMP-2].");
    NOTES.put("PackZstd", "Packing method 01: data is exactly one Zstandard frame (RFC 8878 3.1.1) without a dictionary [CMP-4].");
    NOTES.put("PackLz4", "Packing method 02: data is exactly one raw LZ4 block (the lz4 project's LZ4 Block Format) [CMP-4].");
    NOTES.put("CompressorOutput", "The data is what a compressor wrote: zstd-jni 1.5.7-17 at level 3, or lz4-java 1.11.2's fast compressor. Another compressor may write other data for the same plaintext; any data [CMP-4] accepts is valid.");
    NOTES.put("HandBuilt", "A zstd frame or LZ4 block written field by field from RFC 8878 or the LZ4 Block Format, to reach the cases a compressor does not write: raw and RLE blocks, checksums, a Dictionary_ID field, a frame content size, a Window_Descriptor, overlapping matches.");
    NOTES.put("Incompressible", "Random bytes: compression would not shorten them, so the writer stores them (method 00) [CMP-2].");
    NOTES.put("MalformedPayload", "The body authenticates, but its packed payload cannot be unpacked: shorter than 5 bytes, an unknown method, or data that is not exactly what the method says: malformed-payload (section 11, step 14) [CMP-4].");
    NOTES.put("DeclaredLength", "The packed payload's length field exceeds the reader's plaintext limit: limit-exceeded before any allocation or decompression, whatever the data [CMP-3].");
    NOTES.put("WindowSize", "A zstd frame's Window_Size (RFC 8878 3.1.1.1.2: from Window_Descriptor, or Frame_Content_Size in a single-segment frame) at most 2^27 bytes (valid) or above (malformed-payload), in frames libzstd decodes in one call [CMP-2], [CMP-4].");
    NOTES.put("DecompressionBomb", "A few bytes of data that would decompress to far more than the reader's limit: refused from the declared length alone [CMP-3].");
  }

  // =============================================================================================
  /** Decryption vectors: valid outcomes and one expected category per invalid case. */
  static final class DecryptFile {
    private final ArrayNode groups = JSON.createArrayNode();
    private int tcId = 1;
    private ArrayNode current;

    private void group(String description, ObjectNode keys) {
      ObjectNode g = groups.addObject();
      g.put("type", "SealpostDecrypt");
      g.put("description", description);
      g.set("keys", keys);
      current = g.putArray("tests");
    }

    private ObjectNode test(String comment, byte[] envelope, Map<String, String> external, String error, String... flags) {
      ObjectNode t = current.addObject();
      t.put("tcId", tcId++);
      t.put("comment", comment);
      ArrayNode f = t.putArray("flags");
      Arrays.stream(flags).forEach(f::add);
      t.put("envelope", HEX.formatHex(envelope));
      t.set("externalContext", ctx(external));
      t.set("requiredContext", ctx(NONE));
      if (error == null) {
        t.put("result", "valid");
      } else {
        t.put("result", "invalid");
        t.put("error", error);
      }
      return t;
    }

    private void valid(String comment, Built b, Map<String, String> external, byte[] plaintext, String... flags) {
      test(comment, b.envelope, external, null, flags).put("plaintext", HEX.formatHex(plaintext));
    }

    private void invalid(String comment, byte[] envelope, Map<String, String> external, String error, String... flags) {
      test(comment, envelope, external, error, flags);
    }

    ObjectNode build() throws GeneralSecurityException {
      byte[] pt = text("{\"iban\":\"DE89 3704 0044 0532 0130 00\",\"amount\":\"99.00\"}");
      Built sym = encryptCase("decrypt base symmetric", SuiteSpec.AES_256_GCM, List.of(To.sym("orders", 2)), STORED, EXTERNAL, pt);
      Built x = encryptCase("decrypt base x25519", SuiteSpec.AES_256_GCM, List.of(To.x25519("consumer-a")), NONE, EXTERNAL, pt);
      Built kms = encryptCase("decrypt base kms", SuiteSpec.CHACHA20_POLY1305, List.of(To.kms()), NONE, EXTERNAL, pt);
      Built siv = encryptCase("decrypt base siv", SuiteSpec.AES_256_SIV, List.of(To.sym("orders", 2)), NONE, EXTERNAL, text("customer-42"));
      Built multi = encryptCase("decrypt base multi", SuiteSpec.AES_256_GCM,
          List.of(To.sym("audit", 1), To.x25519("consumer-a"), To.x25519("consumer-b"), To.kms()), NONE, EXTERNAL, pt);

      group("The reader holds every key.", allKeys());
      validCases(sym, x, kms, siv, multi, pt);
      notAnEnvelope();
      truncations(sym, "symmetric GCM");
      truncations(x, "X25519 GCM");
      bitFlips(sym, x, kms, siv);
      crafted();
      contexts(sym, pt);
      errorOrder(sym);
      composed(pt);

      group("The reader holds only consumer-b's X25519 key.", keys(x25519Key("consumer-b")));
      valid("multi-recipient envelope, the reader holds the third entry's key", multi, EXTERNAL, pt, "MultipleRecipients", "X25519");
      invalid("symmetric envelope, no key held", sym.envelope, EXTERNAL, "no-matching-key", "NoMatchingKey");

      group("The reader holds only the test KMS.", keys(kmsKey()));
      valid("multi-recipient envelope, the reader holds the KMS entry", multi, EXTERNAL, pt, "MultipleRecipients", "Kms");
      invalid("X25519 envelope, no key held", x.envelope, EXTERNAL, "no-matching-key", "NoMatchingKey");

      group("The reader holds 'orders' version 2 with the wrong bytes, and 'audit'.",
          keys(symKey("orders", 2, ORDERS_V2_WRONG), symKey("audit", 1, AUDIT_V1)));
      invalid("AES-KW integrity check fails under the wrong KEK", sym.envelope, EXTERNAL, "unwrap-failed", "WrongKey", "UnwrapFailed");
      invalid("deterministic envelope under the wrong KEK", siv.envelope, EXTERNAL, "unwrap-failed", "WrongKey", "UnwrapFailed", "Deterministic");
      valid("multi-recipient envelope through the 'audit' entry", multi, EXTERNAL, pt, "MultipleRecipients", "Symmetric");

      group("The reader holds only 'orders' version 1.", keys(symKey("orders", 1, ORDERS_V1)));
      invalid("version 2 is not held: the triple must match exactly", sym.envelope, EXTERNAL, "no-matching-key", "NoMatchingKey");

      reusedDeterministicHeader();
      signed(pt);
      segmented(pt);
      compressed();

      ObjectNode root = fileRoot("sealpost_v1_decrypt.schema.json",
          "Decryption: one envelope, the group's keys, the contexts, and exactly one expected outcome.");
      finish(root, groups, NOTES);
      return root;
    }

    private void validCases(Built sym, Built x, Built kms, Built siv, Built multi, byte[] pt) {
      valid("symmetric KEK, AES-256-GCM, stored and external context", sym, EXTERNAL, pt, "Symmetric", "StoredContext", "ExternalContext");
      valid("X25519 HPKE, AES-256-GCM", x, EXTERNAL, pt, "X25519", "ExternalContext");
      valid("test KMS, ChaCha20-Poly1305", kms, EXTERNAL, pt, "Kms", "ExternalContext");
      valid("deterministic suite", siv, EXTERNAL, text("customer-42"), "Deterministic", "Symmetric");
      valid("four recipients of three types", multi, EXTERNAL, pt, "MultipleRecipients", "Symmetric", "X25519", "Kms");
      ObjectNode t = test("required stored context present with equal values", sym.envelope, EXTERNAL, null, "StoredContext");
      t.set("requiredContext", ctx(Map.of("tenant", "acme")));
      t.put("plaintext", HEX.formatHex(pt));
      ObjectNode limit = test("plaintext exactly at the reader's limit", sym.envelope, EXTERNAL, null, "AtLimit");
      limit.put("maxPlaintextLength", pt.length);
      limit.put("plaintext", HEX.formatHex(pt));
    }

    private void notAnEnvelope() {
      Map<String, byte[]> cases = new LinkedHashMap<>();
      cases.put("empty input", new byte[0]);
      cases.put("two bytes of the magic", new byte[] {(byte) 0xF7, 0x53});
      cases.put("magic with its last byte changed", new byte[] {(byte) 0xF7, 0x53, 0x51, 0x01, 0x00, 0x01});
      cases.put("JSON text: plaintext where an envelope is required", text("{\"amount\":\"12.50\"}"));
      cases.put("Confluent Schema Registry framing", HEX.parseHex("000000002a0c68656c6c6f"));
      cases.put("gzip stream", HEX.parseHex("1f8b08000000000000ff"));
      cases.put("zstd frame", HEX.parseHex("28b52ffd0058"));
      cases.put("protobuf message", HEX.parseHex("089601120474657374"));
      cases.forEach((comment, bytes) -> invalid(comment, bytes, NONE, "not-an-envelope", "NotAnEnvelope"));
      invalid("magic without a version byte", new byte[] {(byte) 0xF7, 0x53, 0x50}, NONE, "malformed-header", "MalformedHeader", "Truncated");
    }

    /** Cut at every field boundary [HDR-2], and inside the body [AUTH-4]. */
    private void truncations(Built b, String what) {
      java.util.TreeSet<Integer> cuts = new java.util.TreeSet<>(List.of(0, 3, 4, 6, 7));
      for (int[] r : b.recipientSpans) {
        cuts.addAll(List.of(r[0] + 1, r[1], r[2], r[2] + 4, r[3], r[3] + 1));
      }
      cuts.addAll(List.of(b.commitmentOffset, b.contextOffset, b.contextOffset + 1, b.nonceOffset));
      for (int cut : cuts) {
        String error = cut < 3 ? "not-an-envelope" : "malformed-header";
        invalid(what + " cut to " + cut + " bytes (inside the header)", Arrays.copyOf(b.envelope, cut), EXTERNAL, error, "Truncated");
      }
      int h = b.headerLength;
      for (int cut : new int[] {h, h + 15, b.envelope.length - 1}) {
        invalid(what + " cut to " + cut + " bytes (inside the body)", Arrays.copyOf(b.envelope, cut), EXTERNAL,
            "authentication-failed", "Truncated");
      }
    }

    private byte[] flip(byte[] env, int offset, int bit) {
      byte[] copy = env.clone();
      copy[offset] ^= (byte) (1 << bit);
      return copy;
    }

    /** One flip per field; the expected category follows from the field alone. */
    private void bitFlips(Built sym, Built x, Built kms, Built siv) {
      byte[] e = sym.envelope;
      int[] r = sym.recipientSpans.get(0);
      invalid("flip in the magic", flip(e, 0, 0), EXTERNAL, "not-an-envelope", "BitFlip", "NotAnEnvelope");
      invalid("flip in the version: 01 -> 03", flip(e, 3, 1), EXTERNAL, "unsupported-version", "BitFlip", "UnknownVersion");
      invalid("flip in the suite id: 0001 -> 0000 (reserved)", flip(e, 5, 0), EXTERNAL, "unsupported-suite", "BitFlip", "UnknownSuite");
      invalid("flip in the suite id: 0001 -> 0081 (unassigned)", flip(e, 5, 7), EXTERNAL, "unsupported-suite", "BitFlip", "UnknownSuite");
      invalid("flip in the suite id: 0001 -> 8001 (private use)", flip(e, 4, 7), EXTERNAL, "unsupported-suite", "BitFlip", "UnknownSuite");
      invalid("flip in the suite id: 0001 -> 0003, another valid suite", flip(e, 5, 1), EXTERNAL, "commitment-mismatch", "BitFlip", "SuiteSwap");
      invalid("flip in the recipient count: 1 -> 0", flip(e, 6, 0), EXTERNAL, "malformed-header", "BitFlip", "MalformedHeader");
      invalid("flip in the recipient count: 1 -> 129", flip(e, 6, 7), EXTERNAL, "limit-exceeded", "BitFlip", "LimitExceeded");
      invalid("flip in the recipient type: 01 -> 81 (private use, skipped)", flip(e, r[0], 7), EXTERNAL, "no-matching-key", "BitFlip", "UnknownRecipientType");
      invalid("flip in the recipient type: 01 -> 00 (reserved, skipped)", flip(e, r[0], 0), EXTERNAL, "no-matching-key", "BitFlip", "UnknownRecipientType");
      invalid("flip in the key id: 'orders' -> 'orderr'", flip(e, r[2] - 1, 0), EXTERNAL, "no-matching-key", "BitFlip", "NoMatchingKey");
      invalid("flip in the key version: 2 -> 3", flip(e, r[2] + 3, 0), EXTERNAL, "no-matching-key", "BitFlip", "NoMatchingKey");
      for (int i : new int[] {0, 20, 39}) {
        invalid("flip in the AES-KW wrapped DEK, byte " + i, flip(e, r[3] + i, 3), EXTERNAL, "unwrap-failed", "BitFlip", "UnwrapFailed");
      }
      for (int i : new int[] {0, 31}) {
        invalid("flip in the commitment, byte " + i, flip(e, sym.commitmentOffset + i, 0), EXTERNAL, "commitment-mismatch", "BitFlip", "CommitmentMismatch");
      }
      invalid("flip in a stored context value (still valid UTF-8)", flip(e, sym.nonceOffset - 1, 1), EXTERNAL, "authentication-failed", "BitFlip", "StoredContext");
      invalid("flip in the nonce", flip(e, sym.nonceOffset, 0), EXTERNAL, "authentication-failed", "BitFlip");
      invalid("flip in the ciphertext", flip(e, sym.headerLength, 0), EXTERNAL, "authentication-failed", "BitFlip");
      invalid("flip in the tag", flip(e, e.length - 1, 7), EXTERNAL, "authentication-failed", "BitFlip");
      int[] xr = x.recipientSpans.get(0);
      invalid("flip in the HPKE enc", flip(x.envelope, xr[3], 2), EXTERNAL, "unwrap-failed", "BitFlip", "X25519", "UnwrapFailed");
      invalid("flip in the HPKE ciphertext", flip(x.envelope, xr[3] + 40, 2), EXTERNAL, "unwrap-failed", "BitFlip", "X25519", "UnwrapFailed");
      invalid("flip in the X25519 body", flip(x.envelope, x.envelope.length - 20, 5), EXTERNAL, "authentication-failed", "BitFlip", "X25519");
      int[] kr = kms.recipientSpans.get(0);
      invalid("flip in the KMS blob", flip(kms.envelope, kr[3] + 30, 4), EXTERNAL, "unwrap-failed", "BitFlip", "Kms", "UnwrapFailed");
      invalid("flip in the ChaCha20-Poly1305 body", flip(kms.envelope, kms.headerLength + 3, 4), EXTERNAL, "authentication-failed", "BitFlip", "Kms");
      invalid("flip in the synthetic IV", flip(siv.envelope, siv.headerLength, 0), EXTERNAL, "authentication-failed", "BitFlip", "Deterministic");
      invalid("flip in the SIV ciphertext", flip(siv.envelope, siv.envelope.length - 1, 0), EXTERNAL, "authentication-failed", "BitFlip", "Deterministic");
      byte[] chacha = e.clone();
      chacha[5] = 0x02;
      invalid("suite id 0001 replaced by 0002 (same nonce length)", chacha, EXTERNAL, "commitment-mismatch", "SuiteSwap");
      invalid("trailing zero byte", cat(e, new byte[] {0}), EXTERNAL, "authentication-failed", "TrailingBytes");
      invalid("a second envelope appended", cat(e, e), EXTERNAL, "authentication-failed", "TrailingBytes");
    }

    /** A hand-built header up to the point of interest; the rest is filler the reader never reaches. */
    private static byte[] head(int suite, int count) {
      return cat(SpecWriter.MAGIC, new byte[] {1}, u16(suite), new byte[] {(byte) count});
    }

    private static byte[] symEntry(String keyId) {
      byte[] id = keyId.getBytes(StandardCharsets.UTF_8);
      return cat(new byte[] {1, (byte) id.length}, id, u32(2), u16(40), Drbg.bytes("filler wrapped " + keyId, 40));
    }

    private static byte[] entry(int type, byte[] keyId, int wrappedLength, int present) {
      return cat(new byte[] {(byte) type, (byte) keyId.length}, keyId, u32(1), u16(wrappedLength), new byte[present]);
    }

    private static final byte[] FILLER = Drbg.bytes("filler", 64);

    private void crafted() {
      byte[] commitment = Drbg.bytes("filler commitment", 32);
      byte[] tail = cat(commitment, new byte[] {0}, Drbg.bytes("filler nonce and body", 40));
      invalid("version 00", cat(SpecWriter.MAGIC, new byte[] {0}, FILLER), NONE, "unsupported-version", "UnknownVersion");
      invalid("version FF", cat(SpecWriter.MAGIC, new byte[] {(byte) 0xFF}, FILLER), NONE, "unsupported-version", "UnknownVersion");
      invalid("suite id 0004 (unassigned)", cat(head(4, 1), FILLER), NONE, "unsupported-suite", "UnknownSuite");
      invalid("suite id FF00 (private use)", cat(head(0xFF00, 1), FILLER), NONE, "unsupported-suite", "UnknownSuite");
      invalid("suite id truncated", cat(SpecWriter.MAGIC, new byte[] {1, 0}), NONE, "malformed-header", "Truncated", "MalformedHeader");
      invalid("recipient count 0", cat(head(1, 0), FILLER), NONE, "malformed-header", "MalformedHeader");
      invalid("recipient count 33", cat(head(1, 33), FILLER), NONE, "limit-exceeded", "LimitExceeded");
      invalid("recipient count 255", cat(head(1, 255), FILLER), NONE, "limit-exceeded", "LimitExceeded");
      invalid("key id length 0", cat(head(1, 1), new byte[] {1, 0}, FILLER), NONE, "malformed-header", "MalformedHeader");
      invalid("wrapped DEK length 0", cat(head(1, 1), entry(1, text("orders"), 0, 0), FILLER), NONE, "malformed-header", "MalformedHeader");
      invalid("wrapped DEK length 4097, input ends right after it",
          cat(head(1, 1), entry(3, text(KMS_URI), 4097, 0)), NONE, "limit-exceeded", "LimitExceeded");
      invalid("wrapped DEK length 65535", cat(head(1, 1), entry(3, text(KMS_URI), 0xFFFF, 8)), NONE, "limit-exceeded", "LimitExceeded");
      invalid("symmetric entry with a 41-byte wrapped DEK", cat(head(1, 1), entry(1, text("orders"), 41, 41), tail), NONE,
          "malformed-header", "MalformedHeader");
      invalid("X25519 entry with a 79-byte wrapped DEK", cat(head(1, 1), entry(2, text("consumer-a"), 79, 79), tail), NONE,
          "malformed-header", "MalformedHeader");
      invalid("wrapped DEK declared longer than the input", cat(head(1, 1), entry(3, text(KMS_URI), 200, 10)), NONE,
          "malformed-header", "Truncated", "MalformedHeader");
      invalid("key id is an overlong UTF-8 encoding", cat(head(1, 1), entry(1, HEX.parseHex("c0af"), 40, 40), tail), NONE,
          "malformed-header", "InvalidUtf8", "MalformedHeader");
      invalid("key id is a UTF-8-encoded surrogate", cat(head(1, 1), entry(1, HEX.parseHex("eda080"), 40, 40), tail), NONE,
          "malformed-header", "InvalidUtf8", "MalformedHeader");
      invalid("key id encodes a code point above U+10FFFF", cat(head(1, 1), entry(1, HEX.parseHex("f4908080"), 40, 40), tail), NONE,
          "malformed-header", "InvalidUtf8", "MalformedHeader");
      // A header past 16384 bytes: the limit is hit before the end of input [LIM-2].
      // Distinct key ids: repeated references would be malformed first [RCP-7].
      byte[][] id255 = new byte[4][255];
      for (int i = 0; i < 4; i++) {
        Arrays.fill(id255[i], (byte) 'k');
        id255[i][254] = (byte) ('1' + i);
      }
      invalid("header beyond 16384 bytes: the fourth 4096-byte wrapped DEK crosses the limit",
          cat(head(1, 4), entry(0x80, id255[0], 4096, 4096), entry(0x80, id255[1], 4096, 4096),
              entry(0x80, id255[2], 4096, 4096), entry(0x80, id255[3], 4096, 0)), NONE, "limit-exceeded", "LimitExceeded");
      // Context faults, after one well-formed symmetric entry and a commitment.
      byte[] pre = cat(head(1, 1), symEntry("orders"), commitment);
      byte[] rest = Drbg.bytes("filler nonce and body", 40);
      invalid("context entry count 33", cat(pre, new byte[] {33}, FILLER), NONE, "limit-exceeded", "LimitExceeded");
      invalid("context key length 0", cat(pre, new byte[] {1, 0}, FILLER), NONE, "malformed-header", "MalformedHeader");
      invalid("context value length 1025", cat(pre, new byte[] {1, 1, 'a'}, u16(1025), FILLER), NONE, "limit-exceeded", "LimitExceeded");
      invalid("context keys out of order", cat(pre, new byte[] {2}, ctxEntry("b", "1"), ctxEntry("a", "2"), rest), NONE,
          "malformed-header", "MalformedHeader");
      invalid("duplicate context key", cat(pre, new byte[] {2}, ctxEntry("a", "1"), ctxEntry("a", "2"), rest), NONE,
          "malformed-header", "MalformedHeader");
      invalid("context value is not UTF-8", cat(pre, new byte[] {1, 1, 'a'}, u16(2), HEX.parseHex("ff41"), rest), NONE,
          "malformed-header", "InvalidUtf8", "MalformedHeader");
      invalid("input ends inside the nonce", cat(pre, new byte[] {0}, new byte[5]), NONE, "malformed-header", "Truncated");
    }

    private static byte[] ctxEntry(String k, String v) {
      return cat(new byte[] {(byte) k.length()}, text(k), u16(v.length()), text(v));
    }

    private void contexts(Built sym, byte[] pt) {
      invalid("external context differs: another topic", sym.envelope, Map.of("topic", "refunds"), "authentication-failed", "ExternalContextMismatch");
      invalid("external context missing", sym.envelope, NONE, "authentication-failed", "ExternalContextMismatch");
      invalid("external context has an extra entry", sym.envelope, Map.of("topic", "payments", "x", ""), "authentication-failed", "ExternalContextMismatch");
      ObjectNode t = test("required stored context holds another value", sym.envelope, EXTERNAL, "context-mismatch", "ContextMismatch");
      t.set("requiredContext", ctx(Map.of("tenant", "globex")));
      t = test("required stored context entry absent", sym.envelope, EXTERNAL, "context-mismatch", "ContextMismatch");
      t.set("requiredContext", ctx(Map.of("tenant", "acme", "purpose", "billing")));
      t = test("plaintext one byte over the reader's limit", sym.envelope, EXTERNAL, "limit-exceeded", "LimitExceeded");
      t.put("maxPlaintextLength", pt.length - 1);
    }

    private void errorOrder(Built sym) {
      invalid("unknown version and an unknown suite: version first", cat(SpecWriter.MAGIC, new byte[] {2, 0, 0, 0}), NONE,
          "unsupported-version", "ErrorOrder", "UnknownVersion");
      invalid("unknown suite and recipient count 0: suite first", cat(head(9, 0), FILLER), NONE, "unsupported-suite", "ErrorOrder", "UnknownSuite");
      invalid("recipient count 33 and the input ends: count first", head(1, 33), NONE, "limit-exceeded", "ErrorOrder", "LimitExceeded");
      byte[] shortBody = Arrays.copyOf(sym.envelope, sym.headerLength + 10);
      shortBody[sym.recipientSpans.get(0)[2] + 3] ^= 1; // also no matching key
      invalid("body shorter than the tag and no matching key: body first", shortBody, EXTERNAL, "authentication-failed", "ErrorOrder", "Truncated");
      byte[] noKey = flip(sym.envelope, sym.recipientSpans.get(0)[2] + 3, 0);
      ObjectNode t = test("required context mismatch and no matching key: context first", noKey, EXTERNAL, "context-mismatch", "ErrorOrder", "ContextMismatch");
      t.set("requiredContext", ctx(Map.of("tenant", "globex")));
      t = test("plaintext over the limit and no matching key: limit first", noKey, EXTERNAL, "limit-exceeded", "ErrorOrder", "LimitExceeded");
      t.put("maxPlaintextLength", 1);
    }

    /** Envelopes whose entries the generator composes by hand. */
    private void composed(byte[] pt) throws GeneralSecurityException {
      SuiteSpec gcm = SuiteSpec.AES_256_GCM;
      byte[] dek1 = Drbg.bytes("composed dek 1", 32);
      byte[] dek2 = Drbg.bytes("composed dek 2", 32);
      byte[] nonce = Drbg.bytes("composed nonce", 12);
      byte[] eph = Drbg.bytes("composed ephemeral", 32);
      Entry orders = new Entry(1, "orders", 2, SpecWriter.aesKw(ORDERS_V2, dek1));
      // Invisible salamander: consumer-a receives another DEK than the commitment names [COM-2].
      Entry evil = new Entry(2, "consumer-a", 1, SpecWriter.hpke(x25519Public("consumer-a"), dek2, eph));
      byte[] salamander = envelope(gcm, List.of(evil, orders), dek1, nonce, pt);
      group("Two recipients wrapping different DEKs; the reader holds only consumer-a.", keys(x25519Key("consumer-a")));
      invalid("consumer-a's entry wraps a DEK that does not match the commitment", salamander, NONE, "commitment-mismatch", "CommitmentMismatch", "MultipleRecipients");
      group("Two recipients wrapping different DEKs; the reader holds only 'orders'.", keys(symKey("orders", 2, ORDERS_V2)));
      valid("the 'orders' entry wraps the committed DEK", new Built(salamander, 0, null), NONE, pt, "MultipleRecipients");

      group("Composed envelopes; the reader holds every key.", allKeys());
      Entry vendor = new Entry(0x80, "vendor-hsm", 7, Drbg.bytes("vendor blob", 5));
      Entry future = new Entry(0x04, "future", 1, Drbg.bytes("future blob", 33));
      valid("unknown recipient types 80 and 04 are skipped; the symmetric entry is used",
          new Built(envelope(gcm, List.of(vendor, future, orders), dek1, nonce, pt), 0, null), NONE, pt, "UnknownRecipientType");
      invalid("only unknown recipient types", envelope(gcm, List.of(vendor, future), dek1, nonce, pt), NONE,
          "no-matching-key", "UnknownRecipientType", "NoMatchingKey");
      Entry broken = new Entry(1, "audit", 1, Drbg.bytes("broken wrap", 40));
      byte[] brokenFirst = envelope(gcm, List.of(broken, orders), dek1, nonce, pt);
      invalid("the first held entry fails to unwrap: unwrap-failed, the second is not tried [RCP-8]", brokenFirst, NONE,
          "unwrap-failed", "UnwrapFailed", "MultipleRecipients", "FirstHeldEntry");
      invalid("every held entry fails to unwrap", envelope(gcm, List.of(broken), dek1, nonce, pt), NONE, "unwrap-failed", "UnwrapFailed");
      // [COM-4]: the first held entry wraps another DEK; the second wraps the committed one.
      Entry auditOther = new Entry(1, "audit", 1, SpecWriter.aesKw(AUDIT_V1, dek2));
      byte[] otherFirst = envelope(gcm, List.of(auditOther, orders), dek1, nonce, pt);
      invalid("the first held entry's DEK misses the commitment: no fallback to the second [COM-4]", otherFirst, NONE,
          "commitment-mismatch", "CommitmentMismatch", "MultipleRecipients", "FirstHeldEntry");
      duplicates(dek1, nonce, pt, orders);
      Entry zeroPoint = new Entry(2, "consumer-a", 1, cat(new byte[32], Drbg.bytes("small order ct", 48)));
      invalid("HPKE enc is the point u=0: zero shared secret", envelope(gcm, List.of(zeroPoint), dek1, nonce, pt), NONE,
          "unwrap-failed", "SmallOrderPoint", "UnwrapFailed");
      Entry wrongLength = new Entry(3, KMS_URI, 0, Drbg.bytes("short kms blob", 59));
      invalid("test-KMS blob of 59 bytes", envelope(gcm, List.of(wrongLength), dek1, nonce, pt), NONE, "unwrap-failed", "Kms", "UnwrapFailed");
      // [LIM-2] boundary: padding entries of a private type bring the header to exactly 16384 bytes.
      List<Entry> exact = new ArrayList<>();
      int[] widths = {4096, 4096, 4096, 3938};
      for (int i = 0; i < widths.length; i++) {
        exact.add(new Entry(0x80, "pad-" + i, 1, Drbg.bytes("pad " + widths[i], widths[i])));
      }
      exact.add(orders);
      valid("a header of exactly 16384 bytes", new Built(envelope(gcm, exact, dek1, nonce, pt), 0, null), NONE, pt,
          "AtLimit", "UnknownRecipientType");
      exact.set(3, new Entry(0x80, "pad-3", 1, Drbg.bytes("pad 3939", 3939)));
      invalid("a header of 16385 bytes: the nonce crosses the limit", envelope(gcm, exact, dek1, nonce, pt), NONE,
          "limit-exceeded", "LimitExceeded");
      Entry otherDek = new Entry(1, "orders", 2, SpecWriter.aesKw(ORDERS_V2, dek2));
      invalid("the only entry wraps a DEK other than the committed one", envelope(gcm, List.of(otherDek), dek1, nonce, pt), NONE,
          "commitment-mismatch", "CommitmentMismatch");
      deterministicRecipientTypes(orders, dek1, pt);
      utf8Order(pt);

      group("[RCP-8]: the reader holds only 'orders' version 2.", keys(symKey("orders", 2, ORDERS_V2)));
      valid("the unheld first entry is skipped; the held 'orders' entry gives the DEK", new Built(brokenFirst, 0, null), NONE, pt,
          "MultipleRecipients", "FirstHeldEntry");
      valid("the unheld first entry is skipped; no commitment mismatch", new Built(otherFirst, 0, null), NONE, pt,
          "MultipleRecipients", "FirstHeldEntry");
      deterministicIdentity();
    }

    /** [RCP-7]: a repeated key reference is malformed-header, whatever the type; only type 03 ignores the version. */
    private void duplicates(byte[] dek, byte[] nonce, byte[] pt, Entry orders) throws GeneralSecurityException {
      SuiteSpec gcm = SuiteSpec.AES_256_GCM;
      Entry ordersAgain = new Entry(1, "orders", 2, SpecWriter.aesKw(ORDERS_V2, dek));
      invalid("type 01 'orders' v2 twice", envelope(gcm, List.of(orders, ordersAgain), dek, nonce, pt), NONE,
          "malformed-header", "DuplicateRecipient", "MalformedHeader");
      byte[] eph1 = Drbg.bytes("duplicate ephemeral 1", 32);
      byte[] eph2 = Drbg.bytes("duplicate ephemeral 2", 32);
      Entry xa1 = new Entry(2, "consumer-a", 1, SpecWriter.hpke(x25519Public("consumer-a"), dek, eph1));
      Entry xa2 = new Entry(2, "consumer-a", 1, SpecWriter.hpke(x25519Public("consumer-a"), dek, eph2));
      invalid("type 02 'consumer-a' v1 twice, both wrapping the DEK", envelope(gcm, List.of(xa1, xa2), dek, nonce, pt), NONE,
          "malformed-header", "DuplicateRecipient", "MalformedHeader", "X25519");
      Entry k0 = new Entry(3, KMS_URI, 0, SpecWriter.testKms(KMS_KEY, KMS_URI, dek, Drbg.bytes("duplicate kms 0", 12)));
      Entry k1 = new Entry(3, KMS_URI, 1, Drbg.bytes("duplicate kms junk", 60));
      invalid("type 03: the same key URI with another version", envelope(gcm, List.of(k0, k1), dek, nonce, pt), NONE,
          "malformed-header", "DuplicateRecipient", "MalformedHeader", "Kms");
      Entry vendor1 = new Entry(0x80, "vendor-hsm", 7, Drbg.bytes("vendor blob 1", 5));
      Entry vendor2 = new Entry(0x80, "vendor-hsm", 7, Drbg.bytes("vendor blob 2", 9));
      invalid("unknown type 80 twice with the same key id and version", envelope(gcm, List.of(vendor1, orders, vendor2), dek, nonce, pt),
          NONE, "malformed-header", "DuplicateRecipient", "MalformedHeader", "UnknownRecipientType");
      // Not repeats: another version of a type 01 or 02 key, the same key id under another type.
      Entry ordersV1 = new Entry(1, "orders", 1, SpecWriter.aesKw(ORDERS_V1, dek));
      Entry xa1v2 = new Entry(2, "consumer-a", 2, Drbg.bytes("consumer-a v2 junk", 80));
      Entry vendorV8 = new Entry(0x80, "vendor-hsm", 8, Drbg.bytes("vendor blob 3", 5));
      Entry ordersAsX = new Entry(2, "orders", 2, Drbg.bytes("orders as x25519 junk", 80));
      valid("same key ids with other versions or types are distinct references",
          new Built(envelope(gcm, List.of(vendor1, vendorV8, xa1v2, ordersAsX, ordersV1, orders), dek, nonce, pt), 0, null), NONE, pt,
          "MultipleRecipients", "UnknownRecipientType");
      // The repeat ends step 5 at its entry: a later entry's limit is never reached.
      byte[] dupThenHuge = cat(head(1, 3), symEntry("orders"), symEntry("orders"), entry(3, text(KMS_URI), 4097, 0));
      invalid("a repeated entry, then a wrapped DEK length 4097: the repeat first", dupThenHuge, NONE,
          "malformed-header", "DuplicateRecipient", "ErrorOrder");
    }

    /** [SUITE-4]: type 02 and 03 entries make a suite 0003 header malformed; unknown types are still skipped. */
    private void deterministicRecipientTypes(Entry orders, byte[] dek, byte[] pt) throws GeneralSecurityException {
      SuiteSpec siv = SuiteSpec.AES_256_SIV;
      byte[] none = new byte[0];
      Entry x = new Entry(2, "consumer-a", 1, SpecWriter.hpke(x25519Public("consumer-a"), dek, Drbg.bytes("siv ephemeral", 32)));
      Entry k = new Entry(3, KMS_URI, 0, SpecWriter.testKms(KMS_KEY, KMS_URI, dek, Drbg.bytes("siv kms nonce", 12)));
      invalid("suite 0003 with a symmetric and an X25519 entry", envelope(siv, List.of(orders, x), dek, none, pt), NONE,
          "malformed-header", "DeterministicRecipientType", "Deterministic", "MalformedHeader");
      invalid("suite 0003 with a KMS entry only", envelope(siv, List.of(k), dek, none, pt), NONE,
          "malformed-header", "DeterministicRecipientType", "Deterministic", "MalformedHeader");
      invalid("suite 0003 with an X25519 entry, then a wrapped DEK length 4097: the type first",
          cat(head(3, 2), entry(2, text("consumer-a"), 80, 80), entry(3, text(KMS_URI), 4097, 0)), NONE,
          "malformed-header", "DeterministicRecipientType", "ErrorOrder");
      Entry vendor = new Entry(0x80, "vendor-hsm", 7, Drbg.bytes("vendor blob", 5));
      valid("suite 0003 with an unknown type 80 entry: skipped", new Built(envelope(siv, List.of(vendor, orders), dek, none, pt), 0, null),
          NONE, pt, "Deterministic", "UnknownRecipientType");
    }

    /** [CTX-2]: canonical order is UTF-8 byte order. */
    private void utf8Order(byte[] pt) throws GeneralSecurityException {
      Built ok = encryptCase("decrypt utf8 order", SuiteSpec.AES_256_GCM, List.of(To.sym("orders", 2)), UNICODE_STORED, NONE, pt);
      valid("stored context keys U+E000, U+1F600 in UTF-8 order", ok, NONE, pt, "StoredContext", "Utf8Order");
      byte[] e000 = text("\uE000");
      byte[] smile = text("\uD83D\uDE00");
      byte[] utf16Order = cat(new byte[] {2}, rawCtx(smile, text("emoji")), rawCtx(e000, text("private use")));
      byte[] swapped = cat(Arrays.copyOf(ok.envelope, ok.contextOffset), utf16Order,
          Arrays.copyOfRange(ok.envelope, ok.nonceOffset, ok.envelope.length));
      invalid("stored context keys U+1F600, U+E000: UTF-16 order is not canonical", swapped, NONE,
          "malformed-header", "Utf8Order", "MalformedHeader");
    }

    /** [SIV-1]: what team A learns from its own deterministic envelope opens and forges nothing of team B's. */
    private void deterministicIdentity() throws GeneralSecurityException {
      SuiteSpec siv = SuiteSpec.AES_256_SIV;
      Built a = encryptCase("decrypt siv team-a", siv, List.of(To.sym("shared", 1), To.sym("team-a", 1)), SIV_STORED, TOPIC_A, SECRET_RECORD_KEY);
      Built b = encryptCase("decrypt siv team-b", siv, List.of(To.sym("shared", 1), To.sym("team-b", 1)), SIV_STORED, TOPIC_B, SECRET_RECORD_KEY);
      byte[] dekA = HEX.parseHex(a.encryptTest.get("intermediates").get("dek").asText());
      byte[] kMsgA = SpecWriter.kMsg(siv, dekA);
      byte[] forgedKey = text("customer-0001-forged");
      // Team B's header kept, body written under team A's DEK: the old attack, which worked while both DEKs were equal.
      byte[] headerB = Arrays.copyOf(b.envelope, b.headerLength);
      byte[] bodyUnderA = cat(headerB, SpecWriter.body(siv, kMsgA, new byte[0], headerB, SpecWriter.context(TOPIC_B), forgedKey));
      // Team B's entries, team A's commitment and body.
      byte[] commitA = headerB.clone();
      System.arraycopy(SpecWriter.commitment(siv, dekA), 0, commitA, b.commitmentOffset, 32);
      byte[] commitAndBodyUnderA = cat(commitA, SpecWriter.body(siv, kMsgA, new byte[0], commitA, SpecWriter.context(TOPIC_B), forgedKey));

      group("[SIV-1]: the reader is team B, holding 'shared' and 'team-b'.",
          keys(symKey("shared", 1, SHARED_V1), symKey("team-b", 1, TEAM_B_V1)));
      valid("team B's own deterministic record key", b, TOPIC_B, SECRET_RECORD_KEY, "Deterministic", "DeterministicIdentity");
      invalid("team B's header, body forged under the DEK of team A's envelope", bodyUnderA, TOPIC_B,
          "authentication-failed", "Deterministic", "ForgedDeterministic");
      invalid("team B's entries, commitment and body under the DEK of team A's envelope", commitAndBodyUnderA, TOPIC_B,
          "commitment-mismatch", "Deterministic", "ForgedDeterministic", "CommitmentMismatch");
      group("[SIV-1]: the reader is team A, holding only 'team-a'.", keys(symKey("team-a", 1, TEAM_A_V1)));
      valid("team A's own deterministic record key", a, TOPIC_A, SECRET_RECORD_KEY, "Deterministic", "DeterministicIdentity");
      invalid("team B's record key: no key held", b.envelope, TOPIC_B, "no-matching-key", "Deterministic", "NoMatchingKey");
    }

    /**
     * [SIV-4]: team A keeps the header of its {@code [shared, team-a]} envelope for topic A and
     * writes under that envelope's DEK (which it unwraps with 'team-a') a body for topic B. Header,
     * commitment and body are consistent; the DEK is not the one [SIV-1] gives for topic B. A reader
     * holding KEK_1 ('shared') recomputes it and refuses; a reader holding only 'team-a' cannot.
     * After the issue 8 cases, so that the tcIds of earlier cases stay as they were.
     */
    private void reusedDeterministicHeader() throws GeneralSecurityException {
      SuiteSpec siv = SuiteSpec.AES_256_SIV;
      Built a = encryptCase("decrypt siv team-a", siv, List.of(To.sym("shared", 1), To.sym("team-a", 1)), SIV_STORED, TOPIC_A, SECRET_RECORD_KEY);
      // DEK_A as team A obtains it: unwrapped from its own (second) entry, not taken from the writer.
      int[] teamAEntry = a.recipientSpans.get(1);
      byte[] dekA = SpecWriter.aesKwUnwrap(TEAM_A_V1, Arrays.copyOfRange(a.envelope, teamAEntry[3], teamAEntry[4]));
      byte[] headerA = Arrays.copyOf(a.envelope, a.headerLength);
      byte[] forgedKey = text("customer-0001-forged");
      byte[] forged = cat(headerA, SpecWriter.body(siv, SpecWriter.kMsg(siv, dekA), new byte[0], headerA, SpecWriter.context(TOPIC_B), forgedKey));

      group("[SIV-4]: the reader holds only 'shared', the first recipient's KEK (KEK_1).", keys(symKey("shared", 1, SHARED_V1)));
      valid("the genuine [shared, team-a] record key for topic A", a, TOPIC_A, SECRET_RECORD_KEY, "Deterministic", "MultipleRecipients");
      invalid("header of the topic A record key, body for topic B under its DEK: the recomputed DEK differs", forged, TOPIC_B,
          "authentication-failed", "Deterministic", "ForgedDeterministic", "ReusedDeterministicHeader");
      group("[SIV-4]: the reader holds only 'team-a', the second recipient's KEK; it cannot recompute the DEK.",
          keys(symKey("team-a", 1, TEAM_A_V1)));
      valid("header of the topic A record key, body for topic B under its DEK: accepted without KEK_1 (the limit of [SIV-4])",
          new Built(forged, a.headerLength, null), TOPIC_B, forgedKey, "Deterministic", "ForgedDeterministic", "ReusedDeterministicHeader");
    }

    // ------------------------------------------------------------------------------------------
    // SPEC.md section 16: writer signatures.

    /** A trusted writer key of the reader [SIG-4]. */
    private static final class Trust {
      final String signerId;
      final long version;
      final byte[] publicKey;

      Trust(String signerId, long version, byte[] seed) {
        this.signerId = signerId;
        this.version = version;
        try {
          this.publicKey = SpecWriter.ed25519Public(seed);
        } catch (GeneralSecurityException e) {
          throw new IllegalStateException(e);
        }
      }
    }

    private static final Trust PAY1 = new Trust(PAYMENTS_WRITER, 1, PAYMENTS_V1_SEED);
    private static final Trust PAY2 = new Trust(PAYMENTS_WRITER, 2, PAYMENTS_V2_SEED);

    private ObjectNode trusting(ObjectNode t, List<Trust> trust) {
      if (trust != null) {
        ArrayNode a = t.putArray("trustedWriters");
        for (Trust w : trust) {
          a.addObject().put("signerId", w.signerId).put("version", w.version).put("publicKey", HEX.formatHex(w.publicKey));
        }
      }
      return t;
    }

    /** A valid case; with trust, the signer the reader verified [SIG-8]. */
    private ObjectNode signedValid(String comment, byte[] env, Map<String, String> external, byte[] pt, List<Trust> trust,
        SpecWriter.Signer verified, String... flags) {
      ObjectNode t = trusting(test(comment, env, external, null, flags), trust);
      t.put("plaintext", HEX.formatHex(pt));
      if (trust != null) {
        t.putObject("verifiedSigner").put("signerId", new String(verified.signerId, StandardCharsets.UTF_8)).put("version", verified.version);
      }
      return t;
    }

    private ObjectNode signedInvalid(String comment, byte[] env, Map<String, String> external, String error, List<Trust> trust,
        String... flags) {
      return trusting(test(comment, env, external, error, flags), trust);
    }

    /**
     * An envelope of {@code base}'s suite, recipients and stored context with the given signer
     * field bytes and header signature (null: none), a body written under {@code base}'s DEK
     * for exactly that header, so that only the signature can be wrong.
     */
    private static byte[] resealed(Built base, byte[] signerField, byte[] headerSignature, byte[] nonce, byte[] external, byte[] pt)
        throws GeneralSecurityException {
      byte[] header = cat(Arrays.copyOf(base.envelope, base.signerOffset), signerField,
          headerSignature == null ? new byte[0] : headerSignature, nonce);
      SuiteSpec suite = base.suite;
      if (suite.segmented) {
        byte[] kEnv = SpecWriter.kEnv(suite, base.dek, nonce);
        return cat(header, cat(SpecWriter.segments(suite, kEnv, cat(header, external), pt).toArray(new byte[0][])));
      }
      return cat(header, SpecWriter.body(suite, SpecWriter.kMsg(suite, base.dek), nonce, header, external, pt));
    }

    /** RFC 8032's group order L; {@code S + L} is the non-canonical twin of a signature's S [SIG-6]. */
    private static byte[] nonCanonical(byte[] signature) {
      java.math.BigInteger l = java.math.BigInteger.TWO.pow(252).add(new java.math.BigInteger("27742317777372353535851937790883648493"));
      byte[] s = new byte[32];
      for (int i = 0; i < 32; i++) {
        s[i] = signature[63 - i]; // little-endian to big-endian
      }
      byte[] sum = new java.math.BigInteger(1, s).add(l).toByteArray();
      byte[] out = signature.clone();
      for (int i = 0; i < 32; i++) {
        out[32 + i] = i < sum.length ? sum[sum.length - 1 - i] : 0;
      }
      return out;
    }

    private void signed(byte[] pt) throws GeneralSecurityException {
      int dek = SpecWriter.PER_DEK;
      int msg = SpecWriter.PER_MESSAGE;
      List<To> orders = List.of(To.sym("orders", 2));
      List<Trust> pay1 = List.of(PAY1);
      List<Trust> pay2 = List.of(PAY2);
      List<Trust> both = List.of(PAY1, PAY2);
      byte[] ext = SpecWriter.context(EXTERNAL);
      Built d1 = encryptCase("decrypt signed per-dek", SuiteSpec.AES_256_GCM_SIGNED, orders, STORED, EXTERNAL, pt, payments1(dek));
      Built m1 = encryptCase("decrypt signed per-message", SuiteSpec.AES_256_GCM_SIGNED, orders, STORED, EXTERNAL, pt, payments1(msg));
      Built sivD = encryptCase("decrypt signed siv", SuiteSpec.AES_256_SIV_SIGNED, orders, NONE, EXTERNAL, text("customer-42"), payments1(dek));
      Built xM = encryptCase("decrypt signed x25519 per-message", SuiteSpec.CHACHA20_POLY1305_SIGNED, List.of(To.x25519("consumer-a")),
          NONE, EXTERNAL, pt, payments1(msg));
      Built d2 = encryptCase("decrypt signed by v2", SuiteSpec.AES_256_GCM_SIGNED, orders, STORED, EXTERNAL, pt, payments2(dek));
      Built unsigned = encryptCase("decrypt base symmetric", SuiteSpec.AES_256_GCM, orders, STORED, EXTERNAL, pt);
      Built unsignedSiv = encryptCase("decrypt base siv", SuiteSpec.AES_256_SIV, orders, NONE, EXTERNAL, text("customer-42"));
      Built unsignedSeg = encryptCase("decrypt unsigned segmented", SuiteSpec.AES_256_GCM_SEGMENTED, orders, NONE, EXTERNAL, pt);

      group("Signed suites (SPEC.md section 16); the reader holds every key, and trusts the writers each test lists.", allKeys());
      signedValid("per-DEK signature, the reader trusts payments-writer v1", d1.envelope, EXTERNAL, pt, pay1, payments1(dek),
          "Signed", "PerDekSignature", "TrustedWriter");
      signedValid("per-message signature, the reader trusts payments-writer v1", m1.envelope, EXTERNAL, pt, pay1, payments1(msg),
          "Signed", "PerMessageSignature", "TrustedWriter");
      signedValid("deterministic signed suite 0103, per-DEK signature", sivD.envelope, EXTERNAL, text("customer-42"), pay1, payments1(dek),
          "Signed", "PerDekSignature", "TrustedWriter", "Deterministic");
      signedValid("ChaCha20-Poly1305, X25519 recipient, per-message signature", xM.envelope, EXTERNAL, pt, pay1, payments1(msg),
          "Signed", "PerMessageSignature", "TrustedWriter", "X25519");
      signedValid("signed by payments-writer v2; the reader trusts v1 and v2", d2.envelope, EXTERNAL, pt, both, payments2(dek),
          "Signed", "PerDekSignature", "TrustedWriter");
      signedValid("per-DEK signature, no trusted writer required: valid, nothing verified", d1.envelope, EXTERNAL, pt, null, null,
          "Signed", "PerDekSignature", "NoTrustRequired");
      signedValid("per-message signature, no trusted writer required", m1.envelope, EXTERNAL, pt, null, null,
          "Signed", "PerMessageSignature", "NoTrustRequired");

      // [SIG-5]: unsigned, or a signer the reader does not trust.
      signedInvalid("unsigned suite 0001, the reader requires a trusted writer", unsigned.envelope, EXTERNAL, "untrusted-writer", pay1,
          "UntrustedWriter");
      signedInvalid("unsigned deterministic suite 0003, the reader requires a trusted writer", unsignedSiv.envelope, EXTERNAL,
          "untrusted-writer", pay1, "UntrustedWriter", "Deterministic");
      signedInvalid("unsigned segmented suite 0201, the reader requires a trusted writer", unsignedSeg.envelope, EXTERNAL,
          "untrusted-writer", pay1, "UntrustedWriter", "Segmented");
      signedInvalid("signed by payments-writer v1; the reader trusts only v2", d1.envelope, EXTERNAL, "untrusted-writer", pay2,
          "UntrustedWriter", "PerDekSignature");
      signedInvalid("signed by payments-writer v2; the reader trusts only v1", d2.envelope, EXTERNAL, "untrusted-writer", pay1,
          "UntrustedWriter", "PerDekSignature");
      signedInvalid("per-message signature by v1; the reader trusts only v2", m1.envelope, EXTERNAL, "untrusted-writer", pay2,
          "UntrustedWriter", "PerMessageSignature");
      Trust otherCase = new Trust("Payments-writer", 1, PAYMENTS_V1_SEED);
      signedInvalid("the trusted signer id differs in case: ids are compared as bytes", d1.envelope, EXTERNAL, "untrusted-writer",
          List.of(otherCase), "UntrustedWriter", "PerDekSignature");

      // [SIG-6]: the trusted key does not verify the signature.
      Trust wrongKey = new Trust(PAYMENTS_WRITER, 1, PAYMENTS_V2_SEED);
      signedInvalid("per-DEK signature; the reader's key for payments-writer v1 is another key", d1.envelope, EXTERNAL,
          "signature-invalid", List.of(wrongKey), "SignatureInvalid", "PerDekSignature");
      signedInvalid("per-message signature; the reader's key for payments-writer v1 is another key", m1.envelope, EXTERNAL,
          "signature-invalid", List.of(wrongKey), "SignatureInvalid", "PerMessageSignature");
      int[] r = d1.recipientSpans.get(0);
      Object[][] flipsInP = {
        {"the recipient type: 01 -> 81 (unknown, skipped)", r[0], 7},
        {"the key id", r[2] - 1, 0},
        {"the key version", r[2] + 3, 0},
        {"the wrapped DEK", r[3] + 5, 2},
        {"the commitment", d1.commitmentOffset + 7, 0},
        {"a stored context value (still UTF-8)", d1.signerOffset - 1, 1},
        {"the suite id: 0101 -> 0103, another signed suite", 5, 1},
      };
      for (Object[] f : flipsInP) {
        signedInvalid("per-DEK signature, a bit of P flipped in " + f[0], flip(d1.envelope, (int) f[1], (int) f[2]), EXTERNAL,
            "signature-invalid", pay1, "SignatureInvalid", "PerDekSignature", "BitFlip");
      }
      signedInvalid("per-DEK signature, the suite id 0101 -> 0001: unsigned, so untrusted", flip(d1.envelope, 4, 0), EXTERNAL,
          "untrusted-writer", pay1, "UntrustedWriter", "PerDekSignature", "BitFlip", "SuiteSwap");
      signedInvalid("per-DEK signature, a bit of the wrapped DEK flipped, no trusted writer required", flip(d1.envelope, r[3] + 5, 2),
          EXTERNAL, "unwrap-failed", null, "NoTrustRequired", "PerDekSignature", "BitFlip", "UnwrapFailed");
      signedInvalid("per-DEK signature, a bit of the signer id flipped: another signer", flip(d1.envelope, d1.signerOffset + 2, 0),
          EXTERNAL, "untrusted-writer", pay1, "UntrustedWriter", "PerDekSignature", "BitFlip");
      signedInvalid("per-DEK signature, a bit of the signer version flipped: v1 -> v3", flip(d1.envelope, d1.signatureOffset - 1, 1),
          EXTERNAL, "untrusted-writer", pay1, "UntrustedWriter", "PerDekSignature", "BitFlip");
      for (int i : new int[] {0, 31, 32, 63}) {
        byte[] e = flip(d1.envelope, d1.signatureOffset + i, 0);
        signedInvalid("per-DEK signature, byte " + i + " of the header signature flipped", e, EXTERNAL, "signature-invalid", pay1,
            "SignatureInvalid", "PerDekSignature", "BitFlip");
      }
      signedInvalid("per-DEK signature, a header-signature bit flipped, no trusted writer required: the header is in the AAD",
          flip(d1.envelope, d1.signatureOffset + 10, 3), EXTERNAL, "authentication-failed", null, "NoTrustRequired", "PerDekSignature",
          "BitFlip");
      signedInvalid("per-DEK signature, a bit of the nonce flipped: the signature holds, the body does not", flip(d1.envelope, d1.nonceOffset, 0),
          EXTERNAL, "authentication-failed", pay1, "TrustedWriter", "PerDekSignature", "BitFlip");
      signedInvalid("per-DEK signature, another external context: not signed in mode 01, so the body fails", d1.envelope,
          Map.of("topic", "refunds"), "authentication-failed", pay1, "TrustedWriter", "PerDekSignature", "ExternalContextMismatch");
      // A body sealed under a header with a wrong or non-canonical signature: only verification can tell.
      byte[] p1 = Arrays.copyOfRange(d1.envelope, d1.signerOffset, d1.signatureOffset);
      byte[] sig1 = Arrays.copyOfRange(d1.envelope, d1.signatureOffset, d1.signatureOffset + 64);
      byte[] forgedSig = SpecWriter.ed25519Sign(FORGER_SEED, cat(SpecWriter.SIGNED_HEADER, Arrays.copyOf(d1.envelope, d1.signatureOffset)));
      byte[] wrongSigned = resealed(d1, p1, forgedSig, d1.nonce, ext, pt);
      signedInvalid("per-DEK: signed by another key, body sealed under that header", wrongSigned, EXTERNAL, "signature-invalid", pay1,
          "SignatureInvalid", "PerDekSignature");
      signedValid("per-DEK: signed by another key, no trusted writer required: valid, nothing verified", wrongSigned, EXTERNAL, pt, null,
          null, "NoTrustRequired", "PerDekSignature");
      byte[] sPlusL = resealed(d1, p1, nonCanonical(sig1), d1.nonce, ext, pt);
      signedInvalid("per-DEK: S replaced by S + L (non-canonical), body sealed under that header", sPlusL, EXTERNAL, "signature-invalid",
          pay1, "SignatureInvalid", "NonCanonicalSignature", "PerDekSignature");
      signedValid("per-DEK: non-canonical S, no trusted writer required: valid, nothing verified", sPlusL, EXTERNAL, pt, null, null,
          "NoTrustRequired", "NonCanonicalSignature", "PerDekSignature");
      byte[] zeroSig = resealed(d1, p1, new byte[64], d1.nonce, ext, pt);
      signedInvalid("per-DEK: an all-zero signature, body sealed under that header", zeroSig, EXTERNAL, "signature-invalid", pay1,
          "SignatureInvalid", "PerDekSignature");
      // What mode 01 does not prove: a holder of the DEK writes a new envelope under the signed header.
      byte[] reuse = resealed(d1, p1, sig1, Drbg.bytes("per-dek reuse nonce", 12), ext, text("{\"written\":\"by a recipient\"}"));
      signedValid("per-DEK: a holder of the DEK reuses the signed header with a new nonce and body: valid (13.2, section 16)", reuse,
          EXTERNAL, text("{\"written\":\"by a recipient\"}"), pay1, payments1(dek), "Signed", "PerDekSignature", "TrustedWriter", "PerDekReuse");

      // Mode 02: every byte of E and the external context are signed.
      signedInvalid("per-message signature, a bit of the body flipped", flip(m1.envelope, m1.headerLength + 3, 0), EXTERNAL,
          "signature-invalid", pay1, "SignatureInvalid", "PerMessageSignature", "BitFlip");
      signedInvalid("per-message signature, a bit of the body flipped, no trusted writer required", flip(m1.envelope, m1.headerLength + 3, 0),
          EXTERNAL, "authentication-failed", null, "NoTrustRequired", "PerMessageSignature", "BitFlip");
      signedInvalid("per-message signature, a bit of the nonce flipped", flip(m1.envelope, m1.nonceOffset + 11, 7), EXTERNAL,
          "signature-invalid", pay1, "SignatureInvalid", "PerMessageSignature", "BitFlip");
      signedInvalid("per-message signature, a bit of the wrapped DEK flipped", flip(m1.envelope, m1.recipientSpans.get(0)[3], 0), EXTERNAL,
          "signature-invalid", pay1, "SignatureInvalid", "PerMessageSignature", "BitFlip");
      for (int i : new int[] {0, 32, 63}) {
        byte[] e = flip(m1.envelope, m1.signatureOffset + i, 4);
        signedInvalid("per-message signature, byte " + i + " of the message signature flipped", e, EXTERNAL, "signature-invalid", pay1,
            "SignatureInvalid", "PerMessageSignature", "BitFlip");
      }
      signedValid("per-message signature flipped, no trusted writer required: outside the AAD, nothing verified",
          flip(m1.envelope, m1.signatureOffset + 5, 1), EXTERNAL, pt, null, null, "NoTrustRequired", "PerMessageSignature", "BitFlip");
      signedInvalid("per-message signature, another external context: it is signed", m1.envelope, Map.of("topic", "refunds"),
          "signature-invalid", pay1, "SignatureInvalid", "PerMessageSignature", "ExternalContextMismatch");
      byte[] msig = Arrays.copyOfRange(m1.envelope, m1.signatureOffset, m1.envelope.length);
      byte[] m1e = Arrays.copyOf(m1.envelope, m1.signatureOffset);
      signedInvalid("per-message: S replaced by S + L (non-canonical)", cat(m1e, nonCanonical(msig)), EXTERNAL, "signature-invalid", pay1,
          "SignatureInvalid", "NonCanonicalSignature", "PerMessageSignature");
      byte[] p2 = Arrays.copyOfRange(m1.envelope, m1.signerOffset, m1.nonceOffset);
      byte[] otherBody = resealed(m1, p2, null, Drbg.bytes("per-message reuse nonce", 12), ext, text("{\"written\":\"by a recipient\"}"));
      signedInvalid("per-message: a holder of the DEK writes a new envelope and appends the old signature", cat(otherBody, msig), EXTERNAL,
          "signature-invalid", pay1, "SignatureInvalid", "PerMessageSignature", "PerDekReuse");
      signedInvalid("per-message signature, a trailing byte: the last 64 bytes shift", cat(m1.envelope, new byte[] {0}), EXTERNAL,
          "signature-invalid", pay1, "SignatureInvalid", "PerMessageSignature", "TrailingBytes");
      signedInvalid("per-message signature, a trailing byte, no trusted writer required", cat(m1.envelope, new byte[] {0}), EXTERNAL,
          "authentication-failed", null, "NoTrustRequired", "PerMessageSignature", "TrailingBytes");
      signedInvalid("per-message: 63 bytes after the header (step 9)", Arrays.copyOf(m1.envelope, m1.headerLength + 63), EXTERNAL,
          "malformed-header", pay1, "PerMessageSignature", "Truncated", "MalformedHeader");
      signedInvalid("per-message: exactly 64 bytes after the header: an empty body, shorter than the tag (step 9)",
          Arrays.copyOf(m1.envelope, m1.headerLength + 64), EXTERNAL, "authentication-failed", pay1, "PerMessageSignature", "Truncated",
          "ErrorOrder");
      signedInvalid("sign mode 01 changed to 02: the header signature becomes nonce and body, the last 64 bytes the signature",
          withByte(d1.envelope, d1.signerOffset, 2), EXTERNAL,
          "signature-invalid", pay1, "SignatureInvalid", "SignMode");

      // Forgeries: only consumer-a's public key (public by design) is known to the forger.
      Built forged = encryptCase("decrypt forged x25519", SuiteSpec.CHACHA20_POLY1305, List.of(To.x25519("consumer-a")), NONE, EXTERNAL,
          text("{\"iban\":\"forged\"}"));
      signedInvalid("forgery: an unsigned envelope for consumer-a, written with its public key alone", forged.envelope, EXTERNAL,
          "untrusted-writer", pay1, "UntrustedWriter", "Forgery", "X25519");
      signedValid("the same forgery, no trusted writer required: accepted, which is what writer trust is for", forged.envelope, EXTERNAL,
          text("{\"iban\":\"forged\"}"), null, null, "NoTrustRequired", "Forgery", "X25519");
      SpecWriter.Signer forger = new SpecWriter.Signer(FORGER_SEED, PAYMENTS_WRITER, 1, dek);
      Built forgedSigned = encryptCase("decrypt forged signed", SuiteSpec.CHACHA20_POLY1305_SIGNED, List.of(To.x25519("consumer-a")), NONE,
          EXTERNAL, text("{\"iban\":\"forged\"}"), forger);
      signedInvalid("forgery: signed with the forger's key under the name payments-writer v1", forgedSigned.envelope, EXTERNAL,
          "signature-invalid", pay1, "SignatureInvalid", "Forgery", "X25519", "PerDekSignature");
      Built forgedOwn = encryptCase("decrypt forged own name", SuiteSpec.CHACHA20_POLY1305_SIGNED, List.of(To.x25519("consumer-a")), NONE,
          EXTERNAL, text("{\"iban\":\"forged\"}"), new SpecWriter.Signer(FORGER_SEED, "forger", 1, msg));
      signedInvalid("forgery: signed with the forger's key under its own name", forgedOwn.envelope, EXTERNAL, "untrusted-writer", pay1,
          "UntrustedWriter", "Forgery", "X25519", "PerMessageSignature");

      // Step 7a: the signer field's syntax, whatever the trust.
      for (int mode : new int[] {0, 3}) {
        for (List<Trust> trust : java.util.Arrays.asList(pay1, null)) {
          signedInvalid("sign mode " + String.format("%02x", mode) + (trust == null ? ", no trusted writer required" : ""),
              withByte(d1.envelope, d1.signerOffset, mode), EXTERNAL, "malformed-header", trust, "SignMode", "MalformedHeader");
        }
      }
      byte[] signerHead = Arrays.copyOf(d1.envelope, d1.signerOffset);
      signedInvalid("signer id length 0", cat(signerHead, new byte[] {1, 0}, u32(1), FILLER, FILLER), EXTERNAL, "malformed-header", pay1,
          "MalformedHeader");
      signedInvalid("signer id is an overlong UTF-8 encoding", cat(signerHead, new byte[] {1, 2}, HEX.parseHex("c0af"), u32(1), FILLER,
          FILLER), EXTERNAL, "malformed-header", pay1, "MalformedHeader", "InvalidUtf8");
      int k = PAYMENTS_WRITER.length();
      for (int cut : new int[] {d1.signerOffset, d1.signerOffset + 1, d1.signerOffset + 2, d1.signerOffset + 2 + k / 2,
          d1.signerOffset + 2 + k + 2, d1.signatureOffset, d1.signatureOffset + 63, d1.nonceOffset + 11}) {
        signedInvalid("per-DEK signature, cut to " + cut + " bytes (inside the signer field or nonce)", Arrays.copyOf(d1.envelope, cut),
            EXTERNAL, "malformed-header", pay1, "Truncated", "MalformedHeader");
      }
      // [SIG-3]: no per-message signature with a segmented suite.
      Built seg02 = encryptCase("decrypt per-message segmented", SuiteSpec.AES_256_GCM_SIGNED_SEGMENTED, orders, NONE, EXTERNAL, pt,
          payments1(msg));
      Built chachaSeg02 = encryptCase("decrypt per-message segmented chacha", SuiteSpec.CHACHA20_POLY1305_SIGNED_SEGMENTED, orders, NONE,
          EXTERNAL, pt, payments1(msg));
      signedInvalid("suite 0301 with sign mode 02", seg02.envelope, EXTERNAL, "malformed-header", pay1, "PerMessageSegmented", "MalformedHeader");
      signedInvalid("suite 0301 with sign mode 02, no trusted writer required", seg02.envelope, EXTERNAL, "malformed-header", null,
          "PerMessageSegmented", "MalformedHeader");
      signedInvalid("suite 0302 with sign mode 02", chachaSeg02.envelope, EXTERNAL, "malformed-header", pay1, "PerMessageSegmented",
          "MalformedHeader");

      // [ERR-2]: the order of step 10a among the others.
      ObjectNode t = signedInvalid("required context mismatch and unsigned: step 10 first", unsigned.envelope, EXTERNAL, "context-mismatch",
          pay1, "ErrorOrder", "ContextMismatch", "UntrustedWriter");
      t.set("requiredContext", ctx(Map.of("tenant", "globex")));
      t = signedInvalid("plaintext over the limit and unsigned: step 9 first", unsigned.envelope, EXTERNAL, "limit-exceeded", pay1,
          "ErrorOrder", "LimitExceeded", "UntrustedWriter");
      t.put("maxPlaintextLength", 1);
      signedInvalid("body shorter than the tag and an untrusted signer: step 9 first", Arrays.copyOf(d1.envelope, d1.headerLength + 15),
          EXTERNAL, "authentication-failed", pay2, "ErrorOrder", "Truncated", "UntrustedWriter");
      signedInvalid("wrapped DEK flipped and an untrusted signer: step 10a first", flip(d1.envelope, r[3], 0), EXTERNAL, "untrusted-writer",
          pay2, "ErrorOrder", "UntrustedWriter", "UnwrapFailed");
      signedInvalid("commitment flipped, so the signature fails, and the commitment mismatches: step 10a first",
          flip(d1.envelope, d1.commitmentOffset, 0), EXTERNAL, "signature-invalid", pay1, "ErrorOrder", "SignatureInvalid",
          "CommitmentMismatch");
      signedInvalid("sign mode 03 and the signer untrusted: step 7a first", withByte(d1.envelope, d1.signerOffset, 3), EXTERNAL,
          "malformed-header", pay2, "ErrorOrder", "SignMode", "MalformedHeader");
      // [LIM-2] applies to the signer field as to every header field (step 7a): padding entries of a
      // private type bring the signed header to exactly 16384 bytes, then let the signature cross it.
      byte[] padDek = Drbg.bytes("signed pad dek", 32);
      byte[] padNonce = Drbg.bytes("signed pad nonce", 12);
      Entry padOrders = new Entry(1, "orders", 2, SpecWriter.aesKw(ORDERS_V2, padDek));
      for (int last : new int[] {3853, 3866}) {
        List<Entry> entries = new ArrayList<>();
        int[] widths = {4096, 4096, 4096, last};
        for (int i = 0; i < widths.length; i++) {
          entries.add(new Entry(0x80, "pad-" + i, 1, Drbg.bytes("pad " + widths[i], widths[i])));
        }
        entries.add(padOrders);
        byte[] env = signedEnvelope(SuiteSpec.AES_256_GCM_SIGNED, entries, padDek, padNonce, pt, payments1(dek));
        if (last == 3853) {
          signedValid("a signed header of exactly 16384 bytes", env, NONE, pt, pay1, payments1(dek), "AtLimit", "Signed",
              "PerDekSignature", "TrustedWriter", "UnknownRecipientType");
        } else {
          signedInvalid("a signed header whose header signature crosses 16384 bytes", env, NONE, "limit-exceeded", pay1,
              "LimitExceeded", "Signed", "PerDekSignature");
        }
      }

      group("Signed suites; the reader holds only 'orders' version 1.", keys(symKey("orders", 1, ORDERS_V1)));
      signedInvalid("signed by a trusted writer, no key held: step 11 after 10a", d1.envelope, EXTERNAL, "no-matching-key", pay1,
          "TrustedWriter", "NoMatchingKey", "ErrorOrder");
      signedInvalid("signed by an untrusted writer, no key held: step 10a first", d1.envelope, EXTERNAL, "untrusted-writer", pay2,
          "UntrustedWriter", "NoMatchingKey", "ErrorOrder");
      signedInvalid("a bad signature, no key held: step 10a first", wrongSigned, EXTERNAL, "signature-invalid", pay1,
          "SignatureInvalid", "NoMatchingKey", "ErrorOrder");
    }

    /** A signed envelope of these entries, the commitment and body of {@code dek}, empty contexts. */
    private static byte[] signedEnvelope(SuiteSpec suite, List<Entry> entries, byte[] dek, byte[] nonce, byte[] pt,
        SpecWriter.Signer signer) throws GeneralSecurityException {
      byte[] p = cat(SpecWriter.prefix(suite.id, entries, SpecWriter.commitment(suite, dek), new byte[] {0}), signer.field());
      byte[] header = cat(p, SpecWriter.ed25519Sign(signer.seed, cat(SpecWriter.SIGNED_HEADER, p)), nonce);
      return cat(header, SpecWriter.body(suite, SpecWriter.kMsg(suite, dek), nonce, header, new byte[] {0}, pt));
    }

    private static byte[] withByte(byte[] env, int offset, int value) {
      byte[] copy = env.clone();
      copy[offset] = (byte) value;
      return copy;
    }

    // ------------------------------------------------------------------------------------------
    // SPEC.md section 17: segmented bodies.

    private void segmented(byte[] pt) throws GeneralSecurityException {
      List<To> orders = List.of(To.sym("orders", 2));
      List<Trust> pay1 = List.of(PAY1);
      byte[] ext = SpecWriter.context(EXTERNAL);
      Built one = encryptCase("decrypt segmented one", SuiteSpec.AES_256_GCM_SEGMENTED, orders, STORED, EXTERNAL, pt);
      Built empty = encryptCase("decrypt segmented empty", SuiteSpec.AES_256_GCM_SEGMENTED, orders, NONE, EXTERNAL, new byte[0]);
      Built chacha = encryptCase("decrypt segmented chacha", SuiteSpec.CHACHA20_POLY1305_SEGMENTED, List.of(To.x25519("consumer-a")), NONE,
          EXTERNAL, new byte[] {0x42});
      byte[] pt2 = SpecWriter.pattern(65536 + 10);
      byte[] pt3 = SpecWriter.pattern(2 * 65536 + 10);
      Built two = encryptCase("decrypt segmented two", SuiteSpec.AES_256_GCM_SEGMENTED, orders, NONE, EXTERNAL, pt2);
      Built three = encryptCase("decrypt segmented three", SuiteSpec.AES_256_GCM_SEGMENTED, orders, NONE, EXTERNAL, pt3);
      Built other = encryptCase("decrypt segmented other", SuiteSpec.AES_256_GCM_SEGMENTED, orders, NONE, EXTERNAL, pt2);
      Built signedOne = encryptCase("decrypt signed segmented", SuiteSpec.AES_256_GCM_SIGNED_SEGMENTED, orders, STORED, EXTERNAL, pt,
          payments1(SpecWriter.PER_DEK));

      group("Segmented suites (SPEC.md section 17); the reader holds every key.", allKeys());
      valid("one segment, stored and external context", one, EXTERNAL, pt, "Segmented", "StoredContext", "ExternalContext");
      valid("one empty segment: the empty plaintext", empty, EXTERNAL, new byte[0], "Segmented", "EmptyPlaintext");
      valid("ChaCha20-Poly1305, X25519 recipient, one segment", chacha, EXTERNAL, new byte[] {0x42}, "Segmented", "X25519");
      ObjectNode t = test("two segments, the reader's limit exactly the plaintext: 16 bytes per segment on top [SEG-8]", two.envelope,
          EXTERNAL, null, "Segmented", "MultiSegment", "AtLimit", "PlaintextPattern");
      t.set("plaintextPattern", pattern(pt2.length));
      t.put("maxPlaintextLength", pt2.length);
      t = test("one segment, plaintext one byte over the reader's limit", one.envelope, EXTERNAL, "limit-exceeded", "Segmented",
          "LimitExceeded");
      t.put("maxPlaintextLength", pt.length - 1);
      signedValid("signed and segmented, per-DEK signature, trusted writer", signedOne.envelope, EXTERNAL, pt, pay1,
          payments1(SpecWriter.PER_DEK), "Signed", "PerDekSignature", "TrustedWriter", "Segmented");
      signedInvalid("signed and segmented, a header-signature bit flipped", flip(signedOne.envelope, signedOne.signatureOffset + 1, 0),
          EXTERNAL, "signature-invalid", pay1, "SignatureInvalid", "PerDekSignature", "Segmented", "BitFlip");

      invalid("one segment, a bit of its ciphertext flipped", flip(one.envelope, one.headerLength, 0), EXTERNAL, "authentication-failed",
          "Segmented", "BitFlip");
      invalid("one segment, a bit of its tag flipped", flip(one.envelope, one.envelope.length - 1, 7), EXTERNAL, "authentication-failed",
          "Segmented", "BitFlip");
      invalid("one segment, a stored context bit flipped: segment 0 carries the header", flip(one.envelope, one.nonceOffset - 1, 1),
          EXTERNAL, "authentication-failed", "Segmented", "BitFlip", "StoredContext");
      invalid("one segment, another external context", one.envelope, Map.of("topic", "refunds"), "authentication-failed", "Segmented",
          "ExternalContextMismatch");
      invalid("the header alone: no segment", Arrays.copyOf(one.envelope, one.headerLength), EXTERNAL, "authentication-failed",
          "Segmented", "Truncated");
      invalid("one segment cut to 15 bytes", Arrays.copyOf(empty.envelope, empty.headerLength + 15), EXTERNAL, "authentication-failed",
          "Segmented", "Truncated", "ShortLastSegment");
      invalid("a trailing byte after the last segment", cat(one.envelope, new byte[] {0}), EXTERNAL, "authentication-failed",
          "Segmented", "TrailingBytes");
      byte[] notLast = cat(one.header, SpecWriter.segment(one.suite, one.kEnv, 0, false, one.aad, pt));
      invalid("the only segment written with f = 00: no last segment", notLast, EXTERNAL, "authentication-failed", "Segmented",
          "TruncatedAtSegment");
      byte[] s0 = two.segments.get(0);
      byte[] s1 = two.segments.get(1);
      invalid("two segments, cut after the first: truncated at a segment boundary", cat(two.header, s0), EXTERNAL,
          "authentication-failed", "Segmented", "MultiSegment", "TruncatedAtSegment");
      invalid("two segments, the last cut to 10 bytes", cat(two.header, s0, Arrays.copyOf(s1, 10)), EXTERNAL, "authentication-failed",
          "Segmented", "MultiSegment", "ShortLastSegment");
      invalid("two segments and a trailing byte", cat(two.envelope, new byte[] {0}), EXTERNAL, "authentication-failed", "Segmented",
          "MultiSegment", "TrailingBytes");
      invalid("segment 0 repeated: 0, 0, 1", cat(two.header, s0, s0, s1), EXTERNAL, "authentication-failed", "Segmented", "MultiSegment",
          "SegmentDuplicated");
      byte[] t0 = three.segments.get(0);
      byte[] t1 = three.segments.get(1);
      byte[] t2 = three.segments.get(2);
      invalid("three segments, the middle one dropped", cat(three.header, t0, t2), EXTERNAL, "authentication-failed", "Segmented",
          "MultiSegment", "SegmentDropped");
      invalid("three segments, the first two swapped", cat(three.header, t1, t0, t2), EXTERNAL, "authentication-failed", "Segmented",
          "MultiSegment", "SegmentsSwapped");
      invalid("the second segment taken from another envelope", cat(two.header, s0, other.segments.get(1)), EXTERNAL,
          "authentication-failed", "Segmented", "MultiSegment", "ForeignSegment");
      byte[] full = SpecWriter.pattern(65536);
      byte[] emptyAfter = cat(two.header, SpecWriter.segment(two.suite, two.kEnv, 0, false, two.aad, full),
          SpecWriter.segment(two.suite, two.kEnv, 1, true, two.aad, new byte[0]));
      invalid("65536 bytes as a full segment then an empty last segment (both authentic) [SEG-2]", emptyAfter, EXTERNAL,
          "authentication-failed", "Segmented", "MultiSegment", "EmptyLastSegment");
      byte[] finalFirst = cat(two.header, SpecWriter.segment(two.suite, two.kEnv, 0, true, two.aad, Arrays.copyOf(pt2, 65536)), s1);
      invalid("the first of two segments written with f = 01", finalFirst, EXTERNAL, "authentication-failed", "Segmented", "MultiSegment",
          "FinalFlagMidStream");

      // Section 11 step 9: a segmented envelope read whole gets only the plaintext limit there
      // [SEG-8]; its segment lengths fail at step 13 [SEG-2], as in a streamed reading. So the
      // faults of steps 10 to 12 come first, whole or streamed.
      byte[] five = Arrays.copyOf(one.envelope, one.headerLength + 5);
      byte[] signedFive = Arrays.copyOf(signedOne.envelope, signedOne.headerLength + 5);
      invalid("a body of 5 bytes: authentication-failed at step 13, not step 9 [SEG-2]", five, EXTERNAL, "authentication-failed",
          "Segmented", "Truncated", "ShortLastSegment");
      t = test("a body of 5 bytes and a required context entry missing: step 10 first [SEG-8]", five, EXTERNAL, "context-mismatch",
          "Segmented", "ErrorOrder", "ContextMismatch", "ShortLastSegment");
      t.set("requiredContext", ctx(Map.of("tenant", "globex")));
      signedInvalid("signed and segmented, a body of 5 bytes, an untrusted signer: step 10a first [SEG-8]", signedFive, EXTERNAL,
          "untrusted-writer", List.of(PAY2), "Segmented", "ErrorOrder", "UntrustedWriter", "ShortLastSegment");
      signedInvalid("signed and segmented, a body of 5 bytes, the trusted signer: the header signature verifies, step 13 fails",
          signedFive, EXTERNAL, "authentication-failed", pay1, "Segmented", "TrustedWriter", "Truncated", "ShortLastSegment");

      group("Segmented suites; the reader holds only 'orders' version 1.", keys(symKey("orders", 1, ORDERS_V1)));
      invalid("a body of 5 bytes, no key held: step 11 first [SEG-8]", five, EXTERNAL, "no-matching-key", "Segmented", "ErrorOrder",
          "NoMatchingKey", "ShortLastSegment");
      invalid("the header alone, no key held: step 11 first [SEG-8]", Arrays.copyOf(one.envelope, one.headerLength), EXTERNAL,
          "no-matching-key", "Segmented", "ErrorOrder", "NoMatchingKey", "Truncated");
      byte[] emptyLastNoKey = cat(two.header, s0, Arrays.copyOf(s1, 16));
      invalid("two segments, the last cut to its 16-byte tag, no key held: step 11 first [SEG-8]", emptyLastNoKey, EXTERNAL,
          "no-matching-key", "Segmented", "MultiSegment", "ErrorOrder", "NoMatchingKey", "EmptyLastSegment");
    }

    // ------------------------------------------------------------------------------------------
    // SPEC.md section 18: compressed payloads.

    private int packedCount;

    /** An envelope of {@code suite} for 'orders' v2 and the external context {@link #EXTERNAL}, sealing {@code packed}. */
    private byte[] sealPacked(SuiteSpec suite, byte[] packed) throws GeneralSecurityException {
      return sealPacked(suite, packed, null);
    }

    private byte[] sealPacked(SuiteSpec suite, byte[] packed, SpecWriter.Signer signer) throws GeneralSecurityException {
      return encryptCase("decrypt compressed " + packedCount++, suite, List.of(To.sym("orders", 2)), NONE, EXTERNAL, new byte[0],
          signer, packed).envelope;
    }

    private void packedValid(String comment, SuiteSpec suite, byte[] packed, byte[] pt, String... flags)
        throws GeneralSecurityException {
      test(comment, sealPacked(suite, packed), EXTERNAL, null, flags).put("plaintext", HEX.formatHex(pt));
    }

    private ObjectNode packedInvalid(String comment, SuiteSpec suite, byte[] packed, String error, String... flags)
        throws GeneralSecurityException {
      return test(comment, sealPacked(suite, packed), EXTERNAL, error, flags);
    }

    private static byte[] repeat(int b, int n) {
      byte[] out = new byte[n];
      Arrays.fill(out, (byte) b);
      return out;
    }

    /**
     * Step 14 of SPEC.md section 11 and [CMP-3], [CMP-4], [CMP-6]. Every envelope authenticates;
     * the outcome follows from the packed payload built here, field by field: its length, method,
     * declared length and data. Hand-built frames and blocks are checked against nothing but
     * RFC 8878 and the LZ4 Block Format.
     */
    private void compressed() throws GeneralSecurityException {
      SuiteSpec gcm = SuiteSpec.AES_256_GCM_COMPRESSED;
      SuiteSpec chacha = SuiteSpec.CHACHA20_POLY1305_COMPRESSED;
      byte[] ev = Compressed.EVENTS;
      byte[] zstd = Compressed.zstdEvents();
      byte[] lz4 = Compressed.lz4Events();
      String c = "Compressed";
      String mp = "malformed-payload";
      String bad = "MalformedPayload";
      String hb = "HandBuilt";

      group("Compressed suites (SPEC.md section 18); the reader holds every key.", allKeys());
      // Valid: each suite and method.
      packedValid("0401, stored empty plaintext", gcm, SpecWriter.stored(new byte[0]), new byte[0], c, "PackStored", "EmptyPlaintext");
      packedValid("0401, stored JSON", gcm, SpecWriter.stored(ev), ev, c, "PackStored");
      packedValid("0401, JSON in one zstd frame", gcm, zstd, ev, c, "PackZstd", "CompressorOutput");
      packedValid("0401, JSON in one LZ4 block", gcm, lz4, ev, c, "PackLz4", "CompressorOutput");
      packedValid("0402, JSON in one zstd frame", chacha, zstd, ev, c, "PackZstd", "CompressorOutput");
      packedValid("0402, JSON in one LZ4 block", chacha, lz4, ev, c, "PackLz4", "CompressorOutput");
      packedValid("0402, stored 1-byte plaintext", chacha, SpecWriter.stored(new byte[] {0x42}), new byte[] {0x42}, c, "PackStored");
      List<Trust> pay1 = List.of(PAY1);
      List<Trust> pay2 = List.of(PAY2);
      signedValid("0501, per-DEK signature, trusted writer, zstd", sealPacked(SuiteSpec.AES_256_GCM_SIGNED_COMPRESSED, zstd,
          payments1(SpecWriter.PER_DEK)), EXTERNAL, ev, pay1, payments1(SpecWriter.PER_DEK), c, "PackZstd", "Signed",
          "PerDekSignature", "TrustedWriter");
      signedValid("0501, per-message signature, trusted writer, LZ4", sealPacked(SuiteSpec.AES_256_GCM_SIGNED_COMPRESSED, lz4,
          payments1(SpecWriter.PER_MESSAGE)), EXTERNAL, ev, pay1, payments1(SpecWriter.PER_MESSAGE), c, "PackLz4", "Signed",
          "PerMessageSignature", "TrustedWriter");
      signedValid("0502, per-DEK signature, trusted writer, stored", sealPacked(SuiteSpec.CHACHA20_POLY1305_SIGNED_COMPRESSED,
          SpecWriter.stored(ev), payments2(SpecWriter.PER_DEK)), EXTERNAL, ev, pay2, payments2(SpecWriter.PER_DEK), c, "PackStored",
          "Signed", "PerDekSignature", "TrustedWriter");
      signedValid("0502, per-message signature, no trusted writer required, zstd",
          sealPacked(SuiteSpec.CHACHA20_POLY1305_SIGNED_COMPRESSED, zstd, payments2(SpecWriter.PER_MESSAGE)), EXTERNAL, ev, null, null,
          c, "PackZstd", "Signed", "PerMessageSignature", "NoTrustRequired");
      signedInvalid("0502, per-message signature, an untrusted signer: step 10a before unpacking",
          sealPacked(SuiteSpec.CHACHA20_POLY1305_SIGNED_COMPRESSED, SpecWriter.packed(3, 0, new byte[0]), payments2(SpecWriter.PER_MESSAGE)),
          EXTERNAL, "untrusted-writer", pay1, c, "Signed", "PerMessageSignature", "UntrustedWriter", "ErrorOrder");

      // Valid frames and blocks written by hand.
      byte[] hello = text("hello, zstd raw block");
      packedValid("zstd: one raw block, frame content size and content checksum", gcm,
          SpecWriter.packed(SpecWriter.ZSTD, hello.length, new SpecWriter.ZstdFrame().contentSize(hello.length).checksum(hello)
              .raw(hello, true).build()), hello, c, "PackZstd", hb);
      packedValid("zstd: one RLE block of 1000 bytes, no frame content size (window descriptor)", gcm,
          SpecWriter.packed(SpecWriter.ZSTD, 1000, new SpecWriter.ZstdFrame().rle('a', 1000, true).build()), repeat('a', 1000),
          c, "PackZstd", hb);
      byte[] abcz = cat(text("abc"), repeat('z', 100));
      packedValid("zstd: a raw block, then an RLE block, frame content size and checksum", chacha,
          SpecWriter.packed(SpecWriter.ZSTD, abcz.length, new SpecWriter.ZstdFrame().contentSize(abcz.length).checksum(abcz)
              .raw(text("abc"), false).rle('z', 100, true).build()), abcz, c, "PackZstd", hb);
      packedValid("zstd: an empty frame (content size 0, one empty raw block) for the empty plaintext", gcm,
          SpecWriter.packed(SpecWriter.ZSTD, 0, new SpecWriter.ZstdFrame().contentSize(0).raw(new byte[0], true).build()), new byte[0],
          c, "PackZstd", hb, "EmptyPlaintext");
      packedValid("zstd: a 4-byte Dictionary_ID field holding 0, which names no dictionary", gcm,
          SpecWriter.packed(SpecWriter.ZSTD, hello.length, new SpecWriter.ZstdFrame().contentSize(hello.length).dictId(4, 0)
              .raw(hello, true).build()), hello, c, "PackZstd", hb);
      packedValid("zstd: a 2-byte frame content size field (300 = 256 + 44)", gcm,
          SpecWriter.packed(SpecWriter.ZSTD, 300, new SpecWriter.ZstdFrame().contentSize(300).rle(0, 300, true).build()), new byte[300],
          c, "PackZstd", hb);
      byte[] lit = text("hello, lz4");
      packedValid("LZ4: a block of literals only", gcm, SpecWriter.packed(SpecWriter.LZ4, lit.length, SpecWriter.lz4Last(lit)), lit,
          c, "PackLz4", hb);
      byte[] overlap = cat(text("ab"), text("abababababababababab"), text("XYZWV"));
      byte[] overlapBlock = cat(SpecWriter.lz4Sequence(text("ab"), 2, 20), SpecWriter.lz4Last(text("XYZWV")));
      packedValid("LZ4: a match overlapping its own output (offset 2, length 20), then 5 literals", chacha,
          SpecWriter.packed(SpecWriter.LZ4, overlap.length, overlapBlock), overlap, c, "PackLz4", hb);
      packedValid("LZ4: the empty block (one zero token) for the empty plaintext", gcm,
          SpecWriter.packed(SpecWriter.LZ4, 0, new byte[] {0}), new byte[0], c, "PackLz4", hb, "EmptyPlaintext");
      byte[] longLit = Drbg.bytes("lz4 long literals", 300);
      packedValid("LZ4: 300 literals, their length in extra bytes (15 + 255 + 30)", gcm,
          SpecWriter.packed(SpecWriter.LZ4, 300, SpecWriter.lz4Last(longLit)), longLit, c, "PackLz4", hb);

      // [CMP-4]: too short, unknown method.
      packedInvalid("packed payload of 0 bytes: the body is the tag alone", gcm, new byte[0], mp, c, bad, "EmptyPlaintext");
      packedInvalid("packed payload of 4 bytes: the length field is cut", gcm, new byte[] {0, 0, 0, 0}, mp, c, bad);
      packedInvalid("packed payload of 1 byte: method 00 alone", chacha, new byte[] {0}, mp, c, bad);
      packedInvalid("method 03 (unassigned)", gcm, SpecWriter.packed(3, 5, text("hello")), mp, c, bad);
      packedInvalid("method FF (unassigned)", chacha, SpecWriter.packed(0xFF, 0, new byte[0]), mp, c, bad);
      // Method 00.
      packedInvalid("stored: one data byte more than the declared length", gcm, SpecWriter.packed(0, ev.length - 1, ev), mp, c, bad,
          "PackStored");
      packedInvalid("stored: one data byte fewer than the declared length", gcm, SpecWriter.packed(0, ev.length + 1, ev), mp, c, bad,
          "PackStored");
      packedInvalid("stored: declared length 1, no data", chacha, SpecWriter.packed(0, 1, new byte[0]), mp, c, bad, "PackStored");
      // Method 01.
      byte[] helloFrame = new SpecWriter.ZstdFrame().contentSize(hello.length).raw(hello, true).build();
      int h = hello.length;
      packedInvalid("zstd: no data", gcm, SpecWriter.packed(1, 0, new byte[0]), mp, c, bad, "PackZstd");
      packedInvalid("zstd: an LZ4 block as data", gcm, SpecWriter.packed(1, ev.length, Compressed.LZ4_EVENTS), mp, c, bad, "PackZstd");
      packedInvalid("zstd: a skippable frame alone", gcm, SpecWriter.packed(1, 0, SpecWriter.zstdSkippable(text("meta"))), mp, c, bad,
          "PackZstd", hb);
      packedInvalid("zstd: a skippable frame, then the frame", gcm,
          SpecWriter.packed(1, h, cat(SpecWriter.zstdSkippable(text("meta")), helloFrame)), mp, c, bad, "PackZstd", hb);
      packedInvalid("zstd: the frame, then a skippable frame", gcm,
          SpecWriter.packed(1, h, cat(helloFrame, SpecWriter.zstdSkippable(text("meta")))), mp, c, bad, "PackZstd", hb);
      byte[] half1 = new SpecWriter.ZstdFrame().contentSize(7).raw(Arrays.copyOf(hello, 7), true).build();
      byte[] half2 = new SpecWriter.ZstdFrame().contentSize(h - 7).raw(Arrays.copyOfRange(hello, 7, h), true).build();
      packedInvalid("zstd: two frames that together give the declared length", gcm, SpecWriter.packed(1, h, cat(half1, half2)), mp,
          c, bad, "PackZstd", hb);
      packedInvalid("zstd: the compressor's frame, then a zero byte", gcm,
          SpecWriter.packed(1, ev.length, cat(Compressed.ZSTD_EVENTS, new byte[] {0})), mp, c, bad, "PackZstd");
      packedInvalid("zstd: Dictionary_ID 1 in a 1-byte field", gcm, SpecWriter.packed(1, h,
          new SpecWriter.ZstdFrame().contentSize(h).dictId(1, 1).raw(hello, true).build()), mp, c, bad, "PackZstd", hb);
      packedInvalid("zstd: Dictionary_ID 0x12345678 in a 4-byte field, no frame content size", chacha, SpecWriter.packed(1, h,
          new SpecWriter.ZstdFrame().dictId(4, 0x12345678L).raw(hello, true).build()), mp, c, bad, "PackZstd", hb);
      packedInvalid("zstd: frame content size one more than the declared length, which the data gives", gcm, SpecWriter.packed(1, h,
          new SpecWriter.ZstdFrame().contentSize(h + 1).raw(hello, true).build()), mp, c, bad, "PackZstd", hb);
      packedInvalid("zstd: no frame content size, the data gives one byte fewer than declared", gcm, SpecWriter.packed(1, h + 1,
          new SpecWriter.ZstdFrame().raw(hello, true).build()), mp, c, bad, "PackZstd", hb);
      packedInvalid("zstd: no frame content size, the data gives one byte more than declared", gcm, SpecWriter.packed(1, h - 1,
          new SpecWriter.ZstdFrame().raw(hello, true).build()), mp, c, bad, "PackZstd", hb);
      packedInvalid("zstd: the compressor's frame, declared length one more than it gives", gcm,
          SpecWriter.packed(1, ev.length + 1, Compressed.ZSTD_EVENTS), mp, c, bad, "PackZstd");
      byte[] badSum = new SpecWriter.ZstdFrame().contentSize(h).checksum(hello).raw(hello, true).build();
      badSum[badSum.length - 1] ^= 1;
      packedInvalid("zstd: content checksum with one bit flipped", gcm, SpecWriter.packed(1, h, badSum), mp, c, bad, "PackZstd", hb);
      packedInvalid("zstd: the last block cut by one byte", gcm,
          SpecWriter.packed(1, h, Arrays.copyOf(helloFrame, helloFrame.length - 1)), mp, c, bad, "PackZstd", hb, "Truncated");
      packedInvalid("zstd: no last block (Last_Block never set)", gcm, SpecWriter.packed(1, h,
          new SpecWriter.ZstdFrame().contentSize(h).raw(hello, false).build()), mp, c, bad, "PackZstd", hb, "Truncated");
      byte[] reserved = cat(new SpecWriter.ZstdFrame().contentSize(h).build(), SpecWriter.ZstdFrame.blockHeader(3, h, true), hello);
      packedInvalid("zstd: a block of the reserved Block_Type 3", gcm, SpecWriter.packed(1, h, reserved), mp, c, bad, "PackZstd", hb);
      // Method 02.
      packedInvalid("LZ4: no data, declared length 0", gcm, SpecWriter.packed(2, 0, new byte[0]), mp, c, bad, "PackLz4");
      packedInvalid("LZ4: no data, declared length 5", gcm, SpecWriter.packed(2, 5, new byte[0]), mp, c, bad, "PackLz4");
      packedInvalid("LZ4: the compressor's block, then a zero byte", gcm,
          SpecWriter.packed(2, ev.length, cat(Compressed.LZ4_EVENTS, new byte[] {0})), mp, c, bad, "PackLz4");
      packedInvalid("LZ4: the compressor's block, declared length one more than it gives", gcm,
          SpecWriter.packed(2, ev.length + 1, Compressed.LZ4_EVENTS), mp, c, bad, "PackLz4");
      packedInvalid("LZ4: the compressor's block, declared length one less than it gives", chacha,
          SpecWriter.packed(2, ev.length - 1, Compressed.LZ4_EVENTS), mp, c, bad, "PackLz4");
      packedInvalid("LZ4: literals, declared length one more than they give", gcm,
          SpecWriter.packed(2, lit.length + 1, SpecWriter.lz4Last(lit)), mp, c, bad, "PackLz4", hb);
      packedInvalid("LZ4: a literal length beyond the end of the data", gcm,
          SpecWriter.packed(2, lit.length, Arrays.copyOf(SpecWriter.lz4Last(lit), lit.length)), mp, c, bad, "PackLz4", hb, "Truncated");
      packedInvalid("LZ4: a match before the start of the output (offset 100 after 4 literals)", gcm, SpecWriter.packed(2, 33,
          cat(SpecWriter.lz4Sequence(text("abcd"), 100, 24), SpecWriter.lz4Last(text("VWXYZ")))), mp, c, bad, "PackLz4", hb);
      packedInvalid("LZ4: a zstd frame as data", chacha, SpecWriter.packed(2, ev.length, Compressed.ZSTD_EVENTS), mp, c, bad, "PackLz4");

      // [CMP-3]: the declared length against the limit, before allocating or decompressing.
      byte[] tenA = new SpecWriter.ZstdFrame().rle('a', 10, true).build();
      packedInvalid("zstd: declared length 2^30 + 1, data of 10 bytes", gcm, SpecWriter.packed(1, (1 << 30) + 1, tenA),
          "limit-exceeded", c, "LimitExceeded", "DeclaredLength", "PackZstd");
      packedInvalid("LZ4: declared length FFFFFFFF", gcm, SpecWriter.packed(2, 0xFFFFFFFFL, SpecWriter.lz4Last(lit)), "limit-exceeded", c,
          "LimitExceeded", "DeclaredLength", "PackLz4");
      packedInvalid("stored: declared length 2^30 + 1 and 5 data bytes: the limit first", chacha,
          SpecWriter.packed(0, (1 << 30) + 1, text("hello")), "limit-exceeded", c, "LimitExceeded", "DeclaredLength", "PackStored",
          "ErrorOrder");
      packedInvalid("method 03 and declared length FFFFFFFF: the method first", gcm, SpecWriter.packed(3, 0xFFFFFFFFL, new byte[0]), mp,
          c, bad, "ErrorOrder");
      SpecWriter.ZstdFrame bomb = new SpecWriter.ZstdFrame().contentSize(2 << 20);
      for (int i = 0; i < 16; i++) {
        bomb.rle(0, 128 * 1024, i == 15);
      }
      packedInvalid("zstd: 2 MiB of zeros in 16 RLE blocks (75 bytes), the reader's limit 1024", gcm,
          SpecWriter.packed(1, 2 << 20, bomb.build()), "limit-exceeded", c, "LimitExceeded", "DeclaredLength", "DecompressionBomb",
          "PackZstd", hb).put("maxPlaintextLength", 1024);
      packedInvalid("zstd: RLE 1025 zeros, the reader's limit 1024", gcm,
          SpecWriter.packed(1, 1025, new SpecWriter.ZstdFrame().rle(0, 1025, true).build()), "limit-exceeded", c, "LimitExceeded",
          "DeclaredLength", "PackZstd", hb).put("maxPlaintextLength", 1024);
      test("zstd: RLE 1024 zeros, the reader's limit 1024", sealPacked(gcm,
          SpecWriter.packed(1, 1024, new SpecWriter.ZstdFrame().rle(0, 1024, true).build())), EXTERNAL, null, c, "AtLimit", "PackZstd", hb)
          .put("maxPlaintextLength", 1024).put("plaintext", HEX.formatHex(new byte[1024]));
      packedInvalid("JSON in one zstd frame, the reader's limit one byte less: the declared length", gcm, zstd, "limit-exceeded", c,
          "LimitExceeded", "DeclaredLength", "PackZstd").put("maxPlaintextLength", ev.length - 1);
      test("JSON in one zstd frame, the reader's limit exactly its length", sealPacked(gcm, zstd), EXTERNAL, null, c, "AtLimit",
          "PackZstd").put("maxPlaintextLength", ev.length).put("plaintext", HEX.formatHex(ev));
      // [LIM-3]: the body limit of a compressed suite is the plaintext limit + 5 + 16.
      test("stored JSON, the reader's limit exactly its length: a body of limit + 21 bytes", sealPacked(gcm, SpecWriter.stored(ev)),
          EXTERNAL, null, c, "AtLimit", "PackStored").put("maxPlaintextLength", ev.length).put("plaintext", HEX.formatHex(ev));
      packedInvalid("stored JSON, the reader's limit one byte less: a body of limit + 22 bytes (step 9)", gcm, SpecWriter.stored(ev),
          "limit-exceeded", c, "LimitExceeded", "PackStored").put("maxPlaintextLength", ev.length - 1);
      packedInvalid("stored, 20 data bytes declared as 5, the reader's limit 10: the body limit (step 9) first", gcm,
          SpecWriter.packed(0, 5, repeat('x', 20)), "limit-exceeded", c, "LimitExceeded", "ErrorOrder", "PackStored")
          .put("maxPlaintextLength", 10);
      // [CMP-6], [ERR-2]: authentication (step 13) before unpacking (step 14).
      byte[] m3 = sealPacked(gcm, SpecWriter.packed(3, 5, text("hello")));
      invalid("method 03, a tag bit flipped: authentication-failed before unpacking", flip(m3, m3.length - 1, 0), EXTERNAL,
          "authentication-failed", c, "BitFlip", "ErrorOrder");
      byte[] g = sealPacked(gcm, zstd);
      invalid("JSON in one zstd frame, another external context", g, Map.of("topic", "refunds"), "authentication-failed", c,
          "ExternalContextMismatch");
      // Added after the first cut of this group, so that the tcIds before stay as they were.
      packedInvalid("LZ4: a match with offset 0, which the LZ4 Block Format declares invalid", gcm, SpecWriter.packed(2, 13,
          cat(SpecWriter.lz4Sequence(text("abcd"), 0, 4), SpecWriter.lz4Last(text("VWXYZ")))), mp, c, bad, "PackLz4", hb);
      // liblz4 itself accepts this one (a match of 8 or more), copying from output it never wrote.
      packedInvalid("LZ4: a match of 8 bytes with offset 0", gcm, SpecWriter.packed(2, 17,
          cat(SpecWriter.lz4Sequence(text("abcd"), 0, 8), SpecWriter.lz4Last(text("VWXYZ")))), mp, c, bad, "PackLz4", hb);
      invalid("0401 read as 0001 (suite id flipped): the commitment binds the suite", withByte(g, 4, 0), EXTERNAL, "commitment-mismatch",
          c, "SuiteSwap");
      // [CMP-4]'s Window_Size bound, appended so that the tcIds before stay as they were. The two
      // frames differ in the Window_Descriptor byte alone; libzstd decodes both in one call.
      byte[] w = text("Window_Descriptor, then a 4-byte content size");
      packedValid("zstd: Window_Descriptor 0x88 (Exponent 17, Mantissa 0): Window_Size exactly 2^27, one raw block", gcm,
          SpecWriter.packed(SpecWriter.ZSTD, w.length, new SpecWriter.ZstdFrame().window(0x88).contentSize(w.length).raw(w, true)
              .build()), w, c, "PackZstd", hb, "WindowSize");
      packedInvalid("zstd: Window_Descriptor 0x89 (Exponent 17, Mantissa 1): Window_Size 2^27 + 2^24, one raw block", chacha,
          SpecWriter.packed(SpecWriter.ZSTD, w.length, new SpecWriter.ZstdFrame().window(0x89).contentSize(w.length).raw(w, true)
              .build()), mp, c, bad, "PackZstd", hb, "WindowSize");
    }

    private static byte[] rawCtx(byte[] k, byte[] v) {
      return cat(new byte[] {(byte) k.length}, k, u16(v.length), v);
    }

    /** Header with the commitment of {@code dek}, body under {@code dek}; entries as given. */
    private static byte[] envelope(SuiteSpec suite, List<Entry> entries, byte[] dek, byte[] nonce, byte[] pt)
        throws GeneralSecurityException {
      if (suite.signed || suite.segmented) {
        throw new IllegalArgumentException("plain suites only");
      }
      byte[] header = SpecWriter.header(suite.id, entries, SpecWriter.commitment(suite, dek), new byte[] {0}, nonce);
      return cat(header, SpecWriter.body(suite, SpecWriter.kMsg(suite, dek), nonce, header, new byte[] {0}, pt));
    }
  }
}
