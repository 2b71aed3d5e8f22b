package dev.sealpost.codec.wycheproof;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.opentest4j.AssertionFailedError;

/**
 * Locates and loads the Wycheproof test vector files: the copies in the repository's
 * {@code third_party/wycheproof/} (taken unchanged from the C2SP project's {@code testvectors_v1}
 * directory, see SOURCE.md there).
 *
 * <p>The directory comes from the system property {@value #DIR_PROPERTY}, which the parent pom's
 * surefire configuration sets, and which may point at a newer upstream checkout. Without it (a
 * test started outside Maven) the in-repository copy is found by looking upwards from the
 * working directory. A missing directory or file fails the tests: they never pass or skip
 * silently.
 *
 * <p>When the directory has a {@code SHA256SUMS} file, every file read must be listed there with
 * its digest, so a damaged or edited copy cannot go unnoticed.
 */
final class WycheproofFiles {
  static final String DIR_PROPERTY = "wycheproof.dir";
  /** Where the vectors live, relative to the repository root. */
  static final String IN_REPOSITORY = "third_party/wycheproof";

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();

  private WycheproofFiles() {}

  /** The dynamic tests {@code build} makes from {@code fileName}. */
  static Stream<DynamicNode> dynamicTests(
      String fileName, String expectedAlgorithm, Function<JsonNode, Stream<DynamicNode>> build) {
    return build.apply(load(fileName, expectedAlgorithm));
  }

  /**
   * Reads {@code fileName}, checks its {@code algorithm} and that {@code numberOfTests} matches
   * the tests it holds, and returns the parsed document.
   */
  static JsonNode load(String fileName, String expectedAlgorithm) {
    Path dir = directory();
    Path file = dir.resolve(fileName);
    if (!Files.isRegularFile(file)) {
      throw unavailable("file " + fileName + " is missing from " + dir);
    }
    try {
      byte[] bytes = Files.readAllBytes(file);
      verifyChecksum(dir, fileName, bytes);
      JsonNode root = MAPPER.readTree(bytes);
      assertEquals(expectedAlgorithm, root.path("algorithm").asText(), fileName + ": algorithm");
      int tests = 0;
      for (JsonNode group : root.path("testGroups")) {
        tests += group.path("tests").size();
      }
      assertEquals(root.path("numberOfTests").asInt(), tests, fileName + ": numberOfTests");
      return root;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  static byte[] hex(JsonNode test, String field) {
    JsonNode value = test.get(field);
    if (value == null || !value.isTextual()) {
      throw new AssertionFailedError("tcId " + test.path("tcId").asInt() + " has no hex field '" + field + "'");
    }
    return HEX.parseHex(value.asText());
  }

  static String hex(byte[] bytes) {
    return HEX.formatHex(bytes);
  }

  private static Path directory() {
    String property = System.getProperty(DIR_PROPERTY);
    if (property != null && !property.isBlank()) {
      Path dir = Paths.get(property).toAbsolutePath().normalize();
      if (!Files.isDirectory(dir)) {
        throw unavailable("directory " + dir + " (from system property '" + DIR_PROPERTY + "') does not exist");
      }
      return dir;
    }
    for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path dir = p.resolve(IN_REPOSITORY);
      if (Files.isDirectory(dir)) {
        return dir;
      }
    }
    throw unavailable("system property '" + DIR_PROPERTY + "' is not set and no " + IN_REPOSITORY
        + " directory was found above " + Paths.get("").toAbsolutePath());
  }

  private static AssertionFailedError unavailable(String why) {
    return new AssertionFailedError("Wycheproof test vectors unavailable: " + why + ". They are part of the"
        + " repository, in " + IN_REPOSITORY + "/; restore them from version control.");
  }

  private static void verifyChecksum(Path dir, String fileName, byte[] bytes) throws IOException {
    Path sums = dir.resolve("SHA256SUMS");
    if (!Files.isRegularFile(sums)) {
      return;
    }
    for (String line : Files.readAllLines(sums, StandardCharsets.UTF_8)) {
      String[] parts = line.trim().split("\\s+\\*?", 2);
      if (parts.length == 2 && parts[1].equals(fileName)) {
        String actual;
        try {
          actual = HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
          throw new IllegalStateException(e);
        }
        assertEquals(parts[0].toLowerCase(), actual, fileName + ": SHA-256 differs from SHA256SUMS");
        return;
      }
    }
    throw new AssertionFailedError(fileName + " is not listed in " + sums);
  }
}
