package dev.sealpost.conformance;

import dev.sealpost.conformance.runner.KnownFailures;
import dev.sealpost.conformance.runner.Report;
import dev.sealpost.conformance.runner.Runner;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The conformance runner's command line. Exit status: 0 when every Required test passes (or is
 * a known failure, failing as listed), 1 otherwise, 2 on a usage error.
 *
 * <pre>
 * java -jar sealpost-conformance.jar --name python --vectors test-vectors \
 *     --known-failures ports/python/conformance_known_failures.txt \
 *     --junit-xml target/conformance-python.xml -- python3 ports/python/conformance_testee.py
 * </pre>
 */
public final class Main {
  static final String USAGE = String.join("\n",
      "usage: sealpost-conformance [options] -- <testee command> [args...]",
      "  --name NAME                 the implementation's name, for reports (default: testee)",
      "  --vectors DIR               the test-vectors directory (default: ./test-vectors)",
      "  --known-failures FILE       tests this implementation is known to fail, one per line",
      "  --junit-xml FILE            write a JUnit XML report there",
      "  --timeout-ms N              per request; a testee that takes longer is killed and restarted (default 10000)",
      "  --seed N                    seed of the generated tests (default 1; names do not depend on it)",
      "  --filter REGEX              run only tests whose name contains a match",
      "  --strict                    Recommended failures also fail the run",
      "  --show-failures N           failures printed in the summary (default 10)",
      "  --max-starts N              stop sending requests after N testee starts (default 25)",
      "  --write-failure-list FILE   write the current failures in known-failures format",
      "  --list                      print the test names and exit");

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the runner; returns the exit status. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    Runner.Options o = new Runner.Options();
    o.vectors = Path.of("test-vectors");
    Path junit = null;
    Path writeList = null;
    boolean strict = false;
    boolean list = false;
    int show = 10;
    List<String> command = new ArrayList<>();
    try {
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--":
            command.addAll(Arrays.asList(args).subList(i + 1, args.length));
            i = args.length;
            break;
          case "--name":
            o.name = args[++i];
            break;
          case "--vectors":
            o.vectors = Path.of(args[++i]);
            break;
          case "--known-failures":
            o.knownFailures = KnownFailures.read(Path.of(args[++i]));
            break;
          case "--junit-xml":
            junit = Path.of(args[++i]);
            break;
          case "--timeout-ms":
            o.timeoutMillis = Long.parseLong(args[++i]);
            break;
          case "--seed":
            o.seed = Long.parseLong(args[++i]);
            break;
          case "--filter":
            o.filter = Pattern.compile(args[++i]);
            break;
          case "--strict":
            strict = true;
            break;
          case "--show-failures":
            show = Integer.parseInt(args[++i]);
            break;
          case "--max-starts":
            o.maxStarts = Integer.parseInt(args[++i]);
            break;
          case "--write-failure-list":
            writeList = Path.of(args[++i]);
            break;
          case "--list":
            list = true;
            break;
          case "-h":
          case "--help":
            out.println(USAGE);
            return 0;
          default:
            throw new IllegalArgumentException("unknown option " + a);
        }
      }
      if (list) {
        Runner.plan(o.vectors, o.seed).stream()
            .filter(t -> o.filter == null || o.filter.matcher(t.name()).find())
            .forEach(t -> out.println(t.name()));
        return 0;
      }
      if (command.isEmpty()) {
        throw new IllegalArgumentException("no testee command after --");
      }
    } catch (IOException | RuntimeException e) {
      err.println("sealpost-conformance: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    o.command = command;
    Runner.Run run = Runner.run(o);
    out.print(Report.summary(o.name, command, run, strict, show));
    try {
      if (junit != null) {
        Report.writeJUnit(junit, o.name, run);
        out.println("JUnit XML report: " + junit);
      }
      if (writeList != null) {
        Files.write(writeList, Report.failureList(run), StandardCharsets.UTF_8);
        out.println("failure list: " + writeList);
      }
    } catch (IOException e) {
      err.println("sealpost-conformance: cannot write a report: " + e.getMessage());
      return 2;
    }
    return run.failed(strict) ? 1 : 0;
  }
}
