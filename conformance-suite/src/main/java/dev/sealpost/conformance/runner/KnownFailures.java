package dev.sealpost.conformance.runner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An implementation's list of tests it is known to fail, after protobuf's failure lists. One
 * test per line, optionally followed by {@code #} and the failure headline the runner reports
 * for it; blank lines and lines starting with {@code #} are comments:
 *
 * <pre>
 * # Python port: limits not enforced yet
 * Recommended.Limit.Encrypt.33Recipients  # expected error limit-exceeded, got an envelope
 * </pre>
 *
 * A listed test that passes is an error, and so is a listed test that fails with a different
 * headline than the one listed: the list can only shrink, and it says how each test fails.
 */
public final class KnownFailures {
  private final Map<String, String> entries;

  private KnownFailures(Map<String, String> entries) {
    this.entries = entries;
  }

  public static KnownFailures none() {
    return new KnownFailures(Map.of());
  }

  public static KnownFailures read(Path file) throws IOException {
    return parse(Files.readAllLines(file, StandardCharsets.UTF_8));
  }

  public static KnownFailures parse(List<String> lines) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String raw : lines) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int hash = line.indexOf('#');
      String name = (hash < 0 ? line : line.substring(0, hash)).strip();
      String message = hash < 0 ? "" : line.substring(hash + 1).strip();
      if (name.contains(" ") || name.contains("\t")) {
        throw new IllegalArgumentException("known-failures line is not '<test name> [# message]': " + raw);
      }
      m.put(name, message);
    }
    return new KnownFailures(m);
  }

  public boolean contains(String test) {
    return entries.containsKey(test);
  }

  /** The listed headline, or empty when the entry gives none. */
  public String message(String test) {
    return entries.getOrDefault(test, "");
  }

  public Map<String, String> entries() {
    return entries;
  }

  /** One line for a failing test, in the format {@link #parse} reads. */
  public static String line(String test, String headline) {
    return test + "  # " + headline.replace('\n', ' ');
  }
}
