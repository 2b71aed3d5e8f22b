package dev.sealpost.vectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The committed vectors are exactly what the deterministic generator writes today. */
class VectorDriftTest {
  @Test
  void regeneratingChangesNoByte() throws Exception {
    Map<String, String> fresh = VectorGenerator.generate();
    assertEquals(2, fresh.size());
    for (Map.Entry<String, String> f : fresh.entrySet()) {
      Path committed = VectorFiles.dir().resolve(f.getKey());
      assertTrue(Files.exists(committed), committed + " is missing");
      String onDisk = Files.readString(committed, StandardCharsets.UTF_8);
      assertTrue(onDisk.equals(f.getValue()),
          f.getKey() + " differs from what the generator writes now (first difference at character "
              + firstDifference(onDisk, f.getValue()) + "). If the change is intended, regenerate with "
              + "./mvnw -q -pl java-codec test-compile exec:java@generate-vectors and commit the result.");
    }
  }

  @Test
  void generationIsDeterministic() throws Exception {
    assertEquals(VectorGenerator.generate(), VectorGenerator.generate());
  }

  private static int firstDifference(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      if (a.charAt(i) != b.charAt(i)) {
        return i;
      }
    }
    return n;
  }
}
