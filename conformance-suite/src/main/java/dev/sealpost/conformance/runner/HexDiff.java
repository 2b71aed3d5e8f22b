package dev.sealpost.conformance.runner;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Readable byte-string differences: the first differing offset, the envelope field it falls in
 * (SPEC.md section 3), and the bytes around it, expected above actual with a marker.
 */
public final class HexDiff {
  private static final HexFormat HEX = HexFormat.of();
  private static final int WINDOW = 16;

  private HexDiff() {}

  public static String hex(byte[] b) {
    return HEX.formatHex(b);
  }

  /** -1 when equal. */
  public static int firstDifference(byte[] expected, byte[] actual) {
    int n = Math.min(expected.length, actual.length);
    for (int i = 0; i < n; i++) {
      if (expected[i] != actual[i]) {
        return i;
      }
    }
    return expected.length == actual.length ? -1 : n;
  }

  /** A multi-line description of how {@code actual} differs; call only when they differ. */
  public static String describe(byte[] expected, byte[] actual, boolean envelope) {
    int at = firstDifference(expected, actual);
    StringBuilder sb = new StringBuilder();
    sb.append("expected ").append(expected.length).append(" bytes, actual ").append(actual.length)
        .append(" bytes; first difference at offset ").append(at);
    if (envelope) {
      sb.append(" (").append(field(expected, at)).append(')');
    }
    sb.append('\n');
    int from = Math.max(0, at - WINDOW);
    sb.append("  expected[").append(from).append("..]: ").append(window(expected, from, at)).append('\n');
    sb.append("  actual  [").append(from).append("..]: ").append(window(actual, from, at)).append('\n');
    sb.append("  ").append(" ".repeat(("expected[" + from + "..]: ").length()))
        .append("  ".repeat(at - from)).append("^^");
    return sb.toString();
  }

  private static String window(byte[] b, int from, int at) {
    int to = Math.min(b.length, at + WINDOW);
    if (from >= to) {
      return "(ends here)";
    }
    String s = HEX.formatHex(b, from, to);
    return to < b.length ? s + "..." : s;
  }

  /** The name of the field holding {@code offset} in a well-formed envelope. */
  public static String field(byte[] env, int offset) {
    try {
      for (Span s : layout(env)) {
        if (offset >= s.start && offset < s.end) {
          return s.name + ", field offset " + (offset - s.start);
        }
      }
      return "past the end of the expected envelope";
    } catch (RuntimeException e) {
      return "field unknown";
    }
  }

  private static final class Span {
    final String name;
    final int start;
    final int end;

    Span(String name, int start, int end) {
      this.name = name;
      this.start = start;
      this.end = end;
    }
  }

  private static List<Span> layout(byte[] e) {
    List<Span> out = new ArrayList<>();
    int p = 0;
    out.add(new Span("magic", p, p += 3));
    out.add(new Span("version", p, p += 1));
    int suite = ((e[4] & 0xFF) << 8) | (e[5] & 0xFF);
    out.add(new Span("suite-id", p, p += 2));
    int count = e[p] & 0xFF;
    out.add(new Span("recipient-count", p, p += 1));
    for (int i = 0; i < count; i++) {
      String r = "recipient " + (i + 1) + " ";
      out.add(new Span(r + "type", p, p += 1));
      int k = e[p] & 0xFF;
      out.add(new Span(r + "key-id-len", p, p += 1));
      out.add(new Span(r + "key-id", p, p += k));
      out.add(new Span(r + "key-version", p, p += 4));
      int w = ((e[p] & 0xFF) << 8) | (e[p + 1] & 0xFF);
      out.add(new Span(r + "wrapped-len", p, p += 2));
      out.add(new Span(r + "wrapped-dek", p, p += w));
    }
    out.add(new Span("commitment", p, p += 32));
    int entries = e[p] & 0xFF;
    out.add(new Span("context entry-count", p, p += 1));
    for (int i = 0; i < entries; i++) {
      String c = "context entry " + (i + 1) + " ";
      int k = e[p] & 0xFF;
      out.add(new Span(c + "key-len", p, p += 1));
      out.add(new Span(c + "key", p, p += k));
      int v = ((e[p] & 0xFF) << 8) | (e[p + 1] & 0xFF);
      out.add(new Span(c + "value-len", p, p += 2));
      out.add(new Span(c + "value", p, p += v));
    }
    int nonce = suite == 3 ? 0 : 12;
    out.add(new Span("nonce", p, p += nonce));
    out.add(new Span("body", p, e.length));
    return out;
  }
}
