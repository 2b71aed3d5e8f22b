package dev.sealpost.nats;

import java.util.Arrays;
import java.util.Objects;

/**
 * A NATS subject or subject pattern: tokens separated by {@code .}, where a token {@code *}
 * matches exactly one token and a final {@code >} matches one or more (docs/bindings/nats.md
 * [NB-13]). Patterns order by specificity: compared token by token from the left, at the first
 * difference a literal beats {@code *}, and {@code *} beats {@code >}; two distinct patterns that
 * match the same subject always differ there, so the most specific match is unique.
 */
final class SubjectPattern implements Comparable<SubjectPattern> {
  private final String text;
  private final String[] tokens;

  private SubjectPattern(String text) {
    this.text = text;
    this.tokens = text.split("\\.", -1);
  }

  /** Parses a subject or pattern; throws {@link IllegalArgumentException} naming the problem. */
  static SubjectPattern parse(String text) {
    Objects.requireNonNull(text, "subject");
    SubjectPattern p = new SubjectPattern(text);
    String shown = dev.sealpost.codec.internal.LogSafe.escape(text);
    if (text.isEmpty()) {
      throw new IllegalArgumentException("empty subject");
    }
    for (int i = 0; i < p.tokens.length; i++) {
      String t = p.tokens[i];
      if (t.isEmpty()) {
        throw new IllegalArgumentException("subject '" + shown + "' has an empty token");
      }
      if (t.chars().anyMatch(c -> c <= ' ' || c == 0x7F)) {
        throw new IllegalArgumentException("subject '" + shown + "' contains whitespace or a control character");
      }
      if (t.equals(">") && i != p.tokens.length - 1) {
        throw new IllegalArgumentException("'>' must be the last token of '" + shown + "'");
      }
      if (t.length() > 1 && (t.contains("*") || t.contains(">"))) {
        throw new IllegalArgumentException("a wildcard must be a whole token in '" + shown + "'");
      }
    }
    return p;
  }

  /** A valid literal subject: non-empty tokens, no wildcard, whitespace or control characters. Allocation-free. */
  static boolean isPublishable(String subject) {
    int n = subject.length();
    if (n == 0 || subject.charAt(0) == '.' || subject.charAt(n - 1) == '.') {
      return false;
    }
    int tokenStart = 0;
    for (int i = 0; i < n; i++) {
      char c = subject.charAt(i);
      if (c <= ' ' || c == 0x7F) {
        return false;
      }
      if (c == '.') {
        if (i == tokenStart) {
          return false;
        }
        tokenStart = i + 1;
      } else if ((c == '*' || c == '>') && i == tokenStart && (i + 1 == n || subject.charAt(i + 1) == '.')) {
        return false;
      }
    }
    return true;
  }

  boolean isLiteral() {
    return Arrays.stream(tokens).noneMatch(t -> t.equals("*") || t.equals(">"));
  }

  /** Whether the literal subject {@code subject} matches this pattern. */
  boolean matches(String subject) {
    String[] s = subject.split("\\.", -1);
    for (int i = 0; i < tokens.length; i++) {
      if (tokens[i].equals(">")) {
        return s.length > i;
      }
      if (i >= s.length || !(tokens[i].equals("*") || tokens[i].equals(s[i]))) {
        return false;
      }
    }
    return s.length == tokens.length;
  }

  private static int rank(String token) {
    return token.equals(">") ? 2 : token.equals("*") ? 1 : 0;
  }

  /** Negative when this pattern is more specific than {@code o}. */
  @Override
  public int compareTo(SubjectPattern o) {
    int n = Math.min(tokens.length, o.tokens.length);
    for (int i = 0; i < n; i++) {
      int r = Integer.compare(rank(tokens[i]), rank(o.tokens[i]));
      if (r != 0) {
        return r;
      }
      int c = tokens[i].compareTo(o.tokens[i]);
      if (c != 0) {
        return c; // not both matching one subject; any fixed order will do
      }
    }
    return Integer.compare(o.tokens.length, tokens.length);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SubjectPattern && ((SubjectPattern) o).text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  @Override
  public String toString() {
    return text;
  }
}
