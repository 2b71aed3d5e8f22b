package dev.sealpost.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, item 1: never a false success. Failed writes (stdout included) exit 1 naming the
 * target; plaintext files appear whole, owner-only, never through a link, or not at all.
 */
class OutputSafetyTest {
  private static final File FULL = new File("/dev/full");

  @TempDir Path dir;
  private Path ring;
  private byte[] envelope;

  @BeforeEach
  void keys() {
    ring = dir.resolve("app.keyring");
    assertEquals(0, CliTest.run("keygen", "kek", "--keyring", ring.toString(), "--key-id", "orders").code());
    CliTest.Result enc = CliTest.run("a payment of 12.50 EUR".getBytes(UTF_8), "encrypt", "--keyring", ring.toString(), "--kek", "orders");
    assertEquals(0, enc.code(), enc.err());
    envelope = enc.out();
  }

  /** The CLI in-process with standard output on /dev/full, as a shell redirect to a full disk gives it. */
  private static CliTest.Result toFullDisk(byte[] stdin, String... args) throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (FileOutputStream full = new FileOutputStream(FULL)) {
      int code = Main.run(args, new ByteArrayInputStream(stdin), full, new PrintStream(err, true, UTF_8));
      return new CliTest.Result(code, new byte[0], err.toString(UTF_8));
    }
  }

  @Test
  void stdoutWriteFailuresExitOne() throws Exception {
    assumeTrue(FULL.exists(), "/dev/full (Linux)");
    CliTest.assertOneLineError(toFullDisk("x".getBytes(UTF_8), "encrypt", "--keyring", ring.toString(), "--kek", "orders"),
        1, "cannot write standard output");
    CliTest.assertOneLineError(toFullDisk("x".getBytes(UTF_8), "encrypt", "--keyring", ring.toString(), "--kek", "orders", "--base64"),
        1, "cannot write standard output");
    CliTest.assertOneLineError(toFullDisk(envelope, "decrypt", "--keyring", ring.toString()), 1, "cannot write standard output");
    CliTest.assertOneLineError(toFullDisk(envelope, "inspect"), 1, "cannot write standard output");
    CliTest.assertOneLineError(toFullDisk(envelope, "inspect", "--json"), 1, "cannot write standard output");
    CliTest.assertOneLineError(toFullDisk(new byte[0], "keys", "list", "--keyring", ring.toString()), 1, "cannot write standard output");
    CliTest.assertOneLineError(toFullDisk(new byte[0], "--help"), 1, "cannot write standard output");
  }

  @Test
  void processStdoutOnAFullDiskExitsOne() throws Exception {
    assumeTrue(FULL.exists(), "/dev/full (Linux)");
    Path plain = dir.resolve("db.dump");
    Files.write(plain, new byte[200_000]);
    Proc.Result r = Proc.run(List.of(), plain.toFile(), FULL, 0, "encrypt", "--keyring", ring.toString(), "--kek", "orders");
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().startsWith("sealpost: cannot write standard output"), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
  }

  @Test
  void decryptOutOnAFullDiskLeavesNothing() throws Exception {
    // 1 MiB of plaintext against a 64 KiB file-size limit: the write fails part-way.
    byte[] big = new byte[1 << 20];
    new Random(1).nextBytes(big);
    Path plain = dir.resolve("big.bin");
    Files.write(plain, big);
    Path sp = dir.resolve("big.sp");
    assertEquals(0, CliTest.run("encrypt", "--keyring", ring.toString(), "--kek", "orders", "--in", plain.toString(),
        "--out", sp.toString()).code());
    Path target = dir.resolve("restored.bin");
    Proc.Result r = Proc.run(List.of(), null, null, 64, "decrypt", "--keyring", ring.toString(), "--in", sp.toString(),
        "--out", target.toString());
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().startsWith("sealpost: cannot write " + target), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertFalse(Files.exists(target), "no partial plaintext");
    assertOnlyFiles("app.keyring", "big.bin", "big.sp");
  }

  @Test
  void aStoppedRunLeavesNoTemporaryFile() throws Exception {
    // encrypt opens its --out before reading: with standard input held open, it waits with the
    // temporary file in place. SIGTERM (as Ctrl-C's SIGINT) must remove it.
    Path target = dir.resolve("db.sp");
    Process p = new ProcessBuilder(Proc.command(List.of(), 0, "encrypt", "--keyring", ring.toString(), "--kek", "orders",
        "--out", target.toString())).redirectErrorStream(true).start();
    try {
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (countFiles() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertEquals(2, countFiles(), "the temporary file appeared");
    } finally {
      // SIGTERM alone: Process.destroy() would also close the child's standard input, and a
      // child that reads that end of input first rightly finishes an empty envelope.
      p.toHandle().destroy();
    }
    assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
    p.getOutputStream().close();
    assertOnlyFiles("app.keyring");
  }

  private long countFiles() throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.count();
    }
  }

  @Test
  void plaintextFilesAreOwnerOnlyAndWholeOnlyAfterAuthentication() throws Exception {
    Path out = dir.resolve("plain.txt");
    CliTest.Result ok = CliTest.run(envelope, "decrypt", "--keyring", ring.toString(), "--out", out.toString());
    assertEquals(0, ok.code(), ok.err());
    assertEquals("a payment of 12.50 EUR", Files.readString(out));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));

    // A tampered envelope: nothing is written, not even an empty or temporary file.
    byte[] bad = envelope.clone();
    bad[bad.length - 1] ^= 1;
    Path never = dir.resolve("never.txt");
    CliTest.assertOneLineError(CliTest.run(bad, "decrypt", "--keyring", ring.toString(), "--out", never.toString()), 1,
        "authentication-failed");
    assertFalse(Files.exists(never));
    assertOnlyFiles("app.keyring", "plain.txt");
  }

  @Test
  void existingFilesNeedForce() throws Exception {
    Path out = dir.resolve("plain.txt");
    Files.writeString(out, "keep me");
    CliTest.assertOneLineError(CliTest.run(envelope, "decrypt", "--keyring", ring.toString(), "--out", out.toString()), 1,
        "use --force");
    assertEquals("keep me", Files.readString(out));
    CliTest.Result forced = CliTest.run(envelope, "decrypt", "--keyring", ring.toString(), "--out", out.toString(), "--force");
    assertEquals(0, forced.code(), forced.err());
    assertEquals("a payment of 12.50 EUR", Files.readString(out));
  }

  @Test
  void symbolicLinksAreNotFollowed() throws Exception {
    Path victim = dir.resolve("victim.txt");
    Files.writeString(victim, "precious");
    Path link = dir.resolve("out.txt");
    Files.createSymbolicLink(link, victim);
    CliTest.assertOneLineError(CliTest.run(envelope, "decrypt", "--keyring", ring.toString(), "--out", link.toString()), 1,
        "symbolic link");
    // With --force the link itself is replaced; what it pointed to is untouched.
    CliTest.Result forced = CliTest.run(envelope, "decrypt", "--keyring", ring.toString(), "--out", link.toString(), "--force");
    assertEquals(0, forced.code(), forced.err());
    assertEquals("precious", Files.readString(victim));
    assertFalse(Files.isSymbolicLink(link));
    assertEquals("a payment of 12.50 EUR", Files.readString(link));
  }

  @Test
  void binaryIsNotWrittenToATerminalUnlessAsked() {
    CliTest.Result refused = CliTest.run("x".getBytes(UTF_8), true, null, "encrypt", "--keyring", ring.toString(), "--kek", "orders");
    CliTest.assertOneLineError(refused, 2, "terminal");
    assertEquals(0, refused.out().length);
    CliTest.Result dash = CliTest.run("x".getBytes(UTF_8), true, null, "encrypt", "--keyring", ring.toString(), "--kek", "orders", "-o", "-");
    assertEquals(0, dash.code(), dash.err());
    assertEquals((byte) 0xF7, dash.out()[0]);
    CliTest.Result b64 = CliTest.run("x".getBytes(UTF_8), true, null, "encrypt", "--keyring", ring.toString(), "--kek", "orders", "--base64");
    assertEquals(0, b64.code(), b64.err());

    // Text plaintext goes to the terminal; binary plaintext needs --force.
    CliTest.Result text = CliTest.run(envelope, true, null, "decrypt", "--keyring", ring.toString());
    assertEquals(0, text.code(), text.err());
    byte[] binary = CliTest.run(new byte[] {0, 1, 2, (byte) 0xff}, "encrypt", "--keyring", ring.toString(), "--kek", "orders").out();
    CliTest.assertOneLineError(CliTest.run(binary, true, null, "decrypt", "--keyring", ring.toString()), 2, "terminal");
    CliTest.Result forced = CliTest.run(binary, true, null, "decrypt", "--keyring", ring.toString(), "--force");
    assertArrayEquals(new byte[] {0, 1, 2, (byte) 0xff}, forced.out());
  }

  @Test
  void specialFilesAndDirectoriesAreRefused() throws Exception {
    CliTest.assertOneLineError(CliTest.run(envelope, "decrypt", "--keyring", ring.toString(), "--out", dir.toString()), 1,
        "is a directory");
    assumeTrue(FULL.exists(), "/dev/full (Linux)");
    CliTest.assertOneLineError(CliTest.run(envelope, "decrypt", "--keyring", ring.toString(), "--out", FULL.toString(), "--force"), 1,
        "not a regular file");
  }

  private void assertOnlyFiles(String... names) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(java.util.Set.of(names), files.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toSet()),
          "no temporary or partial files");
    }
    assertTrue(Files.exists(dir, LinkOption.NOFOLLOW_LINKS));
  }
}
