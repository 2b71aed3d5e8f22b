package dev.sealpost.bench.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.zip.Deflater;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class JsonValuesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParameterizedTest
  @ValueSource(ints = {40, 64, 100, 1024, 10240})
  void valuesAreJsonObjectsOfExactlyTheSize(int size) throws Exception {
    byte[][] pool = JsonValues.pool(size, 50, 1);
    Set<String> distinct = new HashSet<>();
    for (byte[] v : pool) {
      assertEquals(size, v.length);
      JsonNode n = JSON.readTree(v);
      assertTrue(n.isObject());
      assertTrue(n.get("id").isNumber());
      assertTrue(n.get("note").isTextual());
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
