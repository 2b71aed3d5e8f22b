package dev.sealpost.conformance.runner;

import com.google.protobuf.ByteString;
import dev.sealpost.codec.RecipientType;
import dev.sealpost.codec.dek.DekKeys;
import dev.sealpost.codec.format.HeaderWriter;
import dev.sealpost.codec.format.RecipientEntry;
import dev.sealpost.codec.internal.EnvelopeSealer;
import dev.sealpost.codec.recipient.AesKeyWrap;
import dev.sealpost.conformance.ReferenceCodec;
import dev.sealpost.conformance.proto.ConformanceRequest;
import dev.sealpost.conformance.proto.ConformanceResponse;
import dev.sealpost.conformance.proto.DecryptRequest;
import dev.sealpost.conformance.proto.EncryptRequest;
import dev.sealpost.conformance.proto.HeaderInfo;
import dev.sealpost.conformance.proto.InspectRequest;
import dev.sealpost.conformance.proto.Keys;
import dev.sealpost.conformance.proto.RecipientInfo;
import dev.sealpost.conformance.proto.RecipientSpec;
import dev.sealpost.conformance.proto.Suite;
import dev.sealpost.conformance.protocol.ProtoJson;
import dev.sealpost.conformance.runner.Fixtures.KeyRef;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tests generated from the reference codec: tamper cases over reference envelopes, round trips
 * in both directions, header inspection, large plaintexts, limits and crafted headers. Every
 * expected outcome comes from {@link ReferenceCodec}, computed when the test runs.
 */
final class GeneratedTests {
  private static final int ROUND_TRIPS = 24;
  private static final int LARGE = 4 << 20;

  private final Fixtures f;
  private final long seed;

  GeneratedTests(long seed) {
    this.f = new Fixtures(seed);
    this.seed = seed;
  }

  /** A reference envelope the tamper and inspection tests start from. */
  private static final class Base {
    final String name;
    final byte[] envelope;
    final byte[] plaintext;
    final DecryptRequest reader;

    Base(String name, byte[] envelope, byte[] plaintext, DecryptRequest reader) {
      this.name = name;
      this.envelope = envelope;
      this.plaintext = plaintext;
      this.reader = reader;
    }

    DecryptRequest with(byte[] env) {
      return reader.toBuilder().setEnvelope(ByteString.copyFrom(env)).build();
    }
  }

  /**
   * The reference's answer, computed on a fresh thread. The codec keeps one JCE cipher per
   * thread, and the JDK's ChaCha20-Poly1305 refuses an init with the key and nonce of the
   * previous one; the runner decrypts one envelope many times, so a fresh thread keeps that
   * codec defect out of the expectations. The Java testee runs the codec as-is, so the suite
   * still reports the defect (see the Tamper ...DecryptTwice tests).
   */
  static ConformanceResponse reference(ConformanceRequest r) {
    ConformanceResponse[] out = new ConformanceResponse[1];
    Thread t = new Thread(() -> out[0] = ReferenceCodec.handle(r), "reference");
    t.start();
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    if (out[0] == null) {
      throw new IllegalStateException("the reference codec failed on " + r.getRequestCase());
    }
    return out[0];
  }

  static ConformanceRequest req(DecryptRequest d) {
    return ConformanceRequest.newBuilder().setDecrypt(d).build();
  }

  static ConformanceRequest req(EncryptRequest e) {
    return ConformanceRequest.newBuilder().setEncrypt(e).build();
  }

  static ConformanceRequest inspect(byte[] env) {
    return ConformanceRequest.newBuilder().setInspect(InspectRequest.newBuilder().setEnvelope(ByteString.copyFrom(env))).build();
  }

  /** Encrypts with the reference and fixed randomness; the result must be an envelope. */
  private byte[] referenceEnvelope(EncryptRequest fixed) {
    ConformanceResponse r = reference(req(fixed));
    if (r.getResultCase() != ConformanceResponse.ResultCase.ENVELOPE) {
      throw new IllegalStateException("the reference cannot encrypt a fixture: " + r);
    }
    return r.getEnvelope().toByteArray();
  }

  private List<Base> bases() {
    List<Base> out = new ArrayList<>();
    Object[][] plan = {
      {"Gcm.Symmetric", Suite.AES_256_GCM, List.of(f.orders1)},
      {"Gcm.X25519", Suite.AES_256_GCM, List.of(f.consumerA)},
      {"Gcm.Kms", Suite.AES_256_GCM, List.of(f.kmsAlpha)},
      {"ChaCha.Symmetric", Suite.CHACHA20_POLY1305, List.of(f.orders2)},
      {"ChaCha.X25519", Suite.CHACHA20_POLY1305, List.of(f.consumerB)},
      {"ChaCha.Kms", Suite.CHACHA20_POLY1305, List.of(f.kmsBeta)},
      {"Siv.Symmetric", Suite.AES_256_SIV, List.of(f.audit7)},
      {"Gcm.AllTypes", Suite.AES_256_GCM, List.of(f.orders1, f.consumerA, f.kmsAlpha)},
    };
    for (Object[] p : plan) {
      String name = (String) p[0];
      @SuppressWarnings("unchecked")
      List<KeyRef> refs = (List<KeyRef>) p[2];
      boolean rich = name.endsWith("AllTypes");
      Map<String, String> stored = rich ? Map.of("tenant", "acme", "schema", "orders-v2") : Map.of();
      Map<String, String> external = rich ? Map.of("topic", "payments") : Map.of();
      byte[] plaintext = "conformance tamper base".getBytes(StandardCharsets.UTF_8);
      byte[] env = referenceEnvelope(f.fixed(Fixtures.randomEncrypt((Suite) p[1], refs, stored, external, plaintext)));
      DecryptRequest.Builder reader = DecryptRequest.newBuilder()
          .setKeys(Fixtures.readerKeys(refs))
          .putAllExternalContext(external);
      if (rich) {
        reader.putRequiredContext("tenant", "acme");
      }
      out.add(new Base(name, env, plaintext, reader.build()));
    }
    return out;
  }

  List<ConformanceTest> all() {
    List<ConformanceTest> tests = new ArrayList<>();
    List<Base> bases = bases();
    tamper(bases, tests);
    crafted(tests);
    readerRules(tests);
    writerRules(tests);
    roundTrips(tests);
    inspection(bases, tests);
    large(tests);
    limits(bases, tests);
    tests.addAll(new SignedSegmentedTests(f, seed).all());
    compressedRoundTrips(tests); // last, so that the fixtures of the tests before are unchanged
    return tests;
  }

