package dev.sealpost.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealpost.codec.keys.Keyring;
import dev.sealpost.codec.keys.KeyringFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 11, item 3: key lifecycle, passwords asked without echo, no silent rotation. */
class KeysTest {
  @TempDir Path dir;
  private Path ring;
  private String r;

  @BeforeEach
  void keyring() {
    ring = dir.resolve("app.keyring");
    r = ring.toString();
    assertEquals(0, CliTest.run("keygen", "kek", "--keyring", r, "--key-id", "orders").code());
  }

  private static ArrayDeque<String> typed(String... passwords) {
    return new ArrayDeque<>(List.of(passwords));
  }

  @Test
  void keygenTwiceDoesNotRotate() throws Exception {
    byte[] before = Files.readAllBytes(ring);
    CliTest.assertOneLineError(CliTest.run("keygen", "kek", "--keyring", r, "--key-id", "orders"), 1, "keys add");
    assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(ring)), "keyring unchanged");
    // Another key id is fine.
    CliTest.Result billing = CliTest.run("keygen", "kek", "--keyring", r, "--key-id", "billing", "--json");
    assertEquals(0, billing.code(), billing.err());
    assertTrue(billing.outText().contains("\"keyId\": \"billing\", \"version\": 1"), billing.outText());
  }

  @Test
  void addPromoteRetire() throws Exception {
    CliTest.Result add = CliTest.run("keys", "add", "--keyring", r, "--key-id", "orders");
    assertEquals(0, add.code(), add.err());
    Keyring k = KeyringFile.load(ring);
    assertEquals(1, k.currentVersion("orders"), "a new version is not current until promoted");
    assertTrue(k.holds("orders", 2));

    CliTest.Result list = CliTest.run("keys", "list", "--keyring", r, "--json");
    assertEquals(0, list.code(), list.err());
    assertTrue(list.outText().contains("{\"keyId\": \"orders\", \"version\": 1, \"current\": true, \"primary\": true}"), list.outText());
    assertTrue(list.outText().contains("{\"keyId\": \"orders\", \"version\": 2, \"current\": false, \"primary\": false}"), list.outText());
    assertFalse(list.outText().contains(Base64.getEncoder().encodeToString(k.kek("orders", 1).orElseThrow())), "no key bytes");
    CliTest.Result text = CliTest.run("keys", "list", "--keyring", r);
    assertTrue(text.outText().contains("plain keyring, 2 keys"), text.outText());

    // The current and the highest version cannot be retired.
    CliTest.assertOneLineError(CliTest.run("keys", "retire", "--keyring", r, "--key-id", "orders", "--key-version", "1", "--yes"), 1, "is current");
    CliTest.assertOneLineError(CliTest.run("keys", "retire", "--keyring", r, "--key-id", "orders", "--key-version", "2", "--yes"), 1, "highest");

    assertEquals(0, CliTest.run("keys", "promote", "--keyring", r, "--key-id", "orders", "--key-version", "2").code());
    assertEquals(2, KeyringFile.load(ring).currentVersion("orders"));
    // Without --yes: a usage error, nothing removed.
    CliTest.assertOneLineError(CliTest.run("keys", "retire", "--keyring", r, "--key-id", "orders", "--key-version", "1"), 2, "--yes");
    assertTrue(KeyringFile.load(ring).holds("orders", 1));
    assertEquals(0, CliTest.run("keys", "retire", "--keyring", r, "--key-id", "orders", "--key-version", "1", "--yes").code());
    assertFalse(KeyringFile.load(ring).holds("orders", 1));
    assertEquals(0, CliTest.run("keys", "add", "--keyring", r, "--key-id", "orders", "--promote").code());
    assertEquals(3, KeyringFile.load(ring).currentVersion("orders"), "no version number is reused");

    CliTest.assertOneLineError(CliTest.run("keys", "add", "--keyring", r, "--key-id", "nope"), 1, "no key id 'nope'");
    CliTest.assertOneLineError(CliTest.run("keys", "promote", "--keyring", r, "--key-id", "orders", "--key-version", "9"), 1, "no version 9");
  }

  @Test
  void passwdEncryptsChangesAndRemovesWithPromptsOnATerminal() throws Exception {
    String pw = "correct horse battery staple";
    // Creation asks twice; a mismatch writes nothing.
    CliTest.assertOneLineError(CliTest.run(new byte[0], true, typed(pw, "typo"), "keys", "passwd", "--keyring", r,
        "--iterations", "100000"), 1, "differ");
    assertTrue(Files.readString(ring).startsWith(KeyringFile.PLAIN_HEADER), "unchanged");
    CliTest.Result enc = CliTest.run(new byte[0], true, typed(pw, pw), "keys", "passwd", "--keyring", r, "--iterations", "100000");
    assertEquals(0, enc.code(), enc.err());
    assertTrue(Files.readString(ring).startsWith(KeyringFile.ENCRYPTED_HEADER));
    assertEquals(1, KeyringFile.load(ring, pw.toCharArray()).currentVersion("orders"));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(ring)));

    // Without a terminal and without a password source: one line saying how.
    CliTest.assertOneLineError(CliTest.run("keys", "list", "--keyring", r), 1, "--keyring-password-env");
    // On a terminal the password is asked; a wrong one fails.
    CliTest.Result list = CliTest.run(new byte[0], true, typed(pw), "keys", "list", "--keyring", r);
    assertEquals(0, list.code(), list.err());
    assertTrue(list.outText().contains("encrypted keyring, 1 key"), list.outText());
    CliTest.assertOneLineError(CliTest.run(new byte[0], true, typed("wrong"), "keys", "list", "--keyring", r), 1, "invalid-key-material");

    // Edits keep the encrypted form and its iterations.
    CliTest.Result add = CliTest.run(new byte[0], true, typed(pw), "keys", "add", "--keyring", r, "--key-id", "orders");
    assertEquals(0, add.code(), add.err());
    assertTrue(Files.readString(ring).contains("iterations 100000\n"));
    assertTrue(KeyringFile.load(ring, pw.toCharArray()).holds("orders", 2));

    // A new password from a file; then back to plain.
    Path newPw = dir.resolve("new.pw");
    Files.writeString(newPw, "another long password\n");
    Files.setPosixFilePermissions(newPw, PosixFilePermissions.fromString("rw-------"));
    CliTest.Result change = CliTest.run(new byte[0], true, typed(pw), "keys", "passwd", "--keyring", r,
        "--new-password-file", newPw.toString());
    assertEquals(0, change.code(), change.err());
    assertTrue(KeyringFile.load(ring, "another long password".toCharArray()).holds("orders", 2));
    CliTest.Result plain = CliTest.run("keys", "passwd", "--keyring", r, "--keyring-password-file", newPw.toString(), "--remove-password");
    assertEquals(0, plain.code(), plain.err());
    assertTrue(KeyringFile.load(ring).holds("orders", 2));
  }

  @Test
  void keygenKekCreatesAnEncryptedKeyringWithConfirmation() throws Exception {
    Path created = dir.resolve("new.keyring");
    CliTest.assertOneLineError(CliTest.run(new byte[0], true, typed("a password", "another"), "keygen", "kek", "--keyring",
        created.toString(), "--key-id", "orders", "--encrypt"), 1, "differ");
    assertFalse(Files.exists(created));
    CliTest.Result ok = CliTest.run(new byte[0], true, typed("a password", "a password"), "keygen", "kek", "--keyring",
        created.toString(), "--key-id", "orders", "--encrypt");
    assertEquals(0, ok.code(), ok.err());
    assertEquals(1, KeyringFile.load(created, "a password".toCharArray()).currentVersion("orders"));
  }

  @Test
  void sharedKeyFilesAreWarnedAbout() throws Exception {
    Files.setPosixFilePermissions(ring, PosixFilePermissions.fromString("rw-r--r--"));
    CliTest.Result list = CliTest.run("keys", "list", "--keyring", r);
    assertEquals(0, list.code(), list.err());
    assertTrue(list.err().startsWith("sealpost: warning: keyring " + r + " is accessible by group or others"), list.err());
    assertTrue(list.err().contains("chmod 600 " + r), list.err());
    Files.setPosixFilePermissions(ring, PosixFilePermissions.fromString("rw-------"));
    assertEquals("", CliTest.run("keys", "list", "--keyring", r).err());
  }

  @Test
  void publicKeyOfX25519AndEd25519() throws Exception {
    assertEquals(0, CliTest.run("keygen", "x25519", "--out", dir.resolve("reader").toString()).code());
    CliTest.Result x = CliTest.run("keys", "public", "--in", dir.resolve("reader.key").toString());
    assertEquals(0, x.code(), x.err());
    assertEquals(Files.readString(dir.resolve("reader.pub")), x.outText());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("reader.key"))));
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("reader.pub"))));

    // Ed25519: the expected public key comes from the JDK's own key pair, not from the CLI.
    KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    Path key = dir.resolve("signer.key");
    Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(pair.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    Path out = dir.resolve("signer.pub");
    CliTest.Result ed = CliTest.run("keys", "public", "--in", key.toString(), "--out", out.toString());
    assertEquals(0, ed.code(), ed.err());
    String pem = Files.readString(out);
    byte[] der = Base64.getMimeDecoder().decode(pem.replace("-----BEGIN PUBLIC KEY-----", "").replace("-----END PUBLIC KEY-----", ""));
    assertTrue(java.util.Arrays.equals(pair.getPublic().getEncoded(), der), pem);

    // Anything else is named.
    KeyPair ec = KeyPairGenerator.getInstance("EC").generateKeyPair();
    Path ecKey = dir.resolve("ec.key");
    Files.writeString(ecKey, "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(ec.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
    Files.setPosixFilePermissions(ecKey, PosixFilePermissions.fromString("rw-------"));
    CliTest.assertOneLineError(CliTest.run("keys", "public", "--in", ecKey.toString()), 1, "EC");
  }

  @Test
  void keyringWritesAreWholeOrNothing() throws Exception {
    // A keyring over 1 KiB, edited under a 1 KiB file-size limit (a full disk): the edit fails, the file is intact.
    Keyring.Builder b = Keyring.builder();
    for (int i = 0; i < 30; i++) {
      b.add("key-" + i, 1, new byte[32]);
    }
    KeyringFile.write(ring, b.build());
    byte[] before = Files.readAllBytes(ring);
    assertTrue(before.length > 1024);
    Proc.Result p = Proc.run(List.of(), null, null, 1, "keys", "add", "--keyring", r, "--key-id", "key-0");
    assertEquals(1, p.code(), p.err());
    assertTrue(p.err().startsWith("sealpost: invalid-key-material: cannot write keyring file " + r), p.err());
    assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(ring)));
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count(), "no temporary file left");
    }
  }
}
