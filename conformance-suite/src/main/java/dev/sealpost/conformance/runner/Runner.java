package dev.sealpost.conformance.runner;

import dev.sealpost.conformance.proto.ConformanceRequest;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Builds the test plan, runs it against one testee and applies the known-failure list. */
public final class Runner {
  /** What to run. */
  public static final class Options {
    public String name = "testee";
    public List<String> command = List.of();
    public File workDir;
    public Path vectors;
    public KnownFailures knownFailures = KnownFailures.none();
    public long timeoutMillis = 10_000;
    public long seed = 1;
    public Pattern filter;
    public int maxStarts = 25;
  }

  /** The outcome of a run. */
  public static final class Run {
    public final List<TestResult> results;
    public final int testeeStarts;
    public final long nanos;
    /** Known-failure entries that name no test of this plan. */
    public final List<String> staleEntries;

    Run(List<TestResult> results, int testeeStarts, long nanos, List<String> staleEntries) {
      this.results = results;
      this.testeeStarts = testeeStarts;
      this.nanos = nanos;
      this.staleEntries = staleEntries;
    }

    public boolean failed(boolean strict) {
      return results.stream().anyMatch(r -> r.fatal(strict));
    }
  }

  private Runner() {}

  /** Every test, in run order: vectors, binding vectors, generated Required tests, then Recommended ones. */
  public static List<ConformanceTest> plan(Path vectors, long seed) {
    List<ConformanceTest> tests = new ArrayList<>();
    VectorTests v = new VectorTests();
    tests.addAll(v.load(vectors));
    tests.addAll(BindingTests.load(vectors));
    tests.addAll(new GeneratedTests(seed).all());
    tests.addAll(GeneratedTests.inspectVectors(v));
    List<ConformanceTest> ordered = new ArrayList<>();
    tests.stream().filter(t -> t.level() == Level.REQUIRED).forEach(ordered::add);
    tests.stream().filter(t -> t.level() == Level.RECOMMENDED).forEach(ordered::add);
    return ordered;
  }

  public static Run run(Options o) {
    long start = System.nanoTime();
    List<ConformanceTest> plan = plan(o.vectors, o.seed);
    List<String> stale = new ArrayList<>();
    if (o.filter == null) {
      java.util.Set<String> names = new java.util.HashSet<>();
      plan.forEach(t -> names.add(t.name()));
      o.knownFailures.entries().keySet().stream().filter(n -> !names.contains(n)).forEach(stale::add);
    }
    List<TestResult> results = new ArrayList<>();
    try (TesteeProcess testee = new TesteeProcess(o.command, o.workDir, o.timeoutMillis)) {
      for (ConformanceTest t : plan) {
        if (o.filter != null && !o.filter.matcher(t.name()).find()) {
          continue;
        }
        long t0 = System.nanoTime();
        Verdict v;
        if (testee.starts() > o.maxStarts) {
          v = Verdict.fail("not run: the testee was started more than " + o.maxStarts + " times", "");
        } else {
          v = runOne(t, testee);
        }
        results.add(classify(t, v, o.knownFailures, System.nanoTime() - t0));
      }
      return new Run(results, testee.starts(), System.nanoTime() - start, stale);
    }
  }

  private static Verdict runOne(ConformanceTest t, TesteeProcess testee) {
    try {
      return t.body().run(r -> testee.call(r.toBuilder().setTestName(t.name()).build()));
    } catch (TesteeFailure e) {
      return Verdict.fail(e.getMessage(), e.detail());
    } catch (RuntimeException e) {
      return Verdict.fail("runner error: " + e.getClass().getSimpleName(), String.valueOf(e.getMessage()));
    }
  }

  static TestResult classify(ConformanceTest t, Verdict v, KnownFailures known, long nanos) {
    TestResult.Status s;
    if (known.contains(t.name())) {
      if (v.passed()) {
        s = TestResult.Status.UNEXPECTED_PASS;
      } else if (known.message(t.name()).isEmpty() || known.message(t.name()).equals(v.headline())) {
        s = TestResult.Status.KNOWN_FAILURE;
      } else {
        s = TestResult.Status.FAILURE_CHANGED;
      }
    } else if (v.passed()) {
      s = TestResult.Status.PASSED;
    } else {
      s = v.skipped() ? TestResult.Status.SKIPPED : TestResult.Status.FAILED;
    }
    return new TestResult(t, v, s, nanos);
  }

  /** For the testee side of unit tests: a request with its name set. */
  static ConformanceRequest named(ConformanceRequest r, String name) {
    return r.toBuilder().setTestName(name).build();
  }
}
