package dev.sealpost.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealpost.codec.dek.DekKeys;
import dev.sealpost.codec.format.EnvelopeHeader;
import dev.sealpost.codec.format.HeaderWriter;
import dev.sealpost.codec.format.RecipientEntry;
import dev.sealpost.codec.internal.EnvelopeSealer;
import dev.sealpost.codec.keys.Ed25519PrivateKey;
import dev.sealpost.codec.keys.X25519PrivateKey;
import dev.sealpost.codec.recipient.AesKeyWrap;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Writer signatures, SPEC.md section 16 and step 10a of section 11: what each sign mode writes,
 * what a reader that trusts a writer refuses, and that it refuses before unwrapping anything.
 * Signed bytes are checked with the JDK's Ed25519 directly, not through the codec.
 */
class WriterSignatureTest {
  private static final byte[] PT = "a 1 KiB record stands here".getBytes(StandardCharsets.UTF_8);
  private static final EncryptionContext EXT = ctx("topic", "orders");

  private static final Ed25519PrivateKey WRITER = seed(1);
  private static final Ed25519PrivateKey OTHER = seed(2);
  private static final TrustedWriters TRUST_WRITER = TrustedWriters.of(TrustedWriter.ed25519("writer-a", 3, WRITER.publicKey()));

  // Layout of a header with one symmetric recipient "orders" (AES-KW, 40 bytes), an empty stored
  // context and signer "writer-a" (SPEC.md 3): offsets counted here from the ABNF, not the parser.
  private static final int RECIPIENT = 7; // magic 3, version 1, suite 2, count 1
  private static final int KEY_ID = RECIPIENT + 2;
  private static final int WRAPPED_LEN = KEY_ID + 6 + 4;
  private static final int WRAPPED = WRAPPED_LEN + 2;
  private static final int COMMITMENT = WRAPPED + 40;
  private static final int CONTEXT = COMMITMENT + 32;
  private static final int SIGN_MODE = CONTEXT + 1;
  private static final int SIGNER_ID = SIGN_MODE + 2;
  private static final int P_END = SIGNER_ID + 8 + 4;
  private static final int SIG_END = P_END + 64;

  private static Ed25519PrivateKey seed(int n) {
    try {
      return Ed25519PrivateKey.fromSeed(TestKeys.pattern(40 + n, 32));
    } catch (SealpostException e) {
      throw new IllegalStateException(e);
    }
  }

  private static EncryptionContext ctx(String k, String v) {
    try {
      return EncryptionContext.of(k, v);
    } catch (SealpostException e) {
      throw new IllegalStateException(e);
    }
  }

  private static MutableKekSource keks() {
    return new MutableKekSource().put("orders", 2, TestKeys.pattern(2, 32));
  }

  private static Encryptor signed(SignMode mode, Suite suite, Recipient r) throws SealpostException {
    return Encryptor.builder().suite(suite).recipient(r).signer(WriterKey.ed25519("writer-a", 3, WRITER), mode).build();
  }

  private static Encryptor signed(SignMode mode) throws SealpostException {
    return signed(mode, Suite.AES_256_GCM, Recipient.symmetric(keks(), "orders"));
  }

  private static Decryptor reader(MutableKekSource keks) {
    return Decryptor.builder().kekSource(keks).build();
  }

  private static SealpostException refused(ErrorCategory expected, Decryptor d, byte[] env, EncryptionContext ext,
      TrustedWriters trust) {
    SealpostException e = assertThrows(SealpostException.class, () -> d.open(env, 0, env.length, ext, trust));
    assertEquals(expected, e.category(), e.getMessage());
    return e;
  }

