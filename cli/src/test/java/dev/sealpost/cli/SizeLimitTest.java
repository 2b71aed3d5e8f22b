package dev.sealpost.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, item 2 (until the streamed format): inputs too large for one envelope or for the
 * heap fail in one line before they are read, never with an OutOfMemoryError or a stack trace.
 * Large inputs are sparse files: no disk space, no time to write them.
 */
class SizeLimitTest {
  private static final long GIB = 1L << 30;

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

  /** One line, exit 1, no OutOfMemoryError, no stack trace. */
  private static void assertOneLine(int code, String err, String contains) {
    assertEquals(1, code, err);
    assertEquals(1, err.strip().lines().count(), err);
    assertTrue(err.startsWith("sealpost: "), err);
    assertFalse(err.contains("OutOfMemoryError") || err.contains("\tat "), err);
    assertTrue(err.contains(contains), err);
  }

  @Test
  void twoGibIsRefusedBeforeReading() throws Exception {
    Path big = sparse("db.dump", 2 * GIB);
    long start = System.nanoTime();
    CliTest.Result r = CliTest.run("encrypt", "--keyring", ring.toString(), "--kek", "orders", "--in", big.toString(),
        "--out", dir.resolve("db.sp").toString());
    assertOneLine(r.code(), r.err(), "db.dump is 2,147,483,648 bytes");
    assertTrue(System.nanoTime() - start < 5_000_000_000L, "refused without reading 2 GiB");
    assertFalse(Files.exists(dir.resolve("db.sp")));

    // Refused before a keyring password is asked for.
    Path locked = dir.resolve("locked.keyring");
    var typed = new java.util.ArrayDeque<>(List.of("a password", "a password"));
    assertEquals(0, CliTest.run(new byte[0], true, typed, "keygen", "kek", "--keyring", locked.toString(), "--key-id", "orders",
        "--encrypt").code());
    typed.add("a password");
    CliTest.Result locked2 = CliTest.run(new byte[0], true, typed, "encrypt", "--keyring", locked.toString(), "--kek", "orders",
        "--in", big.toString(), "--out", dir.resolve("db.sp").toString());
    assertOneLine(locked2.code(), locked2.err(), "db.dump is 2,147,483,648 bytes");
    assertEquals(1, typed.size(), "the password was not asked");
  }

  @Test
  void oneAndAHalfGibIsRefusedBeforeReading() throws Exception {
    // Was: read whole (3.2 GB of memory), then limit-exceeded from the codec.
    Path big = sparse("db.sp", 3 * GIB / 2);
    for (String cmd : new String[] {"encrypt", "decrypt"}) {
      long start = System.nanoTime();
      CliTest.Result r = "encrypt".equals(cmd)
          ? CliTest.run("encrypt", "--keyring", ring.toString(), "--kek", "orders", "--in", big.toString())
          : CliTest.run("decrypt", "--keyring", ring.toString(), "--in", big.toString());
      assertOneLine(r.code(), r.err(), "db.sp is 1,610,612,736 bytes");
      assertTrue(System.nanoTime() - start < 5_000_000_000L, cmd + " refused without reading");
    }
  }

  @Test
  void halfAGibUnderASmallHeapFailsInOneLine() throws Exception {
    Path big = sparse("half.bin", GIB / 2);
    Path out = dir.resolve("half.sp");
    for (List<String> args : List.of(
        List.of("encrypt", "--keyring", ring.toString(), "--kek", "orders", "--in", big.toString(), "--out", out.toString()),
        List.of("decrypt", "--keyring", ring.toString(), "--in", big.toString(), "--out", out.toString()),
        List.of("inspect", "--in", big.toString()))) {
      Proc.Result r = Proc.run(List.of("-Xmx256m"), null, null, 0, args.toArray(String[]::new));
      assertOneLine(r.code(), r.err(), "heap");
    }
    // The same through standard input, whose size the JVM learns from the redirected file.
    Proc.Result r = Proc.run(List.of("-Xmx256m"), big.toFile(), null, 0, "encrypt", "--keyring", ring.toString(), "--kek", "orders");
    assertOneLine(r.code(), r.err(), "standard input is 536,870,912 bytes");
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(2, files.count(), "only the keyring and the input: nothing left behind");
    }
  }

  @Test
  void aPipeLargerThanTheHeapAllowsStopsAtTheLimit() throws Exception {
    // A pipe has no size: it is read in chunks up to the limit, then refused.
    Proc.Result r = Proc.runPiped(List.of("-Xmx64m"), 200L << 20, "encrypt", "--keyring", ring.toString(), "--kek", "orders");
    assertOneLine(r.code(), r.err(), "standard input is larger than");
  }

  @Test
  void fitsUnderASmallHeap() throws Exception {
    // The limit is not just a refusal: 30 MiB round-trips under the same 256 MiB heap.
    byte[] data = new byte[30 << 20];
    new java.util.Random(7).nextBytes(data);
    Path in = dir.resolve("ok.bin");
    Files.write(in, data);
    Path sp = dir.resolve("ok.sp");
    Path back = dir.resolve("ok.back");
    Proc.Result e = Proc.run(List.of("-Xmx256m"), null, null, 0, "encrypt", "--keyring", ring.toString(), "--kek", "orders",
        "--in", in.toString(), "--out", sp.toString());
    assertEquals(0, e.code(), e.err());
    Proc.Result d = Proc.run(List.of("-Xmx256m"), null, null, 0, "decrypt", "--keyring", ring.toString(),
        "--in", sp.toString(), "--out", back.toString());
    assertEquals(0, d.code(), d.err());
    assertTrue(java.util.Arrays.equals(data, Files.readAllBytes(back)));
  }
}
