package dev.sealpost.cli;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealpost.codec.format.EnvelopeHeader;
import dev.sealpost.codec.format.RecipientEntry;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 11, item 4: envelopes re-encrypted to new KEK versions or recipients, so that a KEK can be retired. */
class RewrapTest {
  @TempDir Path dir;
  private String r;

  @BeforeEach
  void keyring() {
    r = dir.resolve("app.keyring").toString();
    assertEquals(0, CliTest.run("keygen", "kek", "--keyring", r, "--key-id", "orders").code());
  }

  private byte[] encrypt(String text, String... extra) {
    List<String> args = new ArrayList<>(List.of("encrypt", "--keyring", r, "--kek", "orders", "--context", "topic=payments"));
    args.addAll(List.of(extra));
    CliTest.Result e = CliTest.run(text.getBytes(UTF_8), args.toArray(String[]::new));
    assertEquals(0, e.code(), e.err());
    return e.out();
  }

  private void rotate() {
    assertEquals(0, CliTest.run("keys", "add", "--keyring", r, "--key-id", "orders", "--promote").code());
  }

  private static RecipientEntry recipient(byte[] envelope) throws Exception {
    return EnvelopeHeader.parse(envelope).recipients().get(0);
  }

  private String decrypt(byte[] envelope) {
    CliTest.Result d = CliTest.run(envelope, "decrypt", "--keyring", r, "--context", "topic=payments");
    assertEquals(0, d.code(), d.err());
    return d.outText();
  }

  @Test
  void oneEnvelopeThenRetire() throws Exception {
    byte[] old = encrypt("invoice 42", "--suite", "chacha", "--stored-context", "tenant=acme");
    rotate();
    Path in = dir.resolve("old.sp");
    Files.write(in, old);
    Path out = dir.resolve("new.sp");
    CliTest.Result rw = CliTest.run("rewrap", "--keyring", r, "--context", "topic=payments", "--in", in.toString(), "--out", out.toString());
    assertEquals(0, rw.code(), rw.err());
    assertTrue(rw.err().contains("orders v1 (1)") && rw.err().contains("now under orders v2"), rw.err());
    byte[] fresh = Files.readAllBytes(out);
    assertEquals(2, recipient(fresh).keyVersion());
    EnvelopeHeader h = EnvelopeHeader.parse(fresh);
    assertEquals("CHACHA20_POLY1305_SEGMENTED", h.suite().name(), "suite kept (encrypt wrote the segmented form)");
    assertEquals("acme", h.storedContext().asMap().get("tenant"), "stored context kept");

    assertEquals(0, CliTest.run("keys", "retire", "--keyring", r, "--key-id", "orders", "--key-version", "1", "--yes").code());
    assertEquals("invoice 42", decrypt(fresh));
    CliTest.assertOneLineError(CliTest.run(old, "decrypt", "--keyring", r, "--context", "topic=payments"), 1, "no-matching-key");
  }

  @Test
  void base64LinesKeepTheirForm() throws Exception {
    StringBuilder lines = new StringBuilder();
    for (String v : new String[] {"a", "b", "c"}) {
      lines.append(Base64.getEncoder().encodeToString(encrypt(v))).append('\n');
    }
    lines.insert(lines.indexOf("\n") + 1, "\n"); // a blank line stays a blank line
    rotate();
    CliTest.Result rw = CliTest.run(lines.toString().getBytes(US_ASCII), "rewrap", "--keyring", r, "--context", "topic=payments",
        "--records", "lines");
    assertEquals(0, rw.code(), rw.err());
    List<String> out = rw.outText().lines().toList();
    assertEquals(4, out.size(), rw.outText());
    assertEquals("", out.get(1));
    List<String> plain = new ArrayList<>();
    for (String line : out) {
      if (!line.isEmpty()) {
        assertTrue(line.startsWith("91NQ"), line);
        assertEquals(2, recipient(Base64.getDecoder().decode(line)).keyVersion());
        plain.add(decrypt(line.getBytes(US_ASCII)));
      }
    }
    assertEquals(List.of("a", "b", "c"), plain);
  }

  @Test
  void lengthPrefixedRecords() throws Exception {
    ByteArrayOutputStream in = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(in);
    for (String v : new String[] {"first", "second"}) {
      byte[] e = encrypt(v);
      d.writeInt(e.length);
      d.write(e);
    }
    rotate();
    Path out = dir.resolve("records.v2");
    CliTest.Result rw = CliTest.run(in.toByteArray(), "rewrap", "--keyring", r, "--context", "topic=payments",
        "--records", "length-prefixed", "--out", out.toString());
    assertEquals(0, rw.code(), rw.err());
    try (DataInputStream back = new DataInputStream(Files.newInputStream(out))) {
      for (String v : new String[] {"first", "second"}) {
        byte[] e = new byte[back.readInt()];
        back.readFully(e);
        assertEquals(2, recipient(e).keyVersion());
        assertEquals(v, decrypt(e));
      }
      assertEquals(-1, back.read());
    }
  }

  @Test
  void aBadRecordFailsNamingItAndLeavesNoOutput() throws Exception {
    byte[] good = encrypt("ok");
    byte[] bad = encrypt("tampered");
    bad[bad.length - 1] ^= 1;
    String lines = Base64.getEncoder().encodeToString(good) + "\n" + Base64.getEncoder().encodeToString(bad) + "\n";
    Path out = dir.resolve("out.b64");
    CliTest.Result rw = CliTest.run(lines.getBytes(US_ASCII), "rewrap", "--keyring", r, "--context", "topic=payments",
        "--records", "lines", "--out", out.toString());
    CliTest.assertOneLineError(rw, 1, "standard input line 2: authentication-failed");
    assertFalse(Files.exists(out));
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count(), "only the keyring: no temporary file");
    }
    // A truncated length-prefixed stream names its record.
    byte[] truncated = {0, 0, 0, 9, 1, 2};
    CliTest.assertOneLineError(CliTest.run(truncated, "rewrap", "--keyring", r, "--records", "length-prefixed", "-o", "-"), 1,
        "record 1: the input ends after 2 of 9 bytes");
  }

  @Test
  void toAnotherRecipientKind() throws Exception {
    assertEquals(0, CliTest.run("keygen", "x25519", "--out", dir.resolve("reader").toString()).code());
    byte[] old = encrypt("for the reader");
    CliTest.Result rw = CliTest.run(old, "rewrap", "--keyring", r, "--context", "topic=payments",
        "--recipient", "reader=" + dir.resolve("reader.pub"), "-o", "-");
    assertEquals(0, rw.code(), rw.err());
    assertEquals(2, recipient(rw.out()).typeId(), "recipient type 02, X25519 (SPEC.md 6.2)");
    CliTest.Result d = CliTest.run(rw.out(), "decrypt", "--private-key", "reader=" + dir.resolve("reader.key"), "--context", "topic=payments");
    assertEquals("for the reader", d.outText(), d.err());
    // Back again: an X25519 envelope has no KEK key id to default to.
    CliTest.assertOneLineError(CliTest.run(rw.out(), "rewrap", "--private-key", "reader=" + dir.resolve("reader.key"),
        "--context", "topic=payments", "-o", "-"), 2, "name all new recipients");
  }
}
