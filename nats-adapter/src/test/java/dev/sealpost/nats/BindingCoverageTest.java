package dev.sealpost.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/bindings/nats.md against this module's tests: every requirement id is defined once, in
 * order from 1, every MUST/SHOULD sits in a bullet with an id, every id is cited by a test here,
 * and every cited id exists. (The build's RequirementCoverageTest checks the same across all
 * modules; this one keeps the binding and the adapter that implements it together.)
 */
class BindingCoverageTest {
  private static final Pattern DEFINITION = Pattern.compile("^- \\[(NB-[0-9]+)\\]");
  private static final Pattern CITATION = Pattern.compile("\\[(NB-[0-9]+)\\]");
  private static final Pattern NORMATIVE = Pattern.compile("\\b(MUST|SHALL|REQUIRED|SHOULD|RECOMMENDED)\\b");

  static List<String> binding() throws IOException {
    return Files.readAllLines(VectorFiles.root().resolve("docs/bindings/nats.md"), StandardCharsets.UTF_8);
  }

  @Test
  void everyRequirementIsNumberedAndCited() throws IOException {
    List<String> defined = new ArrayList<>();
    List<String> bare = new ArrayList<>();
    boolean inBullet = false;
    boolean inFence = false;
    for (String line : binding()) {
      if (line.startsWith("```")) {
        inFence = !inFence;
      }
      Matcher m = DEFINITION.matcher(line);
      if (m.find()) {
        defined.add(m.group(1));
        inBullet = true;
      } else if (!line.startsWith("  ")) {
        inBullet = false;
      }
      if (!inBullet && !inFence && NORMATIVE.matcher(line).find()) {
        bare.add(line);
      }
    }
    assertTrue(bare.isEmpty(), "normative words outside a requirement bullet: " + bare);
    Set<String> sorted = new TreeSet<>(defined);
    assertEquals(defined.size(), sorted.size(), "an id is defined twice: " + defined);
    for (int i = 1; i <= defined.size(); i++) {
      assertTrue(sorted.contains("NB-" + i), "ids are NB-1..NB-" + defined.size() + ", NB-" + i + " is missing");
    }

    Set<String> cited = new TreeSet<>();
    try (Stream<Path> files = Files.walk(VectorFiles.root().resolve("nats-adapter/src/test"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        Matcher m = CITATION.matcher(Files.readString(f, StandardCharsets.UTF_8));
        while (m.find()) {
          cited.add(m.group(1));
        }
      }
    }
    Set<String> uncited = new TreeSet<>(sorted);
    uncited.removeAll(cited);
    assertTrue(uncited.isEmpty(), "binding requirements no test of nats-adapter cites: " + uncited);
    Set<String> unknown = new TreeSet<>(cited);
    unknown.removeAll(sorted);
    assertTrue(unknown.isEmpty(), "tests cite ids docs/bindings/nats.md does not define: " + unknown);
  }
}
