package dev.sealpost.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI run in-process: round trips, and one-line errors with non-zero exits. */
class CliTest {
  @TempDir Path dir;

  record Result(int code, byte[] out, String err) {
    String outText() {
      return new String(out, UTF_8);
    }
  }

  static Result run(byte[] stdin, String... args) {
    return run(stdin, false, null, args);
  }

  /** A run as if on a terminal ({@code terminal}) with passwords typed from {@code typed} in order. */
  static Result run(byte[] stdin, boolean terminal, java.util.Deque<String> typed, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Session.Prompter prompter = typed == null ? null : prompt -> {
      String next = typed.poll();
      return next == null ? null : next.toCharArray();
    };
    Session s = new Session(new ByteArrayInputStream(stdin), out, new PrintStream(err, true, UTF_8), terminal, prompter, false);
    int code = Main.run(args, s);
    return new Result(code, out.toByteArray(), err.toString(UTF_8));
  }

  static Result run(String... args) {
    return run(new byte[0], args);
  }

  /** A failure: non-zero, exactly one line on stderr, no stack trace. */
  static void assertOneLineError(Result r, int code, String contains) {
    assertEquals(code, r.code(), r.err());
    String err = r.err().strip();
    assertFalse(err.isEmpty(), "an error message");
    assertEquals(1, err.lines().count(), "one line: " + err);
    assertTrue(err.startsWith("sealpost: "), err);
    assertFalse(err.contains("\tat ") || err.contains("Exception in thread"), err);
    assertTrue(err.contains(contains), "expected '" + contains + "' in: " + err);
  }

  Path keyring() {
    Path ring = dir.resolve("app.keyring");
    assertEquals(0, run("keygen", "kek", "--keyring", ring.toString(), "--key-id", "orders").code());
    return ring;
  }

  @Test
  void keygenEncryptInspectDecryptRoundTrip() {
    Path ring = keyring();
    Result add = run("keys", "add", "--keyring", ring.toString(), "--key-id", "orders", "--promote");
    assertEquals(0, add.code(), add.err());
    assertTrue(add.outText().contains("version 2"), add.outText());

    byte[] plain = "a payment of 12.50 EUR".getBytes(UTF_8);
    Result enc = run(plain, "encrypt", "--keyring", ring.toString(), "--kek", "orders", "--context", "topic=payments",
        "--stored-context", "tenant=acme");
    assertEquals(0, enc.code(), enc.err());
    assertEquals((byte) 0xF7, enc.out()[0]); // [DET-1]

    Result inspect = run(enc.out(), "inspect", "--json");
    assertEquals(0, inspect.code(), inspect.err());
    String json = inspect.outText();
    assertTrue(json.contains("\"name\": \"AES_256_GCM_SEGMENTED\""), json); // encrypt streams by default
    assertTrue(json.contains("\"keyId\": \"orders\", \"keyVersion\": 2"), json);
    assertTrue(json.contains("\"tenant\": \"acme\""), json);
    assertTrue(json.contains("\"plaintext\": " + plain.length), json);

    Result dec = run(enc.out(), "decrypt", "--keyring", ring.toString(), "--context", "topic=payments",
        "--require", "tenant=acme");
    assertEquals(0, dec.code(), dec.err());
    assertEquals("a payment of 12.50 EUR", dec.outText());
  }

  @Test
  void base64AndFilesAndX25519() throws Exception {
    assertEquals(0, run("keygen", "x25519", "--out", dir.resolve("reader").toString()).code());
    Path in = dir.resolve("in.txt");
    Files.writeString(in, "for the reader");
    Path env = dir.resolve("out.b64");
    Result enc = run("encrypt", "--recipient", "reader:3=" + dir.resolve("reader.pub"), "--in", in.toString(),
        "--out", env.toString(), "--base64");
    assertEquals(0, enc.code(), enc.err());
    assertTrue(Files.readString(env).startsWith("91NQA")); // [DET-5]
    Result dec = run("decrypt", "--private-key", "reader:3=" + dir.resolve("reader.key"), "--in", env.toString());
    assertEquals(0, dec.code(), dec.err());
    assertEquals("for the reader", dec.outText());
    // Keys are never overwritten.
    assertOneLineError(run("keygen", "x25519", "--out", dir.resolve("reader").toString()), 1, "already exists");
  }

