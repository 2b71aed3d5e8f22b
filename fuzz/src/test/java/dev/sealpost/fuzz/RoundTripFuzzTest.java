package dev.sealpost.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sealpost.codec.Decryptor;
import dev.sealpost.codec.EncryptionContext;
import dev.sealpost.codec.Encryptor;
import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.Recipient;
import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.Suite;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Property fuzz target with structured inputs: for all plaintexts, stored and external
 * contexts, suites and recipient sets,
 *
 * <ul>
 *   <li>{@code decrypt(encrypt(x)) = x}, through the array, offset and ByteBuffer entry points;
 *   <li>the deterministic suite gives identical envelopes for identical inputs [SIV-3];
 *   <li>a single-bit change anywhere and a truncation anywhere are rejected with the category
 *       {@link SpecModel} derives from SPEC.md section 11;
 *   <li>another external context fails with {@code authentication-failed} [CTX-5].
 * </ul>
 *
 * Writer-side refusals of invalid contexts must be {@code limit-exceeded} [LIM-4] or
 * {@code malformed-header} (an empty key); anything else, or any other throwable, is a finding.
 */
class RoundTripFuzzTest {
  private static final FuzzKeys KEYS = FuzzKeys.INSTANCE;
  private static final Decryptor DECRYPTOR = KEYS.decryptor();

  @FuzzTest(maxDuration = "2m")
  void encryptThenDecrypt(FuzzedDataProvider data) throws SealpostException {
    Suite suite = data.pickValue(new Suite[] {Suite.AES_256_GCM, Suite.CHACHA20_POLY1305, Suite.AES_256_SIV});
    List<Recipient> recipients = recipients(data, suite);
    EncryptionContext stored;
    EncryptionContext external;
    try {
      stored = EncryptionContext.of(context(data));
      external = EncryptionContext.of(context(data));
    } catch (SealpostException e) {
      Checks.wellFormed(e);
      if (e.category() != ErrorCategory.LIMIT_EXCEEDED && e.category() != ErrorCategory.MALFORMED_HEADER) {
        throw new AssertionError("context refused with " + e.getMessage(), e);
      }
      return;
    }
    int flip = data.consumeInt();
    int cut = data.consumeInt();
    int offset = data.consumeInt(0, 3);
    byte[] plaintext = data.consumeRemainingAsBytes();

    Encryptor enc = Encryptor.builder().suite(suite).recipients(recipients).storedContext(stored).build();
    byte[] padded = new byte[plaintext.length + offset + 2];
    System.arraycopy(plaintext, 0, padded, offset, plaintext.length);
    byte[] envelope = enc.encrypt(padded, offset, plaintext.length, external);

    Map<String, String> required = stored.asMap();
    assertArrayEquals(plaintext, DECRYPTOR.decrypt(envelope, 0, envelope.length, external, required));
    assertArrayEquals(plaintext, DECRYPTOR.decrypt(ByteBuffer.wrap(envelope), external));
    ByteBuffer direct = ByteBuffer.allocateDirect(envelope.length).put(envelope).flip();
    assertArrayEquals(plaintext, DECRYPTOR.decrypt(direct, external));
    if (!suite.randomized()) {
      assertArrayEquals(envelope, enc.encrypt(plaintext, external), "[SIV-3] deterministic");
    }

    SpecModel.Original original = new SpecModel.Original(envelope);
    Map<String, byte[]> requiredBytes = new LinkedHashMap<>();
    required.forEach((k, v) -> requiredBytes.put(k, v.getBytes(StandardCharsets.UTF_8)));

    byte[] flipped = envelope.clone();
    int bit = Math.floorMod(flip, envelope.length * 8);
    flipped[bit / 8] ^= (byte) (1 << (bit % 8));
    rejected(flipped, original, requiredBytes, external, required, "bit " + bit);

    byte[] truncated = java.util.Arrays.copyOf(envelope, Math.floorMod(cut, envelope.length));
    rejected(truncated, original, requiredBytes, external, required, "truncation to " + truncated.length);

    if (!external.isEmpty()) {
      try {
        DECRYPTOR.decrypt(envelope, 0, envelope.length, EncryptionContext.empty(), required);
        throw new AssertionError("decrypted without its external context");
      } catch (SealpostException e) {
        Checks.expectCategory(ErrorCategory.AUTHENTICATION_FAILED, e, "[CTX-5] other external context");
      }
    }
  }

  private static void rejected(
      byte[] candidate, SpecModel.Original original, Map<String, byte[]> requiredBytes,
      EncryptionContext external, Map<String, String> required, String what) {
    ErrorCategory expected =
        SpecModel.expect(candidate, original, KEYS, requiredBytes, SpecModel.MAX_PLAINTEXT);
    if (expected == null) {
      throw new AssertionError(what + ": the model accepts a tampered envelope");
    }
    try {
      DECRYPTOR.decrypt(candidate, 0, candidate.length, external, required);
      throw new AssertionError(what + ": tampered envelope accepted; expected " + expected.id());
    } catch (SealpostException e) {
      Checks.expectCategory(expected, e, what);
    }
  }

  /** A non-empty recipient set, in a fuzzer-chosen order; symmetric only for SIV [SUITE-3]. */
  private static List<Recipient> recipients(FuzzedDataProvider data, Suite suite) throws SealpostException {
    List<Recipient> all = new ArrayList<>(List.of(KEYS.symOrders(), KEYS.symAudit()));
    if (suite.randomized()) {
      all.add(KEYS.x25519());
      all.add(KEYS.kms());
    }
    int mask = data.consumeInt(1, (1 << all.size()) - 1);
    List<Recipient> chosen = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      if ((mask & (1 << i)) != 0) {
        chosen.add(all.get(i));
      }
    }
    Collections.rotate(chosen, data.consumeInt(0, 3));
    return chosen;
  }

  private static Map<String, String> context(FuzzedDataProvider data) {
    Map<String, String> m = new LinkedHashMap<>();
    int n = data.consumeInt(0, 4);
    for (int i = 0; i < n; i++) {
      // Through UTF-8 and back, so a lone surrogate becomes what the codec will see.
      String k = new String(data.consumeString(12).getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
      String v = new String(data.consumeString(40).getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
      if (!k.isEmpty()) {
        m.put(k, v);
      }
    }
    return m;
  }
}
