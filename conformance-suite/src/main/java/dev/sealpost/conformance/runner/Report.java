package dev.sealpost.conformance.runner;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The readable summary and the JUnit XML report of a run. */
public final class Report {
  private Report() {}

  private static final class Row {
    final String group;
    final Level level;
    int passed;
    int failed;
    int skipped;
    int known;
    int listErrors;

    Row(String group, Level level) {
      this.group = group;
      this.level = level;
    }
  }

  public static String summary(String name, List<String> command, Runner.Run run, boolean strict, int showFailures) {
    Map<String, Row> rows = new LinkedHashMap<>();
    for (TestResult r : run.results) {
      Row row = rows.computeIfAbsent(
          r.test().level() + "/" + r.test().group(), k -> new Row(r.test().group(), r.test().level()));
      switch (r.status()) {
        case PASSED:
          row.passed++;
          break;
        case FAILED:
          row.failed++;
          break;
        case SKIPPED:
          row.skipped++;
          break;
        case KNOWN_FAILURE:
          row.known++;
          break;
        default:
          row.listErrors++;
      }
    }
    StringBuilder sb = new StringBuilder();
    sb.append("Sealpost conformance: testee '").append(name).append("'\n");
    sb.append("  command: ").append(String.join(" ", command)).append('\n');
    sb.append(String.format(Locale.ROOT, "  %d tests in %.1f s, testee started %d time(s)%n%n",
        run.results.size(), run.nanos / 1e9, run.testeeStarts));
    sb.append(String.format(Locale.ROOT, "  %-28s %-12s %7s %7s %8s %6s %10s%n",
        "Group", "Level", "Passed", "Failed", "Skipped", "Known", "ListError"));
    int passed = 0;
    int failed = 0;
    for (Row r : rows.values()) {
      sb.append(String.format(Locale.ROOT, "  %-28s %-12s %7d %7d %8d %6d %10d%n",
          r.group, r.level.label(), r.passed, r.failed, r.skipped, r.known, r.listErrors));
      passed += r.passed;
      failed += r.failed + r.skipped + r.listErrors;
    }
    List<TestResult> bad = new ArrayList<>();
    for (TestResult r : run.results) {
      if (r.status() != TestResult.Status.PASSED && r.status() != TestResult.Status.KNOWN_FAILURE) {
        bad.add(r);
      }
    }
    if (!bad.isEmpty()) {
      sb.append(String.format(Locale.ROOT, "%nFirst failures (%d of %d):%n", Math.min(showFailures, bad.size()), bad.size()));
      for (TestResult r : bad.subList(0, Math.min(showFailures, bad.size()))) {
        sb.append("  ").append(label(r.status())).append(' ').append(r.test().name()).append('\n');
        sb.append("      ").append(headline(r)).append('\n');
        String detail = r.verdict().detail();
        if (!detail.isEmpty()) {
          for (String line : detail.split("\n", 12)) {
            sb.append("      ").append(line).append('\n');
          }
        }
      }
    }
    if (!run.staleEntries.isEmpty()) {
      sb.append("\nKnown-failure entries that name no test (remove them):\n");
      run.staleEntries.forEach(s -> sb.append("  ").append(s).append('\n'));
    }
    long fatal = run.results.stream().filter(r -> r.fatal(strict)).count();
    long requiredFailed = run.results.stream()
        .filter(r -> r.test().level() == Level.REQUIRED
            && (r.status() == TestResult.Status.FAILED || r.status() == TestResult.Status.SKIPPED))
        .count();
    long listErrors = run.results.stream()
        .filter(r -> r.status() == TestResult.Status.UNEXPECTED_PASS || r.status() == TestResult.Status.FAILURE_CHANGED)
        .count();
    sb.append('\n');
    sb.append(fatal == 0 ? "RESULT: PASS" : "RESULT: FAIL")
        .append(" (").append(requiredFailed).append(" Required failed, ")
        .append(listErrors).append(" known-failure list errors")
        .append(strict ? ", strict: Recommended failures count" : "").append(")\n");
    sb.append("conformance: ").append(passed).append(" passed, ").append(failed).append(" failed\n");
    return sb.toString();
  }

  private static String label(TestResult.Status s) {
    switch (s) {
      case SKIPPED:
        return "SKIP";
      case UNEXPECTED_PASS:
        return "UNEXPECTED PASS";
      case FAILURE_CHANGED:
        return "FAILURE CHANGED";
      default:
        return "FAIL";
    }
  }