  private static boolean jdkVerify(byte[] publicKey, byte[] message, byte[] signature) throws Exception {
    byte[] spki = new byte[44];
    System.arraycopy(new byte[] {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00}, 0, spki, 0, 12);
    System.arraycopy(publicKey, 0, spki, 12, 32);
    PublicKey k = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
    Signature v = Signature.getInstance("Ed25519");
    v.initVerify(k);
    v.update(message);
    return v.verify(signature);
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int o = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, o, p.length);
      o += p.length;
    }
    return out;
  }

  /** Distinct nonces: the JCE refuses to encrypt twice under one key and nonce. */
  private static byte[] nonce(int n) {
    byte[] b = new byte[12];
    b[11] = (byte) n;
    return b;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  // ------------------------------------------------------------------------------ the writer

  // [SIG-1], [SIG-2]: mode 01 writes the signer field and a signature over "sealpost/v1 signed
  // header" || P, P = magic .. signer version; one signature per DEK, reused, a new one after rotation.
  @Test
  void sig1_sig2_perDekSignsPOncePerDek() throws Exception {
    Encryptor enc = signed(SignMode.PER_DEK);
    assertEquals(Suite.AES_256_GCM_SIGNED, enc.suite());
    byte[] a = enc.encrypt(PT, EXT);
    byte[] b = enc.encrypt(PT, EXT);
    assertArrayEquals(new byte[] {0x01, 0x01}, Arrays.copyOfRange(a, 4, 6), "suite 0101");
    assertEquals(0x01, a[SIGN_MODE]);
    assertEquals(8, a[SIGN_MODE + 1]);
    assertArrayEquals(ascii("writer-a"), Arrays.copyOfRange(a, SIGNER_ID, SIGNER_ID + 8));
    assertArrayEquals(new byte[] {0, 0, 0, 3}, Arrays.copyOfRange(a, SIGNER_ID + 8, P_END));
    byte[] p = Arrays.copyOfRange(a, 0, P_END);
    byte[] sig = Arrays.copyOfRange(a, P_END, SIG_END);
    assertTrue(jdkVerify(WRITER.publicKey().toBytes(), concat(ascii("sealpost/v1 signed header"), p), sig));
    // Same DEK: same P and the same signature; the nonce follows it.
    assertArrayEquals(Arrays.copyOfRange(a, 0, SIG_END), Arrays.copyOfRange(b, 0, SIG_END));
    assertFalse(Arrays.equals(Arrays.copyOfRange(a, SIG_END, SIG_END + 12), Arrays.copyOfRange(b, SIG_END, SIG_END + 12)));
    // Header = P || signature || nonce: the body follows directly.
    assertEquals(SIG_END + 12 + PT.length + 16, a.length);
    enc.rotateNow();
    byte[] c = enc.encrypt(PT, EXT);
    assertFalse(Arrays.equals(Arrays.copyOfRange(a, P_END, SIG_END), Arrays.copyOfRange(c, P_END, SIG_END)));
  }

  // [SIG-1], [HDR-5]: mode 02 appends a signature over "sealpost/v1 signed message" || E ||
  // encode(external context), E = the envelope without its last 64 bytes.
  @Test
  void sig1_perMessageSignsEnvelopeAndExternalContext() throws Exception {
    Encryptor enc = signed(SignMode.PER_MESSAGE);
    byte[] a = enc.encrypt(PT, EXT);
    assertEquals(0x02, a[SIGN_MODE]);
    assertEquals(P_END + 12 + PT.length + 16 + 64, a.length, "no signature in the header; 64 bytes at the end");
    byte[] e = Arrays.copyOf(a, a.length - 64);
    byte[] sig = Arrays.copyOfRange(a, a.length - 64, a.length);
    assertTrue(jdkVerify(WRITER.publicKey().toBytes(), concat(ascii("sealpost/v1 signed message"), e, EXT.encode()), sig));
    assertFalse(jdkVerify(WRITER.publicKey().toBytes(), concat(ascii("sealpost/v1 signed message"), e, new byte[] {0}), sig));
    byte[] b = enc.encrypt(PT, EXT);
    assertFalse(Arrays.equals(sig, Arrays.copyOfRange(b, b.length - 64, b.length)), "one signature per envelope");
    EnvelopeHeader h = Decryptor.inspect(a);
    assertEquals(PT.length + 16, h.bodyLength());
  }

  // [SIG-3]: mode 02 with a segmented suite is refused by the writer and by the reader.
  @Test
  void sig3_perMessageWithSegmentedSuiteIsMalformed() throws Exception {
    SealpostException w = assertThrows(SealpostException.class,
        () -> signed(SignMode.PER_MESSAGE, Suite.AES_256_GCM_SEGMENTED, Recipient.symmetric(keks(), "orders")));
    assertEquals(ErrorCategory.MALFORMED_HEADER, w.category());
    // The reader: a mode 02 envelope whose suite bytes say 0301 fails in step 7a.
    byte[] env = signed(SignMode.PER_MESSAGE).encrypt(PT, EXT);
    env[4] = 0x03;
    env[5] = 0x01;
    SealpostException r = assertThrows(SealpostException.class, () -> Decryptor.inspect(env));
    assertEquals(ErrorCategory.MALFORMED_HEADER, r.category(), r.getMessage());
    env[5] = 0x02;
    assertEquals(ErrorCategory.MALFORMED_HEADER, assertThrows(SealpostException.class, () -> Decryptor.inspect(env)).category());
  }

  // Step 7a: sign mode other than 01/02, empty signer id, signer id not UTF-8 -> malformed-header.
  @Test
  void signerFieldRulesOfStep7a() throws Exception {
    byte[] env = signed(SignMode.PER_DEK).encrypt(PT, EXT);
    for (int mode : new int[] {0x00, 0x03, 0xFF}) {
      byte[] t = env.clone();
      t[SIGN_MODE] = (byte) mode;
      assertEquals(ErrorCategory.MALFORMED_HEADER, assertThrows(SealpostException.class, () -> Decryptor.inspect(t)).category());
    }
    byte[] t = env.clone();
    t[SIGN_MODE + 1] = 0;
    assertEquals(ErrorCategory.MALFORMED_HEADER, assertThrows(SealpostException.class, () -> Decryptor.inspect(t)).category());
    byte[] u = env.clone();
    u[SIGNER_ID] = (byte) 0xC0; // overlong lead byte [HDR-4]
    assertEquals(ErrorCategory.MALFORMED_HEADER, assertThrows(SealpostException.class, () -> Decryptor.inspect(u)).category());
    // Truncated inside the header signature (LIM-2 reads): malformed-header.
    byte[] cut = Arrays.copyOf(env, P_END + 10);
    assertEquals(ErrorCategory.MALFORMED_HEADER, assertThrows(SealpostException.class, () -> Decryptor.inspect(cut)).category());
  }

  // Step 9: in mode 02, fewer than 64 bytes after the header -> malformed-header, before the
  // body's own length rule.
  @Test
  void perMessageNeedsSixtyFourBytesAfterTheHeader() throws Exception {
    byte[] env = signed(SignMode.PER_MESSAGE).encrypt(PT, EXT);
    byte[] cut = Arrays.copyOf(env, P_END + 12 + 63);
    SealpostException e = assertThrows(SealpostException.class, () -> reader(keks()).decrypt(cut, EXT));
    assertEquals(ErrorCategory.MALFORMED_HEADER, e.category());
    byte[] shortBody = Arrays.copyOf(env, P_END + 12 + 64 + 15);
    assertEquals(ErrorCategory.AUTHENTICATION_FAILED,
        assertThrows(SealpostException.class, () -> reader(keks()).decrypt(shortBody, EXT)).category());
  }

  // [ENC-2], [ENC-3]: signer id faults, after the recipients and before the stored context.
  @Test
  void writerChecksSignerInEnc3Order() throws Exception {
    Map<String, ErrorCategory> cases = Map.of(
        "", ErrorCategory.MALFORMED_HEADER,
        "bad\uD800", ErrorCategory.MALFORMED_HEADER,
        "x".repeat(256), ErrorCategory.LIMIT_EXCEEDED);
    for (Map.Entry<String, ErrorCategory> c : cases.entrySet()) {
      SealpostException e = assertThrows(SealpostException.class, () -> Encryptor.builder()
          .recipient(Recipient.symmetric(keks(), "orders"))
          .signer(WriterKey.ed25519(c.getKey(), 1, WRITER), SignMode.PER_DEK)
          .storedContext(Map.of("", "empty key is malformed too"))
          .build());
      assertEquals(c.getValue(), e.category(), e.getMessage());
      assertTrue(e.getMessage().contains("signer"), e.getMessage());
    }
    // A recipient fault comes first.
    SealpostException first = assertThrows(SealpostException.class, () -> Encryptor.builder()
        .recipient(Recipient.symmetric(keks(), "x".repeat(256)))
        .signer(WriterKey.ed25519("", 1, WRITER), SignMode.PER_DEK)
        .build());
    assertEquals(ErrorCategory.LIMIT_EXCEEDED, first.category());
    assertThrows(IllegalStateException.class,
        () -> Encryptor.builder().suite(Suite.AES_256_GCM_SIGNED).recipient(Recipient.symmetric(keks(), "orders")).build());
  }

  // [SIV-3]: the deterministic signed suite 0103 stays deterministic in both modes.
  @Test
  void deterministicSignedSuiteIsDeterministic() throws Exception {
    for (SignMode mode : SignMode.values()) {
      byte[] a = signed(mode, Suite.AES_256_SIV, Recipient.symmetric(keks(), "orders")).encrypt(PT, EXT);
      byte[] b = signed(mode, Suite.AES_256_SIV, Recipient.symmetric(keks(), "orders")).encrypt(PT, EXT);
      assertArrayEquals(a, b, mode.toString());
      assertEquals(Suite.AES_256_SIV_SIGNED, Decryptor.inspect(a).suite());
      Decrypted d = reader(keks()).open(a, 0, a.length, EXT, TRUST_WRITER);
      assertArrayEquals(PT, d.plaintext());
      assertEquals(new SignerRef("writer-a", 3, mode), d.verifiedSigner().orElseThrow());
    }
  }

  // ------------------------------------------------------------------------------ the reader

  // [SIG-4], [SIG-8]: trust is per call (per source); without it nothing is verified and no
  // signer is named, though inspection shows the claimed signer field.
  @Test
  void sig4_sig8_trustPerSourceAndNoClaimWithoutTrust() throws Exception {
    byte[] env = signed(SignMode.PER_DEK).encrypt(PT, EXT);
    Decryptor d = reader(keks());
    Decrypted open = d.open(env, 0, env.length, EXT, TrustedWriters.none());
    assertArrayEquals(PT, open.plaintext());
    assertTrue(open.verifiedSigner().isEmpty());
    assertEquals(Suite.AES_256_GCM_SIGNED, open.suite());
    assertEquals(new SignerRef("writer-a", 3, SignMode.PER_DEK), Decryptor.inspect(env).signer().orElseThrow());
    assertEquals(64, Decryptor.inspect(env).headerSignature().orElseThrow().length);

    Decrypted trusted = d.open(env, 0, env.length, EXT, TRUST_WRITER);
    assertEquals("writer-a", trusted.verifiedSigner().orElseThrow().signerId());
    // Another source trusts another writer: the same envelope is refused there.
    refused(ErrorCategory.UNTRUSTED_WRITER, d, env, EXT,
        TrustedWriters.of(TrustedWriter.ed25519("writer-b", 1, OTHER.publicKey())));
    // The builder's default trust applies to decrypt(...).
    Decryptor strict = Decryptor.builder().kekSource(keks()).trustedWriters(
        TrustedWriters.of(TrustedWriter.ed25519("writer-b", 1, OTHER.publicKey()))).build();
    assertEquals(ErrorCategory.UNTRUSTED_WRITER, assertThrows(SealpostException.class, () -> strict.decrypt(env, EXT)).category());
  }

  // [SIG-5]: unsigned, unknown signer id, unknown version -> untrusted-writer, before any unwrap.
  @Test
  void sig5_untrustedWriterBeforeAnyUnwrap() throws Exception {
    MutableKekSource readerKeks = keks();
    Decryptor d = reader(readerKeks);
    byte[] unsigned = Encryptor.builder().recipient(Recipient.symmetric(keks(), "orders")).build().encrypt(PT, EXT);
    refused(ErrorCategory.UNTRUSTED_WRITER, d, unsigned, EXT, TRUST_WRITER);
    byte[] otherVersion = Encryptor.builder().recipient(Recipient.symmetric(keks(), "orders"))
        .signer(WriterKey.ed25519("writer-a", 4, WRITER), SignMode.PER_DEK).build().encrypt(PT, EXT);
    refused(ErrorCategory.UNTRUSTED_WRITER, d, otherVersion, EXT, TRUST_WRITER);
    byte[] otherId = Encryptor.builder().recipient(Recipient.symmetric(keks(), "orders"))
        .signer(WriterKey.ed25519("writer-A", 3, WRITER), SignMode.PER_MESSAGE).build().encrypt(PT, EXT);
    refused(ErrorCategory.UNTRUSTED_WRITER, d, otherId, EXT, TRUST_WRITER);
    assertTrue(readerKeks.handedOut().isEmpty(), "no KEK was fetched for an untrusted envelope");
    // Step order: a required stored context (step 10) is checked before the writer (10a).
    SealpostException ctx = assertThrows(SealpostException.class,
        () -> d.open(unsigned, 0, unsigned.length, EXT, Map.of("tenant", "acme"), TRUST_WRITER));
    assertEquals(ErrorCategory.CONTEXT_MISMATCH, ctx.category());
  }

  // [SIG-6]: a signature that does not verify under the trusted key -> signature-invalid,
  // before any unwrap; the same key id and version with another key is no help to a forger.
  @Test
  void sig6_badSignatureBeforeAnyUnwrap() throws Exception {
    MutableKekSource readerKeks = keks();
    Decryptor d = reader(readerKeks);
    for (SignMode mode : SignMode.values()) {
      byte[] forged = Encryptor.builder().recipient(Recipient.symmetric(keks(), "orders"))
          .signer(WriterKey.ed25519("writer-a", 3, OTHER), mode).build().encrypt(PT, EXT);
      refused(ErrorCategory.SIGNATURE_INVALID, d, forged, EXT, TRUST_WRITER);
      assertTrue(readerKeks.handedOut().isEmpty(), "no KEK was fetched for a bad signature");
    }
    // Without trust the same envelope decrypts: only step 10a stops it.
    byte[] forged = Encryptor.builder().recipient(Recipient.symmetric(keks(), "orders"))
        .signer(WriterKey.ed25519("writer-a", 3, OTHER), SignMode.PER_DEK).build().encrypt(PT, EXT);
    assertArrayEquals(PT, d.decrypt(forged, EXT));
  }

  // The test: a forger holding only the consumer's X25519 public key (public by design)
  // writes envelopes the consumer accepts without writer trust, and that a consumer trusting a
  // writer key refuses: unsigned or under the forger's own signer -> untrusted-writer; claiming
  // the trusted signer -> signature-invalid, in either mode.
  @Test
  void forgeryWithOnlyTheConsumersPublicKeyIsRefused() throws Exception {
    X25519PrivateKey consumer = TestKeys.consumerKey();
    Recipient publicOnly = Recipient.x25519("consumer-a", 1, consumer.publicKey());
    Decryptor d = Decryptor.builder().x25519Key("consumer-a", 1, consumer).trustedWriters(TRUST_WRITER).build();
    Ed25519PrivateKey forgerKey = Ed25519PrivateKey.generate();

    byte[] unsigned = Encryptor.builder().recipient(publicOnly).build().encrypt(PT, EXT);
    assertArrayEquals(PT, d.open(unsigned, 0, unsigned.length, EXT, TrustedWriters.none()).plaintext(),
        "without trust the forgery works: this is what writer trust is for");
    refused(ErrorCategory.UNTRUSTED_WRITER, d, unsigned, EXT, TRUST_WRITER);
    assertEquals(ErrorCategory.UNTRUSTED_WRITER, assertThrows(SealpostException.class, () -> d.decrypt(unsigned, EXT)).category());

    for (SignMode mode : SignMode.values()) {
      byte[] ownSigner = Encryptor.builder().recipient(publicOnly)
          .signer(WriterKey.ed25519("forger", 1, forgerKey), mode).build().encrypt(PT, EXT);
      refused(ErrorCategory.UNTRUSTED_WRITER, d, ownSigner, EXT, TRUST_WRITER);
      byte[] claimsTrusted = Encryptor.builder().recipient(publicOnly)
          .signer(WriterKey.ed25519("writer-a", 3, forgerKey), mode).build().encrypt(PT, EXT);
      refused(ErrorCategory.SIGNATURE_INVALID, d, claimsTrusted, EXT, TRUST_WRITER);
    }
    // The real writer's envelopes to the same consumer are accepted.
    byte[] real = signed(SignMode.PER_DEK, Suite.AES_256_GCM, publicOnly).encrypt(PT, EXT);
    assertEquals("writer-a", d.open(real, 0, real.length, EXT, TRUST_WRITER).verifiedSigner().orElseThrow().signerId());
  }

  // [SIG-6]: flipping any byte of P or of the header signature never yields plaintext; bytes
  // that leave the header parseable and the signer unchanged give signature-invalid, signer id
  // and version bytes untrusted-writer; none of them reaches an unwrap.
  @Test
  void sig6_tamperingAnyByteOfPOrTheSignatureFails() throws Exception {
    byte[] env = signed(SignMode.PER_DEK).encrypt(PT, EXT);
    MutableKekSource readerKeks = keks();
    Decryptor d = reader(readerKeks);
    assertArrayEquals(PT, d.open(env, 0, env.length, EXT, TRUST_WRITER).plaintext());
    int fetchedForTheGoodOne = readerKeks.handedOut().size();
    Set<ErrorCategory> headerFaults = EnumSet.of(ErrorCategory.NOT_AN_ENVELOPE, ErrorCategory.UNSUPPORTED_VERSION,
        ErrorCategory.UNSUPPORTED_SUITE, ErrorCategory.MALFORMED_HEADER, ErrorCategory.LIMIT_EXCEEDED);
    for (int i = 0; i < SIG_END; i++) {
      for (int bit : new int[] {0x01, 0x80}) {
        byte[] t = env.clone();
        t[i] ^= (byte) bit;
        SealpostException e = assertThrows(SealpostException.class, () -> d.open(t, 0, t.length, EXT, TRUST_WRITER),
            "byte " + i + " bit " + bit + " accepted");
        // Bit 0x80 makes a key id byte non-ASCII, which may be malformed UTF-8 (step 5 first).
        boolean exact = (i >= KEY_ID && i < KEY_ID + 6 && bit == 0x01) || (i >= KEY_ID + 6 && i < WRAPPED_LEN)
            || (i >= WRAPPED && i < CONTEXT) || i >= P_END;
        if (exact) {
          assertEquals(ErrorCategory.SIGNATURE_INVALID, e.category(), "byte " + i + ": " + e.getMessage());
        } else if (i >= SIGNER_ID + 8 || (i >= SIGNER_ID && bit == 0x01)) {
          assertEquals(ErrorCategory.UNTRUSTED_WRITER, e.category(), "byte " + i + ": " + e.getMessage());
        } else {
          assertTrue(e.category() == ErrorCategory.SIGNATURE_INVALID || e.category() == ErrorCategory.UNTRUSTED_WRITER
              || headerFaults.contains(e.category()), "byte " + i + ": " + e.getMessage());
        }
      }
    }
    assertEquals(fetchedForTheGoodOne, readerKeks.handedOut().size(), "a tampered envelope reached an unwrap");
  }

  // What mode 01 proves and does not (SPEC.md 16): a recipient holding the DEK cannot make a new
  // signed header (other stored context, recipients or signer) but can write new bodies under
  // the writer's header; mode 02 refuses those too.
  @Test
  void recipientWithTheDekCannotMakeANewSignedHeader() throws Exception {
    byte[] env = signed(SignMode.PER_DEK).encrypt(PT, EXT);
    EnvelopeHeader h = Decryptor.inspect(env);
    RecipientEntry entry = h.recipients().get(0);
    byte[] dek = AesKeyWrap.unwrap(TestKeys.pattern(2, 32), entry.wrappedDek()); // the recipient's own KEK
    DekKeys keys = DekKeys.derive(Suite.AES_256_GCM_SIGNED, dek);
    byte[] signature = h.headerSignature().orElseThrow();
    byte[] forgedPt = "pay the forger".getBytes(StandardCharsets.UTF_8);
    Decryptor d = reader(keks());

    // 1. New stored context, the writer's signature copied: P changed -> signature-invalid.
    byte[] p = HeaderWriter.signedPrefix(Suite.AES_256_GCM_SIGNED, List.of(entry), keys.commitment(),
        ctx("tenant", "victim"), new SignerRef("writer-a", 3, SignMode.PER_DEK));
    byte[] newHeader = EnvelopeSealer.seal(keys, concat(p, signature), nonce(1), EXT.encode(), forgedPt, 0, forgedPt.length);
    refused(ErrorCategory.SIGNATURE_INVALID, d, newHeader, EXT, TRUST_WRITER);
    // 2. Another recipient list (an extra entry for a key the forger controls) -> signature-invalid.
    RecipientEntry extra = new RecipientEntry(RecipientType.SYMMETRIC, "forger", 1, AesKeyWrap.wrap(TestKeys.pattern(9, 32), dek));
    byte[] p2 = HeaderWriter.signedPrefix(Suite.AES_256_GCM_SIGNED, List.of(entry, extra), keys.commitment(),
        EncryptionContext.empty(), new SignerRef("writer-a", 3, SignMode.PER_DEK));
    byte[] moreRecipients = EnvelopeSealer.seal(keys, concat(p2, signature), nonce(2), EXT.encode(), forgedPt, 0, forgedPt.length);
    refused(ErrorCategory.SIGNATURE_INVALID, d, moreRecipients, EXT, TRUST_WRITER);

    // 3. The writer's exact header, a new body: accepted as the writer's DEK. Mode 01 proves who
    // created the DEK, not which of its holders wrote the envelope.
    byte[] sameHeader = EnvelopeSealer.seal(keys, Arrays.copyOf(env, P_END + 64), nonce(3), EXT.encode(), forgedPt, 0, forgedPt.length);
    assertArrayEquals(forgedPt, d.open(sameHeader, 0, sameHeader.length, EXT, TRUST_WRITER).plaintext());

    // 4. Mode 02: the same trick with the writer's message signature copied -> signature-invalid.
    byte[] m = signed(SignMode.PER_MESSAGE).encrypt(PT, EXT);
    byte[] dek2 = AesKeyWrap.unwrap(TestKeys.pattern(2, 32), Decryptor.inspect(m).recipients().get(0).wrappedDek());
    DekKeys keys2 = DekKeys.derive(Suite.AES_256_GCM_SIGNED, dek2);
    byte[] resealed = EnvelopeSealer.seal(keys2, Arrays.copyOf(m, P_END), nonce(4), EXT.encode(), forgedPt, 0, forgedPt.length, 64);
    System.arraycopy(m, m.length - 64, resealed, resealed.length - 64, 64);
    assertArrayEquals(forgedPt, d.decrypt(resealed, EXT), "the body itself is sound: only the signature can refuse it");
    refused(ErrorCategory.SIGNATURE_INVALID, d, resealed, EXT, TRUST_WRITER);
  }

  // Mode 02 binds the external context: the same envelope read for another topic fails in step
  // 10a with signature-invalid (and, without trust, in step 13 with authentication-failed).
  @Test
  void perMessageBindsTheExternalContext() throws Exception {
    byte[] env = signed(SignMode.PER_MESSAGE).encrypt(PT, EXT);
    Decryptor d = reader(keks());
    assertArrayEquals(PT, d.open(env, 0, env.length, EXT, TRUST_WRITER).plaintext());
    refused(ErrorCategory.SIGNATURE_INVALID, d, env, ctx("topic", "payments"), TRUST_WRITER);
    refused(ErrorCategory.SIGNATURE_INVALID, d, env, EncryptionContext.empty(), TRUST_WRITER);
    refused(ErrorCategory.AUTHENTICATION_FAILED, d, env, ctx("topic", "payments"), TrustedWriters.none());
    // Any byte of the message signature or of E.
    for (int i : new int[] {0, P_END - 1, P_END + 3, env.length - 65, env.length - 64, env.length - 1}) {
      byte[] t = env.clone();
      t[i] ^= 0x01;
      assertThrows(SealpostException.class, () -> d.open(t, 0, t.length, EXT, TRUST_WRITER), "byte " + i);
    }
    byte[] t = env.clone();
    t[env.length - 1] ^= 0x01;
    refused(ErrorCategory.SIGNATURE_INVALID, d, t, EXT, TRUST_WRITER);
  }

  // [SIG-7], [SIG-9]: a verified mode 01 signature is remembered by the exact bytes of P, the
  // signature and the key; one byte off in any of them is verified afresh and fails.
  @Test
  void sig7_sig9_rememberedVerificationNeedsEveryByte() throws Exception {
    Encryptor enc = signed(SignMode.PER_DEK);
    Decryptor d = reader(keks());
    for (int i = 0; i < 50; i++) {
      byte[] env = enc.encrypt(PT, EXT);
      assertTrue(d.open(env, 0, env.length, EXT, TRUST_WRITER).verifiedSigner().isPresent());
    }
    assertEquals(1, d.verifiedHeaderCacheSize(), "one verification remembered per distinct P");
    byte[] env = enc.encrypt(PT, EXT);
    byte[] lastSigByte = env.clone();
    lastSigByte[SIG_END - 1] ^= 0x01;
    refused(ErrorCategory.SIGNATURE_INVALID, d, lastSigByte, EXT, TRUST_WRITER);
    byte[] lastCommitmentByte = env.clone();
    lastCommitmentByte[CONTEXT - 1] ^= 0x01;
    refused(ErrorCategory.SIGNATURE_INVALID, d, lastCommitmentByte, EXT, TRUST_WRITER);
    // Same P and signature, a source that trusts another key under the same id and version.
    refused(ErrorCategory.SIGNATURE_INVALID, d, env, EXT,
        TrustedWriters.of(TrustedWriter.ed25519("writer-a", 3, OTHER.publicKey())));
    // A new DEK is a new P: verified once more.
    enc.rotateNow();
    byte[] next = enc.encrypt(PT, EXT);
    d.open(next, 0, next.length, EXT, TRUST_WRITER);
    assertEquals(2, d.verifiedHeaderCacheSize());
    // Mode 02 is never remembered.
    byte[] m = signed(SignMode.PER_MESSAGE).encrypt(PT, EXT);
    d.open(m, 0, m.length, EXT, TRUST_WRITER);
    assertEquals(2, d.verifiedHeaderCacheSize());
  }

  // [SIG-7], [SIG-9]: two sources name their writer by the same signer id and version, each with
  // its own key. One reader serves both: a verification remembered for source A's key never
  // stands for source B's key, in either order, whole or streamed, however often each was seen.
  @Test
  void sig7_sig9_verificationUnderOneSourceKeyIsNotReusedForAnother() throws Exception {
    TrustedWriters sourceA = TrustedWriters.of(TrustedWriter.ed25519("writer-a", 3, WRITER.publicKey()));
    TrustedWriters sourceB = TrustedWriters.of(TrustedWriter.ed25519("writer-a", 3, OTHER.publicKey()));
    Encryptor writerOfA = signed(SignMode.PER_DEK);
    Encryptor writerOfB = Encryptor.builder().recipient(Recipient.symmetric(keks(), "orders"))
        .signer(WriterKey.ed25519("writer-a", 3, OTHER), SignMode.PER_DEK).build();
    byte[] envA = writerOfA.encrypt(PT, EXT);
    byte[] envB = writerOfB.encrypt(PT, EXT);
    // Same signer field bytes, different header signatures: checked with the JDK, not the codec.
    assertArrayEquals(Arrays.copyOfRange(envA, SIGN_MODE, P_END), Arrays.copyOfRange(envB, SIGN_MODE, P_END));
    assertTrue(jdkVerify(WRITER.publicKey().toBytes(), concat(ascii("sealpost/v1 signed header"), Arrays.copyOfRange(envA, 0, P_END)),
        Arrays.copyOfRange(envA, P_END, SIG_END)));
    assertFalse(jdkVerify(OTHER.publicKey().toBytes(), concat(ascii("sealpost/v1 signed header"), Arrays.copyOfRange(envA, 0, P_END)),
        Arrays.copyOfRange(envA, P_END, SIG_END)));

    Decryptor d = reader(keks());
    for (int round = 0; round < 3; round++) {
      assertEquals("writer-a", d.open(envA, 0, envA.length, EXT, sourceA).verifiedSigner().orElseThrow().signerId());
      refused(ErrorCategory.SIGNATURE_INVALID, d, envA, EXT, sourceB);
      assertEquals(3, d.open(envB, 0, envB.length, EXT, sourceB).verifiedSigner().orElseThrow().version());
      refused(ErrorCategory.SIGNATURE_INVALID, d, envB, EXT, sourceA);
    }
    // Only the two successes are remembered, each under its own key.
    assertEquals(2, d.verifiedHeaderCacheSize());
    // A streamed reading consults the same memory, and is refused the same way.
    try (java.io.InputStream in = d.decryptingStream(new java.io.ByteArrayInputStream(envA), EXT, sourceB)) {
      dev.sealpost.codec.stream.SealpostStreamException e =
          assertThrows(dev.sealpost.codec.stream.SealpostStreamException.class, () -> in.read(new byte[10]));
      assertEquals(ErrorCategory.SIGNATURE_INVALID, e.category());
      assertEquals(0, e.releasedBytes());
    }
  }

  // [SIG-3] with segmented bodies: mode 01 signs the segmented suites' headers (0301), read whole
  // or streamed; a stream checks the writer from the header before releasing a byte; mode 02
  // is refused for segmented output, whole or streamed.
  @Test
  void sig3_segmentedSuitesSignPerDek() throws Exception {
    byte[] big = new byte[65536 + 100];
    Arrays.fill(big, (byte) 7);
    Encryptor enc = Encryptor.builder().recipient(Recipient.symmetric(keks(), "orders")).segmented(true)
        .signer(WriterKey.ed25519("writer-a", 3, WRITER), SignMode.PER_DEK).build();
    assertEquals(Suite.AES_256_GCM_SIGNED_SEGMENTED, enc.suite());
    byte[] env = enc.encrypt(big, EXT);
    assertArrayEquals(new byte[] {0x03, 0x01}, Arrays.copyOfRange(env, 4, 6));
    byte[] p = Arrays.copyOfRange(env, 0, P_END);
    assertTrue(jdkVerify(WRITER.publicKey().toBytes(), concat(ascii("sealpost/v1 signed header"), p),
        Arrays.copyOfRange(env, P_END, SIG_END)));
    Decryptor d = reader(keks());
    Decrypted whole = d.open(env, 0, env.length, EXT, TRUST_WRITER);
    assertArrayEquals(big, whole.plaintext());
    assertEquals("writer-a", whole.verifiedSigner().orElseThrow().signerId());
    refused(ErrorCategory.UNTRUSTED_WRITER, d, env, EXT, TrustedWriters.of(TrustedWriter.ed25519("writer-b", 1, OTHER.publicKey())));

    try (java.io.InputStream in = d.decryptingStream(new java.io.ByteArrayInputStream(env), EXT, TRUST_WRITER)) {
      assertArrayEquals(big, in.readAllBytes());
    }
    byte[] badSig = env.clone();
    badSig[P_END] ^= 0x01;
    MutableKekSource readerKeks = keks();
    try (java.io.InputStream in = reader(readerKeks).decryptingStream(new java.io.ByteArrayInputStream(badSig), EXT, TRUST_WRITER)) {
      dev.sealpost.codec.stream.SealpostStreamException e =
          assertThrows(dev.sealpost.codec.stream.SealpostStreamException.class, () -> in.read(new byte[10]));
      assertEquals(ErrorCategory.SIGNATURE_INVALID, e.category());
      assertEquals(0, e.releasedBytes());
    }
    assertTrue(readerKeks.handedOut().isEmpty(), "no unwrap before the writer check");
    // A streamed writer with a per-DEK signer writes 0301 too.
    java.io.ByteArrayOutputStream sink = new java.io.ByteArrayOutputStream();
    try (dev.sealpost.codec.stream.EncryptingOutputStream out = signed(SignMode.PER_DEK).encryptingStream(sink, EXT)) {
      out.write(big);
      out.finish();
    }
    assertEquals(Suite.AES_256_GCM_SIGNED_SEGMENTED, Decryptor.inspect(sink.toByteArray()).suite());
    assertArrayEquals(big, d.open(sink.toByteArray(), 0, sink.size(), EXT, TRUST_WRITER).plaintext());

    SealpostException whole02 = assertThrows(SealpostException.class, () -> Encryptor.builder()
        .recipient(Recipient.symmetric(keks(), "orders")).segmented(true)
        .signer(WriterKey.ed25519("writer-a", 3, WRITER), SignMode.PER_MESSAGE).build());
    assertEquals(ErrorCategory.MALFORMED_HEADER, whole02.category());
    SealpostException stream02 = assertThrows(SealpostException.class,
        () -> signed(SignMode.PER_MESSAGE).encryptingStream(new java.io.ByteArrayOutputStream(), EXT));
    assertEquals(ErrorCategory.MALFORMED_HEADER, stream02.category());
  }

  @Test
  void trustedWritersRefuseConflictingKeys() throws Exception {
    assertThrows(IllegalArgumentException.class, () -> TrustedWriters.of(
        TrustedWriter.ed25519("w", 1, WRITER.publicKey()), TrustedWriter.ed25519("w", 1, OTHER.publicKey())));
    assertThrows(IllegalArgumentException.class, () -> TrustedWriter.ed25519("", 1, WRITER.publicKey()));
    assertFalse(TrustedWriters.none().requiresTrustedWriter());
    assertFalse(TrustedWriters.of().requiresTrustedWriter());
    assertTrue(TRUST_WRITER.requiresTrustedWriter());
    assertNotEquals(TRUST_WRITER.find("writer-a", 3), null);
    // [SEC-3], [SEC-4]: no seed in a writer key's text; a signer id from an envelope is escaped.
    String seedHex = java.util.HexFormat.of().formatHex(WRITER.toBytes());
    assertFalse(WriterKey.ed25519("w", 1, WRITER).toString().toLowerCase().contains(seedHex));
    assertFalse(new SignerRef("a\nforged log line", 1, SignMode.PER_DEK).toString().contains("\n"));
    assertEquals(null, TRUST_WRITER.find("writer-a", 4));
  }
}
