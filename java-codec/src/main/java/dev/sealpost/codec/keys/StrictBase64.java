package dev.sealpost.codec.keys;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * Canonical standard base64 (RFC 4648 section 4): alphabet {@code A-Z a-z 0-9 + /}, padding
 * required, no whitespace, unused trailing bits zero. The JDK decoder alone accepts non-zero
 * trailing bits, so one key could be spelt several ways; other ports would disagree.
 */
final class StrictBase64 {
  private StrictBase64() {}

  /** The decoded bytes, or null when {@code s} is not canonical base64. */
  static byte[] decode(String s) {
    if (s.length() % 4 != 0) {
      return null;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) > 0x7F) {
        return null;
      }
    }
    byte[] out;
    try {
      out = Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      return null;
    }
    byte[] again = Base64.getEncoder().encode(out);
    byte[] given = s.getBytes(StandardCharsets.US_ASCII);
    boolean canonical = Arrays.equals(again, given);
    Arrays.fill(again, (byte) 0);
    Arrays.fill(given, (byte) 0);
    if (!canonical) {
      Arrays.fill(out, (byte) 0);
      return null;
    }
    return out;
  }

  static String encode(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }
}
