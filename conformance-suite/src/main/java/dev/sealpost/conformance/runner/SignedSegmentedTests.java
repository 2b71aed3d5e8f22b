package dev.sealpost.conformance.runner;

import com.google.protobuf.ByteString;
import dev.sealpost.conformance.ReferenceCodec;
import dev.sealpost.conformance.proto.ConformanceRequest;
import dev.sealpost.conformance.proto.ConformanceResponse;
import dev.sealpost.conformance.proto.DecryptRequest;
import dev.sealpost.conformance.proto.EncryptRequest;
import dev.sealpost.conformance.proto.HeaderInfo;
import dev.sealpost.conformance.proto.SignMode;
import dev.sealpost.conformance.proto.SignerInfo;
import dev.sealpost.conformance.proto.StreamEncryptRequest;
import dev.sealpost.conformance.proto.Suite;
import dev.sealpost.conformance.proto.TrustedWriter;
import dev.sealpost.conformance.proto.WriterKey;
import dev.sealpost.conformance.runner.Fixtures.KeyRef;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Issue 10: writer signatures (SPEC.md section 16) and segmented bodies (section 17). Writer keys
 * and plaintexts come from their own seeded stream, so the other generated tests keep their
 * inputs. Expected outcomes are fixed by the rule where the rule names them (trusted, untrusted,
 * wrong key, no trust), and otherwise are the reference's, computed when the test runs.
 */
final class SignedSegmentedTests {
  private static final int[] WRITES = {1, 65535, 2, 65536, 70000};
  private static final int[] SIZES = {0, 1, 65535, 65536, 65537, 131072, 3 * 65536 + 5};
  private static final int LARGE_STREAM = (8 << 20) + 3;
  private static final long LARGE_STREAM_ENCRYPT = (64L << 20) + 5;

  private final Fixtures f;
  private final SplittableRandom random;
  private final byte[] seed1;
  private final byte[] seed2;
  private final byte[] forgerSeed;
  private final TrustedWriter w1;
  private final TrustedWriter w2;

  SignedSegmentedTests(Fixtures f, long seed) {
    this.f = f;
    this.random = new SplittableRandom(seed ^ 0x5ea1_0010L);
    this.seed1 = bytes(32);
    this.seed2 = bytes(32);
    this.forgerSeed = bytes(32);
    this.w1 = trusted("payments-writer", 1, seed1);
    this.w2 = trusted("payments-writer", 2, seed2);
  }

  private byte[] bytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  private static TrustedWriter trusted(String id, int version, byte[] seed) {
    try {
      byte[] pub = dev.sealpost.codec.keys.Ed25519PrivateKey.fromSeed(seed).publicKey().toBytes();
      return TrustedWriter.newBuilder().setSignerId(id).setVersion(version).setPublicKey(ByteString.copyFrom(pub)).build();
    } catch (dev.sealpost.codec.SealpostException e) {
      throw new IllegalStateException(e);
    }
  }

  private WriterKey writer(SignMode mode) {
    return WriterKey.newBuilder().setSignerId("payments-writer").setVersion(1).setPrivateKey(ByteString.copyFrom(seed1)).setMode(mode).build();
  }

  private static SignerInfo info(TrustedWriter w) {
    return SignerInfo.newBuilder().setSignerId(w.getSignerId()).setVersion(w.getVersion()).build();
  }

