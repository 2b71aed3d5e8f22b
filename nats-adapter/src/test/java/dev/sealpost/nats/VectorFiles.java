package dev.sealpost.nats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the repository's test-vectors directory and the NATS binding vectors. */
final class VectorFiles {
  private VectorFiles() {}

  static Path root() {
    String root = System.getProperty("sealpost.root");
    return root != null ? Path.of(root) : Path.of("..");
  }

  static Path natsFile() {
    return root().resolve("test-vectors").resolve(NatsVectorGenerator.FILE);
  }

  static JsonNode read() throws IOException {
    Path p = natsFile();
    if (!Files.exists(p)) {
      throw new IllegalStateException(p + " is missing; regenerate with " + NatsVectorGenerator.REGENERATE);
    }
    return new ObjectMapper().readTree(p.toFile());
  }
}
