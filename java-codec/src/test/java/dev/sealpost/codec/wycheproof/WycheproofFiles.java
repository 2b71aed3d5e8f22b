package dev.sealpost.codec.wycheproof;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

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
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicNode;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * Locates and loads the Wycheproof test vector files (the C2SP project's {@code testvectors_v1}
 * directory).
 *
 * <p>The directory comes from the system property {@value #DIR_PROPERTY} (the parent pom's
 * surefire configuration sets it), or, when that property is missing or blank, from the
 * environment variable {@value #DIR_ENV}. When neither names an existing directory the tests
 * fail with a message saying so; they never pass silently. With {@code -D}{@value
 * #OPTIONAL_PROPERTY}{@code =true} they are aborted through JUnit {@link Assumptions} instead,
 * so the report shows them as skipped.
 *
 * <p>When the directory has a {@code SHA256SUMS} file that lists a vector file, the file's
 * digest is checked against it, so a damaged or edited copy cannot go unnoticed.
 */
final class WycheproofFiles {
  static final String DIR_PROPERTY = "wycheproof.dir";
  static final String DIR_ENV = "WYCHEPROOF_DIR";
  static final String OPTIONAL_PROPERTY = "wycheproof.optional";

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();

  private WycheproofFiles() {}

  /**
   * The dynamic tests {@code build} makes from {@code fileName}. When the vectors are missing and
   * {@value #OPTIONAL_PROPERTY} is true, a single aborted test carrying the reason instead, so
   * that the report counts a skip (an aborted factory alone is not counted).
   */
  static Stream<DynamicNode> dynamicTests(
      String fileName, String expectedAlgorithm, Function<JsonNode, Stream<DynamicNode>> build) {
    JsonNode root;
    try {
      root = load(fileName, expectedAlgorithm);
    } catch (TestAbortedException skipped) {
      return Stream.of(dynamicTest(fileName + " (vectors unavailable)", () -> {
        throw skipped;
      }));
    }
    return build.apply(root);
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
    String env = System.getenv(DIR_ENV);
    String value;
    String source;
    if (property != null && !property.isBlank()) {
      value = property;
      source = "system property '" + DIR_PROPERTY + "'";
    } else if (env != null && !env.isBlank()) {
      value = env;
      source = "environment variable " + DIR_ENV;
    } else {
      throw unavailable("neither system property '" + DIR_PROPERTY + "' nor environment variable " + DIR_ENV + " is set");
    }
    Path dir = Paths.get(value).toAbsolutePath().normalize();
    if (!Files.isDirectory(dir)) {
      String why = "directory " + dir + " (from " + source + ") does not exist";
      if (source.startsWith("system") && env != null && !env.isBlank()) {
        why += "; environment variable " + DIR_ENV + " is only consulted when the property is missing";
      }
      throw unavailable(why);
    }
    return dir;
  }

  private static RuntimeException unavailable(String why) {
    String message =
        "Wycheproof test vectors unavailable: " + why + ". Set system property '" + DIR_PROPERTY
            + "' (or, when that property is missing, environment variable " + DIR_ENV
            + ") to the Wycheproof testvectors_v1 directory, or run with -D" + OPTIONAL_PROPERTY
            + "=true to report these tests as skipped.";
    if (Boolean.getBoolean(OPTIONAL_PROPERTY)) {
      Assumptions.abort(message);
    }
    throw new AssertionFailedError(message);
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
  }
}
