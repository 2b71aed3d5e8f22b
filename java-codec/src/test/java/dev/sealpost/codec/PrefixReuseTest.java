package dev.sealpost.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealpost.codec.format.EnvelopeHeader;
import dev.sealpost.codec.internal.VerifiedPrefixCache;
import dev.sealpost.codec.keys.Ed25519PrivateKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A reader that opened one envelope of a header prefix reuses that prefix's parse and keys for
 * the next envelopes starting with the same bytes. It must answer every input exactly as a reader
 * without any cache does: the same plaintext, or the same error category of SPEC.md section 11
 * [ERR-2], whatever byte is changed or cut, whatever context, required stored context or trust
 * the call passes; and the commitment is still compared per envelope [COM-3].
 */
class PrefixReuseTest {
  private static final byte[] PT = "a record of a few bytes".getBytes(StandardCharsets.UTF_8);
  private static final Ed25519PrivateKey WRITER_KEY = seed(1);
  private static final TrustedWriter WRITER = TrustedWriter.ed25519("writer-a", 3, WRITER_KEY.publicKey());
  private static final TrustedWriters TRUST = TrustedWriters.of(WRITER);
  private static final TrustedWriters TRUST_OTHER =
      TrustedWriters.of(TrustedWriter.ed25519("writer-b", 1, seed(2).publicKey()));

  private static Ed25519PrivateKey seed(int n) {
    try {
      return Ed25519PrivateKey.fromSeed(TestKeys.pattern(60 + n, 32));
    } catch (SealpostException e) {
      throw new IllegalStateException(e);
    }
  }

  private static MutableKekSource keks() {
    return new MutableKekSource().put("orders", 1, TestKeys.pattern(7, 32));
  }

  private static List<Encryptor> writers(MutableKekSource keks) throws SealpostException {
    List<Encryptor> out = new ArrayList<>();
    EncryptionContext stored = EncryptionContext.of("tenant", "t1");
    for (Suite s : new Suite[] {Suite.AES_256_GCM, Suite.CHACHA20_POLY1305, Suite.AES_256_SIV}) {
      out.add(Encryptor.builder().suite(s).storedContext(stored).recipient(Recipient.symmetric(keks, "orders")).build());
    }
    out.add(Encryptor.builder().segmented(true).recipient(Recipient.symmetric(keks, "orders")).build());
    for (SignMode m : SignMode.values()) {
      out.add(Encryptor.builder().storedContext(stored).recipient(Recipient.symmetric(keks, "orders"))
          .signer(WriterKey.ed25519("writer-a", 3, WRITER_KEY), m).build());
    }
    return out;
  }

  /** The plaintext as hex, or the error category's name. */
  private static String outcome(Decryptor d, byte[] env, EncryptionContext ext, Map<String, String> required, TrustedWriters trust) {
    try {
      Decrypted r = d.open(env, 0, env.length, ext, required, trust);
      return java.util.HexFormat.of().formatHex(r.plaintext()) + " signer " + r.verifiedSigner();
    } catch (SealpostException e) {
      return e.category().name();
    }
  }

  // [ERR-2], [COM-3], [AUTH-1]: every cut and every flipped bit of an envelope whose prefix the
  // warm reader has verified gives the outcome of a reader that caches nothing.
  @Test
  void err2_everyMutationAnsweredAsWithoutCache() throws Exception {
    MutableKekSource keys = keks();
    EncryptionContext ext = EncryptionContext.of("topic", "orders");
    EncryptionContext otherExt = EncryptionContext.of("topic", "payments");
    List<Map<String, String>> requireds = List.of(Map.of(), Map.of("tenant", "t1"), Map.of("tenant", "t2"));
    List<TrustedWriters> trusts = List.of(TrustedWriters.none(), TRUST, TRUST_OTHER);
    for (Encryptor enc : writers(keys)) {
      Decryptor warm = Decryptor.builder().kekSource(keys).build();
      Decryptor cold = Decryptor.builder().kekSource(keys).dekCacheCapacity(0).build();
      TrustedWriters trust = enc.suite().signed() ? TRUST : TrustedWriters.none();
      for (int i = 0; i < 3; i++) {
        assertArrayEquals(PT, open(warm, enc.encrypt(PT, ext), ext, trust).plaintext());
      }
      assertEquals(1, warm.verifiedPrefixCount(), enc.suite() + ": the writer's prefix is remembered");
      byte[] env = enc.encrypt(PT, ext);
      int headerLength = EnvelopeHeader.parse(env).headerLength();
      List<byte[]> inputs = new ArrayList<>();
      inputs.add(env);
      for (int n = 0; n < env.length; n++) {
        inputs.add(Arrays.copyOf(env, n));
      }
      inputs.add(Arrays.copyOf(env, env.length + 1));
      for (int i = 0; i < env.length; i++) {
        byte[] m = env.clone();
        m[i] ^= (byte) (1 << (i % 8));
        inputs.add(m);
      }
      for (byte[] in : inputs) {
        assertEquals(outcome(cold, in, ext, Map.of(), trust), outcome(warm, in, ext, Map.of(), trust),
            enc.suite() + ", " + in.length + " bytes");
      }
      // Every call-side input against the honest envelope and cuts around the nonce and signature.
      List<byte[]> few = new ArrayList<>(List.of(env, Arrays.copyOf(env, headerLength - 1), Arrays.copyOf(env, headerLength),
          Arrays.copyOf(env, headerLength + 15), Arrays.copyOf(env, env.length - 64), Arrays.copyOf(env, env.length - 1)));
      for (byte[] in : few) {
        for (EncryptionContext e : List.of(ext, otherExt)) {
          for (Map<String, String> req : requireds) {
            for (TrustedWriters t : trusts) {
              assertEquals(outcome(cold, in, e, req, t), outcome(warm, in, e, req, t),
                  enc.suite() + ", " + in.length + " bytes, " + e + ", " + req + ", " + t);
            }
          }
        }
      }
      // Mutations never displace the verified prefix: the next honest envelope still opens.
      assertArrayEquals(PT, open(warm, enc.encrypt(PT, ext), ext, trust).plaintext());
    }
  }

