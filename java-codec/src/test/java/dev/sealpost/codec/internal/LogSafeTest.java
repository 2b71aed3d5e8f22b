package dev.sealpost.codec.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** Log injection (issue 8): header-derived text is escaped before it enters a message; expected strings by hand. */
class LogSafeTest {
  @Test
  void plainTextIsKeptAsIs() {
    String id = "orders/v1 caf\u00e9 \u6f22 \ud83d\ude00";
    assertSame(id, LogSafe.escape(id), "no copy when nothing needs escaping");
    assertEquals("null", LogSafe.escape(null));
  }

  @Test
  void controlCharactersAreEscaped() {
    assertEquals("a\\nb\\rc\\td", LogSafe.escape("a\nb\rc\td"));
    assertEquals("back\\\\slash", LogSafe.escape("back\\slash"));
    assertEquals("\\x00\\x1B[31m\\x7F\\x85\\x9F", LogSafe.escape("\u0000\u001b[31m\u007f\u0085\u009f"));
  }

  @Test
  void unicodeSeparatorsFormatCharactersAndLoneSurrogatesAreEscaped() {
    assertEquals("x\\u{2028}y\\u{2029}", LogSafe.escape("x\u2028y\u2029"));
    assertEquals("\\u{202E}evil\\u{200B}", LogSafe.escape("\u202eevil\u200b"));
    assertEquals("\\u{D83D}a\\u{DE00}", LogSafe.escape("\ud83da\ude00"));
    assertEquals("\\u{E0001}", LogSafe.escape("\udb40\udc01"), "a supplementary format character, as one code point");
    assertEquals("ok \ud83d\ude00 \\n", LogSafe.escape("ok \ud83d\ude00 \n"), "a valid pair before an escape stays intact");
  }
}
