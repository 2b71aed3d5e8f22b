package dev.sealpost.conformance.runner;

import com.google.protobuf.Descriptors.FieldDescriptor;
import dev.sealpost.conformance.proto.ConformanceResponse;
import dev.sealpost.conformance.proto.HeaderInfo;
import dev.sealpost.conformance.protocol.ProtoJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Judges a testee response against an expected outcome. Headlines are deterministic. */
public final class Expect {
  /** The categories of SPEC.md section 9. */
  public static final Set<String> CATEGORIES = Set.of(
      "not-an-envelope", "unsupported-version", "unsupported-suite", "malformed-header", "limit-exceeded",
      "no-matching-key", "unwrap-failed", "commitment-mismatch", "authentication-failed", "context-mismatch",
      "invalid-key-material", "key-service-failure", "untrusted-writer", "signature-invalid",
      "malformed-payload");

  private Expect() {}

  /** The response must be exactly the outcome the reference (or a vector) gave. */
  public static Verdict outcome(ConformanceResponse actual, ConformanceResponse expected, String what) {
    switch (expected.getResultCase()) {
      case PLAINTEXT:
        return plaintext(actual, expected.getPlaintext().toByteArray());
      case ENVELOPE:
        return envelope(actual, expected.getEnvelope().toByteArray());
      case HEADER:
        return header(actual, expected.getHeader());
      case ERROR:
        return error(actual, expected.getError().getCategory());
      default:
        return Verdict.fail("the reference could not produce an expectation for " + what, ProtoJson.pretty(expected));
    }
  }

  /**
   * An inspection answer. Inspection is SPEC.md section 11 steps 1 to 8; an implementation whose
   * inspection also applies step 9 may answer authentication-failed for a body shorter than the
   * 16-byte tag [AUTH-4].
   */
  public static Verdict inspection(ConformanceResponse actual, ConformanceResponse expected) {
    if (expected.hasHeader() && expected.getHeader().getBodyLength() < 16 && actual.hasError()
        && actual.getError().getCategory().equals("authentication-failed")) {
      return Verdict.pass();
    }
    return outcome(actual, expected, "inspect");
  }

  public static Verdict plaintext(ConformanceResponse r, byte[] expected) {
    if (r.getResultCase() == ConformanceResponse.ResultCase.PLAINTEXT) {
      byte[] got = r.getPlaintext().toByteArray();
      if (java.util.Arrays.equals(got, expected)) {
        return Verdict.pass();
      }
      return Verdict.fail("plaintext differs", HexDiff.describe(expected, got, false));
    }
    return unexpected(r, "plaintext (" + expected.length + " bytes)");
  }

  public static Verdict envelope(ConformanceResponse r, byte[] expected) {
    if (r.getResultCase() == ConformanceResponse.ResultCase.ENVELOPE) {
      byte[] got = r.getEnvelope().toByteArray();
      if (java.util.Arrays.equals(got, expected)) {
        return Verdict.pass();
      }
      int at = HexDiff.firstDifference(expected, got);
      return Verdict.fail(
          "envelope differs from offset " + at + " (" + HexDiff.field(expected, at).replaceAll(", field offset.*", "") + ")",
          HexDiff.describe(expected, got, true));
    }
    return unexpected(r, "an envelope (" + expected.length + " bytes)");
  }

  public static Verdict error(ConformanceResponse r, String category) {
    if (r.getResultCase() == ConformanceResponse.ResultCase.ERROR) {
      String got = r.getError().getCategory();
      if (got.equals(category)) {
        return Verdict.pass();
      }
      return Verdict.fail(
          "expected error " + category + ", got error " + got + (CATEGORIES.contains(got) ? "" : " (not a SPEC.md section 9 category)"),
          "testee message: " + r.getError().getMessage());
    }
    if (r.getResultCase() == ConformanceResponse.ResultCase.PLAINTEXT) {
      return Verdict.fail(
          "expected error " + category + ", but the testee released a plaintext: it accepted an invalid envelope",
          "released " + r.getPlaintext().size() + " bytes: " + abbreviate(HexDiff.hex(r.getPlaintext().toByteArray())));
    }
    return unexpected(r, "error " + category);
  }

  public static Verdict header(ConformanceResponse r, HeaderInfo expected) {
    if (r.getResultCase() == ConformanceResponse.ResultCase.HEADER) {
      HeaderInfo got = r.getHeader();
      if (got.equals(expected)) {
        return Verdict.pass();
      }
      List<String> differ = new ArrayList<>();
      for (FieldDescriptor f : HeaderInfo.getDescriptor().getFields()) {
        if (!java.util.Objects.equals(got.getField(f), expected.getField(f))) {
          differ.add(f.getJsonName());
        }
      }
      return Verdict.fail(
          "header info differs in " + String.join(", ", differ),
          "expected: " + ProtoJson.pretty(expected) + "\nactual: " + ProtoJson.pretty(got));
    }
    return unexpected(r, "header info");
  }

  /**
   * [SIG-8]: a successful decryption names exactly the expected verified signer, or none when
   * {@code expected} is null (the reader required no trusted writer).
   */
  public static Verdict signer(ConformanceResponse r, dev.sealpost.conformance.proto.SignerInfo expected) {
    boolean has = r.hasVerifiedSigner();
    if (expected == null && has) {
      return Verdict.fail("the testee named a verified signer though the reader required no trusted writer [SIG-8]",
          ProtoJson.pretty(r.getVerifiedSigner()));
    }
    if (expected != null && !has) {
      return Verdict.fail("the testee named no verified signer [SIG-8]", "expected " + ProtoJson.pretty(expected));
    }
    if (expected != null && !expected.equals(r.getVerifiedSigner())) {
      return Verdict.fail("the testee named another verified signer",
          "expected " + ProtoJson.pretty(expected) + "\nactual " + ProtoJson.pretty(r.getVerifiedSigner()));
    }
    return Verdict.pass();
  }