  @Test
  void deterministicSuiteGivesEqualEnvelopes() {
    Path ring = keyring();
    byte[] k = "customer-42".getBytes(UTF_8);
    Result a = run(k, "encrypt", "--keyring", ring.toString(), "--kek", "orders", "--suite", "siv");
    Result b = run(k, "encrypt", "--keyring", ring.toString(), "--kek", "orders", "--suite", "siv");
    assertEquals(0, a.code(), a.err());
    assertTrue(java.util.Arrays.equals(a.out(), b.out()), "[SIV-3]");
  }

  @Test
  void badFlagsAreUsageErrors() {
    assertOneLineError(run("encrypt", "--no-such-flag"), 2, "--no-such-flag");
    assertOneLineError(run("frobnicate"), 2, "frobnicate");
    assertOneLineError(run(), 2, "command is required");
    assertOneLineError(run("encrypt", "--suite", "rot13", "--kek", "x"), 2, "rot13");
    assertOneLineError(run("keygen", "kek", "--key-id", "x"), 2, "--keyring");
  }

  @Test
  void missingFilesAreOneLineErrors() {
    assertOneLineError(run("decrypt", "--keyring", dir.resolve("nope.keyring").toString()), 1, "nope.keyring");
    Path ring = keyring();
    assertOneLineError(run("encrypt", "--keyring", ring.toString(), "--kek", "orders", "--in",
        dir.resolve("missing.txt").toString()), 1, "missing.txt");
    assertOneLineError(run("encrypt", "--recipient", "r=" + dir.resolve("none.pub")), 1, "none.pub");
    assertOneLineError(run("encrypt"), 2, "at least one recipient");
  }

  @Test
  void garbageEnvelopeInput() {
    Path ring = keyring();
    assertOneLineError(run("hello, world".getBytes(UTF_8), "inspect"), 1, "not-an-envelope");
    assertOneLineError(run("hello, world".getBytes(UTF_8), "decrypt", "--keyring", ring.toString()), 1,
        "not-an-envelope");
    assertOneLineError(run(new byte[] {(byte) 0xF7, 0x53, 0x50, 1, 0, 1, 5}, "inspect"), 1, "malformed-header");
    assertOneLineError(run("91NQ!!!".getBytes(UTF_8), "inspect"), 1, "base64");
  }

  @Test
  void wrongKeyOrContext() {
    Path ring = keyring();
    Result enc = run("secret".getBytes(UTF_8), "encrypt", "--keyring", ring.toString(), "--kek", "orders",
        "--context", "topic=a");
    Path other = dir.resolve("other.keyring");
    assertEquals(0, run("keygen", "kek", "--keyring", other.toString(), "--key-id", "billing").code());
    assertOneLineError(run(enc.out(), "decrypt", "--keyring", other.toString(), "--context", "topic=a"), 1,
        "no-matching-key");
    // [CTX-5]: another external context is an authentication failure.
    assertOneLineError(run(enc.out(), "decrypt", "--keyring", ring.toString(), "--context", "topic=b"), 1,
        "authentication-failed");
    assertOneLineError(run(enc.out(), "decrypt", "--keyring", ring.toString(), "--context", "topic=a",
        "--require", "tenant=x"), 1, "context-mismatch");
    // [ENC-2]: a writer without the key refuses with invalid-key-material.
    assertOneLineError(run("x".getBytes(UTF_8), "encrypt", "--keyring", ring.toString(), "--kek", "billing"), 1,
        "invalid-key-material: recipient 0: the writer holds no key for SYMMETRIC 'billing'");
  }
}