  /**
   * Issue 9 (SPEC.md 18): compressed suites across implementations, each compressor, JSON-like
   * plaintexts that compress and random ones that are stored [CMP-2]. Compressors may differ
   * between implementations; whatever one packs, the other must unpack [CMP-4].
   */
  private void compressedRoundTrips(List<ConformanceTest> tests) {
    Suite[] suites = {Suite.AES_256_GCM_COMPRESSED, Suite.CHACHA20_POLY1305_COMPRESSED};
    dev.sealpost.conformance.proto.Compression[] methods = {
      dev.sealpost.conformance.proto.Compression.ZSTD, dev.sealpost.conformance.proto.Compression.LZ4};
    for (int i = 0; i < 8; i++) {
      Suite s = suites[i % 2];
      dev.sealpost.conformance.proto.Compression c = methods[(i / 2) % 2];
      List<KeyRef> refs = randomRecipients(s);
      byte[] pt = i < 4 ? compressible(i) : randomPlaintext();
      EncryptRequest e = Fixtures.randomEncrypt(s, refs, randomContext(2), randomContext(2), pt).toBuilder().setCompression(c).build();
      String id = String.format("%02d.%s.%s", i, c, label(s, refs));
      tests.add(testeeEncrypts(Level.REQUIRED, "RoundTrip.Compressed.TesteeEncrypts", id, e, refs));
      tests.addAll(referenceEncrypts(Level.REQUIRED, "RoundTrip.Compressed.ReferenceEncrypts", id, f.fixed(e), refs));
    }
  }

  /** Repetitive JSON records of some kilobytes, as a topic of events holds. */
  private byte[] compressible(int i) {
    StringBuilder sb = new StringBuilder("[");
    int n = 5 + f.nextInt(200);
    for (int k = 0; k < n; k++) {
      sb.append(k == 0 ? "" : ",").append("{\"seq\":").append(k).append(",\"kind\":\"event-").append(i)
          .append("\",\"user\":\"u-").append(f.nextInt(50)).append("\",\"ok\":true}");
    }
    return sb.append(']').toString().getBytes(StandardCharsets.UTF_8);
  }

  // --------------------------------------------------------------------------------- tamper

  /** A decryption whose expected outcome is the reference's. */
  private static ConformanceTest againstReference(Level level, String group, String id, DecryptRequest d) {
    ConformanceRequest r = req(d);
    return new ConformanceTest(level, group, id, t -> Expect.outcome(t.call(r), reference(r), id));
  }

  /**
   * Truncation at every length, every single-bit flip, appended bytes and changed contexts,
   * over reference envelopes of every suite and recipient type [HDR-2], [HDR-5], [AUTH-1],
   * [AUTH-2], [COM-2], [CTX-4], [CTX-5], [ERR-2].
   */
  private static void tamper(List<Base> bases, List<ConformanceTest> tests) {
    for (Base b : bases) {
      String g = "Tamper";
      tests.add(new ConformanceTest(Level.REQUIRED, g, b.name + ".Untouched",
          t -> Expect.plaintext(t.call(req(b.with(b.envelope))), b.plaintext)));
      // A broker may deliver an envelope again (SPEC.md 13.2): the same reader must decrypt it again.
      tests.add(new ConformanceTest(Level.REQUIRED, g, b.name + ".DecryptTwice", t -> {
        Verdict first = Expect.plaintext(t.call(req(b.with(b.envelope))), b.plaintext);
        if (!first.passed()) {
          return first;
        }
        Verdict second = Expect.plaintext(t.call(req(b.with(b.envelope))), b.plaintext);
        return second.passed() ? second : Verdict.fail("second decryption: " + second.headline(), second.detail());
      }));
      for (int n = 0; n < b.envelope.length; n++) {
        tests.add(againstReference(Level.REQUIRED, g, b.name + ".Truncate." + n, b.with(Arrays.copyOf(b.envelope, n))));
      }
      for (int i = 0; i < b.envelope.length; i++) {
        for (int bit = 0; bit < 8; bit++) {
          byte[] e = b.envelope.clone();
          e[i] ^= (byte) (1 << bit);
          tests.add(againstReference(Level.REQUIRED, g, b.name + ".BitFlip." + i + "." + bit, b.with(e)));
        }
      }
      for (int extra : new int[] {1, 16}) {
        byte[] e = Arrays.copyOf(b.envelope, b.envelope.length + extra);
        tests.add(againstReference(Level.REQUIRED, g, b.name + ".Append." + extra, b.with(e)));
      }
      DecryptRequest wrongTopic = b.with(b.envelope).toBuilder().putExternalContext("topic", "elsewhere").build();
      tests.add(againstReference(Level.REQUIRED, g, b.name + ".ExternalContextChanged", wrongTopic));
      DecryptRequest wantTenant = b.with(b.envelope).toBuilder().putRequiredContext("tenant", "other").build();
      tests.add(againstReference(Level.REQUIRED, g, b.name + ".RequiredContextDiffers", wantTenant));
      DecryptRequest noKeys = b.with(b.envelope).toBuilder().setKeys(Keys.getDefaultInstance()).build();
      tests.add(againstReference(Level.REQUIRED, g, b.name + ".NoKeys", noKeys));
    }
  }

  // --------------------------------------------------------------------------------- crafted

