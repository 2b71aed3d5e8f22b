package dev.sealpost.codec.keys;

import static dev.sealpost.codec.keys.KeyFixtures.assertInvalid;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ENCRYPTED PRIVATE KEY writer (docs/key-material.md 3.4): read back by the codec's reader and by OpenSSL. */
class EncryptedPemWriterTest {
  private static final int FAST = EncryptedPemWriter.MIN_ITERATIONS;
  private static final char[] PASSWORD = "Gr\u00fc\u00dfe, key".toCharArray();

  @Test
  void roundTripsThroughTheReader() throws Exception {
    X25519PrivateKey key = X25519PrivateKey.generate(new SecureRandom());
    String pem = EncryptedPemWriter.toEncryptedPem(key, PASSWORD, new SecureRandom(), FAST);
    assertTrue(pem.startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"), pem);
    assertArrayEquals(key.toBytes(), PemKeys.privateKeyFromPem(pem, PASSWORD).toBytes());
    String wrong = assertInvalid(() -> PemKeys.privateKeyFromPem(pem, "another".toCharArray()));
    assertTrue(wrong.endsWith("wrong password, or the encrypted key is corrupted"), wrong);
    // A fresh salt and IV every time.
    assertNotEquals(pem, EncryptedPemWriter.toEncryptedPem(key, PASSWORD, new SecureRandom(), FAST));
  }

  @Test
  void ed25519WriterKeysRoundTripThroughTheReader() throws Exception {
    Ed25519PrivateKey key = Ed25519PrivateKey.generate(new SecureRandom());
    String pem = EncryptedPemWriter.toEncryptedPem(key, PASSWORD, new SecureRandom(), FAST);
    assertTrue(pem.startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"), pem);
    assertArrayEquals(key.toBytes(), PemKeys.ed25519PrivateKeyFromPem(pem, PASSWORD).toBytes());
    assertInvalid(() -> PemKeys.ed25519PrivateKeyFromPem(pem, "another".toCharArray()));
    // An Ed25519 key is not an X25519 key: the OID inside the encrypted PKCS#8 is checked.
    assertInvalid(() -> PemKeys.privateKeyFromPem(pem, PASSWORD));
  }

  @Test
  void structureIsPbes2Pbkdf2Sha256Aes256Cbc() throws Exception {
    X25519PrivateKey key = X25519PrivateKey.generate(new SecureRandom());
    String der = HexFormat.of().formatHex(Pem.decode(EncryptedPemWriter.toEncryptedPem(key, PASSWORD, new SecureRandom(), FAST)).der);
    // Encodings from RFC 8018 appendix C and NIST's AES OID arc, written out here independently.
    assertTrue(der.contains("06092a864886f70d01050d"), "PBES2");
    assertTrue(der.contains("06092a864886f70d01050c"), "PBKDF2");
    assertTrue(der.contains("0410"), "a 16-byte salt");
    assertTrue(der.contains("02030186a0"), "100000 iterations");
    assertTrue(der.contains("300c06082a864886f70d02090500"), "hmacWithSHA256 with NULL parameters");
    assertTrue(der.contains("060960864801650304012a0410"), "aes256-CBC with a 16-byte IV");
    // Last: an OCTET STRING of the 48 bytes of PKCS#8 padded to 64.
    assertEquals("0440", der.substring(der.length() - 132, der.length() - 128));
  }

  @Test
  void refusesWhatReadersWarnAboutOrRefuse() throws Exception {
    X25519PrivateKey key = X25519PrivateKey.generate(new SecureRandom());
    assertThrows(IllegalArgumentException.class, () -> EncryptedPemWriter.toEncryptedPem(key, PASSWORD, new SecureRandom(), 99_999));
    assertThrows(IllegalArgumentException.class,
        () -> EncryptedPemWriter.toEncryptedPem(key, PASSWORD, new SecureRandom(), 5_000_001));
    assertInvalid(() -> EncryptedPemWriter.toEncryptedPem(key, new char[0], new SecureRandom(), FAST));
  }

  @Test
  void openSslPkcs8DecryptsIt(@TempDir Path dir) throws Exception {
    Assumptions.assumeTrue(onPath("openssl"),
        "ASSUMPTION: openssl is not on the PATH, so the interoperability check of the encrypted PKCS#8 writer with "
            + "'openssl pkcs8' did not run");
    X25519PrivateKey key = X25519PrivateKey.generate(new SecureRandom());
    Path enc = dir.resolve("enc.pem");
    Path pw = dir.resolve("pw");
    Path dec = dir.resolve("dec.pem");
    Files.writeString(enc, EncryptedPemWriter.toEncryptedPem(key, PASSWORD, new SecureRandom(), FAST));
    Files.write(pw, new String(PASSWORD).getBytes(StandardCharsets.UTF_8));
    Process p = new ProcessBuilder("openssl", "pkcs8", "-in", enc.toString(), "-passin", "file:" + pw, "-out", dec.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    // OpenSSL writes the unencrypted PKCS#8 it found inside: the same key.
    assertArrayEquals(key.toBytes(), PemKeys.privateKeyFromPem(Files.readString(dec)).toBytes());
  }

  private static boolean onPath(String tool) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
        return true;
      }
    }
    return false;
  }
}
