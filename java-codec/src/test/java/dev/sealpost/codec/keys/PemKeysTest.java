package dev.sealpost.codec.keys;

import static dev.sealpost.codec.keys.KeyFixtures.assertInvalid;
import static dev.sealpost.codec.keys.KeyFixtures.hex;
import static dev.sealpost.codec.keys.KeyFixtures.opensslTextField;
import static dev.sealpost.codec.keys.KeyFixtures.path;
import static dev.sealpost.codec.keys.KeyFixtures.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.SealpostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PemKeysTest {
  private static final char[] PASSWORD = "correct-horse-battery".toCharArray();

  // Expected key bytes come from `openssl pkey -text`, never from the code under test.
  private static final byte[] PRIV = opensslTextField("x25519-private.txt", "priv");
  private static final byte[] PUB = opensslTextField("x25519-private.txt", "pub");

  @Test
  void opensslTextFixtureHasBothKeys() {
    assertEquals(32, PRIV.length);
    assertEquals(32, PUB.length);
  }

  @Test
  void readsOpensslPrivateKeyAndDerivesOpensslPublicKey() throws Exception {
    X25519PrivateKey key = PemKeys.loadPrivateKey(path("x25519-private.pem"));
    assertArrayEquals(PRIV, key.toBytes());
    assertArrayEquals(PUB, key.publicKey().toBytes());
  }

  @Test
  void readsOpensslPublicKey() throws Exception {
    assertArrayEquals(PUB, PemKeys.loadPublicKey(path("x25519-public.pem")).toBytes());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "x25519-private-aes256-sha256.pem", "x25519-private-aes256-sha1.pem", "x25519-private-aes128-sha256.pem"})
  void readsOpensslEncryptedPrivateKeys(String fixture) throws Exception {
    char[] password = PASSWORD.clone();
    X25519PrivateKey key = PemKeys.loadPrivateKey(path(fixture), password);
    assertArrayEquals(PRIV, key.toBytes());
    assertArrayEquals(PUB, key.publicKey().toBytes());
    assertArrayEquals(PASSWORD, password, "the caller's password array is left as it was");
  }

  @Test
  void sha1VariantReallyOmitsThePrf() throws Exception {
    // The hmacWithSHA1 fixture relies on the DER DEFAULT: no PRF identifier at all.
    byte[] der = Pem.decode(text("x25519-private-aes256-sha1.pem")).der;
    assertFalse(HexFormat.of().formatHex(der).contains("06082a864886f70d0207"));
    byte[] der256 = Pem.decode(text("x25519-private-aes256-sha256.pem")).der;
    assertTrue(HexFormat.of().formatHex(der256).contains("06082a864886f70d0209"));
  }

  @Test
  void writesExactlyWhatOpensslWrites() throws Exception {
    assertEquals(text("x25519-private.pem"), PemKeys.toPem(X25519PrivateKey.fromBytes(PRIV)));
    assertEquals(text("x25519-public.pem"), PemKeys.toPem(X25519PublicKey.fromBytes(PUB)));
  }

  @Test
  void roundTripsRandomKeys() throws Exception {
    SecureRandom random = new SecureRandom();
    for (int i = 0; i < 50; i++) {
      X25519PrivateKey key = X25519PrivateKey.generate(random);
      X25519PrivateKey back = PemKeys.privateKeyFromPem(PemKeys.toPem(key));
      assertArrayEquals(key.toBytes(), back.toBytes());
      assertEquals(key.publicKey(), PemKeys.publicKeyFromPem(PemKeys.toPem(key.publicKey())));
    }
  }

  @Test
  void acceptsCrlfAndSurroundingBlankLines() throws Exception {
    String crlf = "\r\n\n" + text("x25519-private.pem").replace("\n", "\r\n") + "\r\n \n";
    assertArrayEquals(PRIV, PemKeys.privateKeyFromPem(crlf).toBytes());
  }

  @Test
  void wrongPasswordIsInvalidKeyMaterial() {
    for (String fixture : new String[] {
        "x25519-private-aes256-sha256.pem", "x25519-private-aes256-sha1.pem", "x25519-private-aes128-sha256.pem"}) {
      String msg = assertInvalid(() -> PemKeys.loadPrivateKey(path(fixture), "correct-horse-batterY".toCharArray()));
      assertTrue(msg.contains("wrong password"), msg);
      assertFalse(msg.contains("correct-horse"), "no password in messages");
    }
  }

  @Test
  void manyWrongPasswordsAllFailTyped() {
    // About one wrong password in 256 yields valid CBC padding; that case must still say
    // "wrong password", not leak a DER parse error or succeed.
    String pem = text("x25519-private-aes128-sha256.pem");
    for (int i = 0; i < 600; i++) {
      char[] guess = ("guess-" + i).toCharArray();
      String msg = assertInvalid(() -> PemKeys.privateKeyFromPem(pem, guess));
      assertTrue(msg.contains("wrong password"), msg);
    }
  }

  @Test
  void passwordRules() {
    String enc = text("x25519-private-aes256-sha256.pem");
    assertTrue(assertInvalid(() -> PemKeys.privateKeyFromPem(enc)).contains("password is required"));
    assertTrue(assertInvalid(() -> PemKeys.privateKeyFromPem(enc, new char[0])).contains("must not be empty"));
    assertTrue(assertInvalid(() -> PemKeys.privateKeyFromPem(enc, new char[] {'a', '\uD800'}))
        .contains("surrogate"));
    String plain = text("x25519-private.pem");
    assertTrue(assertInvalid(() -> PemKeys.privateKeyFromPem(plain, PASSWORD)).contains("not encrypted"));
  }

  @Test
  void pbkdf2IterationFloorRefusesTriviallyWeakFiles() {
    // Fixtures written by OpenSSL with -iter 999 and -iter 1000 (README there): RFC 8018's
    // minimum of 1,000 is the last count accepted.
    String msg = assertInvalid(() -> PemKeys.loadPrivateKey(path("x25519-private-iter999.pem"), PASSWORD));
    assertTrue(msg.contains("iteration count 999 is below the minimum of 1000"), msg);
    assertArrayEquals(PRIV, assertDoesNotThrow(() -> PemKeys.loadPrivateKey(path("x25519-private-iter1000.pem"), PASSWORD))
        .toBytes());
    // OpenSSL's default, 2048, must stay readable: it is what most real files carry.
    assertArrayEquals(PRIV, assertDoesNotThrow(() -> PemKeys.loadPrivateKey(path("x25519-private-aes256-sha256.pem"), PASSWORD))
        .toBytes());
  }

  @Test
  void pbkdf2IterationCeilingBoundsTheCostOfAFile() {
    // Refused before PBKDF2 runs: the message comes from the bound check, not from a derivation.
    String msg = assertInvalid(() -> PemKeys.loadPrivateKey(path("x25519-private-iter5000001.pem"), PASSWORD));
    assertTrue(msg.contains("iteration count 5000001 is above the maximum of 5000000"), msg);
    // The ceiling itself is accepted (one full derivation, about a second).
    assertArrayEquals(PRIV, assertDoesNotThrow(() -> PemKeys.loadPrivateKey(path("x25519-private-iter5000000.pem"), PASSWORD))
        .toBytes());
  }

  @Test
  void rejectsOtherAlgorithmsNamingThem() {
    assertTrue(assertInvalid(() -> PemKeys.loadPrivateKey(path("ed25519-private.pem")))
        .contains("found Ed25519 (OID 1.3.101.112)"));
    assertTrue(assertInvalid(() -> PemKeys.loadPublicKey(path("ed25519-public.pem")))
        .contains("found Ed25519 (OID 1.3.101.112)"));
    assertTrue(assertInvalid(() -> PemKeys.loadPrivateKey(path("ed25519-private-aes256-sha256.pem"), PASSWORD))
        .contains("found Ed25519 (OID 1.3.101.112)"));
    assertTrue(assertInvalid(() -> PemKeys.loadPrivateKey(path("x448-private.pem"))).contains("found X448"));
    assertTrue(assertInvalid(() -> PemKeys.loadPrivateKey(path("rsa-private.pem")))
        .contains("found RSA (OID 1.2.840.113549.1.1.1)"));
    assertTrue(assertInvalid(() -> PemKeys.loadPublicKey(path("rsa-public.pem"))).contains("found RSA"));
    assertTrue(assertInvalid(() -> PemKeys.loadPublicKey(path("p256-public.pem"))).contains("found EC"));
  }

  @Test
  void rejectsUnsupportedEncryptionSchemes() {
    String msg = assertInvalid(() -> PemKeys.loadPrivateKey(path("x25519-private-pbe-sha1-3des.pem"), PASSWORD));
    assertTrue(msg.contains("unsupported encryption scheme pbeWithSHA1And3-KeyTripleDES-CBC"), msg);
  }

  @Test
  void rejectsWrongBlockKinds() {
    String priv = text("x25519-private.pem");
    String pub = text("x25519-public.pem");
    assertTrue(assertInvalid(() -> PemKeys.publicKeyFromPem(priv)).contains("found PRIVATE KEY"));
    assertTrue(assertInvalid(() -> PemKeys.privateKeyFromPem(pub)).contains("found a PUBLIC KEY"));
    assertTrue(assertInvalid(() -> PemKeys.privateKeyFromPem(priv.replace("PRIVATE KEY", "RSA PRIVATE KEY")))
        .contains("found RSA PRIVATE KEY"));
    assertTrue(assertInvalid(() -> PemKeys.privateKeyFromPem(priv.replace("END PRIVATE", "END PUBLIC")))
        .contains("does not match"));
  }

  @Test
  void rejectsTextAroundAndSecondBlocks() {
    String priv = text("x25519-private.pem");
    String pub = text("x25519-public.pem");
    assertTrue(assertInvalid(() -> PemKeys.privateKeyFromPem(priv + pub)).contains("more than one PEM block"));
    assertTrue(assertInvalid(() -> PemKeys.privateKeyFromPem(priv + priv)).contains("more than one PEM block"));
    assertTrue(assertInvalid(() -> PemKeys.publicKeyFromPem(pub + priv)).contains("more than one PEM block"));
    assertTrue(assertInvalid(() -> PemKeys.privateKeyFromPem(priv + "garbage\n")).contains("after the PEM block"));
    assertTrue(assertInvalid(() -> PemKeys.privateKeyFromPem("Key:\n" + priv)).contains("before the PEM block"));
    assertInvalid(() -> PemKeys.privateKeyFromPem(priv.replace("-----\nMC4", "-----\nProc-Type: 4,ENCRYPTED\n\nMC4")));
    assertTrue(assertInvalid(() -> PemKeys.privateKeyFromPem("")).contains("no PEM block"));
    assertTrue(assertInvalid(() -> PemKeys.privateKeyFromPem(" \n\t\r\n")).contains("no PEM block"));
    assertTrue(assertInvalid(() -> PemKeys.privateKeyFromPem("hello")).contains("no PEM BEGIN"));
    assertTrue(assertInvalid(() -> PemKeys.privateKeyFromPem(priv.replace("BEGIN PRIVATE KEY", "BEGIN private key")))
        .contains("malformed BEGIN line"));
    assertTrue(assertInvalid(() -> PemKeys.privateKeyFromPem(priv.substring(0, priv.indexOf("-----END"))))
        .contains("missing END"));
  }

  @Test
  void rejectsBadBase64() {
    String pub = text("x25519-public.pem"); // body ends "...jGUHAg="
    assertTrue(pub.contains("HAg=\n"));
    assertTrue(assertInvalid(() -> PemKeys.publicKeyFromPem(pub.replace("HAg=", "HAg*"))).contains("unexpected character"));
    assertTrue(assertInvalid(() -> PemKeys.publicKeyFromPem(pub.replace("HAg=", "HAg"))).contains("not valid base64"));
    // 'h' leaves a non-zero unused bit: a second spelling of the same bytes.
    assertTrue(assertInvalid(() -> PemKeys.publicKeyFromPem(pub.replace("HAg=", "HAh="))).contains("not valid base64"));
    assertTrue(assertInvalid(() -> PemKeys.publicKeyFromPem(pub.replace("MCow", "MC=w"))).contains("not valid base64"));
    assertTrue(assertInvalid(() -> PemKeys.publicKeyFromPem(pub.replace("MCow", "MC-w"))).contains("unexpected character"));
    String emptyBody = "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n";
    assertTrue(assertInvalid(() -> PemKeys.publicKeyFromPem(emptyBody)).contains("empty PEM body"));
  }

  @Test
  void truncatedDerAtEveryLengthFailsTyped() throws Exception {
    checkEveryTruncation("PRIVATE KEY", Pem.decode(text("x25519-private.pem")).der, null);
    checkEveryTruncation("PUBLIC KEY", Pem.decode(text("x25519-public.pem")).der, null);
    checkEveryTruncation("ENCRYPTED PRIVATE KEY", Pem.decode(text("x25519-private-aes256-sha256.pem")).der, PASSWORD);
    checkEveryTruncation("ENCRYPTED PRIVATE KEY", Pem.decode(text("x25519-private-aes256-sha1.pem")).der, PASSWORD);
  }

  private static void checkEveryTruncation(String label, byte[] der, char[] password) {
    for (int n = 0; n < der.length; n++) {
      String pem = Pem.encode(label, Arrays.copyOf(der, n));
      String msg = assertInvalid(() -> parse(label, pem, password));
      // Every prefix breaks the outer DER lengths, so it fails before any key derivation.
      assertTrue(msg.contains("malformed DER") || n == 0 && msg.contains("empty PEM body"), n + ": " + msg);
    }
    byte[] longer = Arrays.copyOf(der, der.length + 1);
    assertTrue(assertInvalid(() -> parse(label, Pem.encode(label, longer), password)).contains("unexpected data"));
  }

  private static Object parse(String label, String pem, char[] password) throws SealpostException {
    return label.equals("PUBLIC KEY") ? PemKeys.publicKeyFromPem(pem) : PemKeys.privateKeyFromPem(pem, password);
  }

  @Test
  void acceptsVersion2WithMatchingPublicKeyOnly() throws Exception {
    String head = "3051 020101 300506032b656e 04220420" + HexFormat.of().formatHex(PRIV) + " 812100";
    byte[] good = hex(head + HexFormat.of().formatHex(PUB));
    assertArrayEquals(PRIV, PemKeys.privateKeyFromPem(Pem.encode("PRIVATE KEY", good)).toBytes());
    byte[] otherPub = PUB.clone();
    otherPub[0] ^= 1;
    byte[] bad = hex(head + HexFormat.of().formatHex(otherPub));
    assertTrue(assertInvalid(() -> PemKeys.privateKeyFromPem(Pem.encode("PRIVATE KEY", bad))).contains("does not match"));
    // Version 0 must not carry a public key (RFC 5958).
    byte[] v0 = hex(head.replace("020101", "020100") + HexFormat.of().formatHex(PUB));
    assertInvalid(() -> PemKeys.privateKeyFromPem(Pem.encode("PRIVATE KEY", v0)));
  }

  @Test
  void rejectsNonDerAndParameterizedEncodings() {
    String key = HexFormat.of().formatHex(PRIV);
    // Long-form length where the short form fits.
    assertTrue(assertInvalid(() -> PemKeys.privateKeyFromPem(Pem.encode("PRIVATE KEY",
        hex("30812e 020100 300506032b656e 04220420" + key)))).contains("minimally"));
    // Indefinite length.
    assertTrue(assertInvalid(() -> PemKeys.privateKeyFromPem(Pem.encode("PRIVATE KEY",
        hex("3080 020100 300506032b656e 04220420" + key + "0000")))).contains("indefinite"));
    // NULL parameters on id-X25519 (RFC 8410 says absent).
    assertTrue(assertInvalid(() -> PemKeys.privateKeyFromPem(Pem.encode("PRIVATE KEY",
        hex("3030 020100 300706032b656e0500 04220420" + key)))).contains("no parameters"));
    // 31-byte key.
    assertTrue(assertInvalid(() -> PemKeys.privateKeyFromPem(Pem.encode("PRIVATE KEY",
        hex("302d 020100 300506032b656e 0421041f" + key.substring(2))))).contains("32 bytes"));
    // Public key BIT STRING with unused bits.
    assertTrue(assertInvalid(() -> PemKeys.publicKeyFromPem(Pem.encode("PUBLIC KEY",
        hex("302a 300506032b656e 032101" + HexFormat.of().formatHex(PUB))))).contains("no unused bits"));
  }

  @Test
  void fuzzedInputsOnlyFailTyped() throws Exception {
    Random rnd = new Random(20240601);
    byte[][] ders = {
        Pem.decode(text("x25519-private.pem")).der,
        Pem.decode(text("x25519-public.pem")).der,
        Pem.decode(text("x25519-private-aes128-sha256.pem")).der};
    String[] labels = {"PRIVATE KEY", "PUBLIC KEY", "ENCRYPTED PRIVATE KEY"};
    for (int i = 0; i < 1500; i++) {
      int k = i % 3;
      byte[] d = mutate(ders[k], rnd);
      String pem = Pem.encode(labels[k], d);
      tryParse(() -> parse(labels[k], pem, k == 2 ? PASSWORD : null));
      tryParse(() -> PemKeys.privateKeyFromPem(pem));
      tryParse(() -> PemKeys.publicKeyFromPem(pem));
    }
    String base = text("x25519-private.pem");
    for (int i = 0; i < 3000; i++) {
      char[] c = base.toCharArray();
      c[rnd.nextInt(c.length)] = (char) rnd.nextInt(0x3000);
      String s = new String(c, 0, rnd.nextInt(c.length + 1));
      tryParse(() -> PemKeys.privateKeyFromPem(s));
      tryParse(() -> PemKeys.publicKeyFromPem(s));
    }
  }

  private static byte[] mutate(byte[] der, Random rnd) {
    byte[] d = der.clone();
    switch (rnd.nextInt(3)) {
      case 0:
        d[rnd.nextInt(d.length)] ^= (byte) (1 << rnd.nextInt(8));
        return d;
      case 1:
        d[rnd.nextInt(d.length)] = (byte) rnd.nextInt(256);
        return d;
      default:
        int at = rnd.nextInt(d.length);
        byte[] out = new byte[d.length + 1];
        System.arraycopy(d, 0, out, 0, at);
        out[at] = (byte) rnd.nextInt(256);
        System.arraycopy(d, at, out, at + 1, d.length - at);
        return out;
    }
  }

  private interface Call {
    Object run() throws SealpostException;
  }

  private static void tryParse(Call call) {
    try {
      call.run();
    } catch (SealpostException e) {
      assertEquals(ErrorCategory.INVALID_KEY_MATERIAL, e.category());
    } catch (RuntimeException e) {
      fail("unchecked exception escaped", e);
    }
  }

  @Test
  void fileErrors(@TempDir Path dir) throws Exception {
    assertTrue(assertInvalid(() -> PemKeys.loadPrivateKey(dir.resolve("missing.pem"))).contains("cannot read"));
    assertInvalid(() -> PemKeys.loadPublicKey(dir));
    Path big = dir.resolve("big.pem");
    Files.write(big, new byte[PemKeys.MAX_FILE_BYTES + 1]);
    assertTrue(assertInvalid(() -> PemKeys.loadPrivateKey(big)).contains("larger than"));
    Path latin1 = dir.resolve("latin1.pem");
    Files.write(latin1, (text("x25519-private.pem") + "\u00e9").getBytes(StandardCharsets.ISO_8859_1));
    assertTrue(assertInvalid(() -> PemKeys.loadPrivateKey(latin1)).contains("UTF-8"));
    String msg = assertInvalid(() -> PemKeys.loadPrivateKey(path("ed25519-private.pem")));
    assertTrue(msg.startsWith("invalid-key-material: key file ") && msg.contains("ed25519-private.pem: not an X25519"), msg);
  }

  @Test
  void messagesCarryNoKeyMaterial() {
    String b64 = Base64.getEncoder().encodeToString(PRIV);
    String hexKey = HexFormat.of().formatHex(PRIV);
    String pem = Pem.encode("PRIVATE KEY", hex("302e 020100 300506032b656f 04220420" + hexKey)); // X448 OID
    String msg = assertInvalid(() -> PemKeys.privateKeyFromPem(pem));
    assertFalse(msg.contains(b64.substring(0, 12)) || msg.toLowerCase().contains(hexKey.substring(0, 12)), msg);
    assertFalse(assertInvalid(() -> PemKeys.loadPrivateKey(path("x25519-private-aes256-sha256.pem"), "s3cret!".toCharArray()))
        .contains("s3cret"));
  }
}
