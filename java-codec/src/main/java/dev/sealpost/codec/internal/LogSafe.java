package dev.sealpost.codec.internal;

/**
 * Escapes header-derived text (key ids, key URIs, context keys, header names) before it enters
 * an exception or log message, so that an envelope cannot inject lines or terminal escape
 * sequences into the reader's logs.
 *
 * <p>Backslash becomes {@code \\}; LF, CR and TAB become {@code \n}, {@code \r}, {@code \t};
 * other C0 controls, DEL and C1 controls become {@code \xNN}; Unicode line and paragraph
 * separators, format characters (bidirectional overrides, zero-width characters, BOM) and
 * unpaired surrogates become <code>&#92;u{NNNN}</code>. Everything else is kept, so ordinary ids read
 * as they are. Public for the other Sealpost modules; not part of the supported API.
 */
public final class LogSafe {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private LogSafe() {}

  /** The escaped text; {@code "null"} for null. Allocates only when something needs escaping. */
  public static String escape(CharSequence s) {
    if (s == null) {
      return "null";
    }
    int n = s.length();
    int i = 0;
    while (i < n && !needsEscape(s, i)) {
      i += Character.isHighSurrogate(s.charAt(i)) ? 2 : 1; // needsEscape is false only for a valid pair
    }
    if (i == n) {
      return s.toString();
    }
    StringBuilder out = new StringBuilder(n + 16);
    out.append(s, 0, i);
    while (i < n) {
      char c = s.charAt(i);
      boolean pair = Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1));
      int cp = pair ? Character.toCodePoint(c, s.charAt(i + 1)) : c;
      int width = pair ? 2 : 1;
      if (!needsEscape(s, i)) {
        out.append(s, i, i + width);
      } else if (c == '\\') {
        out.append("\\\\");
      } else if (c == '\n') {
        out.append("\\n");
      } else if (c == '\r') {
        out.append("\\r");
      } else if (c == '\t') {
        out.append("\\t");
      } else if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
        out.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xF]);
      } else {
        out.append("\\u{").append(String.format("%04X", cp)).append('}');
      }
      i += width;
    }
    return out.toString();
  }

  private static boolean needsEscape(CharSequence s, int i) {
    char c = s.charAt(i);
    if (c == '\\' || c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
      return true;
    }
    if (c < 0xA0) {
      return false;
    }
    if (Character.isHighSurrogate(c)) {
      if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        int type = Character.getType(Character.toCodePoint(c, s.charAt(i + 1)));
        return type == Character.FORMAT; // e.g. U+E0001 language tag
      }
      return true;
    }
    if (Character.isLowSurrogate(c)) {
      return true; // unpaired: callers step over the low half of a valid pair
    }
    int type = Character.getType(c);
    return type == Character.FORMAT || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
  }
}
