package dev.sealpost.bench.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonValuesTest {
  /**
   * Checks the generator's grammar, a subset of JSON: an object of "name":value members, values
   * being numbers, ASCII strings without escapes, or such objects. Returns the top-level names.
   */
  static final class Json {
    private final String s;
    private int i;

    Json(String s) {
      this.s = s;
    }

    static List<String> topLevelNames(String text) {
      Json j = new Json(text);
      List<String> names = j.object();
      if (j.i != text.length()) {
        throw new IllegalArgumentException("trailing text at " + j.i);
      }
      return names;
    }

    private List<String> object() {
      List<String> names = new ArrayList<>();
      expect('{');
      do {
        names.add(string());
        expect(':');
        if (peek() == '"') {
          string();
        } else if (peek() == '{') {
          object();
        } else {
          number();
        }
      } while (accept(','));
      expect('}');
      return names;
    }

    private String string() {
      expect('"');
      int start = i;
      while (peek() != '"') {
        char c = s.charAt(i++);
        if (c < 0x20 || c > 0x7e || c == '\\') {
          throw new IllegalArgumentException("bad character in string at " + (i - 1));
        }
      }
      String out = s.substring(start, i);
      expect('"');
      return out;
    }

    private void number() {
      int start = i;
      accept('-');
      while (Character.isDigit(peek())) {
        i++;
      }
      if (accept('.')) {
        while (Character.isDigit(peek())) {
          i++;
        }
      }
      if (i == start || !Character.isDigit(s.charAt(i - 1))) {
        throw new IllegalArgumentException("bad number at " + start);
      }
    }

    private char peek() {
      if (i >= s.length()) {
        throw new IllegalArgumentException("unexpected end");
      }
      return s.charAt(i);
    }

    private boolean accept(char c) {
      if (i < s.length() && s.charAt(i) == c) {
        i++;
        return true;
      }
      return false;
    }

    private void expect(char c) {
      if (!accept(c)) {
        throw new IllegalArgumentException("expected " + c + " at " + i);
      }
    }
  }

  @Test
  void checkerRejectsWhatIsNotJson() {
    assertEquals(List.of("id", "note"), Json.topLevelNames("{\"id\":1,\"note\":\"a b\"}"));
    for (String bad : new String[] {"{\"id\":1", "{\"id\":1}x", "{\"id\":\"a\"b\"}", "{\"id\":1.}", "{id:1}", "{\"id\":-}"}) {
      assertThrows(IllegalArgumentException.class, () -> Json.topLevelNames(bad), bad);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {40, 64, 100, 1024, 10240})
  void valuesAreJsonObjectsOfExactlyTheSize(int size) throws Exception {
    byte[][] pool = JsonValues.pool(size, 50, 1);
    Set<String> distinct = new HashSet<>();
    for (byte[] v : pool) {
      assertEquals(size, v.length);
      String text = new String(v, StandardCharsets.US_ASCII);
      List<String> names = Json.topLevelNames(text);
      assertEquals("id", names.get(0), text);
      assertEquals("note", names.get(names.size() - 1), text);
      distinct.add(Arrays.toString(v));
    }
    assertEquals(pool.length, distinct.size());
  }

  @Test
  void sameSeedSameValues() {
    byte[][] a = JsonValues.pool(1024, 50, 7);
    byte[][] b = JsonValues.pool(1024, 50, 7);
    for (int i = 0; i < a.length; i++) {
      assertArrayEquals(a[i], b[i]);
    }
  }

  @Test
  void compressibleLikeJsonNotLikeRandomBytes() {
    // A batch of 64 values of 1 KiB: real JSON event streams deflate several-fold, random bytes not at all.
    ByteArrayOutputStream batch = new ByteArrayOutputStream();
    for (byte[] v : JsonValues.pool(1024, 64, 3)) {
      batch.writeBytes(v);
    }
    byte[] in = batch.toByteArray();
    Deflater d = new Deflater();
    d.setInput(in);
    d.finish();
    byte[] out = new byte[in.length];
    int n = d.deflate(out);
    assertTrue(d.finished());
    double ratio = (double) in.length / n;
    assertTrue(ratio > 2.5 && ratio < 20, "deflate ratio " + ratio);
  }

  @Test
  void tooSmallFails() {
    assertThrows(IllegalArgumentException.class, () -> JsonValues.pool(10, 1, 1));
  }
}