  static byte[] pattern(long n) {
    byte[] out = new byte[(int) n];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) (i % 251);
    }
    return out;
  }

  /** A fixed-randomness request of this suite, recipients, signer and plaintext. */
  private EncryptRequest request(Suite suite, List<KeyRef> refs, WriterKey signer, Map<String, String> stored,
      Map<String, String> external, byte[] plaintext) {
    EncryptRequest.Builder b = Fixtures.randomEncrypt(suite, refs, stored, external, plaintext).toBuilder().setFixedRandomness(true);
    if (suite != Suite.AES_256_SIV_SIGNED) {
      b.setDek(ByteString.copyFrom(bytes(32))).setNonce(ByteString.copyFrom(bytes(12)));
    }
    for (int i = 0; i < b.getRecipientsCount(); i++) {
      if (b.getRecipients(i).getType() == dev.sealpost.conformance.proto.RecipientType.X25519) {
        b.getRecipientsBuilder(i).setEphemeralPrivateKey(ByteString.copyFrom(bytes(32)));
      } else if (b.getRecipients(i).getType() == dev.sealpost.conformance.proto.RecipientType.KMS) {
        b.getRecipientsBuilder(i).setKmsNonce(ByteString.copyFrom(bytes(12)));
      }
    }
    if (signer != null) {
      b.setSigner(signer);
    }
    return b.build();
  }

  private static byte[] envelope(EncryptRequest fixed) {
    ConformanceResponse r = GeneratedTests.reference(GeneratedTests.req(fixed));
    if (r.getResultCase() != ConformanceResponse.ResultCase.ENVELOPE) {
      throw new IllegalStateException("the reference cannot encrypt a fixture: " + r);
    }
    return r.getEnvelope().toByteArray();
  }

  private static DecryptRequest reader(List<KeyRef> refs, Map<String, String> external, TrustedWriter... trust) {
    return DecryptRequest.newBuilder().setKeys(Fixtures.readerKeys(refs)).putAllExternalContext(external)
        .addAllTrustedWriters(Arrays.asList(trust)).build();
  }

  private static DecryptRequest with(DecryptRequest r, byte[] env) {
    return r.toBuilder().setEnvelope(ByteString.copyFrom(env)).build();
  }

  private static ConformanceTest expectPlaintext(String g, String id, DecryptRequest d, byte[] pt, SignerInfo signer) {
    ConformanceRequest r = GeneratedTests.req(d);
    return new ConformanceTest(Level.REQUIRED, g, id, t -> Expect.plaintext(t.call(r), pt, signer));
  }

  private static ConformanceTest expectError(String g, String id, DecryptRequest d, String category) {
    ConformanceRequest r = GeneratedTests.req(d);
    return new ConformanceTest(Level.REQUIRED, g, id, t -> Expect.error(t.call(r), category));
  }

  private static ConformanceTest againstReference(String g, String id, DecryptRequest d) {
    ConformanceRequest r = GeneratedTests.req(d);
    return new ConformanceTest(Level.REQUIRED, g, id, t -> {
      ConformanceResponse expected = GeneratedTests.reference(r);
      ConformanceResponse got = t.call(r);
      Verdict v = Expect.outcome(got, expected, id);
      return v.passed() && expected.hasPlaintext() ? Expect.signer(got, expected.hasVerifiedSigner() ? expected.getVerifiedSigner() : null) : v;
    });
  }

  List<ConformanceTest> all() {
    List<ConformanceTest> tests = new ArrayList<>();
    signed(tests);
    segmented(tests);
    large(tests);
    return tests;
  }

  // ------------------------------------------------------------------------------------ signed

  private void signed(List<ConformanceTest> tests) {
    String g = "Signed";
    Map<String, String> stored = Map.of("tenant", "acme");
    Map<String, String> external = Map.of("topic", "payments");
    Object[][] plan = {
      {"Gcm.PerDek", Suite.AES_256_GCM_SIGNED, List.of(f.orders1), SignMode.PER_DEK},
      {"Gcm.PerMessage", Suite.AES_256_GCM_SIGNED, List.of(f.orders1), SignMode.PER_MESSAGE},
      {"ChaCha.PerDek.X25519", Suite.CHACHA20_POLY1305_SIGNED, List.of(f.consumerA), SignMode.PER_DEK},
      {"ChaCha.PerMessage.Kms", Suite.CHACHA20_POLY1305_SIGNED, List.of(f.kmsAlpha), SignMode.PER_MESSAGE},
      {"Siv.PerDek", Suite.AES_256_SIV_SIGNED, List.of(f.audit7), SignMode.PER_DEK},
      {"Siv.PerMessage", Suite.AES_256_SIV_SIGNED, List.of(f.orders2), SignMode.PER_MESSAGE},
      {"GcmSegmented.PerDek", Suite.AES_256_GCM_SIGNED_SEGMENTED, List.of(f.orders1), SignMode.PER_DEK},
      {"ChaChaSegmented.PerDek.X25519", Suite.CHACHA20_POLY1305_SIGNED_SEGMENTED, List.of(f.consumerB), SignMode.PER_DEK},
    };
    byte[] pt = "signed conformance base".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    TrustedWriter otherVersion = w1.toBuilder().setVersion(2).setPublicKey(w2.getPublicKey()).build();
    TrustedWriter otherId = w1.toBuilder().setSignerId("Payments-writer").build();
    TrustedWriter wrongKey = w1.toBuilder().setPublicKey(w2.getPublicKey()).build();
    for (Object[] p : plan) {
      String name = (String) p[0];
      Suite suite = (Suite) p[1];
      @SuppressWarnings("unchecked")
      List<KeyRef> refs = (List<KeyRef>) p[2];
      SignMode mode = (SignMode) p[3];
      EncryptRequest fixed = request(suite, refs, writer(mode), stored, external, pt);
      byte[] env = envelope(fixed);
      DecryptRequest trusting = with(reader(refs, external, w1), env);
      // [SIG-5], [SIG-6], [SIG-8]: outcomes fixed by the rule.
      tests.add(expectPlaintext(g, name + ".Trusted", trusting, pt, info(w1)));
      tests.add(expectPlaintext(g, name + ".NoTrustRequired", with(reader(refs, external), env), pt, null));
      tests.add(expectPlaintext(g, name + ".TwoTrusted", with(reader(refs, external, w2, w1), env), pt, info(w1)));
      tests.add(expectError(g, name + ".OtherVersionTrusted", with(reader(refs, external, otherVersion), env), "untrusted-writer"));
      tests.add(expectError(g, name + ".OtherIdTrusted", with(reader(refs, external, otherId), env), "untrusted-writer"));
      tests.add(expectError(g, name + ".WrongKey", with(reader(refs, external, wrongKey), env), "signature-invalid"));
      // Every bit of P and of the signature, with trust: the reference decides (signature-invalid,
      // untrusted-writer for the signer's own bytes, malformed-header for the mode, and so on).
      HeaderInfo h = ReferenceCodec.inspectOrNull(env);
      int sigOffset = mode == SignMode.PER_DEK ? h.getHeaderLength() - h.getNonce().size() - 64 : env.length - 64;
      int pLength = mode == SignMode.PER_DEK ? sigOffset : h.getHeaderLength() - h.getNonce().size();
      // Every bit for the two GCM bases, the lowest bit of every byte for the others.
      int bits = name.startsWith("Gcm.") ? 8 : 1;
      for (int i = 0; i < pLength; i++) {
        for (int bit = 0; bit < bits; bit++) {
          tests.add(againstReference(g, name + ".FlipP." + i + "." + bit, with(trusting, flip(env, i, bit))));
        }
      }
      for (int i = sigOffset; i < sigOffset + 64; i++) {
        for (int bit = 0; bit < bits; bit++) {
          tests.add(againstReference(g, name + ".FlipSignature." + (i - sigOffset) + "." + bit, with(trusting, flip(env, i, bit))));
        }
      }
      tests.add(againstReference(g, name + ".ExternalContextChanged",
          trusting.toBuilder().putExternalContext("topic", "elsewhere").build()));
      tests.add(againstReference(g, name + ".Append.1", with(trusting, Arrays.copyOf(env, env.length + 1))));
      // The writer: byte-exact with fixed randomness, and readable with its own.
      tests.add(new ConformanceTest(Level.REQUIRED, g, name + ".TesteeEncrypts.Fixed",
          t -> Expect.envelope(t.call(GeneratedTests.req(fixed)), env)));
      EncryptRequest own = fixed.toBuilder().setFixedRandomness(false).clearDek().clearNonce().build();
      tests.add(new ConformanceTest(Level.REQUIRED, g, name + ".TesteeEncrypts", t -> {
        ConformanceResponse r = t.call(GeneratedTests.req(own));
        if (r.getResultCase() != ConformanceResponse.ResultCase.ENVELOPE) {
          return Expect.unexpected(r, "an envelope");
        }
        byte[] e = r.getEnvelope().toByteArray();
        HeaderInfo got = ReferenceCodec.inspectOrNull(e);
        if (got == null || got.getSuiteId() != suite.getNumber() || got.getSignMode() != mode.getNumber()
            || !got.getSignerId().equals("payments-writer") || got.getSignerVersion() != 1) {
          return Verdict.fail("the testee's signer field is not the requested one [SIG-1]", String.valueOf(got));
        }
        return Expect.plaintext(GeneratedTests.reference(GeneratedTests.req(with(trusting, e))), pt, info(w1));
      }));
    }
    // Unsigned envelopes and forgeries for a reader that trusts payments-writer v1 [SIG-5], [SIG-6].
    List<KeyRef> a = List.of(f.consumerA);
    byte[] unsigned = envelope(request(Suite.AES_256_GCM, a, null, Map.of(), external, pt));
    tests.add(expectError(g, "Unsigned.Gcm", with(reader(a, external, w1), unsigned), "untrusted-writer"));
    tests.add(expectPlaintext(g, "Unsigned.Gcm.NoTrustRequired", with(reader(a, external), unsigned), pt, null));
    byte[] unsignedSeg = envelope(request(Suite.AES_256_GCM_SEGMENTED, a, null, Map.of(), external, pt));
    tests.add(expectError(g, "Unsigned.GcmSegmented", with(reader(a, external, w1), unsignedSeg), "untrusted-writer"));
    WriterKey forger = writer(SignMode.PER_DEK).toBuilder().setPrivateKey(ByteString.copyFrom(forgerSeed)).build();
    byte[] forged = envelope(request(Suite.CHACHA20_POLY1305_SIGNED, a, forger, Map.of(), external, pt));
    tests.add(expectError(g, "Forgery.PublicKeyOnly.ForgerKeyUnderTrustedName", with(reader(a, external, w1), forged), "signature-invalid"));
    WriterKey forgerOwn = forger.toBuilder().setSignerId("forger").setMode(SignMode.PER_MESSAGE).build();
    byte[] forgedOwn = envelope(request(Suite.CHACHA20_POLY1305_SIGNED, a, forgerOwn, Map.of(), external, pt));
    tests.add(expectError(g, "Forgery.PublicKeyOnly.ForgerName", with(reader(a, external, w1), forgedOwn), "untrusted-writer"));
    // [SIG-3], [ENC-2]: a writer refuses mode 02 with a segmented suite, as a reader would.
    EncryptRequest perMessageSegmented = request(Suite.AES_256_GCM_SIGNED_SEGMENTED, List.of(f.orders1), writer(SignMode.PER_MESSAGE),
        Map.of(), external, pt).toBuilder().setFixedRandomness(false).clearDek().clearNonce().build();
    ConformanceRequest pms = GeneratedTests.req(perMessageSegmented);
    tests.add(new ConformanceTest(Level.REQUIRED, g, "Writer.PerMessageSegmented", t -> Expect.error(t.call(pms), "malformed-header")));
    for (String[] c : new String[][] {{"EmptySignerId", ""}, {"SignerId256Bytes", "s".repeat(256)}}) {
      EncryptRequest bad = perMessageSegmented.toBuilder().setSuite(Suite.AES_256_GCM_SIGNED)
          .setSigner(writer(SignMode.PER_DEK).toBuilder().setSignerId(c[1])).build();
      ConformanceRequest r = GeneratedTests.req(bad);
      tests.add(new ConformanceTest(Level.RECOMMENDED, g, "Writer." + c[0],
          t -> Expect.outcome(t.call(r), GeneratedTests.reference(r), c[0])));
    }
  }

  private static byte[] flip(byte[] env, int i, int bit) {
    byte[] e = env.clone();
    e[i] ^= (byte) (1 << bit);
    return e;
  }

  // ------------------------------------------------------------------------------------ segmented

  private void segmented(List<ConformanceTest> tests) {
    Map<String, String> external = Map.of("topic", "files");
    Object[][] plan = {
      {Suite.AES_256_GCM_SEGMENTED, List.of(f.orders1), null},
      {Suite.CHACHA20_POLY1305_SEGMENTED, List.of(f.consumerA), null},
      {Suite.AES_256_GCM_SIGNED_SEGMENTED, List.of(f.kmsAlpha), SignMode.PER_DEK},
      {Suite.CHACHA20_POLY1305_SIGNED_SEGMENTED, List.of(f.orders2), SignMode.PER_DEK},
    };
    for (Object[] p : plan) {
      Suite suite = (Suite) p[0];
      @SuppressWarnings("unchecked")
      List<KeyRef> refs = (List<KeyRef>) p[1];
      WriterKey signer = p[2] == null ? null : writer((SignMode) p[2]);
      DecryptRequest reader = signer == null ? reader(refs, external) : reader(refs, external, w1);
      SignerInfo expectedSigner = signer == null ? null : info(w1);
      for (int size : SIZES) {
        String id = suite.name() + "." + size;
        byte[] pt = pattern(size);
        EncryptRequest fixed = request(suite, refs, signer, Map.of(), external, pt);
        byte[] env = envelope(fixed);
        String g = "Segmented";
        tests.add(expectPlaintext(g, id + ".Decrypt", with(reader, env), pt, expectedSigner));
        tests.add(Streams.test(Level.REQUIRED, g, id + ".Stream.Whole", reader, env, Streams.WHOLE));
        tests.add(Streams.test(Level.REQUIRED, g, id + ".Stream.Uneven", reader, env, Streams.UNEVEN));
        if (size <= 1) {
          tests.add(Streams.test(Level.REQUIRED, g, id + ".Stream.Bytewise", reader, env, new int[] {1}));
        }
        HeaderInfo h = ReferenceCodec.inspectOrNull(env);
        int hl = h.getHeaderLength();
        List<byte[]> segs = new ArrayList<>();
        for (int off = hl; off < env.length; off += Streams.SEALED) {
          segs.add(Arrays.copyOfRange(env, off, Math.min(env.length, off + Streams.SEALED)));
        }
        byte[] header = Arrays.copyOf(env, hl);
        List<byte[]> cases = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int k = 0; k < segs.size(); k++) {
          cases.add(Arrays.copyOf(env, hl + k * Streams.SEALED));
          names.add("TruncateAtSegment." + k);
        }
        cases.add(Arrays.copyOf(env, env.length - 1));
        names.add("TruncateLastByte");
        cases.add(Arrays.copyOf(env, env.length + 1));
        names.add("Append.1");
        for (int k = 0; k + 1 < segs.size(); k++) {
          List<byte[]> s = new ArrayList<>(segs);
          s.set(k, segs.get(k + 1));
          s.set(k + 1, segs.get(k));
          cases.add(assemble(header, s));
          names.add("Swap." + k);
        }
        for (int k = 0; k < segs.size() && segs.size() > 1; k++) {
          List<byte[]> s = new ArrayList<>(segs);
          s.remove(k);
          cases.add(assemble(header, s));
          names.add("Drop." + k);
          List<byte[]> d = new ArrayList<>(segs);
          d.add(k, segs.get(k));
          cases.add(assemble(header, d));
          names.add("Duplicate." + k);
        }
        if (segs.size() > 1) {
          byte[] other = envelope(request(suite, refs, signer, Map.of(), external, pt));
          List<byte[]> s = new ArrayList<>(segs);
          s.set(1, Arrays.copyOfRange(other, hl + Streams.SEALED, Math.min(other.length, hl + 2 * Streams.SEALED)));
          cases.add(assemble(header, s));
          names.add("ForeignSegment.1");
        }
        for (int c = 0; c < cases.size(); c++) {
          tests.add(Streams.test(Level.REQUIRED, g, id + "." + names.get(c) + ".Stream", reader, cases.get(c), Streams.UNEVEN));
          tests.add(againstReference(g, id + "." + names.get(c) + ".Decrypt", with(reader, cases.get(c))));
        }
        // [SEG-1]: the testee's streaming writer, byte-exact with fixed randomness; readable with its own.
        StreamEncryptRequest se = StreamEncryptRequest.newBuilder()
            .setEncrypt(fixed.toBuilder().clearPlaintext()).setPatternLength(size)
            .addAllWriteSizes(Arrays.stream(WRITES).boxed().collect(java.util.stream.Collectors.toList())).build();
        ConformanceRequest ser = ConformanceRequest.newBuilder().setStreamEncrypt(se).build();
        tests.add(new ConformanceTest(Level.REQUIRED, "Segmented", id + ".StreamEncrypt.Fixed", t -> Expect.envelope(t.call(ser), env)));
        ConformanceRequest own = ConformanceRequest.newBuilder().setStreamEncrypt(se.toBuilder()
            .setEncrypt(se.getEncrypt().toBuilder().setFixedRandomness(false).clearDek().clearNonce())).build();
        tests.add(new ConformanceTest(Level.REQUIRED, "Segmented", id + ".StreamEncrypt", t -> {
          ConformanceResponse r = t.call(own);
          if (r.getResultCase() != ConformanceResponse.ResultCase.ENVELOPE) {
            return Expect.unexpected(r, "an envelope");
          }
          ReferenceCodec.Released back = Streams.reference(reader, r.getEnvelope().toByteArray());
          if (back.category != null) {
            return Verdict.fail("the reference cannot read the testee's streamed envelope: " + back.category, "");
          }
          return Arrays.equals(back.plaintext, pt) ? Verdict.pass()
              : Verdict.fail("the testee's streamed envelope holds another plaintext", "");
        }));
      }
    }
  }

  private static byte[] assemble(byte[] header, List<byte[]> segments) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.writeBytes(header);
    segments.forEach(out::writeBytes);
    return out.toByteArray();
  }

  // ------------------------------------------------------------------------------------ large

  private void large(List<ConformanceTest> tests) {
    Map<String, String> external = Map.of("topic", "big");
    List<KeyRef> refs = List.of(f.orders1);
    byte[] pt = pattern(LARGE_STREAM);
    EncryptRequest fixed = request(Suite.AES_256_GCM_SEGMENTED, refs, null, Map.of(), external, pt);
    byte[] env = envelope(fixed);
    tests.add(Streams.test(Level.RECOMMENDED, "Large.Stream", "AES_256_GCM_SEGMENTED.8MiB.Uneven", reader(refs, external), env, Streams.UNEVEN));
    EncryptRequest big = request(Suite.CHACHA20_POLY1305_SIGNED_SEGMENTED, List.of(f.consumerA), writer(SignMode.PER_DEK), Map.of(), external,
        new byte[0]);
    ConformanceRequest r = ConformanceRequest.newBuilder().setStreamEncrypt(StreamEncryptRequest.newBuilder()
        .setEncrypt(big).setPatternLength(LARGE_STREAM_ENCRYPT).setDigestOnly(true).addWriteSizes(1 << 20).addWriteSizes(12345)).build();
    tests.add(new ConformanceTest(Level.RECOMMENDED, "Large.Stream", "CHACHA20_POLY1305_SIGNED_SEGMENTED.64MiB.StreamEncrypt.Fixed", t -> {
      ConformanceResponse expected = GeneratedTests.reference(r);
      ConformanceResponse got = t.call(r);
      if (got.getResultCase() != ConformanceResponse.ResultCase.ENVELOPE_DIGEST) {
        return Expect.unexpected(got, "an envelope digest");
      }
      return Expect.envelopeDigest(got.getEnvelopeDigest().getLength(), got.getEnvelopeDigest().getSha256().toByteArray(),
          expected.getEnvelopeDigest().getLength(), expected.getEnvelopeDigest().getSha256().toByteArray());
    }));
  }
}
