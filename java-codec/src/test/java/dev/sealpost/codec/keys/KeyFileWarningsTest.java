package dev.sealpost.codec.keys;

import static dev.sealpost.codec.keys.KeyFixtures.assertInvalid;
import static dev.sealpost.codec.keys.KeyFixtures.opensslTextField;
import static dev.sealpost.codec.keys.KeyFixtures.path;
import static dev.sealpost.codec.keys.KeyFixtures.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The warnings docs/key-material.md promises: a keyring or private key file that group or
 * others may access (4.1), and an encrypted private key with few PBKDF2 iterations (3.4, 4.2).
 * Both name the file and never its contents [SEC-3].
 */
class KeyFileWarningsTest {
  private static final char[] PASSWORD = "correct-horse-battery".toCharArray();
  private static final byte[] PRIV = opensslTextField("x25519-private.txt", "priv");
  private static final byte[] KEK = HexFormat.of().parseHex("a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf");

  @TempDir Path dir;

  @BeforeEach
  void posixOnly() {
    // The permission check is POSIX-only by design (docs/key-material.md 4.1): on other file
    // systems there is nothing to set up or to expect.
    assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
  }

  @Test
  void keyringReadableByGroupOrOthersWarnsNamingTheFileAndMode() throws Exception {
    Path file = dir.resolve("orders.ring");
    KeyringFile.write(file, Keyring.builder().add("orders", 1, KEK).build());
    try (LogCapture log = new LogCapture()) {
      assertArrayEquals(KEK, KeyringFile.load(file).kek("orders", 1).orElseThrow());
      assertEquals(List.of(), log.warningsAbout(file.toString()), "the writer's own 0600 file is quiet");

      chmod(file, "rw-r--r--");
      assertArrayEquals(KEK, KeyringFile.load(file).kek("orders", 1).orElseThrow(), "still loaded");
      List<String> warnings = log.warningsAbout(file.toString());
      assertEquals(1, warnings.size(), warnings.toString());
      String w = warnings.get(0);
      assertTrue(w.contains("keyring file " + file) && w.contains("group and others") && w.contains("rw-r--r--"), w);
      assertNoKeyIn(w, KEK);

      chmod(file, "rw-r-----");
      KeyringFile.load(file);
      assertTrue(log.warningsAbout(file.toString()).get(1).contains("accessible to group ("), log.all().toString());

      chmod(file, "rw-----w-"); // writable by others: they could plant a KEK of their own
      KeyringFile.load(file);
      assertTrue(log.warningsAbout(file.toString()).get(2).contains("accessible to others ("), log.all().toString());
    }
  }

  @Test
  void encryptedKeyringIsCheckedToo() throws Exception {
    // An encrypted keyring that others can read invites offline guessing of its password.
    Path file = dir.resolve("enc.ring");
    Files.writeString(file, text("keyring-encrypted.txt"), StandardCharsets.UTF_8);
    chmod(file, "rw-r--r--");
    try (LogCapture log = new LogCapture()) {
      KeyringFile.load(file, "Gr\u00fc\u00dfe, Sealpost \uD83D\uDD11".toCharArray());
      assertEquals(1, log.warningsAbout(file.toString()).size(), log.all().toString());
    }
  }

  @Test
  void privateKeyFileReadableByOthersWarns() throws Exception {
    Path file = dir.resolve("consumer.key");
    Files.writeString(file, text("x25519-private.pem"), StandardCharsets.US_ASCII);
    try (LogCapture log = new LogCapture()) {
      chmod(file, "rw-------");
      assertArrayEquals(PRIV, PemKeys.loadPrivateKey(file).toBytes());
      assertEquals(List.of(), log.warningsAbout(file.toString()));

      chmod(file, "rw----r--");
      assertArrayEquals(PRIV, PemKeys.loadPrivateKey(file).toBytes(), "still loaded");
      List<String> warnings = log.warningsAbout(file.toString());
      assertEquals(1, warnings.size(), warnings.toString());
      assertTrue(warnings.get(0).contains("private key file " + file) && warnings.get(0).contains("others"), warnings.get(0));
      assertNoKeyIn(warnings.get(0), PRIV);
    }
  }

  @Test
  void publicKeyFilesAreNotChecked() throws Exception {
    Path file = dir.resolve("consumer.pub");
    Files.writeString(file, text("x25519-public.pem"), StandardCharsets.US_ASCII);
    chmod(file, "rw-r--r--");
    try (LogCapture log = new LogCapture()) {
      PemKeys.loadPublicKey(file);
      assertEquals(List.of(), log.warningsAbout(file.toString()), "a public key is meant to be read");
    }
  }

  @Test
  void opensslDefaultIterationCountLoadsWithAWarning() throws Exception {
    // The fixture is what `openssl pkcs8 -topk8 -v2 aes-256-cbc` writes by default: 2048 iterations.
    Path file = dir.resolve("consumer.enc.key");
    Files.writeString(file, text("x25519-private-aes256-sha256.pem"), StandardCharsets.US_ASCII);
    chmod(file, "rw-------");
    try (LogCapture log = new LogCapture()) {
      assertArrayEquals(PRIV, PemKeys.loadPrivateKey(file, PASSWORD).toBytes());
      List<String> warnings = log.warningsAbout(file.toString());
      assertEquals(1, warnings.size(), warnings.toString());
      String w = warnings.get(0);
      assertTrue(w.contains("only 2048 PBKDF2 iterations") && w.contains("fewer than 100000") && w.contains("-iter"), w);
      assertNoKeyIn(w, PRIV);
      assertFalse(w.contains(new String(PASSWORD)), w);
    }
  }

  @Test
  void iterationWarningBoundaryAndNoWarningForAWrongPassword() throws Exception {
    try (LogCapture log = new LogCapture()) {
      // From text, there is no file to name: the warning says what it is about.
      assertArrayEquals(PRIV, PemKeys.privateKeyFromPem(text("x25519-private-iter99999.pem"), PASSWORD).toBytes());
      assertEquals(1, log.warningsAbout("encrypted private key is protected by only 99999 PBKDF2").size(), log.all().toString());
      PemKeys.privateKeyFromPem(text("x25519-private-iter100000.pem"), PASSWORD);
      assertEquals(List.of(), log.warningsAbout("100000 PBKDF2"), "100,000 is enough");
      // A failed load says only why it failed: the count is not worth a warning then.
      assertInvalid(() -> PemKeys.privateKeyFromPem(text("x25519-private-iter1000.pem"), "wrong".toCharArray()));
      assertEquals(List.of(), log.warningsAbout("1000 PBKDF2"), log.all().toString());
    }
  }

  private static void chmod(Path file, String mode) throws Exception {
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
  }

  private static void assertNoKeyIn(String message, byte[] key) {
    String hex = HexFormat.of().formatHex(key);
    for (String rendering : List.of(hex, Base64.getEncoder().encodeToString(key), hex.substring(0, 16))) {
      assertFalse(message.toLowerCase().contains(rendering.toLowerCase()), message);
    }
  }
}
