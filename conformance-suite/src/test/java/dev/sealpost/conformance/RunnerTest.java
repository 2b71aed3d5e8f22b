package dev.sealpost.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealpost.conformance.runner.KnownFailures;
import dev.sealpost.conformance.runner.Runner;
import dev.sealpost.conformance.runner.TestResult;
import dev.sealpost.conformance.testee.JavaTestee;
import dev.sealpost.conformance.testees.AcceptsTamperedTestee;
import dev.sealpost.conformance.testees.BitFlipTestee;
import dev.sealpost.conformance.testees.CrashingTestee;
import dev.sealpost.conformance.testees.HangingTestee;
import dev.sealpost.conformance.testees.StreamShortcutTestee;
import dev.sealpost.conformance.testees.WrongCategoryTestee;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner against the Java testee and against deliberately broken testees: each breakage
 * must fail the run with a report that names it.
 */
class RunnerTest {
  private static final Path ROOT = Path.of(System.getProperty("sealpost.root", ".."));
  private static final Path VECTORS = ROOT.resolve("test-vectors");

  @TempDir Path tmp;

  private static List<String> java(Class<?> main, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(main.getName());
    cmd.addAll(List.of(args));
    return cmd;
  }

  private static Runner.Run run(List<String> command, String filter, KnownFailures known, long timeout) {
    Runner.Options o = new Runner.Options();
    o.command = command;
    o.vectors = VECTORS;
    o.filter = Pattern.compile(filter);
    o.knownFailures = known;
    o.timeoutMillis = timeout;
    return Runner.run(o);
  }

  private static List<TestResult> failed(Runner.Run run) {
    return run.results.stream()
        .filter(r -> r.status() != TestResult.Status.PASSED && r.status() != TestResult.Status.KNOWN_FAILURE)
        .collect(Collectors.toList());
  }

  /**
   * [VEC-1]: the reference codec passes the vectors, crafted cases, round trips in which it
   * encrypts, tamper cases and limits. (The full run, with the known-failures list, is
   * run-conformance.sh's job.)
   */
  @Test
  void javaTesteePasses() {
    Runner.Run run = run(java(JavaTestee.class),
        "Vector\\.|Crafted|RoundTrip\\.TesteeEncrypts|Tamper\\.Gcm\\.AllTypes|Limit", KnownFailures.none(), 10_000);
    assertTrue(run.results.size() > 300, "ran " + run.results.size());
    assertEquals(List.of(), failed(run).stream().map(r -> r.test().name() + ": " + r.verdict().headline()).collect(Collectors.toList()));
    assertFalse(run.failed(true));
    assertEquals(1, run.testeeStarts);
  }

  /** Issue 10: the reference codec passes the signature and segmented-body groups. */
  @Test
  void javaTesteePassesSignedAndSegmented() {
    Runner.Run run = run(java(JavaTestee.class),
        "Signed\\.(Gcm\\.PerMessage|ChaChaSegmented|Unsigned|Forgery|Writer)|Segmented\\.AES_256_GCM_SIGNED_SEGMENTED\\.(65537|196613)\\.",
        KnownFailures.none(), 10_000);
    assertTrue(run.results.size() > 1000, "ran " + run.results.size());
    assertEquals(List.of(), failed(run).stream().map(r -> r.test().name() + ": " + r.verdict().headline()).collect(Collectors.toList()));
  }

  /** [SEG-4], [SEG-6]: a streaming reader that reports a truncated envelope as complete fails. */
  @Test
  void streamEndingAtTruncationFails() {
    Runner.Run run = run(java(StreamShortcutTestee.class, "eof"),
        "Segmented\\.AES_256_GCM_SEGMENTED\\.131072\\.(TruncateAtSegment\\.\\d|Stream\\.Uneven)", KnownFailures.none(), 10_000);
    List<TestResult> bad = failed(run);
    assertEquals(2, bad.size(), () -> bad.stream().map(r -> r.test().name()).collect(Collectors.toList()).toString());
    for (TestResult r : bad) {
      assertTrue(r.test().name().contains("TruncateAtSegment") && r.test().name().endsWith(".Stream"), r.test().name());
      assertTrue(r.verdict().headline().startsWith("expected error authentication-failed, but the stream ended normally"),
          r.verdict().headline());
    }
    assertTrue(run.results.stream().anyMatch(r -> r.test().name().endsWith("Stream.Uneven") && r.status() == TestResult.Status.PASSED));
  }