  // Independently known answers on the reuse path (SPEC.md 11): a nonce cut short is a malformed
  // header (step 8) [HDR-2]; a changed nonce, or another external context, fails authentication
  // [AUTH-1], [CTX-5]; a required stored entry not held is context-mismatch [CTX-4]; an untrusted
  // signer is untrusted-writer [SIG-5]; a key the reader no longer holds is no-matching-key
  // [RCP-5], though the prefix was verified under it.
  @Test
  void reusedPrefixStillChecksEveryStep() throws Exception {
    MutableKekSource keys = keks();
    EncryptionContext ext = EncryptionContext.of("topic", "orders");
    Encryptor enc = Encryptor.builder().storedContext(EncryptionContext.of("tenant", "t1"))
        .recipient(Recipient.symmetric(keys, "orders")).signer(WriterKey.ed25519("writer-a", 3, WRITER_KEY), SignMode.PER_DEK)
        .build();
    Decryptor d = Decryptor.builder().kekSource(keys).build();
    assertArrayEquals(PT, open(d, enc.encrypt(PT, ext), ext, TRUST).plaintext());
    byte[] env = enc.encrypt(PT, ext);
    int headerLength = EnvelopeHeader.parse(env).headerLength();
    assertEquals(ErrorCategory.MALFORMED_HEADER, category(() -> open(d, Arrays.copyOf(env, headerLength - 1), ext, TRUST)));
    byte[] nonceFlipped = env.clone();
    nonceFlipped[headerLength - 1] ^= 1;
    assertEquals(ErrorCategory.AUTHENTICATION_FAILED, category(() -> open(d, nonceFlipped, ext, TRUST)));
    assertEquals(ErrorCategory.AUTHENTICATION_FAILED,
        category(() -> open(d, env, EncryptionContext.of("topic", "payments"), TRUST)));
    assertEquals(ErrorCategory.CONTEXT_MISMATCH,
        category(() -> d.open(env, 0, env.length, ext, Map.of("tenant", "t2"), TRUST)));
    assertEquals(ErrorCategory.UNTRUSTED_WRITER, category(() -> open(d, env, ext, TRUST_OTHER)));
    Decrypted ok = open(d, env, ext, TRUST);
    assertEquals(new SignerRef("writer-a", 3, SignMode.PER_DEK), ok.verifiedSigner().orElseThrow());
    assertEquals(1, d.verifiedPrefixCount());
    keys.remove("orders", 1);
    assertEquals(ErrorCategory.NO_MATCHING_KEY, category(() -> open(d, env, ext, TRUST)));
  }

  // The cache is keyed on exact bytes and bounded in entries and bytes; the newest entry stays.
  @Test
  void cacheBoundedInEntriesAndBytes() {
    VerifiedPrefixCache<String> c = new VerifiedPrefixCache<>(3, 100);
    byte[] buf = new byte[200];
    for (int i = 0; i < 10; i++) {
      buf[0] = (byte) i;
      c.put(buf, 0, 20, "p" + i);
      assertTrue(c.size() <= 3);
    }
    assertEquals(3, c.size());
    buf[0] = 9;
    assertEquals("p9", c.find(buf, 0, 200).value());
    buf[0] = 7;
    assertEquals("p7", c.find(buf, 0, 20).value());
    assertEquals(null, c.find(buf, 0, 19), "an input shorter than the prefix does not match");
    buf[0] = 6;
    assertEquals(null, c.find(buf, 0, 200), "evicted");
    buf[0] = 8;
    buf[19] = 1;
    assertEquals(null, c.find(buf, 0, 200), "one byte differs");
    buf[19] = 0;
    c.put(buf, 0, 90, "long");
    assertTrue(c.bytes() <= 100, "bytes " + c.bytes());
    assertEquals(1, c.size(), "90 + 20 bytes exceed 100: only the newest stays");
    c.put(buf, 0, 101, "too long");
    assertEquals("long", c.find(buf, 0, 200).value(), "a prefix over the byte bound is not kept");
    VerifiedPrefixCache<String> off = new VerifiedPrefixCache<>(0, 0);
    off.put(buf, 0, 10, "x");
    assertEquals(0, off.size());
  }

  // Caching off (dekCacheCapacity(0)) keeps no prefix: every envelope is parsed and unwrapped.
  @Test
  void nothingRememberedWithCachingOff() throws Exception {
    MutableKekSource keys = keks();
    Encryptor enc = Encryptor.builder().recipient(Recipient.symmetric(keys, "orders")).build();
    Decryptor d = Decryptor.builder().kekSource(keys).dekCacheCapacity(0).build();
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(PT, d.decrypt(enc.encrypt(PT)));
    }
    assertEquals(0, d.verifiedPrefixCount());
  }

  private static Decrypted open(Decryptor d, byte[] env, EncryptionContext ext, TrustedWriters trust)
      throws SealpostException {
    return d.open(env, 0, env.length, ext, trust);
  }

  private interface Call {
    Object run() throws SealpostException;
  }

  private static ErrorCategory category(Call c) {
    return assertThrows(SealpostException.class, c::run).category();
  }
}
