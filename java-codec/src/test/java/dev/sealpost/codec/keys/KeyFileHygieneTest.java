package dev.sealpost.codec.keys;

import static dev.sealpost.codec.keys.KeyFixtures.opensslTextField;
import static dev.sealpost.codec.keys.KeyFixtures.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.SealpostException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * [SEC-3] for the key files: no failure to read a keyring or a PEM key, whatever is wrong with
 * it, puts the key bytes or the password into a message or a cause, and nothing in the keys
 * package prints them from toString. KeyMaterialHygieneTest covers the codec's own paths.
 */
class KeyFileHygieneTest {
  private static final String K0 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="; // 00..1f
  private static final byte[] BYTES_00_1F = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  private static final String PASSWORD = "correct-horse-battery";
  private static final byte[] PRIV = opensslTextField("x25519-private.txt", "priv");
  private static final String H = "sealpost-keyring v1\n";

  @TempDir Path dir;

  @Test
  void keyringFailuresNameLinesNotKeys() throws Exception {
    // Each input holds the key 00..1f and is wrong in one way after (or around) the key field.
    List<String> broken = List.of(
        H + "key a 1 " + K0 + "\nkey a 1 " + K0 + "\n",                          // duplicate
        H + "key a 1 " + K0 + " primary\nkey a 2 " + K0 + " primary\n",          // two primaries
        H + "key a 1 " + K0 + " current\n",                                      // bad fifth field
        H + "key a 1 " + K0 + " primary extra\n",                                // six fields
        H + "key a 01 " + K0 + "\n",                                             // bad version
        H + "key a\u00a0b 1 " + K0 + "\n",                                       // forbidden id character
        H + "kee a 1 " + K0 + "\n",                                              // unknown directive
        H + "key a 1 " + K0.replace("=", "") + "\n",                             // unpadded
        H + "key a 1 " + K0.replace("8=", "9=") + "\n",                          // non-zero trailing bits
        H + "key a 1 " + Base64.getEncoder().encodeToString(Arrays.copyOf(BYTES_00_1F, 31)) + "\n", // 31 bytes
        H + "key a 1 " + K0 + "\r\r\n",                                          // lone CR
        "\uFEFF" + H + "key a 1 " + K0 + "\n");                                  // BOM
    for (int i = 0; i < broken.size(); i++) {
      String text = broken.get(i);
      String where = "keyring case " + i; // not the text: it holds the key
      assertClean(failure(() -> KeyringFile.parse(text)), where);
      Path file = dir.resolve("k.ring");
      Files.writeString(file, text, StandardCharsets.UTF_8);
      assertClean(failure(() -> KeyringFile.load(file)), where + " (from a file)");
    }
  }

  @Test
  void encryptedKeyringFailuresCarryNeitherKeysNorPassword() throws Exception {
    char[] pw = PASSWORD.toCharArray();
    Keyring k = Keyring.builder().add("a", 1, BYTES_00_1F).build();
    String enc = KeyringFile.formatEncrypted(k, pw, new SecureRandom(), KeyringFile.MIN_ITERATIONS);
    assertClean(failure(() -> KeyringFile.parse(enc, "correct-horse-batterY".toCharArray())), "wrong password");
    assertClean(failure(() -> KeyringFile.parse(enc.replace("iterations 100000", "iterations 99999"), pw)), "iterations");
    String ct = enc.substring(enc.indexOf("ciphertext ") + 11, enc.length() - 1);
    assertClean(failure(() -> KeyringFile.parse(enc.replace(ct, ct.substring(4)), pw)), "truncated ciphertext");
    // A broken line inside the decrypted keyring is reported by line, without its content.
    String inner = H + "key a 1 " + K0 + "\nkey a 1 " + K0 + "\n";
    String encInner = encryptPlainText(inner, pw);
    SealpostException e = failure(() -> KeyringFile.parse(encInner, pw));
    assertTrue(e.getMessage().contains("decrypted keyring: line 3"), e.getMessage());
    assertClean(e, "inner duplicate");
  }

