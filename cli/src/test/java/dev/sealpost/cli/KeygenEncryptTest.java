package dev.sealpost.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealpost.codec.keys.PemKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 11, item 3: keygen x25519 --encrypt writes the ENCRYPTED PRIVATE KEY that the key loader reads. */
class KeygenEncryptTest {
  @TempDir Path dir;

  @Test
  void promptedTwiceOnATerminalAndReadBackByTheLoader() throws Exception {
    String pw = "a long key password";
    String out = dir.resolve("analytics").toString();
    CliTest.Result r = CliTest.run(new byte[0], true, new ArrayDeque<>(List.of(pw, pw)), "keygen", "x25519", "--out", out,
        "--encrypt", "--iterations", "100000", "--json");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.outText().contains("\"encrypted\": true"), r.outText());
    Path key = Path.of(out + ".key");
    assertTrue(Files.readString(key).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
    // The existing loader opens it with the password, and it matches the public key written next to it.
    assertArrayEquals(PemKeys.loadPublicKey(Path.of(out + ".pub")).toBytes(),
        PemKeys.loadPrivateKey(key, pw.toCharArray()).publicKey().toBytes());
  }

  @Test
  void passwordFromAFileAndFailuresWriteNothing() throws Exception {
    Path pwFile = dir.resolve("pw");
    Files.writeString(pwFile, "from a file\n");
    String a = dir.resolve("a").toString();
    assertEquals(0, CliTest.run("keygen", "x25519", "--out", a, "--encrypt", "--password-file", pwFile.toString(),
        "--iterations", "100000").code());
    assertEquals(32, PemKeys.loadPrivateKey(Path.of(a + ".key"), "from a file".toCharArray()).toBytes().length);

    String b = dir.resolve("b").toString();
    CliTest.assertOneLineError(CliTest.run(new byte[0], true, new ArrayDeque<>(List.of("one", "two")), "keygen", "x25519",
        "--out", b, "--encrypt"), 1, "differ");
    CliTest.assertOneLineError(CliTest.run("keygen", "x25519", "--out", b, "--encrypt"), 1, "no terminal");
    CliTest.assertOneLineError(CliTest.run("keygen", "x25519", "--out", b, "--password-file", pwFile.toString()), 2,
        "go with --encrypt");
    CliTest.assertOneLineError(CliTest.run("keygen", "x25519", "--out", b, "--encrypt", "--password-file", pwFile.toString(),
        "--iterations", "1000"), 2, "--iterations must be 100000..5000000");
    assertFalse(Files.exists(Path.of(b + ".key")) || Files.exists(Path.of(b + ".pub")));
  }
}