  private static String headline(TestResult r) {
    switch (r.status()) {
      case UNEXPECTED_PASS:
        return "listed as a known failure but passed: remove it from the known-failures file";
      case FAILURE_CHANGED:
        return r.verdict().headline() + "  (the known-failures file expects a different message: update the entry)";
      default:
        return r.verdict().headline();
    }
  }

  /** Lines for a known-failures file that would make the current failures known. */
  public static List<String> failureList(Runner.Run run) {
    List<String> out = new ArrayList<>();
    for (TestResult r : run.results) {
      if (!r.verdict().passed()) {
        out.add(KnownFailures.line(r.test().name(), r.verdict().headline()));
      }
    }
    return out;
  }

  /** JUnit XML: one testsuite per group, a testcase per test. */
  public static void writeJUnit(Path file, String name, Runner.Run run) throws IOException {
    Map<String, List<TestResult>> groups = new LinkedHashMap<>();
    for (TestResult r : run.results) {
      groups.computeIfAbsent(r.test().level().label() + "." + r.test().group(), k -> new ArrayList<>()).add(r);
    }
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
      w.write("<testsuites name=\"" + xml("sealpost-conformance." + name) + "\" tests=\"" + run.results.size()
          + "\" time=\"" + secs(run.nanos) + "\">\n");
      for (Map.Entry<String, List<TestResult>> g : groups.entrySet()) {
        List<TestResult> rs = g.getValue();
        long failures = rs.stream().filter(r -> r.status() == TestResult.Status.FAILED).count();
        long errors = rs.stream().filter(r -> r.status() == TestResult.Status.UNEXPECTED_PASS
            || r.status() == TestResult.Status.FAILURE_CHANGED).count();
        long skipped = rs.stream().filter(r -> r.status() == TestResult.Status.SKIPPED
            || r.status() == TestResult.Status.KNOWN_FAILURE).count();
        long nanos = rs.stream().mapToLong(TestResult::nanos).sum();
        String suite = "sealpost.conformance." + name + "." + g.getKey();
        w.write("  <testsuite name=\"" + xml(suite) + "\" tests=\"" + rs.size() + "\" failures=\"" + failures
            + "\" errors=\"" + errors + "\" skipped=\"" + skipped + "\" time=\"" + secs(nanos) + "\">\n");
        for (TestResult r : rs) {
          String full = r.test().name();
          String prefix = r.test().level().label() + "." + r.test().group() + ".";
          String id = full.startsWith(prefix) ? full.substring(prefix.length()) : full;
          w.write("    <testcase classname=\"" + xml(suite) + "\" name=\"" + xml(id) + "\" time=\"" + secs(r.nanos()) + "\"");
          Verdict v = r.verdict();
          switch (r.status()) {
            case PASSED:
              w.write("/>\n");
              break;
            case FAILED:
              w.write(">\n      <failure message=\"" + xml(v.headline()) + "\" type=\"" + r.test().level().label() + "\">"
                  + xml(v.detail()) + "</failure>\n    </testcase>\n");
              break;
            case SKIPPED:
              w.write(">\n      <skipped message=\"" + xml("testee skipped: " + v.detail()) + "\"/>\n    </testcase>\n");
              break;
            case KNOWN_FAILURE:
              w.write(">\n      <skipped message=\"" + xml("known failure: " + v.headline()) + "\"/>\n    </testcase>\n");
              break;
            case UNEXPECTED_PASS:
              w.write(">\n      <error message=\"listed as a known failure but passed\" type=\"KnownFailureList\"/>\n"
                  + "    </testcase>\n");
              break;
            default:
              w.write(">\n      <error message=\"" + xml("known failure now fails differently: " + v.headline())
                  + "\" type=\"KnownFailureList\">" + xml(v.detail()) + "</error>\n    </testcase>\n");
          }
        }
        w.write("  </testsuite>\n");
      }
      w.write("</testsuites>\n");
    }
  }

  private static String secs(long nanos) {
    return String.format(Locale.ROOT, "%.3f", nanos / 1e9);
  }

  /** Escapes text for XML 1.0, replacing characters XML cannot hold. */
  static String xml(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<':
          sb.append("&lt;");
          break;
        case '>':
          sb.append("&gt;");
          break;
        case '&':
          sb.append("&amp;");
          break;
        case '"':
          sb.append("&quot;");
          break;
        default:
          if (c < 0x20 && c != '\n' && c != '\t' && c != '\r' || c == 0xFFFE || c == 0xFFFF) {
            sb.append('?');
          } else {
            sb.append(c);
          }
      }
    }
    return sb.toString();
  }
}
