package dev.sealpost.vectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealpost.codec.EncryptionContext;
import dev.sealpost.codec.SealpostException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Locates and reads the committed vector files. */
final class VectorFiles {
  private static final ObjectMapper JSON = new ObjectMapper();

  private VectorFiles() {}

  /** {@code test-vectors/} of this repository: from {@code -Dsealpost.root}, else next to the module. */
  static Path dir() {
    String root = System.getProperty("sealpost.root");
    Path dir = root != null ? Path.of(root, "test-vectors") : Path.of("..", "test-vectors");
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException("test-vectors directory not found at " + dir.toAbsolutePath());
    }
    return dir;
  }

  static JsonNode read(String name) throws IOException {
    Path p = dir().resolve(name);
    if (!Files.exists(p)) {
      throw new IllegalStateException(
          p + " is missing; regenerate with ./mvnw -q -pl java-codec test-compile exec:java@generate-vectors");
    }
    return JSON.readTree(p.toFile());
  }

  static EncryptionContext context(JsonNode node) throws SealpostException {
    return EncryptionContext.of(map(node));
  }

  static Map<String, String> map(JsonNode node) {
    Map<String, String> m = new LinkedHashMap<>();
    if (node != null) {
      node.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
    }
    return m;
  }
}
