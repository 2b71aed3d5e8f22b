package dev.sealpost.vectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sealpost.codec.Decryptor;
import dev.sealpost.codec.EncryptionContext;
import dev.sealpost.codec.Encryptor;
import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.Recipient;
import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.Suite;
import dev.sealpost.codec.keys.Keyring;
import dev.sealpost.codec.keys.X25519PrivateKey;
import dev.sealpost.codec.keys.X25519PublicKey;
import dev.sealpost.codec.kms.TestKms;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The reference codec against every committed vector [VEC-1]: encryption through the public
 * {@link Encryptor} with scripted randomness must give the exact envelope, and decryption must
 * give the exact plaintext or exactly the expected category.
 */
class VectorTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void vectorFilesAreNotEmpty() throws Exception {
    assertTrue(VectorFiles.read(VectorGenerator.ENCRYPT_FILE).get("numberOfTests").asInt() >= 40);
    assertTrue(VectorFiles.read(VectorGenerator.DECRYPT_FILE).get("numberOfTests").asInt() >= 100);
  }

  @TestFactory
  Stream<DynamicTest> encryptVectors() throws Exception {
    return tests(VectorGenerator.ENCRYPT_FILE, "encrypt", VectorTest::checkEncrypt);
  }

  @TestFactory
  Stream<DynamicTest> decryptVectors() throws Exception {
    return tests(VectorGenerator.DECRYPT_FILE, "decrypt", VectorTest::checkDecrypt);
  }

  /** One dynamic test per vector of {@code file}, named by its tcId and comment. */
  private static Stream<DynamicTest> tests(String file, String kind, VectorCheck check) throws Exception {
    JsonNode root = VectorFiles.read(file);
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode group : root.get("testGroups")) {
      for (JsonNode t : group.get("tests")) {
        tests.add(DynamicTest.dynamicTest(
            kind + " tcId " + t.get("tcId").asInt() + ": " + t.get("comment").asText(),
            () -> check.run(group.get("keys"), t)));
      }
    }
    return tests.stream();
  }

  private interface VectorCheck {
    void run(JsonNode keys, JsonNode test) throws Exception;
  }

  /** [SIV-3], [NONCE-2], [ENC-1]: the public encryptor writes exactly the vector's bytes. */
  private static void checkEncrypt(JsonNode keys, JsonNode t) throws Exception {
    Suite suite = Suite.valueOf(t.get("suite").asText());
    if (suite.compressed()) {
      checkCompressedEncrypt(keys, t);
      return;
    }
    ScriptedRandom random = new ScriptedRandom();
    ScriptedRandom kmsRandom = new ScriptedRandom();
    Encryptor encryptor = scriptedEncryptor(keys, t, random, kmsRandom);
    byte[] plaintext = plaintext(t);
    EncryptionContext external = VectorFiles.context(t.get("externalContext"));
    byte[] envelope = encryptor.encrypt(plaintext, external);
    assertEnvelope(t, envelope);
    checkIntermediates(keys, t, envelope);
    assertTrue(random.exhausted() && kmsRandom.exhausted(), "the codec drew fewer random values than the vector gives");
    assertArrayEquals(plaintext, decryptBack(keys, t, envelope, external));
    if (suite.segmented()) {
      // [SEG-1], [SEG-3]: the streaming writer, fed in uneven writes, gives the same bytes; the
      // streaming reader, fed in uneven reads, gives the plaintext back.
      ScriptedRandom random2 = new ScriptedRandom();
      Encryptor streaming = scriptedEncryptor(keys, t, random2, new ScriptedRandom());
      java.io.ByteArrayOutputStream sink = new java.io.ByteArrayOutputStream();
      try (dev.sealpost.codec.stream.EncryptingOutputStream out = streaming.encryptingStream(sink, external)) {
        int[] sizes = {1, 7, 65535, 3, 65536, 100000};
        for (int off = 0, k = 0; off < plaintext.length; k++) {
          int n = Math.min(sizes[k % sizes.length], plaintext.length - off);
          out.write(plaintext, off, n);
          off += n;
        }
        out.finish();
      }
      assertEnvelope(t, sink.toByteArray());
      assertArrayEquals(plaintext, StreamReads.readAll(decryptor(keys, 1 << 30), envelope, external, new int[] {13, 65552, 1, 70000}));
    }
  }

  /**
   * SPEC.md sections 15 and 18: the vector's envelope is the AEAD of its {@code packed} input,
   * which unpacks to its plaintext. The public encryptor, packing with its own compressor, writes
   * the same header and an envelope that decrypts back; when its packing equals the vector's
   * (always for method 00 [CMP-2]; for 01 and 02 with the compressor versions that made them),
   * it writes exactly the vector's envelope.
   */
  private static void checkCompressedEncrypt(JsonNode keys, JsonNode t) throws Exception {
    Suite suite = Suite.valueOf(t.get("suite").asText());
    byte[] plaintext = plaintext(t);
    byte[] packed = HEX.parseHex(t.get("packed").asText());
    byte[] expected = HEX.parseHex(t.get("envelope").asText());
    EncryptionContext external = VectorFiles.context(t.get("externalContext"));
    assertArrayEquals(plaintext, dev.sealpost.codec.compress.Packing.unpack(packed, 0, packed.length, 1 << 30));
    dev.sealpost.codec.format.EnvelopeHeader h = dev.sealpost.codec.format.EnvelopeHeader.parse(expected);
    // The body is the AEAD of exactly the packed payload (SPEC.md 18), sealed here from the spec alone.
    SpecWriter.SuiteSpec spec = SpecWriter.SuiteSpec.valueOf(suite.name());
    boolean perMessage = t.has("signer") && t.get("signer").get("mode").asText().equals("PER_MESSAGE");
    int trailer = perMessage ? 64 : 0;
    byte[] header = java.util.Arrays.copyOf(expected, h.headerLength());
    byte[] body = SpecWriter.body(spec, SpecWriter.kMsg(spec, HEX.parseHex(t.get("dek").asText())), h.nonce(), header,
        external.encode(), packed);
    assertEquals(HEX.formatHex(expected, 0, expected.length - trailer), HEX.formatHex(header) + HEX.formatHex(body));
    checkIntermediates(keys, t, expected);
    assertArrayEquals(plaintext, decryptBack(keys, t, expected, external));
    int method = packed[0];
    List<dev.sealpost.codec.Compression> writers = method == 0
        ? List.of(dev.sealpost.codec.Compression.ZSTD, dev.sealpost.codec.Compression.LZ4)
        : List.of(method == 1 ? dev.sealpost.codec.Compression.ZSTD : dev.sealpost.codec.Compression.LZ4);
    for (dev.sealpost.codec.Compression compression : writers) {
      ScriptedRandom random = new ScriptedRandom();
      ScriptedRandom kmsRandom = new ScriptedRandom();
      Encryptor encryptor = scriptedEncryptor(keys, t, random, kmsRandom, compression);
      assertEquals(suite, encryptor.suite());
      byte[] envelope = encryptor.encrypt(plaintext, external);
      assertTrue(random.exhausted() && kmsRandom.exhausted(), "the codec drew fewer random values than the vector gives");
      assertEquals(HEX.formatHex(expected, 0, h.headerLength()), HEX.formatHex(envelope, 0, Math.min(envelope.length, h.headerLength())));
      assertArrayEquals(plaintext, decryptBack(keys, t, envelope, external));
      if (java.util.Arrays.equals(packed, dev.sealpost.codec.compress.Packing.pack(compression, plaintext, 0, plaintext.length))) {
        assertEnvelope(t, envelope);
      } else {
        assertTrue(method != 0, "a stored vector must be byte-exact from the plaintext: " + compression + " packed it otherwise");
      }
      // The JDK refuses a key and nonce twice in a row on one Cipher, which the codec keeps per
      // thread; the next writer repeats them on purpose, so move the Cipher on first.
      encryptor.encrypt(new byte[0], external);
    }
  }

  private static Encryptor scriptedEncryptor(JsonNode keys, JsonNode t, ScriptedRandom random, ScriptedRandom kmsRandom)
      throws Exception {
    return scriptedEncryptor(keys, t, random, kmsRandom, dev.sealpost.codec.Compression.NONE);
  }

  /** The vector's inputs through the public builder, with its randomness scripted in the order the codec draws it. */
  private static Encryptor scriptedEncryptor(JsonNode keys, JsonNode t, ScriptedRandom random, ScriptedRandom kmsRandom,
      dev.sealpost.codec.Compression compression) throws Exception {
    Suite suite = Suite.valueOf(t.get("suite").asText());
    if (suite.randomized()) {
      random.then(HEX.parseHex(t.get("dek").asText()));
    }
    Map<String, byte[]> kmsKeys = new HashMap<>();
    for (JsonNode k : keys.get("kms")) {
      kmsKeys.put(k.get("keyUri").asText(), HEX.parseHex(k.get("key").asText()));
    }
    TestKms kms = TestKms.of(kmsKeys, kmsRandom);
    Encryptor.Builder b = Encryptor.builder().suite(suite.base()).segmented(suite.segmented()).compression(compression)
        .storedContext(VectorFiles.context(t.get("storedContext")));
    SignerSupport.configure(b, t);
    for (JsonNode r : t.get("recipients")) {
      String keyId = r.get("keyId").asText();
      int version = r.get("version").asInt();
      switch (r.get("type").asText()) {
        case "symmetric":
          // A keyring holding only the vector's version makes it the current one.
          b.recipient(Recipient.symmetric(Keyring.builder().add(keyId, version, symmetricKey(keys, keyId, version)).build(), keyId));
          break;
        case "x25519":
          random.then(HEX.parseHex(r.get("ephemeralPrivateKey").asText()));
          b.recipient(Recipient.x25519(keyId, version, x25519Public(keys, keyId, version)));
          break;
        default:
          kmsRandom.then(HEX.parseHex(r.get("kmsNonce").asText()));
          b.recipient(Recipient.kms(kms, keyId));
      }
    }
    if (suite.nonceLength() > 0) {
      random.then(HEX.parseHex(t.get("nonce").asText())); // the nonce base; message 0's nonce is the base itself
    }
    return b.random(random).build();
  }

  /** {@code plaintext}, or the bytes of {@code plaintextPattern}: byte i = i mod 251 (test-vectors/README.md). */
  static byte[] plaintext(JsonNode t) {
    if (t.has("plaintext")) {
      return HEX.parseHex(t.get("plaintext").asText());
    }
    JsonNode p = t.get("plaintextPattern");
    assertEquals("byte i = i mod 251", p.get("rule").asText());
    byte[] out = new byte[p.get("length").asInt()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) (i % 251);
    }
    return out;
  }

  /** {@code envelope}, or {@code envelopeLength} and {@code envelopeSha256}. */
  private static void assertEnvelope(JsonNode t, byte[] envelope) throws Exception {
    if (t.has("envelope")) {
      assertEquals(t.get("envelope").asText(), HEX.formatHex(envelope));
    } else {
      assertEquals(t.get("envelopeLength").asInt(), envelope.length);
      assertEquals(t.get("envelopeSha256").asText(),
          HEX.formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(envelope)));
    }
  }

  /** The vector's intermediates agree with the envelope and with the codec's own derivations. */
  private static void checkIntermediates(JsonNode keys, JsonNode t, byte[] envelope) throws Exception {
    JsonNode im = t.get("intermediates");
    dev.sealpost.codec.format.EnvelopeHeader h = dev.sealpost.codec.format.EnvelopeHeader.parse(envelope);
    assertEquals(im.get("commitment").asText(), HEX.formatHex(h.commitment()));
    byte[] external = VectorFiles.context(t.get("externalContext")).encode();
    byte[] aad = java.util.Arrays.copyOf(envelope, h.headerLength() + external.length);
    System.arraycopy(external, 0, aad, h.headerLength(), external.length);
    assertEquals(im.get("aad").asText(), HEX.formatHex(aad));
    for (int i = 0; i < h.recipients().size(); i++) {
      assertEquals(im.get("recipients").get(i).get("wrappedDek").asText(), HEX.formatHex(h.recipients().get(i).wrappedDek()));
    }
    Suite suite = Suite.valueOf(t.get("suite").asText());
    SignerSupport.checkIntermediates(t, envelope, h);
    if (!suite.randomized()) {
      // [SIV-1]: the codec's derivation, fed the vector's info, gives the vector's DEK.
      JsonNode first = t.get("recipients").get(0);
      byte[] kek = symmetricKey(keys, first.get("keyId").asText(), first.get("version").asInt());
      byte[] dek = dev.sealpost.codec.dek.DekKeys.deterministicDek(kek, HEX.parseHex(im.get("deterministicInfo").asText()));
      assertEquals(im.get("dek").asText(), HEX.formatHex(dek));
      java.util.List<dev.sealpost.codec.format.RecipientEntry> refs = new java.util.ArrayList<>();
      for (dev.sealpost.codec.format.RecipientEntry r : h.recipients()) {
        refs.add(new dev.sealpost.codec.format.RecipientEntry(r.typeId(), r.keyId(), r.keyVersion(), new byte[0]));
      }
      byte[] prefix = dev.sealpost.codec.dek.DekKeys.deterministicInfoPrefix(suite, refs, h.storedContext());
      assertEquals(im.get("deterministicInfo").asText(), HEX.formatHex(prefix) + HEX.formatHex(external));
    }
  }

  private static void checkDecrypt(JsonNode keys, JsonNode t) throws Exception {
    int max = t.has("maxPlaintextLength") ? t.get("maxPlaintextLength").asInt() : 1 << 30;
    Decryptor decryptor = decryptor(keys, max);
    byte[] envelope = HEX.parseHex(t.get("envelope").asText());
    EncryptionContext external = VectorFiles.context(t.get("externalContext"));
    Map<String, String> required = VectorFiles.map(t.get("requiredContext"));
    if (t.get("result").asText().equals("valid")) {
      SignerSupport.Opened opened = SignerSupport.open(decryptor, t, envelope, external, required);
      assertEquals(HEX.formatHex(plaintext(t)), HEX.formatHex(opened.plaintext));
      // [SIG-8]: a signer only when the reader required a trusted writer and verified it.
      JsonNode v = t.get("verifiedSigner");
      assertEquals(v == null ? null : v.get("signerId").asText() + " v" + v.get("version").asLong(), opened.verifiedSigner);
    } else {
      SealpostException e = assertThrows(SealpostException.class,
          () -> SignerSupport.open(decryptor, t, envelope, external, required));
      assertEquals(ErrorCategory.fromId(t.get("error").asText()), e.category(), e.getMessage());
    }
    boolean segmented = envelope.length >= 6
        && Suite.fromId(((envelope[4] & 0xFF) << 8) | (envelope[5] & 0xFF)).map(Suite::segmented).orElse(false);
    // SPEC.md 17: a streaming reader reads a compressed envelope whole, and unpacks it (step 14).
    boolean compressed = envelope.length >= 6
        && Suite.fromId(((envelope[4] & 0xFF) << 8) | (envelope[5] & 0xFF)).map(Suite::compressed).orElse(false);
    if ((segmented && !t.has("maxPlaintextLength") || compressed) && required.isEmpty()) {
      // [SEG-3], [SEG-4], [SEG-6]: the streaming reader, fed in uneven pieces, reaches the same outcome;
      // a failure is an exception from read, never an early end of the stream.
      java.io.InputStream in = SignerSupport.decryptingStream(decryptor, t, StreamReads.chunked(envelope, new int[] {5, 65552, 1, 3000}),
          external);
      if (t.get("result").asText().equals("valid")) {
        assertEquals(HEX.formatHex(plaintext(t)), HEX.formatHex(StreamReads.drain(in)));
      } else {
        dev.sealpost.codec.stream.SealpostStreamException e =
            assertThrows(dev.sealpost.codec.stream.SealpostStreamException.class, () -> StreamReads.drain(in));
        assertEquals(ErrorCategory.fromId(t.get("error").asText()), e.category(), e.getMessage());
      }
    }
  }

  /** Decrypts an encryption vector's envelope with the group's keys, trusting its signer if it has one. */
  private static byte[] decryptBack(JsonNode keys, JsonNode t, byte[] envelope, EncryptionContext external) throws Exception {
    return SignerSupport.decryptBack(decryptor(keys, Integer.MAX_VALUE), t, envelope, external);
  }

  static Decryptor decryptor(JsonNode keys, int maxPlaintextLength) throws SealpostException {
    Decryptor.Builder b = Decryptor.builder().maxPlaintextLength(Math.min(maxPlaintextLength, 1 << 30)).dekCacheCapacity(0);
    Keyring.Builder ring = Keyring.builder();
    for (JsonNode k : keys.get("symmetric")) {
      ring.add(k.get("keyId").asText(), k.get("version").asInt(), HEX.parseHex(k.get("key").asText()));
    }
    b.kekSource(ring.build());
    for (JsonNode k : keys.get("x25519")) {
      b.x25519Key(k.get("keyId").asText(), k.get("version").asInt(),
          X25519PrivateKey.fromBytes(HEX.parseHex(k.get("privateKey").asText())));
    }
    Map<String, byte[]> kms = new HashMap<>();
    for (JsonNode k : keys.get("kms")) {
      kms.put(k.get("keyUri").asText(), HEX.parseHex(k.get("key").asText()));
    }
    if (!kms.isEmpty()) {
      b.kmsClient(TestKms.of(kms, new java.security.SecureRandom()));
      kms.keySet().forEach(b::kmsKeyUri); // [KMS-3]: the reader's kms keys are exactly the allowed URIs
    }
    return b.build();
  }

  private static byte[] symmetricKey(JsonNode keys, String keyId, int version) {
    for (JsonNode k : keys.get("symmetric")) {
      if (k.get("keyId").asText().equals(keyId) && k.get("version").asInt() == version) {
        return HEX.parseHex(k.get("key").asText());
      }
    }
    throw new IllegalStateException("vector names an unknown key " + keyId + " v" + version);
  }

  private static X25519PublicKey x25519Public(JsonNode keys, String keyId, int version) throws SealpostException {
    for (JsonNode k : keys.get("x25519")) {
      if (k.get("keyId").asText().equals(keyId) && k.get("version").asInt() == version) {
        return X25519PublicKey.fromBytes(HEX.parseHex(k.get("publicKey").asText()));
      }
    }
    throw new IllegalStateException("vector names an unknown key " + keyId);
  }
}