  /** [SEG-3]: releasing plaintext before its segment has arrived in full fails. */
  @Test
  void streamReleasingEarlyFails() {
    Runner.Run run = run(java(StreamShortcutTestee.class, "early"),
        "Segmented\\.AES_256_GCM_SEGMENTED\\.131072\\.Stream\\.Uneven", KnownFailures.none(), 10_000);
    List<TestResult> bad = failed(run);
    assertEquals(1, bad.size());
    assertEquals("released plaintext before its segment was complete [SEG-3]", bad.get(0).verdict().headline());
  }

  /** [SIG-8]: naming a signer when no trusted writer was required fails. */
  @Test
  void signerWithoutTrustFails() {
    Runner.Run run = run(java(StreamShortcutTestee.class, "signer"), "Signed\\.Gcm\\.PerDek\\.(NoTrustRequired|Trusted)$",
        KnownFailures.none(), 10_000);
    List<TestResult> bad = failed(run);
    assertEquals(1, bad.size());
    assertEquals("Required.Signed.Gcm.PerDek.NoTrustRequired", bad.get(0).test().name());
    assertTrue(bad.get(0).verdict().headline().contains("[SIG-8]"), bad.get(0).verdict().headline());
  }

  /** [HDR-1], [AUTH-1]: a flipped bit in written envelopes fails byte-exact vectors with a hex diff. */
  @Test
  void bitFlippingTesteeFails() throws Exception {
    Path xml = tmp.resolve("report.xml");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<String> args = new ArrayList<>(List.of(
        "--name", "bitflip", "--vectors", VECTORS.toString(), "--filter", "Vector\\.Encrypt|RoundTrip\\.TesteeEncrypts",
        "--junit-xml", xml.toString(), "--"));
    args.addAll(java(BitFlipTestee.class));
    int status = Main.run(args.toArray(new String[0]), new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
    String summary = out.toString(StandardCharsets.UTF_8);
    assertEquals(1, status, summary);
    assertTrue(summary.contains("RESULT: FAIL"), summary);
    assertTrue(summary.contains("envelope differs from offset"), summary);
    assertTrue(summary.contains("(body"), summary);
    assertTrue(summary.contains("^^"), summary);
    String report = Files.readString(xml);
    assertTrue(report.contains("the reference cannot decrypt the testee&apos;s envelope")
        || report.contains("the reference cannot decrypt the testee's envelope"));
    assertTrue(report.contains("<failure message=\"envelope differs from offset"), report.substring(0, 500));
    assertTrue(report.contains("<testsuite name=\"sealpost.conformance.bitflip.Required.Vector.Encrypt\""));
  }

  /** [AUTH-2], [AUTH-3]: a reader that releases a plaintext for a tampered envelope fails. */
  @Test
  void testeeAcceptingTamperedEnvelopesFails() {
    Runner.Run run = run(java(AcceptsTamperedTestee.class), "Tamper\\.Gcm\\.Symmetric\\.(BitFlip\\.(6\\d|11\\d)\\.|Append|Untouched)", KnownFailures.none(), 10_000);
    assertTrue(run.failed(false));
    List<TestResult> bad = failed(run);
    assertTrue(bad.size() >= 10 * 8 + 2, "tampered bodies and appended bytes: " + bad.size());
    for (TestResult r : bad) {
      assertTrue(r.verdict().headline().contains("released a plaintext"), r.verdict().headline());
    }
    assertTrue(run.results.stream().anyMatch(r -> r.test().name().endsWith("Untouched") && r.status() == TestResult.Status.PASSED));
  }

  /** [ERR-1], [ERR-2]: failing is not enough; the category must be the one the spec names. */
  @Test
  void wrongCategoryFails() {
    Runner.Run run = run(java(WrongCategoryTestee.class), "Tamper\\.Gcm\\.Symmetric\\.Truncate\\.", KnownFailures.none(), 10_000);
    assertTrue(run.failed(false));
    assertTrue(failed(run).stream().allMatch(r -> r.verdict().headline().equals(
        "expected error malformed-header, got error authentication-failed")));
  }

  /** A hung testee is killed after the timeout, reported for that test, and restarted. */
  @Test
  void hangingTesteeIsReportedAndRestarted() {
    Runner.Run run = run(java(HangingTestee.class, "Crafted.CommitmentMismatch"), "Crafted", KnownFailures.none(), 1_500);
    List<TestResult> bad = failed(run);
    assertEquals(1, bad.size());
    assertEquals("Required.Crafted.CommitmentMismatch", bad.get(0).test().name());
    assertEquals("testee timed out after 1500 ms", bad.get(0).verdict().headline());
    assertTrue(bad.get(0).verdict().detail().contains("hanging on Required.Crafted.CommitmentMismatch"));
    assertEquals(2, run.testeeStarts);
    assertTrue(run.results.size() > 3);
    assertTrue(run.failed(false));
  }

  /** A crashed testee is reported with its exit status and stderr, and restarted. */
  @Test
  void crashingTesteeIsReportedAndRestarted() {
    Runner.Run run = run(java(CrashingTestee.class, "Crafted.OnlyUnknownTypes"), "Crafted", KnownFailures.none(), 10_000);
    List<TestResult> bad = failed(run);
    assertEquals(1, bad.size());
    assertEquals("testee crashed (exit status 3)", bad.get(0).verdict().headline());
    assertTrue(bad.get(0).verdict().detail().contains("simulated crash"), bad.get(0).verdict().detail());
    assertEquals(2, run.testeeStarts);
  }

  /** The known-failures list: listed failures pass the run; a listed test that passes fails it. */
  @Test
  void knownFailuresOnlyShrink() {
    String filter = "Tamper\\.Gcm\\.Symmetric\\.(BitFlip\\.120\\.[0-3]|Untouched)$";
    List<String> cmd = java(AcceptsTamperedTestee.class);
    KnownFailures exact = KnownFailures.parse(List.of(
        "# broken on purpose",
        "Required.Tamper.Gcm.Symmetric.BitFlip.120.0  # expected error authentication-failed, but the testee released a plaintext: it accepted an invalid envelope",
        "Required.Tamper.Gcm.Symmetric.BitFlip.120.1",
        "Required.Tamper.Gcm.Symmetric.BitFlip.120.2",
        "Required.Tamper.Gcm.Symmetric.BitFlip.120.3"));
    Runner.Run ok = run(cmd, filter, exact, 10_000);
    assertFalse(ok.failed(false), () -> failed(ok).get(0).test().name());
    assertEquals(4, ok.results.stream().filter(r -> r.status() == TestResult.Status.KNOWN_FAILURE).count());

    KnownFailures passing = KnownFailures.parse(List.of("Required.Tamper.Gcm.Symmetric.Untouched",
        "Required.Tamper.Gcm.Symmetric.BitFlip.120.0", "Required.Tamper.Gcm.Symmetric.BitFlip.120.1",
        "Required.Tamper.Gcm.Symmetric.BitFlip.120.2", "Required.Tamper.Gcm.Symmetric.BitFlip.120.3"));
    Runner.Run stale = run(cmd, filter, passing, 10_000);
    assertTrue(stale.failed(false));
    assertEquals(TestResult.Status.UNEXPECTED_PASS, stale.results.stream()
        .filter(r -> r.test().name().endsWith("Untouched")).findFirst().orElseThrow().status());

    KnownFailures changed = KnownFailures.parse(List.of(
        "Required.Tamper.Gcm.Symmetric.BitFlip.120.0  # expected error unwrap-failed, got error malformed-header",
        "Required.Tamper.Gcm.Symmetric.BitFlip.120.1", "Required.Tamper.Gcm.Symmetric.BitFlip.120.2",
        "Required.Tamper.Gcm.Symmetric.BitFlip.120.3"));
    Runner.Run differs = run(cmd, filter, changed, 10_000);
    assertTrue(differs.failed(false));
    assertEquals(1, differs.results.stream().filter(r -> r.status() == TestResult.Status.FAILURE_CHANGED).count());
  }

  /** Missing vector files are a Required failure, not a silent pass [VEC-1]. */
  @Test
  void missingVectorsFail() {
    Runner.Options o = new Runner.Options();
    o.command = java(JavaTestee.class);
    o.vectors = tmp;
    o.filter = Pattern.compile("Vector\\.(Encrypt|Decrypt)\\.File");
    Runner.Run run = Runner.run(o);
    assertEquals(2, run.results.size());
    assertTrue(run.failed(false));
  }
}
