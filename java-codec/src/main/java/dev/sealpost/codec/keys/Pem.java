package dev.sealpost.codec.keys;

import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.SealpostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Strict reading and writing of exactly one PEM block (RFC 7468): a BEGIN line, base64 lines,
 * an END line with the same label. Blank lines may surround the block; any other text before
 * or after it, a second block, or headers inside it are rejected, so that what is accepted is
 * unambiguous.
 */
final class Pem {
  /** Longest PEM text accepted; real X25519 PEMs are under 300 characters. */
  static final int MAX_CHARS = 64 * 1024;

  private static final int MAX_LABEL = 64;
  private static final Pattern LABEL = Pattern.compile("[A-Z0-9]+( [A-Z0-9]+)*");
  private static final String DASHES = "-----";

  /** A decoded block: its label and DER contents. */
  static final class Block {
    final String label;
    final byte[] der;

    Block(String label, byte[] der) {
      this.label = label;
      this.der = der;
    }
  }

  private Pem() {}

  static Block decode(String text) throws SealpostException {
    if (text.length() > MAX_CHARS) {
      throw fail("PEM text is longer than " + MAX_CHARS + " characters");
    }
    List<String> lines = lines(text);
    int first = 0;
    while (first < lines.size() && lines.get(first).isEmpty()) {
      first++;
    }
    int last = lines.size() - 1;
    while (last >= first && lines.get(last).isEmpty()) {
      last--;
    }
    if (first > last) {
      throw fail("no PEM block found");
    }
    String label = boundaryLabel(lines.get(first), "BEGIN");
    if (label == null) {
      if (lines.get(first).startsWith(DASHES + "BEGIN")) {
        throw fail("malformed BEGIN line (label must be upper-case letters, digits and single spaces)");
      }
      throw fail(text.contains(DASHES + "BEGIN ") ? "unexpected text before the PEM block" : "no PEM BEGIN line found");
    }
    StringBuilder body = new StringBuilder();
    int i = first + 1;
    for (; i <= last && !lines.get(i).startsWith(DASHES); i++) {
      String line = lines.get(i);
      if (!isBase64Line(line)) {
        throw fail("line " + (i + 1) + ": unexpected character in the PEM body (headers are not supported)");
      }
      body.append(line);
    }
    if (i > last) {
      throw fail("missing END line for " + label);
    }
    String endLabel = boundaryLabel(lines.get(i), "END");
    if (endLabel == null) {
      throw fail("line " + (i + 1) + ": expected '-----END " + label + "-----'");
    }
    if (!endLabel.equals(label)) {
      throw fail("END label " + endLabel + " does not match BEGIN label " + label);
    }
    if (i != last) {
      throw fail(text.indexOf(DASHES + "BEGIN ", text.indexOf(DASHES + "END ")) >= 0
          ? "more than one PEM block"
          : "unexpected text after the PEM block");
    }
    if (body.length() == 0) {
      throw fail("empty PEM body");
    }
    byte[] der = StrictBase64.decode(body.toString());
    if (der == null) {
      throw fail("PEM body is not valid base64");
    }
    return new Block(label, der);
  }

  /** PEM text as RFC 7468 writes it: base64 in lines of 64 characters, LF line ends. */
  static String encode(String label, byte[] der) {
    String b64 = StrictBase64.encode(der);
    StringBuilder sb = new StringBuilder();
    sb.append(DASHES).append("BEGIN ").append(label).append(DASHES).append('\n');
    for (int i = 0; i < b64.length(); i += 64) {
      sb.append(b64, i, Math.min(b64.length(), i + 64)).append('\n');
    }
    sb.append(DASHES).append("END ").append(label).append(DASHES).append('\n');
    return sb.toString();
  }

  /** The label of a boundary line of the given kind, or null if it is not one. */
  private static String boundaryLabel(String line, String kind) {
    String prefix = DASHES + kind + " ";
    if (!line.startsWith(prefix) || !line.endsWith(DASHES) || line.length() < prefix.length() + DASHES.length()) {
      return null;
    }
    String label = line.substring(prefix.length(), line.length() - DASHES.length());
    // Bounded before matching: the regex engine recurses per repetition.
    return label.length() <= MAX_LABEL && LABEL.matcher(label).matches() ? label : null;
  }

  private static boolean isBase64Line(String line) {
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      boolean ok = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '=';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** Splits at LF; drops one CR before each LF and trailing spaces and tabs. */
  private static List<String> lines(String text) {
    List<String> out = new ArrayList<>();
    int start = 0;
    while (start <= text.length()) {
      int nl = text.indexOf('\n', start);
      int stop = nl < 0 ? text.length() : nl;
      int e = stop;
      if (e > start && text.charAt(e - 1) == '\r') {
        e--;
      }
      while (e > start && (text.charAt(e - 1) == ' ' || text.charAt(e - 1) == '\t')) {
        e--;
      }
      out.add(text.substring(start, e));
      if (nl < 0) {
        break;
      }
      start = nl + 1;
    }
    return out;
  }

  private static SealpostException fail(String reason) {
    return new SealpostException(ErrorCategory.INVALID_KEY_MATERIAL, reason);
  }
}
