package dev.sealpost.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealpost.codec.keys.Keyring;
import dev.sealpost.codec.keys.KeyringFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 11, item 3: disable, enable, creation times and retired records (keyring format v2), and --json on every keys command. */
class KeysLifecycleTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  private Path ring;
  private String r;
  private Instant before;

  @BeforeEach
  void keyring() {
    ring = dir.resolve("app.keyring");
    r = ring.toString();
    before = Instant.now().minusSeconds(1);
    assertEquals(0, CliTest.run("keygen", "kek", "--keyring", r, "--key-id", "orders").code());
    assertEquals(0, CliTest.run("keys", "add", "--keyring", r, "--key-id", "orders").code());
  }

  private static JsonNode json(CliTest.Result res) throws Exception {
    assertEquals(0, res.code(), res.err());
    return JSON.readTree(res.outText());
  }

  @Test
  void creationTimesAreRecordedAndListed() throws Exception {
    Instant after = Instant.now().plusSeconds(1);
    JsonNode list = json(CliTest.run("keys", "list", "--keyring", r, "--json"));
    for (JsonNode k : list.get("keys")) {
      Instant created = Instant.parse(k.get("created").asText());
      assertTrue(!created.isBefore(before) && !created.isAfter(after), created.toString());
    }
    assertTrue(Files.readString(ring).startsWith("sealpost-keyring v2\n"), "times need format v2");
    String text = CliTest.run("keys", "list", "--keyring", r).outText();
    assertTrue(text.contains("CREATED") && text.contains("STATE"), text);
    assertTrue(text.lines().anyMatch(l -> l.startsWith("orders") && l.contains("enabled") && l.contains("yes (marked primary)")), text);
  }

  @Test
  void disabledVersionsAreNeverCurrentAndDecryptUnlessRefused() throws Exception {
    byte[] underV1 = CliTest.run("a payment".getBytes(UTF_8), "encrypt", "--keyring", r, "--kek", "orders").out();
    // v1 is current (pinned while v2 rolls out): it cannot be disabled.
    CliTest.assertOneLineError(CliTest.run("keys", "disable", "--keyring", r, "--key-id", "orders", "--key-version", "1"), 1,
        "is current; promote another version first");
    JsonNode promoted = json(CliTest.run("keys", "promote", "--keyring", r, "--key-id", "orders", "--key-version", "2", "--json"));
    assertEquals("promote", promoted.get("action").asText());
    assertEquals(2, promoted.get("current").asInt());
    assertEquals(r, promoted.get("keyring").asText());

    JsonNode disabled = json(CliTest.run("keys", "disable", "--keyring", r, "--key-id", "orders", "--key-version", "1", "--json"));
    assertEquals("disable", disabled.get("action").asText());
    Keyring k = KeyringFile.load(ring);
    assertTrue(k.entries().stream().anyMatch(e -> e.version() == 1 && e.disabled()));
    assertTrue(Files.readString(ring).contains("key orders 1 "), "the KEK stays in the file");
    // A disabled version cannot be promoted.
    CliTest.assertOneLineError(CliTest.run("keys", "promote", "--keyring", r, "--key-id", "orders", "--key-version", "1"), 1,
        "is disabled; enable it first");

    // By default the disabled version still decrypts; --no-disabled refuses it as not held.
    CliTest.Result ok = CliTest.run(underV1, "decrypt", "--keyring", r);
    assertEquals(0, ok.code(), ok.err());
    assertEquals("a payment", ok.outText());
    CliTest.assertOneLineError(CliTest.run(underV1, "decrypt", "--keyring", r, "--no-disabled"), 1, "no-matching-key");

    assertEquals(0, CliTest.run("keys", "enable", "--keyring", r, "--key-id", "orders", "--key-version", "1").code());
    assertTrue(KeyringFile.load(ring).entries().stream().noneMatch(Keyring.Entry::disabled));
    assertEquals(0, CliTest.run(underV1, "decrypt", "--keyring", r, "--no-disabled").code());
  }

  @Test
  void enablingAHigherVersionDoesNotMakeItCurrent() throws Exception {
    // v1 current as the highest enabled version, v2 disabled, no primary mark.
    Path p = dir.resolve("pinless.keyring");
    KeyringFile.write(p, Keyring.builder().add("a", 1, new byte[32]).add("a", 2, new byte[32], false, true, null).build());
    assertEquals(1, KeyringFile.load(p).currentVersion("a"));
    CliTest.Result res = CliTest.run("keys", "enable", "--keyring", p.toString(), "--key-id", "a", "--key-version", "2");
    assertEquals(0, res.code(), res.err());
    assertTrue(res.outText().contains("current is 1"), res.outText());
    Keyring k = KeyringFile.load(p);
    assertEquals(1, k.currentVersion("a"), "writers stay on v1");
    assertTrue(k.entries().stream().anyMatch(e -> e.version() == 1 && e.primary()), "pinned");
  }

  @Test
  void retireKeepsARecordSoNumbersAreNeverReused() throws Exception {
    assertEquals(0, CliTest.run("keys", "promote", "--keyring", r, "--key-id", "orders", "--key-version", "2").code());
    JsonNode retired = json(CliTest.run("keys", "retire", "--keyring", r, "--key-id", "orders", "--key-version", "1", "--yes", "--json"));
    assertEquals("retire", retired.get("action").asText());
    assertEquals(1, retired.get("version").asInt());
    Keyring k = KeyringFile.load(ring);
    assertFalse(k.holds("orders", 1));
    assertEquals(1, k.retired().size());
    assertTrue(Files.readString(ring).contains("\nretired orders 1 retired="), Files.readString(ring));
    CliTest.assertOneLineError(CliTest.run("keys", "promote", "--keyring", r, "--key-id", "orders", "--key-version", "1"), 1,
        "(it is retired)");

    // The highest version may be retired too now: its number stays used.
    assertEquals(0, CliTest.run("keys", "add", "--keyring", r, "--key-id", "orders").code()); // v3, not current
    assertEquals(0, CliTest.run("keys", "retire", "--keyring", r, "--key-id", "orders", "--key-version", "3", "--yes").code());
    JsonNode added = json(CliTest.run("keys", "add", "--keyring", r, "--key-id", "orders", "--json"));
    assertEquals(4, added.get("version").asInt(), "3 was issued and retired");

    JsonNode list = json(CliTest.run("keys", "list", "--keyring", r, "--json"));
    int retiredRows = 0;
    for (JsonNode row : list.get("keys")) {
      if (row.get("retired").asBoolean()) {
        retiredRows++;
        assertFalse(row.get("current").asBoolean());
        assertTrue(row.hasNonNull("retiredAt"));
      }
    }
    assertEquals(2, retiredRows);
    assertTrue(CliTest.run("keys", "list", "--keyring", r).outText().contains("2 retired"));
  }

  @Test
  void passwdAndPublicSpeakJson() throws Exception {
    Path pw = dir.resolve("pw");
    Files.writeString(pw, "a long keyring password\n");
    JsonNode enc = json(CliTest.run("keys", "passwd", "--keyring", r, "--new-password-file", pw.toString(),
        "--iterations", "100000", "--json"));
    assertFalse(enc.get("wasEncrypted").asBoolean());
    assertTrue(enc.get("encrypted").asBoolean());
    assertEquals(100000, enc.get("iterations").asInt());
    JsonNode plain = json(CliTest.run("keys", "passwd", "--keyring", r, "--keyring-password-file", pw.toString(),
        "--remove-password", "--json"));
    assertTrue(plain.get("iterations").isNull());
    assertFalse(plain.get("encrypted").asBoolean());

    assertEquals(0, CliTest.run("keygen", "x25519", "--out", dir.resolve("an").toString()).code());
    JsonNode pub = json(CliTest.run("keys", "public", "--in", dir.resolve("an.key").toString(), "--json"));
    assertEquals("X25519", pub.get("algorithm").asText());
    assertEquals(Files.readString(dir.resolve("an.pub")), pub.get("publicKey").asText());
    assertTrue(pub.get("out").isNull());
  }
}