  @Test
  void pemFailuresCarryNeitherKeysNorPassword() throws Exception {
    String priv = text("x25519-private.pem");
    String enc = text("x25519-private-aes256-sha256.pem");
    String privHex = HexFormat.of().formatHex(PRIV);
    // version 1 with a public key that does not match, and a 31-byte private key
    String mismatch = pem("PRIVATE KEY", "3051020101300506032b656e04220420" + privHex + "812100" + "11".repeat(32));
    String short31 = pem("PRIVATE KEY", "302d020100300506032b656e0421041f" + privHex.substring(0, 62));
    List<Executable> calls = List.of(
        () -> PemKeys.privateKeyFromPem(mismatch),
        () -> PemKeys.privateKeyFromPem(short31),
        () -> PemKeys.privateKeyFromPem(priv, PASSWORD.toCharArray()),
        () -> PemKeys.privateKeyFromPem(priv + priv),
        () -> PemKeys.privateKeyFromPem(priv.replace("PRIVATE KEY", "RSA PRIVATE KEY")),
        () -> PemKeys.publicKeyFromPem(priv),
        () -> PemKeys.privateKeyFromPem(enc, "correct-horse-batterY".toCharArray()),
        () -> PemKeys.privateKeyFromPem(enc));
    for (int i = 0; i < calls.size(); i++) {
      assertClean(failure(calls.get(i)), "PEM case " + i);
    }
    Path file = dir.resolve("k.pem");
    Files.writeString(file, mismatch, StandardCharsets.US_ASCII);
    assertClean(failure(() -> PemKeys.loadPrivateKey(file)), "PEM from a file");
  }

  @Test
  void toStringRedacts() throws Exception {
    Keyring k = Keyring.builder().add("orders", 1, BYTES_00_1F, true).build();
    List<String> texts = new ArrayList<>(List.of(k.toString(), k.entries().get(0).toString()));
    texts.add(X25519PrivateKey.fromBytes(PRIV).toString());
    texts.add(String.valueOf(PemKeys.privateKeyFromPem(text("x25519-private.pem"))));
    for (String s : texts) {
      assertNoSecret(s, s);
    }
    assertTrue(k.entries().get(0).toString().contains("orders#1"), "an entry still says which key it is");
  }

  private static SealpostException failure(Executable call) {
    SealpostException e = assertThrows(SealpostException.class, call);
    assertEquals(ErrorCategory.INVALID_KEY_MATERIAL, e.category(), e.getMessage());
    return e;
  }

  /** The message, the stack trace and every cause's message are free of key bytes and password. */
  private static void assertClean(SealpostException e, String where) {
    StringWriter w = new StringWriter();
    e.printStackTrace(new PrintWriter(w));
    StringBuilder all = new StringBuilder(w.toString());
    for (Throwable c = e; c != null; c = c.getCause()) {
      all.append('\n').append(c.getMessage());
    }
    assertNoSecret(all.toString(), where + ": " + e.getMessage());
  }

  private static void assertNoSecret(String text, String where) {
    String lower = text.toLowerCase();
    for (byte[] key : new byte[][] {BYTES_00_1F, PRIV}) {
      String hex = HexFormat.of().formatHex(key);
      List<String> renderings = new ArrayList<>(List.of(
          Base64.getEncoder().encodeToString(key).substring(0, 40), // any base64 spelling shares this prefix
          Base64.getUrlEncoder().encodeToString(key).substring(0, 40),
          Arrays.toString(key)));
      for (int i = 0; i + 16 <= hex.length(); i += 8) {
        renderings.add(hex.substring(i, i + 16)); // any 8-byte window
      }
      for (String r : renderings) {
        assertFalse(lower.contains(r.toLowerCase()), "key material in " + where);
      }
    }
    assertFalse(text.contains(PASSWORD), "password in " + where);
  }

  private static String pem(String label, String hex) {
    return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'})
        .encodeToString(HexFormat.of().parseHex(hex)) + "\n-----END " + label + "-----\n";
  }

  /** An encrypted keyring whose plaintext is {@code inner} verbatim, even when it is invalid. */
  private static String encryptPlainText(String inner, char[] password) throws Exception {
    byte[] salt = new byte[16];
    byte[] nonce = new byte[12];
    new SecureRandom().nextBytes(salt);
    String header = "sealpost-keyring-encrypted v1\nkdf pbkdf2-hmac-sha256\niterations 100000\nsalt "
        + Base64.getEncoder().encodeToString(salt) + "\nnonce " + Base64.getEncoder().encodeToString(nonce) + "\n";
    byte[] key = javax.crypto.SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
        .generateSecret(new javax.crypto.spec.PBEKeySpec(password, salt, 100_000, 256)).getEncoded();
    javax.crypto.Cipher c = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
    c.init(javax.crypto.Cipher.ENCRYPT_MODE, new javax.crypto.spec.SecretKeySpec(key, "AES"),
        new javax.crypto.spec.GCMParameterSpec(128, nonce));
    c.updateAAD(header.getBytes(StandardCharsets.US_ASCII));
    byte[] ct = c.doFinal(inner.getBytes(StandardCharsets.UTF_8));
    return header + "ciphertext " + Base64.getEncoder().encodeToString(ct) + "\n";
  }
}
