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
import dev.sealpost.conformance.testees.BrokenBindingsTestee;
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
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

  /**
   * Issue 9: the reference codec passes the compressed round trips (its vectors run in
   * {@link #javaTesteePasses}), streamed compressed vectors included.
   */
  @Test
  void javaTesteePassesCompressed() {
    Runner.Run run = run(java(JavaTestee.class), "RoundTrip\\.Compressed|Vector\\.Decrypt\\.tc[0-9]+\\.Streamed", KnownFailures.none(), 10_000);
    assertTrue(run.results.stream().filter(r -> r.test().name().contains("Compressed.TesteeEncrypts")).count() == 8, "ran " + run.results.size());
    assertTrue(run.results.size() > 60, "ran " + run.results.size());
    assertEquals(List.of(), failed(run).stream().map(r -> r.test().name() + ": " + r.verdict().headline()).collect(Collectors.toList()));
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

  /** The number of tests a binding vector file holds, counted in the file. */
  private static int bindingVectors(String file) throws Exception {
    JsonNode root = new ObjectMapper().readTree(VECTORS.resolve(file).toFile());
    int n = 0;
    for (JsonNode g : root.get("testGroups")) {
      n += g.get("tests").size();
    }
    return n;
  }

  /** Issue 12: the Java adapters pass every Kafka and NATS binding vector, one test per vector. */
  @Test
  void javaTesteePassesBindings() throws Exception {
    Runner.Run run = run(java(JavaTestee.class), "^Required\\.Binding\\.", KnownFailures.none(), 10_000);
    int kafka = bindingVectors("sealpost_kafka_binding_v1.json");
    int nats = bindingVectors("sealpost_nats_binding_v1.json");
    assertTrue(kafka > 0 && nats > 0);
    assertEquals(kafka, run.results.stream().filter(r -> r.test().group().startsWith("Binding.Kafka.")).count());
    assertEquals(nats, run.results.stream().filter(r -> r.test().group().startsWith("Binding.Nats.")).count());
    assertEquals(kafka + nats, run.results.size());
    assertEquals(List.of(), failed(run).stream().map(r -> r.test().name() + ": " + r.verdict().headline()).collect(Collectors.toList()));
    assertFalse(run.failed(true));
  }

  /** Issue 12: one flipped bit in a record value, message data or stored value fails with a hex diff. */
  @Test
  void wrongBindingBytesFail() {
    Runner.Run run = run(java(BrokenBindingsTestee.class, "flip"),
        "Binding\\.(Kafka\\.Write\\.tc1|Kafka\\.Read\\.tc18|Nats\\.Seal\\.tc1|Nats\\.Open\\.tc13|Nats\\.Kv\\.tc41|Kafka\\.Read\\.tc47)$",
        KnownFailures.none(), 10_000);
    assertEquals(6, run.results.size());
    assertTrue(run.failed(false));
    java.util.Map<String, String> headlines = new java.util.TreeMap<>();
    for (TestResult r : run.results) {
      headlines.put(r.test().name(), r.verdict().headline());
      if (!r.test().name().endsWith("tc47")) {
        assertEquals(TestResult.Status.FAILED, r.status(), r.test().name());
        assertTrue(r.verdict().detail().contains("^^"), r.verdict().detail());
      }
    }
    assertTrue(headlines.get("Required.Binding.Kafka.Write.tc1").matches("record value differs from offset \\d+ \\(body\\)"),
        headlines.toString());
    assertTrue(headlines.get("Required.Binding.Kafka.Read.tc18").matches("record value differs from offset 7"), headlines.toString());
    assertTrue(headlines.get("Required.Binding.Nats.Seal.tc1").matches("message data differs from offset \\d+ \\(body\\)"),
        headlines.toString());
    assertTrue(headlines.get("Required.Binding.Nats.Open.tc13").matches("message data differs from offset 4"), headlines.toString());
    assertTrue(headlines.get("Required.Binding.Nats.Kv.tc41").matches("stored value differs from offset \\d+ \\(body\\)"),
        headlines.toString());
    // A refusal has no bytes to flip: still passes.
    assertEquals(TestResult.Status.PASSED, run.results.stream().filter(r -> r.test().name().endsWith("tc47")).findFirst()
        .orElseThrow().status());
  }

  /** Issue 12: a refusal with another binding reason, or blamed on the other record part, fails. */
  @Test
  void wrongBindingReasonFails() {
    Runner.Run run = run(java(BrokenBindingsTestee.class, "reason"),
        "Binding\\.(Kafka\\.Write\\.tc16|Kafka\\.Read\\.tc22|Kafka\\.Read\\.tc33|Nats\\.Open\\.tc32|Kafka\\.Read\\.tc18)$",
        KnownFailures.none(), 10_000);
    assertEquals(5, run.results.size());
    java.util.Map<String, String> headlines = new java.util.TreeMap<>();
    run.results.forEach(r -> headlines.put(r.test().name(), r.verdict().headline()));
    assertTrue(headlines.get("Required.Binding.Kafka.Write.tc16")
        .startsWith("expected reason secret-header-without-envelope, got reason decryption-failed"), headlines.toString());
    assertEquals("expected error authentication-failed of the record key, got it for the record value",
        headlines.get("Required.Binding.Kafka.Read.tc22"));
    assertTrue(headlines.get("Required.Binding.Kafka.Read.tc33").startsWith("expected reason secret-header-in-clear, got reason decryption-failed"),
        headlines.toString());
    assertEquals("expected error not-an-envelope (reason plaintext-rejected), got error not-an-envelope (reason decryption-failed)",
        headlines.get("Required.Binding.Nats.Open.tc32"));
    assertEquals(TestResult.Status.PASSED, run.results.stream().filter(r -> r.test().name().endsWith("Read.tc18")).findFirst()
        .orElseThrow().status(), "a record read is not an error: untouched");
    assertEquals(4, failed(run).size());
  }

  /** Missing binding vector files are a Required failure, not a silent pass. */
  @Test
  void missingBindingVectorsFail() {
    Runner.Options o = new Runner.Options();
    o.command = java(JavaTestee.class);
    o.vectors = tmp;
    o.filter = Pattern.compile("^Required\\.Binding\\.");
    Runner.Run run = Runner.run(o);
    assertEquals(List.of("Required.Binding.Kafka.File", "Required.Binding.Nats.File"),
        run.results.stream().map(r -> r.test().name()).collect(Collectors.toList()));
    assertTrue(run.failed(false));
  }
}
