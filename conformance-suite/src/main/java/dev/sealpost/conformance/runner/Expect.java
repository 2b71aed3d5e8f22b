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
      "invalid-key-material", "key-service-failure");

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
