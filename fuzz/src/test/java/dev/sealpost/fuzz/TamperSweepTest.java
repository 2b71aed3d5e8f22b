package dev.sealpost.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sealpost.codec.Decryptor;
import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.SealpostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Exhaustive tamper sweep: for envelopes of every suite and recipient type, every truncation
 * length and every single-bit flip must be rejected, with the category that SPEC.md section 11
 * names for the first failing step [ERR-2], and without releasing any plaintext [AUTH-3].
 *
 * <p>The expected category comes from two independent sources: {@link SpecModel} (a reader of
 * its own, written from the spec), and a coarse table from the field each byte belongs to
 * ({@link #FIELD_RULES}), which checks the model itself:
 *
 * <ul>
 *   <li>magic: {@code not-an-envelope} [DET-2]; version: {@code unsupported-version} [DET-4]
 *   <li>suite: {@code unsupported-suite} [SUITE-2], or, when the flip names another implemented
 *       suite, {@code commitment-mismatch} (the commitment binds the suite id, 5.2, [COM-2]) or a
 *       header/body-length failure when the nonce length changes ([HDR-2], [AUTH-4])
 *   <li>counts and lengths: re-read with the new value, so any structural category
 *       ([HDR-2], [HDR-3], [LIM-1], [LIM-2], [RCP-3], [CTX-2])
 *   <li>recipient type, key id, version: the entry no longer matches its key:
 *       {@code no-matching-key} [RCP-4], or a header failure ([HDR-4], [RCP-3], a repeated
 *       reference [RCP-7], an X25519 or KMS type under suite 0003 [SUITE-4]), or, when another
 *       entry still unwraps, {@code authentication-failed} [AUTH-1]
 *   <li>wrapped DEK: {@code unwrap-failed} [SYM-2], [HPKE-3], [KMS-2], or
 *       {@code authentication-failed} when another held entry unwraps [AUTH-1]
 *   <li>commitment: {@code commitment-mismatch} [COM-2]
 *   <li>stored context: {@code context-mismatch} [CTX-4] (the sweep requires the stored entries),
 *       or {@code malformed-header} for broken UTF-8 or order [HDR-4], [CTX-2]
 *   <li>nonce and body: {@code authentication-failed} [AUTH-1], [AUTH-2]
 *   <li>truncation: inside the header {@code malformed-header} [HDR-2], [LIM-2]; fewer than 3
 *       bytes {@code not-an-envelope}; a body shorter than the tag or cut short
 *       {@code authentication-failed} [AUTH-4], [AUTH-2]
 * </ul>
 */
class TamperSweepTest {
  private static final Map<String, Set<ErrorCategory>> FIELD_RULES = new TreeMap<>();

  static {
    FIELD_RULES.put("magic", EnumSet.of(ErrorCategory.NOT_AN_ENVELOPE));
    FIELD_RULES.put("version", EnumSet.of(ErrorCategory.UNSUPPORTED_VERSION));
    FIELD_RULES.put("suite", EnumSet.of(
        ErrorCategory.UNSUPPORTED_SUITE, ErrorCategory.COMMITMENT_MISMATCH,
        ErrorCategory.MALFORMED_HEADER, ErrorCategory.AUTHENTICATION_FAILED));
    FIELD_RULES.put("recipient-type", EnumSet.of(
        ErrorCategory.NO_MATCHING_KEY, ErrorCategory.MALFORMED_HEADER, ErrorCategory.AUTHENTICATION_FAILED));
    FIELD_RULES.put("key-id", EnumSet.of(
        ErrorCategory.NO_MATCHING_KEY, ErrorCategory.MALFORMED_HEADER, ErrorCategory.AUTHENTICATION_FAILED));
    FIELD_RULES.put("key-version", EnumSet.of(
        ErrorCategory.NO_MATCHING_KEY, ErrorCategory.UNWRAP_FAILED, ErrorCategory.AUTHENTICATION_FAILED,
        ErrorCategory.MALFORMED_HEADER)); // [RCP-7]: the flip may repeat another entry's reference
    FIELD_RULES.put("wrapped-dek", EnumSet.of(ErrorCategory.UNWRAP_FAILED, ErrorCategory.AUTHENTICATION_FAILED));
    FIELD_RULES.put("commitment", EnumSet.of(ErrorCategory.COMMITMENT_MISMATCH));
    FIELD_RULES.put("context-key", EnumSet.of(ErrorCategory.CONTEXT_MISMATCH, ErrorCategory.MALFORMED_HEADER));
    FIELD_RULES.put("context-value", EnumSet.of(ErrorCategory.CONTEXT_MISMATCH, ErrorCategory.MALFORMED_HEADER));
    FIELD_RULES.put("nonce", EnumSet.of(ErrorCategory.AUTHENTICATION_FAILED));
    FIELD_RULES.put("body", EnumSet.of(ErrorCategory.AUTHENTICATION_FAILED));
    // Counts and lengths are re-read with the new value: any structural outcome.
    Set<ErrorCategory> structural = EnumSet.complementOf(
        EnumSet.of(ErrorCategory.INVALID_KEY_MATERIAL, ErrorCategory.KEY_SERVICE_FAILURE));
    for (String f : List.of("recipient-count", "key-id-length", "wrapped-length", "context-count",
        "context-key-length", "context-value-length")) {
      FIELD_RULES.put(f, structural);
    }
  }

  private final Decryptor decryptor = FuzzKeys.INSTANCE.decryptor();

  @TestFactory
  Stream<DynamicTest> everyTruncationAndBitFlipIsRejected() throws SealpostException {
    List<DynamicTest> tests = new ArrayList<>();
    for (Envelopes.Case c : Envelopes.all()) {
      tests.add(DynamicTest.dynamicTest(c.name, () -> sweep(c)));
    }
    return tests.stream();
  }

  private void sweep(Envelopes.Case c) throws SealpostException {
    SpecModel.Original original = new SpecModel.Original(c.envelope);
    Map<String, byte[]> required = c.requiredBytes();
    assertNull(SpecModel.expect(c.envelope, original, FuzzKeys.INSTANCE, required, SpecModel.MAX_PLAINTEXT),
        "the model accepts the untampered envelope");
    assertArrayEquals(c.plaintext, c.decrypt(decryptor, c.envelope), "untampered envelope decrypts");

    String[] fields = fieldMap(original.header, c.envelope.length);
    Map<String, Map<ErrorCategory, Integer>> seen = new TreeMap<>();
    int n = c.envelope.length;
    // Every truncation [HDR-2], [LIM-2], [AUTH-4], [AUTH-2].
    for (int len = 0; len < n; len++) {
      byte[] cut = Arrays.copyOf(c.envelope, len);
      ErrorCategory expected = SpecModel.expect(cut, original, FuzzKeys.INSTANCE, required, SpecModel.MAX_PLAINTEXT);
      ErrorCategory got = rejected(c, cut, expected, "truncated to " + len + " of " + n);
      seen.computeIfAbsent("truncation", k -> new TreeMap<>()).merge(got, 1, Integer::sum);
    }
    // Every single-bit flip.
    for (int i = 0; i < n; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] flipped = c.envelope.clone();
        flipped[i] ^= (byte) (1 << bit);
        ErrorCategory expected =
            SpecModel.expect(flipped, original, FuzzKeys.INSTANCE, required, SpecModel.MAX_PLAINTEXT);
        String what = "bit " + bit + " of byte " + i + " (" + fields[i] + ")";
        if (expected == null) {
          fail(what + ": the model accepts a tampered envelope");
        }
        if (!FIELD_RULES.get(fields[i]).contains(expected)) {
          fail(what + ": the model's " + expected.id() + " is outside the field rule " + FIELD_RULES.get(fields[i]));
        }
        ErrorCategory got = rejected(c, flipped, expected, what);
        seen.computeIfAbsent(fields[i], k -> new TreeMap<>()).merge(got, 1, Integer::sum);
      }
    }
    System.out.println("tamper sweep " + c.name + " (" + n + " bytes): " + seen);
  }

  /** Decrypts, expects exactly {@code expected}, and checks nothing of the plaintext got out [AUTH-3]. */
  private ErrorCategory rejected(Envelopes.Case c, byte[] candidate, ErrorCategory expected, String what) {
    try {
      byte[] out = c.decrypt(decryptor, candidate);
      fail(c.name + ", " + what + ": accepted, released " + out.length + " bytes; expected " + expected.id());
      return null;
    } catch (SealpostException e) {
      Checks.expectCategory(expected, e, c.name + ", " + what);
      if (c.plaintext.length > 0) {
        String plain = new String(c.plaintext, StandardCharsets.UTF_8);
        for (Throwable t = e; t != null; t = t.getCause()) {
          if (t.getMessage() != null && t.getMessage().contains(plain)) {
            fail(c.name + ", " + what + ": the error message carries the plaintext");
          }
        }
      }
      return e.category();
    } catch (RuntimeException e) {
      throw new AssertionError(c.name + ", " + what + ": unexpected " + e, e);
    }
  }

  /** The field each byte of a valid envelope belongs to (SPEC.md section 3), from the model's reading. */
  static String[] fieldMap(SpecModel.Header h, int length) {
    String[] f = new String[length];
    int p = 0;
    p = mark(f, p, 3, "magic");
    p = mark(f, p, 1, "version");
    p = mark(f, p, 2, "suite");
    p = mark(f, p, 1, "recipient-count");
    for (SpecModel.Entry e : h.recipients) {
      p = mark(f, p, 1, "recipient-type");
      p = mark(f, p, 1, "key-id-length");
      p = mark(f, p, e.keyId.length, "key-id");
      p = mark(f, p, 4, "key-version");
      p = mark(f, p, 2, "wrapped-length");
      p = mark(f, p, e.wrapped.length, "wrapped-dek");
    }
    p = mark(f, p, 32, "commitment");
    p = mark(f, p, 1, "context-count");
    for (byte[][] kv : h.context) {
      p = mark(f, p, 1, "context-key-length");
      p = mark(f, p, kv[0].length, "context-key");
      p = mark(f, p, 2, "context-value-length");
      p = mark(f, p, kv[1].length, "context-value");
    }
    p = mark(f, p, h.nonce.length, "nonce");
    assertEquals(h.headerLength, p, "field map covers the header");
    mark(f, p, length - p, "body");
    return f;
  }

  private static int mark(String[] f, int p, int n, String name) {
    Arrays.fill(f, p, p + n, name);
    return p + n;
  }
}