  /** Plaintext, then the verified signer. */
  public static Verdict plaintext(ConformanceResponse r, byte[] expected, dev.sealpost.conformance.proto.SignerInfo signer) {
    Verdict v = plaintext(r, expected);
    return v.passed() ? signer(r, signer) : v;
  }

  /** An envelope given by its length and SHA-256 (vectors past one segment, digest-only stream encryption). */
  public static Verdict envelopeDigest(long length, byte[] sha256, long expectedLength, byte[] expectedSha256) {
    if (length == expectedLength && java.util.Arrays.equals(sha256, expectedSha256)) {
      return Verdict.pass();
    }
    return Verdict.fail(length == expectedLength ? "envelope SHA-256 differs" : "envelope length differs",
        "expected " + expectedLength + " bytes, SHA-256 " + HexDiff.hex(expectedSha256)
            + "\nactual   " + length + " bytes, SHA-256 " + HexDiff.hex(sha256));
  }

  /**
   * A streamed decryption [SEG-3], [SEG-4], [SEG-6]. {@code reference} is what the reference's
   * streaming reader released (every authenticated segment before the failure, or the whole
   * plaintext) and {@code category} its failure, or null for success. The testee must reach the
   * same outcome, release no more than the reference and only a prefix of the same bytes, and
   * before asking for chunk i have released no more than the plaintext of the segments that lie
   * wholly in the chunks before it ({@code bounds[i]}).
   */
  public static Verdict stream(ConformanceResponse r, byte[] reference, String category, long[] bounds) {
    if (r.getResultCase() != ConformanceResponse.ResultCase.STREAM) {
      return unexpected(r, category == null ? "a stream result with the plaintext" : "a stream result with error " + category);
    }
    dev.sealpost.conformance.proto.StreamResult s = r.getStream();
    long released = s.getReleasedLength();
    if (category == null && s.hasError()) {
      return Verdict.fail("expected the whole plaintext, got error " + s.getError().getCategory() + " after " + released + " bytes",
          "testee message: " + s.getError().getMessage());
    }
    if (category != null && !s.hasError()) {
      return Verdict.fail("expected error " + category + ", but the stream ended normally: a truncated or altered envelope read as complete [SEG-6]",
          "released " + released + " bytes");
    }
    if (category != null && !s.getError().getCategory().equals(category)) {
      return Verdict.fail("expected error " + category + ", got error " + s.getError().getCategory(), "testee message: " + s.getError().getMessage());
    }
    if (category == null && released != reference.length) {
      return Verdict.fail("released " + (released < reference.length ? "fewer" : "more") + " bytes than the plaintext",
          "expected " + reference.length + ", released " + released);
    }
    if (released > reference.length) {
      return Verdict.fail("released plaintext of a segment that does not authenticate [SEG-3]",
          "authenticated plaintext before the failure: " + reference.length + " bytes; released " + released);
    }
    byte[] want = dev.sealpost.conformance.ReferenceCodec.sha256().digest(java.util.Arrays.copyOf(reference, (int) released));
    if (!java.util.Arrays.equals(want, s.getReleasedSha256().toByteArray())) {
      return Verdict.fail("the released bytes are not the plaintext", "SHA-256 of the first " + released + " plaintext bytes: "
          + HexDiff.hex(want) + ", released: " + HexDiff.hex(s.getReleasedSha256().toByteArray()));
    }
    long last = 0;
    for (int i = 0; i < s.getReleasedBeforeChunkCount(); i++) {
      long before = s.getReleasedBeforeChunk(i);
      if (i >= bounds.length) {
        return Verdict.fail("released_before_chunk has more elements than there are chunks", "");
      }
      if (before < last || before > released) {
        return Verdict.fail("released_before_chunk is not a running count", "element " + i + ": " + before);
      }
      if (before > bounds[i]) {
        return Verdict.fail("released plaintext before its segment was complete [SEG-3]",
            "before chunk " + i + ": released " + before + " bytes, but the chunks before it hold whole segments of only "
                + bounds[i] + " plaintext bytes");
      }
      last = before;
    }
    return Verdict.pass();
  }

  /** Any response of the wrong kind. */
  public static Verdict unexpected(ConformanceResponse r, String expected) {
    switch (r.getResultCase()) {
      case SKIPPED:
        return Verdict.skipped(r.getSkipped());
      case RUNTIME_ERROR:
        return Verdict.fail("expected " + kind(expected) + ", got a testee runtime error", r.getRuntimeError());
      case ERROR:
        return Verdict.fail(
            "expected " + kind(expected) + ", got error " + r.getError().getCategory(),
            "expected " + expected + "; testee message: " + r.getError().getMessage());
      case RESULT_NOT_SET:
        return Verdict.fail("expected " + kind(expected) + ", got an empty response", "");
      default:
        return Verdict.fail(
            "expected " + kind(expected) + ", got " + r.getResultCase().name().toLowerCase(java.util.Locale.ROOT),
            abbreviate(ProtoJson.pretty(r)));
    }
  }

  /** The expectation without its byte count, so that headlines stay stable. */
  private static String kind(String expected) {
    int paren = expected.indexOf(" (");
    return paren < 0 ? expected : expected.substring(0, paren);
  }

  static String abbreviate(String s) {
    return s.length() <= 400 ? s : s.substring(0, 400) + "...";
  }
}
