package dev.sealpost.codec.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.SealpostException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.function.Executable;

/** Access to the committed fixtures under src/test/resources/keys (see the README there). */
final class KeyFixtures {
  private KeyFixtures() {}

  static Path path(String name) {
    try {
      return Path.of(KeyFixtures.class.getResource("/keys/" + name).toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalStateException("missing fixture " + name, e);
    }
  }

  static String text(String name) {
    try {
      return Files.readString(path(name), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A field of {@code openssl pkey -text} output, e.g. "priv" or "pub": the colon-separated hex
   * lines after "name:" up to the next field.
   */
  static byte[] opensslTextField(String fixture, String field) {
    Matcher m = Pattern.compile("(?m)^" + field + ":\\n((?:\\s+[0-9a-f:]+\\n)+)").matcher(text(fixture));
    if (!m.find()) {
      throw new IllegalStateException("no field " + field + " in " + fixture);
    }
    return HexFormat.of().parseHex(m.group(1).replaceAll("[\\s:]", ""));
  }

  static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replace(" ", ""));
  }

  /** Asserts an invalid-key-material failure and returns its message. */
  static String assertInvalid(Executable call) {
    SealpostException e = assertThrows(SealpostException.class, call);
    assertEquals(ErrorCategory.INVALID_KEY_MATERIAL, e.category(), e.getMessage());
    return e.getMessage();
  }
}
