package dev.sealpost.spec;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every normative MUST of SPEC.md and of the bindings (docs/bindings/*.md, e.g. [KB-n] of the
 * Kafka binding) is cited by at least one test, and every id a test cites exists. A requirement
 * is a bullet that starts with its id, {@code - [HDR-4] ...}; a citation is the bracketed id
 * anywhere in a test source of any module or port.
 */
class RequirementCoverageTest {
  private static final Pattern DEFINITION = Pattern.compile("^- \\[([A-Z]+-[0-9]+)\\]");
  private static final Pattern ID = Pattern.compile("\\[([A-Z]+-[0-9]+)\\]");
  private static final Pattern MUST = Pattern.compile("\\b(MUST|SHALL|REQUIRED)\\b");
  private static final Pattern SHOULD = Pattern.compile("\\b(SHOULD|RECOMMENDED)\\b");

  static Path root() {
    String root = System.getProperty("sealpost.root");
    return root != null ? Path.of(root) : Path.of("..");
  }

  /** SPEC.md and every binding document: their requirement ids share one name space. */
  static List<Path> documents() throws IOException {
    List<Path> docs = new ArrayList<>(List.of(root().resolve("SPEC.md")));
    Path bindings = root().resolve("docs").resolve("bindings");
    if (Files.isDirectory(bindings)) {
      try (Stream<Path> files = Files.list(bindings)) {
        files.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
      }
    }
    return docs;
  }

  private static List<String> lines() throws IOException {
    List<String> all = new ArrayList<>();
    for (Path d : documents()) {
      all.addAll(Files.readAllLines(d, StandardCharsets.UTF_8));
      all.add(""); // a bullet never runs on into the next document
    }
    return all;
  }

  /** Id to its bullet text. */
  static Map<String, String> requirements() throws IOException {
    List<String> lines = lines();
    Map<String, String> reqs = new LinkedHashMap<>();
    String current = null;
    StringBuilder text = new StringBuilder();
    for (String line : lines) {
      Matcher m = DEFINITION.matcher(line);
      if (m.find()) {
        if (current != null) {
          reqs.put(current, text.toString());
        }
        current = m.group(1);
        text.setLength(0);
        text.append(line);
      } else if (current != null && line.startsWith("  ")) {
        text.append(' ').append(line.trim());
      } else if (current != null) {
        reqs.put(current, text.toString());
        current = null;
      }
    }
    if (current != null) {
      reqs.put(current, text.toString());
    }
    return reqs;
  }

  /** Id to the test files that cite it. */
  static Map<String, Set<String>> citations() throws IOException {
    Map<String, Set<String>> cited = new TreeMap<>();
    Path root = root();
    try (Stream<Path> files = Files.walk(root)) {
      files.filter(Files::isRegularFile)
          .filter(p -> isTestSource(root.relativize(p)))
          .forEach(p -> {
            try {
              Matcher m = ID.matcher(Files.readString(p, StandardCharsets.UTF_8));
              while (m.find()) {
                cited.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(root.relativize(p).toString());
              }
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    }
    return cited;
  }

  private static boolean isTestSource(Path rel) {
    String s = rel.toString().replace('\\', '/');
    if (s.contains("/target/") || s.startsWith(".") || s.contains("/.venv/") || s.contains("node_modules")) {
      return false;
    }
    boolean javaTest = s.contains("/src/test/") && s.endsWith(".java");
    boolean portTest = s.startsWith("ports/") && s.contains("/tests/");
    return javaTest || portTest;
  }

  @Test
  void specHasRequirementsWithUniqueIds() throws IOException {
    List<String> lines = lines();
    Set<String> seen = new TreeSet<>();
    List<String> duplicates = new ArrayList<>();
    for (String line : lines) {
      Matcher m = DEFINITION.matcher(line);
      if (m.find() && !seen.add(m.group(1))) {
        duplicates.add(m.group(1));
      }
    }
    assertTrue(duplicates.isEmpty(), "requirement ids defined twice: " + duplicates);
    assertTrue(seen.size() >= 40, "expected the spec's requirements, found " + seen.size());
  }

  @Test
  void everyNormativeStatementHasAnId() throws IOException {
    List<String> bare = new ArrayList<>();
    List<String> lines = lines();
    boolean inRequirement = false;
    boolean inFence = false;
    for (String line : lines) {
      if (line.startsWith("```")) {
        inFence = !inFence;
      }
      if (DEFINITION.matcher(line).find()) {
        inRequirement = true;
      } else if (!line.startsWith("  ")) {
        inRequirement = false;
      }
      if (!inRequirement && !inFence && (MUST.matcher(line).find() || SHOULD.matcher(line).find())) {
        bare.add(line.trim());
      }
    }
    assertTrue(bare.isEmpty(), "MUST/SHOULD outside a requirement bullet with an id:\n" + String.join("\n", bare));
  }

  @Test
  void everyMustIsCitedByATest() throws IOException {
    Map<String, String> reqs = requirements();
    Map<String, Set<String>> cited = citations();
    List<String> uncitedMust = new ArrayList<>();
    List<String> uncitedShould = new ArrayList<>();
    for (Map.Entry<String, String> r : reqs.entrySet()) {
      if (cited.containsKey(r.getKey())) {
        continue;
      }
      if (MUST.matcher(r.getValue()).find()) {
        uncitedMust.add(r.getKey());
      } else if (SHOULD.matcher(r.getValue()).find()) {
        uncitedShould.add(r.getKey());
      }
    }
    System.out.println("requirements: " + reqs.size() + ", cited: " + reqs.keySet().stream().filter(cited::containsKey).count()
        + ", uncited SHOULD/MAY (informational): " + uncitedShould);
    assertTrue(uncitedMust.isEmpty(), "MUST requirements no test cites: " + uncitedMust);
  }

  @Test
  void testsCiteOnlyExistingIds() throws IOException {
    Set<String> defined = requirements().keySet();
    Map<String, Set<String>> unknown = new TreeMap<>();
    citations().forEach((id, files) -> {
      if (!defined.contains(id)) {
        unknown.put(id, files);
      }
    });
    assertTrue(unknown.isEmpty(), "tests cite ids SPEC.md does not define: " + unknown);
  }
}