  /**
   * Hand-built headers the reference writer never produces: unknown recipient types [RCP-4],
   * a DEK that does not match the commitment [COM-2], a wrong symmetric KEK [SYM-2].
   */
  private void crafted(List<ConformanceTest> tests) {
    String g = "Crafted";
    byte[] dek = f.bytes(32);
    byte[] plaintext = "crafted".getBytes(StandardCharsets.UTF_8);
    KeyRef k = f.orders1;
    List<KeyRef> keys = List.of(k);
    try {
      byte[] kek = k.symmetric.getKey().toByteArray();
      RecipientEntry good = new RecipientEntry(RecipientType.SYMMETRIC, k.symmetric.getKeyId(), k.symmetric.getVersion(), AesKeyWrap.wrap(kek, dek));
      RecipientEntry unknown = new RecipientEntry(0x80, "private-use", 1, f.bytes(33));
      RecipientEntry unassigned = new RecipientEntry(0x04, "future", 9, f.bytes(300));
      tests.add(crafted(g, "UnknownTypesSkipped", List.of(unknown, unassigned, good), dek, plaintext, keys));
      tests.add(crafted(g, "OnlyUnknownTypes", List.of(unknown, unassigned), dek, plaintext, keys));
      // A correct wrap of another DEK: the commitment is that of `dek`.
      RecipientEntry otherDek = new RecipientEntry(RecipientType.SYMMETRIC, k.symmetric.getKeyId(), k.symmetric.getVersion(), AesKeyWrap.wrap(kek, f.bytes(32)));
      tests.add(crafted(g, "CommitmentMismatch", List.of(otherDek), dek, plaintext, keys));
      RecipientEntry garbage = new RecipientEntry(RecipientType.SYMMETRIC, k.symmetric.getKeyId(), k.symmetric.getVersion(), f.bytes(40));
      tests.add(crafted(g, "OnlyEntryUnwrapFails", List.of(garbage), dek, plaintext, keys));
      // Same key id, another version: not the reader's key [RCP-5].
      RecipientEntry otherVersion = new RecipientEntry(RecipientType.SYMMETRIC, k.symmetric.getKeyId(), k.symmetric.getVersion() + 100, AesKeyWrap.wrap(kek, dek));
      tests.add(crafted(g, "KeyVersionNotHeld", List.of(otherVersion), dek, plaintext, keys));
      tests.add(crafted(g, "EmptyPlaintext", List.of(good), dek, new byte[0], keys));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  // --------------------------------------------------------------------------------- issue 8 rules

  /** A crafted envelope under {@code suite}, empty contexts: commitment and body of {@code dek}. */
  private byte[] craft(dev.sealpost.codec.Suite suite, List<RecipientEntry> entries, byte[] dek, byte[] pt)
      throws GeneralSecurityException {
    DekKeys dk = DekKeys.derive(suite, dek);
    byte[] prefix = HeaderWriter.prefix(suite, entries, dk.commitment(), dev.sealpost.codec.EncryptionContext.empty());
    return EnvelopeSealer.seal(dk, prefix, f.bytes(suite.nonceLength()), new byte[] {0}, pt, 0, pt.length);
  }

  /** A decryption whose expected outcome is fixed here, from the rule it checks: an error category, or the plaintext. */
  private static ConformanceTest expecting(String g, String id, DecryptRequest d, String category, byte[] pt) {
    ConformanceRequest r = req(d);
    return new ConformanceTest(Level.REQUIRED, g, id,
        t -> category == null ? Expect.plaintext(t.call(r), pt) : Expect.error(t.call(r), category));
  }

  private static DecryptRequest reading(byte[] env, Keys keys) {
    return DecryptRequest.newBuilder().setEnvelope(ByteString.copyFrom(env)).setKeys(keys).build();
  }

  /**
   * [RCP-7] repeated references, [RCP-8] the first held entry decides and at most 2 attempts,
   * [COM-4] no fallback after a commitment mismatch, [SUITE-4] suite 0003 entry types, [KMS-3]
   * the reader's KMS allow-list, a reader holding only an X25519 public key. Expected outcomes
   * are fixed by the rules, not taken from the reference.
   */
  private void readerRules(List<ConformanceTest> tests) {
    String g = "Crafted";
    dev.sealpost.codec.Suite gcm = dev.sealpost.codec.Suite.AES_256_GCM;
    dev.sealpost.codec.Suite siv = dev.sealpost.codec.Suite.AES_256_SIV;
    byte[] dek = f.bytes(32);
    byte[] pt = "issue 8".getBytes(StandardCharsets.UTF_8);
    KeyRef o = f.orders1;
    KeyRef a = f.audit7;
    try {
      byte[] ordersKek = o.symmetric.getKey().toByteArray();
      byte[] auditKek = a.symmetric.getKey().toByteArray();
      RecipientEntry good = new RecipientEntry(RecipientType.SYMMETRIC, "orders", o.symmetric.getVersion(), AesKeyWrap.wrap(ordersKek, dek));
      RecipientEntry auditJunk = new RecipientEntry(RecipientType.SYMMETRIC, "audit", a.symmetric.getVersion(), f.bytes(40));
      RecipientEntry auditOtherDek = new RecipientEntry(RecipientType.SYMMETRIC, "audit", a.symmetric.getVersion(), AesKeyWrap.wrap(auditKek, f.bytes(32)));
      Keys both = Fixtures.readerKeys(List.of(a, o));
      Keys ordersOnly = Fixtures.readerKeys(List.of(o));
      byte[] junkFirst = craft(gcm, List.of(auditJunk, good), dek, pt);
      tests.add(expecting(g, "FirstHeldEntry.UnwrapFails", reading(junkFirst, both), "unwrap-failed", null));
      tests.add(expecting(g, "FirstHeldEntry.UnheldFirstSkipped", reading(junkFirst, ordersOnly), null, pt));
      byte[] otherFirst = craft(gcm, List.of(auditOtherDek, good), dek, pt);
      tests.add(expecting(g, "FirstHeldEntry.CommitmentMismatchNoFallback", reading(otherFirst, both), "commitment-mismatch", null));
      tests.add(expecting(g, "FirstHeldEntry.CommitmentUnheldFirstSkipped", reading(otherFirst, ordersOnly), null, pt));

      // [RCP-7]
      RecipientEntry goodAgain = new RecipientEntry(RecipientType.SYMMETRIC, "orders", o.symmetric.getVersion(), AesKeyWrap.wrap(ordersKek, dek));
      tests.add(expecting(g, "Duplicate.Symmetric", reading(craft(gcm, List.of(good, goodAgain), dek, pt), ordersOnly), "malformed-header", null));
      byte[] pubA = f.consumerA.x25519.getPublicKey().toByteArray();
      RecipientEntry xa1 = new RecipientEntry(RecipientType.X25519_HPKE, "consumer-a", 1, dev.sealpost.codec.recipient.HpkeDekSeal.seal(pubA, dek, f.bytes(32)));
      RecipientEntry xa2 = new RecipientEntry(RecipientType.X25519_HPKE, "consumer-a", 1, dev.sealpost.codec.recipient.HpkeDekSeal.seal(pubA, dek, f.bytes(32)));
      Keys xaKeys = Fixtures.readerKeys(List.of(f.consumerA));
      tests.add(expecting(g, "Duplicate.X25519", reading(craft(gcm, List.of(xa1, xa2), dek, pt), xaKeys), "malformed-header", null));
      byte[] alphaKey = f.kmsAlpha.kms.getKey().toByteArray();
      RecipientEntry alpha = new RecipientEntry(RecipientType.KMS, "test-kms://alpha", 0, dev.sealpost.codec.kms.TestKms.wrap(alphaKey, "test-kms://alpha", dek, f.bytes(12)));
      RecipientEntry alphaV1 = new RecipientEntry(RecipientType.KMS, "test-kms://alpha", 1, f.bytes(60));
      Keys kmsKeys = Fixtures.readerKeys(List.of(f.kmsAlpha, f.kmsBeta));
      tests.add(expecting(g, "Duplicate.KmsOtherVersion", reading(craft(gcm, List.of(alpha, alphaV1), dek, pt), kmsKeys), "malformed-header", null));
      RecipientEntry vendor1 = new RecipientEntry(0x80, "vendor", 7, f.bytes(5));
      RecipientEntry vendor2 = new RecipientEntry(0x80, "vendor", 7, f.bytes(9));
      tests.add(expecting(g, "Duplicate.UnknownType", reading(craft(gcm, List.of(vendor1, good, vendor2), dek, pt), ordersOnly), "malformed-header", null));
      RecipientEntry otherVersion = new RecipientEntry(RecipientType.SYMMETRIC, "orders", o.symmetric.getVersion() + 1, f.bytes(40));
      RecipientEntry vendorV8 = new RecipientEntry(0x80, "vendor", 8, f.bytes(5));
      tests.add(expecting(g, "Duplicate.OtherVersionsAreDistinct",
          reading(craft(gcm, List.of(vendor1, vendorV8, otherVersion, good), dek, pt), ordersOnly), null, pt));

      // [RCP-8]: 32 held entries with junk cost one verdict; a good last entry is never reached.
      List<KeyRef> kms32 = new ArrayList<>();
      List<RecipientEntry> junk32 = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        String uri = "test-kms://hostile-" + i;
        kms32.add(Fixtures.kmsKey(uri, f.bytes(32)));
        junk32.add(new RecipientEntry(RecipientType.KMS, uri, 0, f.bytes(60)));
      }
      Keys kms32Keys = Fixtures.readerKeys(kms32);
      tests.add(expecting(g, "AttemptBound.ThirtyTwoHeldJunkEntries", reading(craft(gcm, junk32, dek, pt), kms32Keys), "unwrap-failed", null));
      List<RecipientEntry> junkThenGood = new ArrayList<>(junk32.subList(0, 31));
      byte[] lastKey = kms32.get(31).kms.getKey().toByteArray();
      junkThenGood.add(new RecipientEntry(RecipientType.KMS, "test-kms://hostile-31", 0,
          dev.sealpost.codec.kms.TestKms.wrap(lastKey, "test-kms://hostile-31", dek, f.bytes(12))));
      tests.add(expecting(g, "AttemptBound.GoodEntryAfterThirtyOneJunk", reading(craft(gcm, junkThenGood, dek, pt), kms32Keys), "unwrap-failed", null));

      // [SUITE-4]
      Keys all = Fixtures.readerKeys(f.allKeys());
      tests.add(expecting(g, "Siv.X25519Entry", reading(craft(siv, List.of(good, xa1), dek, pt), all), "malformed-header", null));
      tests.add(expecting(g, "Siv.KmsEntry", reading(craft(siv, List.of(alpha), dek, pt), all), "malformed-header", null));
      tests.add(expecting(g, "Siv.UnknownTypeSkipped", reading(craft(siv, List.of(vendor1, good), dek, pt), all), null, pt));

      // A reader given only consumer-a's public key holds nothing for its entry.
      tests.add(expecting(g, "X25519PublicKeyOnly", reading(craft(gcm, List.of(xa1), dek, pt), Fixtures.writerKeys(List.of(f.consumerA))),
          "no-matching-key", null));

      // [KMS-3]: the allow-list decides which KMS entries are held.
      byte[] betaKey = f.kmsBeta.kms.getKey().toByteArray();
      RecipientEntry beta = new RecipientEntry(RecipientType.KMS, "test-kms://beta", 0, dev.sealpost.codec.kms.TestKms.wrap(betaKey, "test-kms://beta", dek, f.bytes(12)));
      RecipientEntry betaJunk = new RecipientEntry(RecipientType.KMS, "test-kms://beta", 0, f.bytes(60));
      tests.add(expecting(g, "KmsAllowList.NotAllowedIsNotHeld",
          reading(craft(gcm, List.of(beta), dek, pt), kmsKeys).toBuilder().addKmsAllowedKeyUris("test-kms://alpha").build(), "no-matching-key", null));
      tests.add(expecting(g, "KmsAllowList.Prefix",
          reading(craft(gcm, List.of(alpha), dek, pt), kmsKeys).toBuilder().addKmsAllowedKeyUris("test-kms://al*").build(), null, pt));
      byte[] betaJunkFirst = craft(gcm, List.of(betaJunk, alpha), dek, pt);
      tests.add(expecting(g, "KmsAllowList.UnallowedEntrySkipped",
          reading(betaJunkFirst, kmsKeys).toBuilder().addKmsAllowedKeyUris("test-kms://alpha").build(), null, pt));
      tests.add(expecting(g, "KmsAllowList.DefaultIsTheKeysGiven", reading(betaJunkFirst, kmsKeys), "unwrap-failed", null));

      reusedDeterministicHeader(tests, g);
    } catch (dev.sealpost.codec.SealpostException e) {
      throw new IllegalStateException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * [SIV-4]: the recipient 'audit' of a genuine {@code [orders, audit]} suite 0003 record key for
   * topic A keeps its header and writes, under the DEK it unwraps from its own entry, a body for
   * topic B. A reader holding 'orders' (KEK_1) recomputes the DEK and fails with
   * authentication-failed, also when it holds 'audit' too (the first held entry gives the DEK); a
   * reader holding only 'audit' cannot recompute it and accepts, the limit SPEC.md 13.4 states.
   * Uses no fixture randomness: the deterministic suite needs none, so later tests are unchanged.
   */
  private void reusedDeterministicHeader(List<ConformanceTest> tests, String g)
      throws GeneralSecurityException, dev.sealpost.codec.SealpostException {
    dev.sealpost.codec.Suite siv = dev.sealpost.codec.Suite.AES_256_SIV;
    KeyRef first = f.orders1;
    KeyRef second = f.audit7;
    Map<String, String> stored = Map.of("schema", "record-key-v1");
    Map<String, String> topicA = Map.of("topic", "orders-a");
    Map<String, String> topicB = Map.of("topic", "orders-b");
    byte[] recordKey = "customer-4711".getBytes(StandardCharsets.UTF_8);
    byte[] genuine = referenceEnvelope(f.fixed(Fixtures.randomEncrypt(Suite.AES_256_SIV, List.of(first, second), stored, topicA, recordKey)));
    dev.sealpost.codec.format.EnvelopeHeader h = dev.sealpost.codec.format.EnvelopeHeader.parse(genuine);
    byte[] dekA = AesKeyWrap.unwrap(second.symmetric.getKey().toByteArray(), h.recipients().get(1).wrappedDek());
    byte[] header = Arrays.copyOf(genuine, h.headerLength());
    byte[] forgedKey = "customer-0001-forged".getBytes(StandardCharsets.UTF_8);
    byte[] forged = EnvelopeSealer.seal(DekKeys.derive(siv, dekA), header, new byte[0],
        dev.sealpost.codec.EncryptionContext.of(topicB).encode(), forgedKey, 0, forgedKey.length);
    DecryptRequest firstOnly = reading(forged, Fixtures.readerKeys(List.of(first))).toBuilder().putAllExternalContext(topicB).build();
    tests.add(expecting(g, "Siv.ReusedHeader.GenuineForFirstKek",
        reading(genuine, Fixtures.readerKeys(List.of(first))).toBuilder().putAllExternalContext(topicA).build(), null, recordKey));
    tests.add(expecting(g, "Siv.ReusedHeader.FirstKekRefuses", firstOnly, "authentication-failed", null));
    tests.add(expecting(g, "Siv.ReusedHeader.BothKeksRefuse",
        firstOnly.toBuilder().setKeys(Fixtures.readerKeys(List.of(first, second))).build(), "authentication-failed", null));
    tests.add(expecting(g, "Siv.ReusedHeader.SecondKekOnlyAccepts",
        firstOnly.toBuilder().setKeys(Fixtures.readerKeys(List.of(second))).build(), null, forgedKey));
  }

  /** A writer request whose expected error is fixed by [ENC-2], [ENC-3]; with own and with fixed randomness. */
  private void writerExpecting(List<ConformanceTest> tests, String id, EncryptRequest e, String category) {
    for (EncryptRequest variant : List.of(e, f.fixed(e))) {
      ConformanceRequest r = req(variant);
      String name = id + (variant.getFixedRandomness() ? ".Fixed" : "");
      tests.add(new ConformanceTest(Level.REQUIRED, "Writer", name, t -> Expect.error(t.call(r), category)));
    }
  }

  private static EncryptRequest withRecipients(EncryptRequest base, List<RecipientSpec> specs) {
    return base.toBuilder().clearRecipients().addAllRecipients(specs).build();
  }

  /** [ENC-2], [ENC-3]: writer-side categories and which fault is reported first. */
  private void writerRules(List<ConformanceTest> tests) {
    Suite gcm = Suite.AES_256_GCM;
    byte[] pt = "w".getBytes(StandardCharsets.UTF_8);
    List<KeyRef> keys = List.of(f.orders1, f.audit7, f.consumerA, f.kmsAlpha);
    EncryptRequest base = Fixtures.randomEncrypt(gcm, keys, Map.of(), Map.of(), pt);
    RecipientSpec orders = Fixtures.spec(f.orders1).build();
    RecipientSpec consumer = Fixtures.spec(f.consumerA).build();
    RecipientSpec alpha = Fixtures.spec(f.kmsAlpha).build();
    RecipientSpec empty = orders.toBuilder().setKeyId("").build();
    RecipientSpec longId = orders.toBuilder().setKeyId("k".repeat(256)).build();
    RecipientSpec notHeld = orders.toBuilder().setVersion(orders.getVersion() + 98).build();
    writerExpecting(tests, "NoRecipients", withRecipients(base, List.of()), "malformed-header");
    List<RecipientSpec> many = new ArrayList<>(List.of(empty));
    for (int i = 1; i < 33; i++) {
      many.add(consumer.toBuilder().setVersion(i + 1).build());
    }
    writerExpecting(tests, "ThirtyThreeRecipientsFirstKeyIdEmpty", withRecipients(base, many), "limit-exceeded");
    writerExpecting(tests, "EmptyKeyId", withRecipients(base, List.of(empty)), "malformed-header");
    writerExpecting(tests, "KeyId256Bytes", withRecipients(base, List.of(longId)), "limit-exceeded");
    writerExpecting(tests, "EmptyKeyIdThenLongKeyId", withRecipients(base, List.of(empty, longId)), "malformed-header");
    writerExpecting(tests, "LongKeyIdThenEmptyKeyId", withRecipients(base, List.of(longId, empty)), "limit-exceeded");
    writerExpecting(tests, "Duplicate.Symmetric", withRecipients(base, List.of(orders, orders)), "malformed-header");
    writerExpecting(tests, "Duplicate.X25519", withRecipients(base, List.of(consumer, consumer)), "malformed-header");
    writerExpecting(tests, "Duplicate.Kms", withRecipients(base, List.of(alpha, alpha)), "malformed-header");
    writerExpecting(tests, "DuplicateThenLongKeyId", withRecipients(base, List.of(orders, orders, longId)), "malformed-header");
    EncryptRequest sivBase = base.toBuilder().setSuite(Suite.AES_256_SIV).build();
    writerExpecting(tests, "Siv.X25519", withRecipients(sivBase, List.of(orders, consumer)), "malformed-header");
    writerExpecting(tests, "Siv.Kms", withRecipients(sivBase, List.of(alpha)), "malformed-header");
    RecipientSpec unservedUri = alpha.toBuilder().setKeyId("test-kms://not-served").build();
    writerExpecting(tests, "Siv.KmsNotHeldIsStillTheSuiteFault", withRecipients(sivBase, List.of(unservedUri)), "malformed-header");
    writerExpecting(tests, "NotHeld.Symmetric", withRecipients(base, List.of(notHeld)), "invalid-key-material");
    writerExpecting(tests, "NotHeld.X25519", withRecipients(base, List.of(consumer.toBuilder().setKeyId("consumer-z").build())),
        "invalid-key-material");
    writerExpecting(tests, "NotHeld.Kms", withRecipients(base, List.of(unservedUri)), "invalid-key-material");
    writerExpecting(tests, "NotHeldThenEmptyKeyId", withRecipients(base, List.of(notHeld, empty)), "invalid-key-material");
    writerExpecting(tests, "NotHeldBeforeStoredContext",
        withRecipients(base, List.of(notHeld)).toBuilder().putStoredContext("", "v").build(), "invalid-key-material");
    EncryptRequest one = withRecipients(base, List.of(orders));
    writerExpecting(tests, "StoredContextEmptyKey", one.toBuilder().putStoredContext("", "v").build(), "malformed-header");
    writerExpecting(tests, "ExternalContextEmptyKey", one.toBuilder().putExternalContext("", "v").build(), "malformed-header");
    writerExpecting(tests, "StoredContextKey256Bytes", one.toBuilder().putStoredContext("k".repeat(256), "v").build(), "limit-exceeded");
    writerExpecting(tests, "StoredBeforeExternal",
        one.toBuilder().putStoredContext("", "v").putExternalContext("k", "v".repeat(1025)).build(), "malformed-header");
    writerExpecting(tests, "EmptyKeyBeforeLongValue",
        one.toBuilder().putExternalContext("", "v".repeat(1025)).build(), "malformed-header");
  }

  private ConformanceTest crafted(String g, String id, List<RecipientEntry> entries, byte[] dek, byte[] pt, List<KeyRef> keys)
      throws GeneralSecurityException {
    DekKeys dk = DekKeys.derive(dev.sealpost.codec.Suite.AES_256_GCM, dek);
    byte[] prefix = HeaderWriter.prefix(dev.sealpost.codec.Suite.AES_256_GCM, entries, dk.commitment(),
        dev.sealpost.codec.EncryptionContext.empty());
    byte[] env = EnvelopeSealer.seal(dk, prefix, f.bytes(12), new byte[] {0}, pt, 0, pt.length);
    return againstReference(Level.REQUIRED, g, id,
        DecryptRequest.newBuilder().setEnvelope(ByteString.copyFrom(env)).setKeys(Fixtures.readerKeys(keys)).build());
  }

  // --------------------------------------------------------------------------------- round trips

  private static final List<String> CONTEXT_KEYS =
      List.of("tenant", "topic", "schema", "é", "ｔｏｐｉｃ", "😀", "Z", "a-much-longer-context-key");

  private Map<String, String> randomContext(int max) {
    Map<String, String> m = new LinkedHashMap<>();
    int n = f.nextInt(max + 1);
    for (int i = 0; i < n; i++) {
      m.put(f.pick(CONTEXT_KEYS), f.pick(List.of("", "acme", "ünïcødé", "v" + f.nextInt(1000), "x".repeat(f.nextInt(60)))));
    }
    return m;
  }

  private byte[] randomPlaintext() {
    int n = f.pick(List.of(0, 1, 15, 16, 17, 64, 255, 1000, f.nextInt(5000)));
    return f.bytes(n);
  }

  private List<KeyRef> randomRecipients(Suite suite) {
    List<KeyRef> pool = suite == Suite.AES_256_SIV ? f.symmetricKeys() : f.allKeys();
    List<KeyRef> out = new ArrayList<>();
    int n = 1 + f.nextInt(3);
    while (out.size() < n) {
      KeyRef r = f.pick(pool);
      if (!out.contains(r)) {
        out.add(r);
      }
    }
    return out;
  }

  private static String label(Suite s, List<KeyRef> refs) {
    StringBuilder sb = new StringBuilder(s.name());
    for (KeyRef r : refs) {
      sb.append(sb.indexOf(".") < 0 ? "." : "+").append(r.label());
    }
    return sb.toString();
  }

  private void roundTrips(List<ConformanceTest> tests) {
    Suite[] suites = {Suite.AES_256_GCM, Suite.CHACHA20_POLY1305, Suite.AES_256_SIV};
    for (int i = 0; i < ROUND_TRIPS; i++) {
      Suite s = suites[i % 3];
      List<KeyRef> refs = randomRecipients(s);
      EncryptRequest e = Fixtures.randomEncrypt(s, refs, randomContext(3), randomContext(3), randomPlaintext());
      tests.add(testeeEncrypts(Level.REQUIRED, "RoundTrip.TesteeEncrypts", String.format("%02d.%s", i, label(s, refs)), e, refs));
    }
    for (int i = 0; i < ROUND_TRIPS; i++) {
      Suite s = suites[i % 3];
      List<KeyRef> refs = randomRecipients(s);
      EncryptRequest e = f.fixed(Fixtures.randomEncrypt(s, refs, randomContext(3), randomContext(3), randomPlaintext()));
      tests.addAll(referenceEncrypts(Level.REQUIRED, "RoundTrip.ReferenceEncrypts", String.format("%02d.%s", i, label(s, refs)), e, refs));
    }
  }

  /**
   * The testee encrypts with its own randomness; the reference must decrypt it with all keys
   * and with each recipient's key alone [RCP-2], read back the requested header [ENC-1], get
   * byte-identical output for the deterministic suite [SIV-3], and different output for a
   * second encryption under a randomized suite [DEK-1], [NONCE-1].
   */
  private ConformanceTest testeeEncrypts(Level level, String group, String id, EncryptRequest e, List<KeyRef> refs) {
    ConformanceRequest enc = req(e);
    EncryptRequest fixedTwin = e.getSuite() == Suite.AES_256_SIV ? f.fixed(e) : null;
    return new ConformanceTest(level, group, id, t -> {
      ConformanceResponse r = t.call(enc);
      byte[] plaintext = e.getPlaintext().toByteArray();
      if (r.getResultCase() != ConformanceResponse.ResultCase.ENVELOPE) {
        return Expect.unexpected(r, "an envelope");
      }
      byte[] env = r.getEnvelope().toByteArray();
      DecryptRequest.Builder d = DecryptRequest.newBuilder()
          .setEnvelope(ByteString.copyFrom(env)).putAllExternalContext(e.getExternalContextMap());
      ConformanceResponse back = reference(req(d.setKeys(Fixtures.readerKeys(refs)).build()));
      Verdict v = Expect.plaintext(back, plaintext);
      if (!v.passed()) {
        return Verdict.fail("the reference cannot decrypt the testee's envelope: " + v.headline(),
            v.detail() + "\nenvelope: " + HexDiff.hex(env));
      }
      HeaderInfo h = ReferenceCodec.inspectOrNull(env);
      String headerProblem = headerMatches(h, e);
      if (headerProblem != null) {
        return Verdict.fail("the testee's header does not match the request: " + headerProblem, "envelope: " + HexDiff.hex(env));
      }
      if (refs.size() > 1) {
        for (int i = 0; i < refs.size(); i++) {
          ConformanceResponse one = reference(req(d.setKeys(Fixtures.readerKeys(List.of(refs.get(i)))).build()));
          if (!Expect.plaintext(one, plaintext).passed()) {
            return Verdict.fail("recipient " + (i + 1) + " alone cannot decrypt: not the same DEK for every recipient [RCP-2]",
                ProtoJson.pretty(one));
          }
        }
      }
      if (fixedTwin != null) {
        byte[] expected = reference(req(fixedTwin)).getEnvelope().toByteArray();
        if (!Arrays.equals(expected, env)) {
          Verdict diff = Expect.envelope(r, expected);
          return Verdict.fail("deterministic envelope differs from the reference's [SIV-3]: " + diff.headline(), diff.detail());
        }
      } else {
        ConformanceResponse again = t.call(enc);
        if (again.getResultCase() == ConformanceResponse.ResultCase.ENVELOPE
            && Arrays.equals(again.getEnvelope().toByteArray(), env)) {
          return Verdict.fail("two encryptions under a randomized suite gave identical envelopes [DEK-1], [NONCE-1]", "");
        }
      }
      return Verdict.pass();
    });
  }

  /** The reference's header of a testee envelope against what the request asked for. */
  private static String headerMatches(HeaderInfo h, EncryptRequest e) {
    if (h == null) {
      return "the reference cannot parse it";
    }
    if (h.getSuiteId() != e.getSuite().getNumber()) {
      return "suite " + h.getSuiteId() + " instead of " + e.getSuite().getNumber();
    }
    if (h.getRecipientsCount() != e.getRecipientsCount()) {
      return h.getRecipientsCount() + " recipients instead of " + e.getRecipientsCount();
    }
    for (int i = 0; i < h.getRecipientsCount(); i++) {
      RecipientInfo got = h.getRecipients(i);
      RecipientSpec want = e.getRecipients(i);
      if (got.getType() != want.getType().getNumber() || !got.getKeyId().equals(want.getKeyId())
          || got.getVersion() != want.getVersion()) {
        return "recipient " + (i + 1) + " is not the requested (type, key id, version) [ENC-1]";
      }
    }
    Map<String, String> stored = new LinkedHashMap<>();
    h.getStoredContextList().forEach(c -> stored.put(c.getKey(), c.getValue()));
    if (!stored.equals(e.getStoredContextMap())) {
      return "stored context " + stored + " instead of " + e.getStoredContextMap();
    }
    return null;
  }

  /** The reference encrypts; the testee decrypts with all keys, and with the last key alone. */
  private List<ConformanceTest> referenceEncrypts(Level level, String group, String id, EncryptRequest fixed, List<KeyRef> refs) {
    byte[] env = referenceEnvelope(fixed);
    byte[] pt = fixed.getPlaintext().toByteArray();
    DecryptRequest.Builder d = DecryptRequest.newBuilder()
        .setEnvelope(ByteString.copyFrom(env)).putAllExternalContext(fixed.getExternalContextMap());
    ConformanceRequest all = req(d.setKeys(Fixtures.readerKeys(refs)).build());
    List<ConformanceTest> out = new ArrayList<>();
    out.add(new ConformanceTest(level, group, id, t -> Expect.plaintext(t.call(all), pt)));
    if (refs.size() > 1) {
      ConformanceRequest last = req(d.setKeys(Fixtures.readerKeys(List.of(refs.get(refs.size() - 1)))).build());
      out.add(new ConformanceTest(level, group, id + ".LastKeyOnly", t -> Expect.plaintext(t.call(last), pt)));
    }
    return out;
  }

  // --------------------------------------------------------------------------------- inspection

  /** Header inspection of the bases and of every truncation of the richest base. */
  private void inspection(List<Base> bases, List<ConformanceTest> tests) {
    for (Base b : bases) {
      ConformanceRequest r = inspect(b.envelope);
      tests.add(new ConformanceTest(Level.RECOMMENDED, "Inspect", b.name, t -> Expect.inspection(t.call(r), reference(r))));
    }
    Base rich = bases.get(bases.size() - 1);
    for (int n = 0; n < rich.envelope.length; n++) {
      ConformanceRequest r = inspect(Arrays.copyOf(rich.envelope, n));
      tests.add(new ConformanceTest(Level.RECOMMENDED, "Inspect", rich.name + ".Truncate." + n,
          t -> Expect.inspection(t.call(r), reference(r))));
    }
  }

  /** Inspection of every vector envelope; the expected header (or error) is the reference's. */
  static List<ConformanceTest> inspectVectors(VectorTests v) {
    List<ConformanceTest> out = new ArrayList<>();
    for (int i = 0; i < v.envelopes.size(); i++) {
      ConformanceRequest r = inspect(v.envelopes.get(i));
      String id = "Vector." + v.envelopeIds.get(i);
      out.add(new ConformanceTest(Level.RECOMMENDED, "Inspect", id, t -> Expect.inspection(t.call(r), reference(r))));
    }
    return out;
  }

  // --------------------------------------------------------------------------------- large

  private void large(List<ConformanceTest> tests) {
    Suite[] suites = {Suite.AES_256_GCM, Suite.CHACHA20_POLY1305, Suite.AES_256_SIV};
    for (Suite s : suites) {
      List<KeyRef> refs = List.of(s == Suite.AES_256_SIV ? f.orders1 : f.consumerA);
      byte[] pt = f.bytes(LARGE);
      String id = s.name() + ".4MiB";
      tests.add(testeeEncrypts(Level.RECOMMENDED, "Large.TesteeEncrypts", id,
          Fixtures.randomEncrypt(s, refs, Map.of(), Map.of("topic", "big"), pt), refs));
      tests.addAll(referenceEncrypts(Level.RECOMMENDED, "Large.ReferenceEncrypts", id,
          f.fixed(Fixtures.randomEncrypt(s, refs, Map.of(), Map.of("topic", "big"), pt)), refs));
    }
  }

  // --------------------------------------------------------------------------------- limits

  /**
   * Writer refusals [LIM-4], [CTX-3], [RCP-1]; the reader's plaintext limit at its boundary
   * [LIM-3]; crafted headers past the count and length limits [LIM-1], [LIM-2]. The vectors
   * hold the Required limit cases; these add more, at Recommended.
   */
  private void limits(List<Base> bases, List<ConformanceTest> tests) {
    String g = "Limit";
    List<KeyRef> one = List.of(f.orders1);
    // Writer side: expected outcome from the reference.
    List<KeyRef> many = new ArrayList<>();
    Keys.Builder manyKeys = Keys.newBuilder();
    EncryptRequest.Builder r33 = Fixtures.randomEncrypt(Suite.AES_256_GCM, one, Map.of(), Map.of(), new byte[1]).toBuilder().clearRecipients();
    for (int i = 0; i < 33; i++) {
      r33.addRecipients(Fixtures.spec(f.orders1).setKeyId("k" + i));
      manyKeys.addSymmetric(f.orders1.symmetric.toBuilder().setKeyId("k" + i));
    }
    r33.setKeys(manyKeys);
    tests.add(writer(g, "Encrypt.33Recipients", r33.build()));
    EncryptRequest.Builder r32 = r33.clone();
    r32.removeRecipients(32);
    tests.add(writer(g, "Encrypt.32Recipients", r32.build()));
    Map<String, String> ctx33 = new LinkedHashMap<>();
    for (int i = 0; i < 33; i++) {
      ctx33.put("k" + i, "v");
    }
    tests.add(writer(g, "Encrypt.ExternalContext33Entries", Fixtures.randomEncrypt(Suite.AES_256_GCM, one, Map.of(), ctx33, new byte[1])));
    tests.add(writer(g, "Encrypt.StoredContext33Entries", Fixtures.randomEncrypt(Suite.AES_256_GCM, one, ctx33, Map.of(), new byte[1])));
    tests.add(writer(g, "Encrypt.StoredValue1025Bytes",
        Fixtures.randomEncrypt(Suite.AES_256_GCM, one, Map.of("k", "v".repeat(1025)), Map.of(), new byte[1])));
    tests.add(writer(g, "Encrypt.StoredValue1024Bytes",
        Fixtures.randomEncrypt(Suite.AES_256_GCM, one, Map.of("k", "v".repeat(1024)), Map.of(), new byte[1])));
    Map<String, String> huge = new LinkedHashMap<>();
    for (int i = 0; i < 16; i++) {
      huge.put(String.format("%03d", i) + "k".repeat(252), "v".repeat(1024));
    }
    tests.add(writer(g, "Encrypt.HeaderOver16384Bytes", Fixtures.randomEncrypt(Suite.AES_256_GCM, one, huge, Map.of(), new byte[1])));

    // Reader's plaintext limit, at and below the plaintext length [LIM-3].
    Base b = bases.get(0);
    int n = b.plaintext.length;
    for (int max : new int[] {n, n - 1, 0}) {
      tests.add(againstReference(Level.RECOMMENDED, g, "Decrypt.MaxPlaintext" + max + "For" + n,
          b.with(b.envelope).toBuilder().setMaxPlaintextLength(max).build()));
    }
    // Crafted headers [LIM-1], [LIM-2].
    DecryptRequest reader = b.reader;
    tests.add(againstReference(Level.RECOMMENDED, g, "Decrypt.RecipientCount33",
        reader.toBuilder().setEnvelope(ByteString.copyFrom(headerWithCount(33))).build()));
    tests.add(againstReference(Level.RECOMMENDED, g, "Decrypt.WrappedLength4097",
        reader.toBuilder().setEnvelope(ByteString.copyFrom(headerWithWrappedLength(4097))).build()));
    tests.add(againstReference(Level.RECOMMENDED, g, "Decrypt.HeaderOver16384Bytes",
        reader.toBuilder().setEnvelope(ByteString.copyFrom(headerOver16k())).build()));
  }

  private static ConformanceTest writer(String g, String id, EncryptRequest e) {
    ConformanceRequest r = req(e);
    return new ConformanceTest(Level.RECOMMENDED, g, id, t -> {
      ConformanceResponse expected = reference(r);
      ConformanceResponse got = t.call(r);
      if (expected.getResultCase() == ConformanceResponse.ResultCase.ENVELOPE) {
        // Randomized: any envelope the reference can decrypt is right.
        if (got.getResultCase() != ConformanceResponse.ResultCase.ENVELOPE) {
          return Expect.unexpected(got, "an envelope");
        }
        return Verdict.pass();
      }
      return Expect.outcome(got, expected, id);
    });
  }

  private static byte[] headerStart(int count) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    o.writeBytes(new byte[] {(byte) 0xF7, 0x53, 0x50, 0x01, 0x00, 0x01, (byte) count});
    return o.toByteArray();
  }

  private static byte[] headerWithCount(int count) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    o.writeBytes(headerStart(count));
    o.writeBytes(new byte[200]);
    return o.toByteArray();
  }

  private static byte[] headerWithWrappedLength(int len) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    o.writeBytes(headerStart(1));
    o.writeBytes(new byte[] {0x03, 0x01, 'k', 0, 0, 0, 0, (byte) (len >>> 8), (byte) len});
    o.writeBytes(new byte[len + 100]);
    return o.toByteArray();
  }

  /** Recipients of 4096-byte KMS blobs until the header passes 16384 bytes. */
  private static byte[] headerOver16k() {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    o.writeBytes(headerStart(5));
    for (int i = 0; i < 5; i++) {
      o.writeBytes(new byte[] {0x03, 0x01, (byte) ('a' + i), 0, 0, 0, 0, 0x10, 0x00});
      o.writeBytes(new byte[4096]);
    }
    o.writeBytes(new byte[200]);
    return o.toByteArray();
  }
}
