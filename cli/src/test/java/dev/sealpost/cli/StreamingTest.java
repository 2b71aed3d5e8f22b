package dev.sealpost.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, item 2: encrypt and decrypt stream any size through the segmented suites (SPEC.md
 * 17) in constant memory; a truncated or tampered stream leaves no file, and on standard output
 * the failure says how much plaintext was already written.
 */
class StreamingTest {
  private static final long GIB = 1L << 30;
  private static final int SEALED_SEGMENT = 65536 + 16;

  @TempDir Path dir;
  private Path ring;

  @BeforeEach
  void keys() {
    ring = dir.resolve("app.keyring");
    assertEquals(0, CliTest.run("keygen", "kek", "--keyring", ring.toString(), "--key-id", "orders").code());
  }

  private Path sparse(String name, long size) throws Exception {
    Path p = dir.resolve(name);
    try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
      f.setLength(size);
    }
    return p;
  }

  @Test
  void moreThanTwoGibRoundTripsUnderA64MibHeap() throws Exception {
    // Above 2^31 bytes, so no int length survives; sparse, so the input costs no disk. The
    // envelope goes through a pipe from one JVM to the other and the plaintext back to the test.
    long size = 2 * GIB + 3 * 65536 + 17;
    Path big = sparse("big.dump", size);
    ProcessBuilder enc = new ProcessBuilder(Proc.command(List.of("-Xmx64m"), 0,
        "encrypt", "--keyring", ring.toString(), "--kek", "orders", "--in", big.toString()));
    ProcessBuilder dec = new ProcessBuilder(Proc.command(List.of("-Xmx64m"), 0,
        "decrypt", "--keyring", ring.toString()));
    Path encErr = dir.resolve("enc.err");
    Path decErr = dir.resolve("dec.err");
    enc.redirectError(encErr.toFile());
    dec.redirectError(decErr.toFile());
    List<Process> ps = ProcessBuilder.startPipeline(List.of(enc, dec));
    MessageDigest got = MessageDigest.getInstance("SHA-256");
    long count = 0;
    try (InputStream plain = ps.get(1).getInputStream()) {
      byte[] buf = new byte[1 << 20];
      int n;
      while ((n = plain.read(buf)) > 0) {
        got.update(buf, 0, n);
        count += n;
      }
    }
    for (Process p : ps) {
      assertTrue(p.waitFor(300, TimeUnit.SECONDS), "finished");
    }
    assertEquals(0, ps.get(0).exitValue(), Files.readString(encErr));
    assertEquals(0, ps.get(1).exitValue(), Files.readString(decErr));
    assertEquals(size, count);
    // The expected digest: of `size` zero bytes, computed here, not by the CLI.
    MessageDigest want = MessageDigest.getInstance("SHA-256");
    byte[] zeros = new byte[1 << 20];
    for (long left = size; left > 0; left -= zeros.length) {
      want.update(zeros, 0, (int) Math.min(zeros.length, left));
    }
    assertArrayEquals(want.digest(), got.digest());
  }

  @Test
  void theOneShotFormStillRefusesWhatDoesNotFitBeforeReading() throws Exception {
    Path big = sparse("db.dump", 2 * GIB);
    long start = System.nanoTime();
    CliTest.Result r = CliTest.run("encrypt", "--keyring", ring.toString(), "--kek", "orders", "--no-segments",
        "--in", big.toString(), "--out", dir.resolve("db.sp").toString());
    CliTest.assertOneLineError(r, 1, "db.dump is 2,147,483,648 bytes");
    assertTrue(System.nanoTime() - start < 5_000_000_000L, "refused without reading 2 GiB");
    assertFalse(Files.exists(dir.resolve("db.sp")));
  }

  private byte[] envelope(byte[] plain, String... extra) throws Exception {
    Path in = dir.resolve("plain.bin");
    Files.write(in, plain);
    List<String> args = new java.util.ArrayList<>(List.of("encrypt", "--keyring", ring.toString(), "--kek", "orders",
        "--in", in.toString()));
    args.addAll(List.of(extra));
    CliTest.Result r = CliTest.run(args.toArray(String[]::new));
    assertEquals(0, r.code(), r.err());
    Files.delete(in);
    return r.out();
  }

  private void assertOnlyKeyringAndInput() throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of("app.keyring", "bad.sp"), files.map(p -> p.getFileName().toString()).sorted().toList(),
          "no output and no temporary file");
    }
  }

  @Test
  void segmentedByDefaultOneShotWhenAsked() throws Exception {
    byte[] plain = new byte[100_000];
    new Random(1).nextBytes(plain);
    // Suite ids at bytes 4-5 (SPEC.md 4): 0201 segmented GCM, 0001 one-shot GCM, 0003 SIV.
    assertArrayEquals(new byte[] {2, 1}, java.util.Arrays.copyOfRange(envelope(plain), 4, 6));
    assertArrayEquals(new byte[] {0, 1}, java.util.Arrays.copyOfRange(envelope(plain, "--no-segments"), 4, 6));
    assertArrayEquals(new byte[] {0, 3}, java.util.Arrays.copyOfRange(envelope(plain, "--suite", "siv"), 4, 6));
    assertArrayEquals(new byte[] {2, 2}, java.util.Arrays.copyOfRange(envelope(plain, "--suite", "chacha"), 4, 6));
    for (String[] extra : new String[][] {{}, {"--no-segments"}, {"--suite", "siv"}, {"--base64"}}) {
      CliTest.Result d = CliTest.run(envelope(plain, extra), "decrypt", "--keyring", ring.toString());
      assertEquals(0, d.code(), d.err());
      assertArrayEquals(plain, d.out(), String.join(" ", extra));
    }
    // The empty input is one empty segment, and comes back empty.
    CliTest.Result e = CliTest.run(envelope(new byte[0]), "decrypt", "--keyring", ring.toString());
    assertEquals(0, e.code(), e.err());
    assertEquals(0, e.out().length);
  }

  @Test
  void truncatedOrTamperedStreamsLeaveNothing() throws Exception {
    byte[] plain = new byte[4 * 65536 + 100];
    new Random(2).nextBytes(plain);
    byte[] env = envelope(plain);
    int header = env.length - (4 * SEALED_SEGMENT + 100 + 16);
    byte[] truncated = java.util.Arrays.copyOf(env, header + 3 * SEALED_SEGMENT); // at a segment boundary
    byte[] tampered = env.clone();
    tampered[header + 2 * SEALED_SEGMENT + 5] ^= 1; // inside segment 2
    byte[] extended = java.util.Arrays.copyOf(env, env.length + 1);
    for (byte[] bad : List.of(truncated, tampered, extended)) {
      Path in = dir.resolve("bad.sp");
      Files.write(in, bad);
      Path out = dir.resolve("plain.out");
      CliTest.Result r = CliTest.run("decrypt", "--keyring", ring.toString(), "--in", in.toString(), "--out", out.toString());
      CliTest.assertOneLineError(r, 1, "authentication-failed");
      assertFalse(r.err().contains("already written"), "a file target is removed, not reported: " + r.err());
      assertOnlyKeyringAndInput();

      // Standard output cannot be unwritten: the line says how much to discard.
      CliTest.Result s = CliTest.run(bad, "decrypt", "--keyring", ring.toString());
      CliTest.assertOneLineError(s, 1, "authentication-failed");
      assertTrue(s.out().length > 0, "segments before the failure were authenticated and released");
      assertTrue(s.err().contains(String.format(java.util.Locale.ROOT, "%,d bytes of plaintext were already written to standard output", s.out().length)),
          s.err());
      assertArrayEquals(java.util.Arrays.copyOf(plain, s.out().length), s.out(), "only authenticated plaintext");
      Files.delete(in);
    }
  }

  @Test
  void aFailureBeforeAnyReleaseKeepsTheHintsAndSaysNothingOfStandardOutput() throws Exception {
    byte[] env = envelope("a payment".getBytes(java.nio.charset.StandardCharsets.UTF_8), "--context", "tenant=acme");
    CliTest.Result r = CliTest.run(env, "decrypt", "--keyring", ring.toString());
    CliTest.assertOneLineError(r, 1, "no --context was given");
    assertFalse(r.err().contains("already written"), r.err());
    assertEquals(0, r.out().length);
  }

  @Test
  void standardOutputOnAFullDiskStillFails() throws Exception {
    File full = new File("/dev/full");
    org.junit.jupiter.api.Assumptions.assumeTrue(full.exists(), "/dev/full (Linux)");
    Path in = dir.resolve("in.bin");
    Files.write(in, new byte[300_000]);
    Proc.Result e = Proc.run(List.of(), in.toFile(), full, 0, "encrypt", "--keyring", ring.toString(), "--kek", "orders");
    assertEquals(1, e.code(), e.err());
    assertTrue(e.err().contains("cannot write standard output"), e.err());
    Path sp = dir.resolve("in.sp");
    assertEquals(0, CliTest.run("encrypt", "--keyring", ring.toString(), "--kek", "orders", "--in", in.toString(),
        "--out", sp.toString()).code());
    Proc.Result d = Proc.run(List.of(), sp.toFile(), full, 0, "decrypt", "--keyring", ring.toString());
    assertEquals(1, d.code(), d.err());
    assertTrue(d.err().contains("cannot write standard output"), d.err());
  }
}
