package dev.sealpost.codec.keys;

import static dev.sealpost.codec.keys.KeyFixtures.assertInvalid;
import static dev.sealpost.codec.keys.KeyFixtures.hex;
import static dev.sealpost.codec.keys.KeyFixtures.path;
import static dev.sealpost.codec.keys.KeyFixtures.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.SealpostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class KeyringFileTest {
  private static final String K0 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="; // 00..1f
  private static final String K1 = "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8="; // 20..3f
  private static final byte[] BYTES_00_1F = hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  private static final byte[] BYTES_20_3F = hex("202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f");
  private static final byte[] BYTES_40_5F = hex("404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f");
  private static final byte[] FF = hex("ff".repeat(32));
  private static final byte[] ZERO = new byte[32];
  /** The password of the independently produced encrypted fixture. */
  private static final String FIXTURE_PASSWORD = "Gr\u00fc\u00dfe, Sealpost \uD83D\uDD11";
  private static final int FAST = KeyringFile.MIN_ITERATIONS;

  @Test
  void handWrittenFixtureHasKnownBytes() throws Exception {
    Keyring k = KeyringFile.load(path("keyring-plain.txt"));
    assertArrayEquals(BYTES_00_1F, k.kek("orders", 1).orElseThrow());
    assertArrayEquals(BYTES_20_3F, k.kek("orders", 2).orElseThrow());
    assertArrayEquals(BYTES_40_5F, k.kek("orders", 3).orElseThrow());
    assertArrayEquals(FF, k.kek("payments/eu", Integer.MAX_VALUE).orElseThrow());
    assertArrayEquals(ZERO, k.kek("payments/eu", 0).orElseThrow());
    assertArrayEquals(BYTES_40_5F, k.kek("cl\u00e9s", 7).orElseThrow());
    assertTrue(k.kek("orders", 4).isEmpty());
    assertTrue(k.kek("Orders", 1).isEmpty(), "key ids are compared exactly");
    assertEquals(6, k.entries().size());
  }

  @Test
  void currentVersionIsPrimaryElseHighest() throws Exception {
    Keyring k = KeyringFile.load(path("keyring-plain.txt"));
    assertEquals(2, k.currentVersion("orders"), "primary wins over the higher v3");
    assertEquals(Integer.MAX_VALUE, k.currentVersion("payments/eu"), "highest, listed first");
    assertEquals(7, k.currentVersion("cl\u00e9s"));
    Keyring noPrimary = KeyringFile.parse("sealpost-keyring v1\nkey a 3 " + K0 + "\nkey a 10 " + K1 + "\nkey a 9 " + K0 + "\n");
    assertEquals(10, noPrimary.currentVersion("a"), "numeric, not lexical, order");
    SealpostException e = assertThrows(SealpostException.class, () -> noPrimary.currentVersion("b"));
    assertEquals(ErrorCategory.NO_MATCHING_KEY, e.category());
  }

  @Test
  void crlfAndLfReadTheSame() throws Exception {
    String lf = text("keyring-plain.txt");
    Keyring a = KeyringFile.parse(lf);
    Keyring b = KeyringFile.parse(lf.replace("\n", "\r\n"));
    Keyring c = KeyringFile.parse(lf.substring(0, lf.length() - 1)); // no final newline
    assertEquals(KeyringFile.format(a), KeyringFile.format(b));
    assertEquals(KeyringFile.format(a), KeyringFile.format(c));
  }

  @Test
  void decryptsIndependentlyProducedFixture() throws Exception {
    Keyring k = KeyringFile.load(path("keyring-encrypted.txt"), FIXTURE_PASSWORD.toCharArray());
    assertEquals(2, k.entries().size());
    assertArrayEquals(BYTES_00_1F, k.kek("orders", 1).orElseThrow());
    assertArrayEquals(BYTES_20_3F, k.kek("orders", 2).orElseThrow());
    assertEquals(2, k.currentVersion("orders"));
    // The associated data is the header lines each with LF, so CRLF conversion is harmless.
    Keyring crlf = KeyringFile.parse(text("keyring-encrypted.txt").replace("\n", "\r\n"), FIXTURE_PASSWORD.toCharArray());
    assertArrayEquals(BYTES_20_3F, crlf.kek("orders", 2).orElseThrow());
  }

  @Test
  void encryptedFixtureFailures() {
    String enc = text("keyring-encrypted.txt");
    char[] pw = FIXTURE_PASSWORD.toCharArray();
    // NFD spelling of the same password: no normalization is applied, so it is wrong.
    String nfd = "Gru\u0308\u00dfe, Sealpost \uD83D\uDD11";
    for (String wrong : new String[] {"Grusse, Sealpost", nfd, FIXTURE_PASSWORD + " "}) {
      String msg = assertInvalid(() -> KeyringFile.parse(enc, wrong.toCharArray()));
      assertTrue(msg.contains("wrong password"), msg);
      assertFalse(msg.contains("Sealpost"), "no password in messages");
    }
    assertTrue(assertInvalid(() -> KeyringFile.parse(enc)).contains("password is required"));
    assertTrue(assertInvalid(() -> KeyringFile.load(path("keyring-encrypted.txt"))).contains("password is required"));
    assertTrue(assertInvalid(() -> KeyringFile.parse(enc, new char[0])).contains("must not be empty"));
    // Any change to the authenticated header fails, e.g. a comment slipped in or a field altered.
    assertInvalid(() -> KeyringFile.parse(enc.replace("kdf pbkdf2", "# x\nkdf pbkdf2"), pw));
    assertTrue(assertInvalid(() -> KeyringFile.parse(enc.replace("nonce wMHC", "nonce wMHD"), pw)).contains("wrong password"));
    String ct = enc.substring(enc.indexOf("ciphertext ") + 11, enc.length() - 1);
    String flipped = (ct.charAt(0) == 'A' ? "B" : "A") + ct.substring(1);
    assertTrue(assertInvalid(() -> KeyringFile.parse(enc.replace(ct, flipped), pw)).contains("wrong password"));
  }

  @Test
  void plainKeyringRejectsPassword() {
    String msg = assertInvalid(() -> KeyringFile.load(path("keyring-plain.txt"), "pw".toCharArray()));
    assertTrue(msg.contains("not encrypted, but a password was given"), msg);
  }

  @Test
  void formatIsExact() throws Exception {
    Keyring k = Keyring.builder()
        .add("orders", 1, BYTES_00_1F)
        .add("orders", 2, BYTES_20_3F, true)
        .add("cl\u00e9s", 0, BYTES_00_1F)
        .build();
    assertEquals("sealpost-keyring v1\n"
        + "key orders 1 " + K0 + "\n"
        + "key orders 2 " + K1 + " primary\n"
        + "key cl\u00e9s 0 " + K0 + "\n", KeyringFile.format(k));
    assertEquals("sealpost-keyring v1\n", KeyringFile.format(Keyring.builder().build()));
  }

  @Test
  void plainRoundTrip() throws Exception {
    Keyring k = sample();
    Keyring back = KeyringFile.parse(KeyringFile.format(k));
    assertSameEntries(k, back);
    assertEquals(KeyringFile.format(k), KeyringFile.format(back));
    assertTrue(KeyringFile.parse("sealpost-keyring v1\n").entries().isEmpty());
  }

  @Test
  void encryptedRoundTrip() throws Exception {
    Keyring k = sample();
    char[] pw = "p\u00e4ss \uD83D\uDD11 word".toCharArray();
    SecureRandom random = new SecureRandom();
    String a = KeyringFile.formatEncrypted(k, pw, random, FAST);
    String b = KeyringFile.formatEncrypted(k, pw, random, FAST);
    assertNotEquals(a, b, "fresh salt and nonce each time");
    assertTrue(a.startsWith("sealpost-keyring-encrypted v1\nkdf pbkdf2-hmac-sha256\niterations 100000\nsalt "));
    assertEquals(6, a.split("\n", -1).length - 1, "six LF-terminated lines");
    assertSameEntries(k, KeyringFile.parse(a, pw));
    assertSameEntries(k, KeyringFile.parse(b, pw));
    assertArrayEquals("p\u00e4ss \uD83D\uDD11 word".toCharArray(), pw, "password array untouched");
    assertTrue(assertInvalid(() -> KeyringFile.parse(a, "p\u00e4ss".toCharArray())).contains("wrong password"));
  }

  @Test
  void defaultIterationsIs600000() throws Exception {
    String enc = KeyringFile.formatEncrypted(sample(), "pw".toCharArray(), new SecureRandom());
    assertEquals("iterations 600000", enc.split("\n")[2]);
  }

  @Test
  void iterationBounds() throws Exception {
    Keyring k = sample();
    assertThrows(IllegalArgumentException.class,
        () -> KeyringFile.formatEncrypted(k, "pw".toCharArray(), new SecureRandom(), 99_999));
    assertThrows(IllegalArgumentException.class,
        () -> KeyringFile.formatEncrypted(k, "pw".toCharArray(), new SecureRandom(), 5_000_001));
    String enc = text("keyring-encrypted.txt");
    for (String it : new String[] {
        "99999", "5000001", "10000000", "2147483647", "1", "0", "2147483648", "0100000", "+100000", "1e5", ""}) {
      // Rejected before any key derivation runs, so a crafted file cannot stall the reader.
      String msg = assertInvalid(() -> KeyringFile.parse(enc.replace("iterations 100000", "iterations " + it), "x".toCharArray()));
      assertTrue(msg.contains("line 3: iterations must be a decimal integer 100000..5000000"), msg);
    }
  }

  @Test
  void iterationCeilingIsInclusive() {
    // 5,000,000 passes the bound check and reaches the derivation (one, about a second); the
    // altered line 3 is part of the associated data, so it then fails authentication.
    String enc = text("keyring-encrypted.txt").replace("iterations 100000", "iterations 5000000");
    String msg = assertInvalid(() -> KeyringFile.parse(enc, FIXTURE_PASSWORD.toCharArray()));
    assertTrue(msg.contains("wrong password, or the encrypted keyring was altered"), msg);
  }

  static Stream<Arguments> syntaxErrors() {
    String h = "sealpost-keyring v1\n";
    String nbsp = "a\u00a0b";
    return Stream.of(
        Arguments.of("", "empty"),
        Arguments.of("\n", "line 1: not a Sealpost keyring"),
        Arguments.of("key a 1 " + K0 + "\n", "line 1: not a Sealpost keyring"),
        Arguments.of("sealpost-keyring v2\n", "line 1: unsupported keyring header"),
        Arguments.of("sealpost-keyring  v1\n", "line 1: unsupported keyring header"),
        Arguments.of("\uFEFF" + h, "line 1: the file starts with a byte-order mark"),
        Arguments.of("# comment first\n" + h, "line 1: not a Sealpost keyring"),
        Arguments.of(h + "kye a 1 " + K0 + "\n", "line 2: unknown directive"),
        Arguments.of(h + "KEY a 1 " + K0 + "\n", "line 2: unknown directive"),
        Arguments.of(h + "\nkey a 1\n", "line 3: expected 'key <key-id> <version> <base64 key> [primary]', found 3"),
        Arguments.of(h + "key\n", "line 2: expected 'key"),
        Arguments.of(h + "key a 1 " + K0 + " Primary\n", "line 2: unexpected field after the key"),
        Arguments.of(h + "key a 1 " + K0 + " primary x\n", "line 2: unexpected field"),
        Arguments.of(h + "key a 1 " + K0 + " # trailing comment\n", "line 2: unexpected field"),
        Arguments.of(h + "key a -1 " + K0 + "\n", "line 2: version must be"),
        Arguments.of(h + "key a 01 " + K0 + "\n", "line 2: version must be"),
        Arguments.of(h + "key a +1 " + K0 + "\n", "line 2: version must be"),
        Arguments.of(h + "key a 2147483648 " + K0 + "\n", "line 2: version must be"),
        Arguments.of(h + "key a 99999999999 " + K0 + "\n", "line 2: version must be"),
        Arguments.of(h + "key a 1.0 " + K0 + "\n", "line 2: version must be"),
        Arguments.of(h + "key a \u0661 " + K0 + "\n", "line 2: version must be"),
        Arguments.of(h + "key a 1 " + K0.replace('=', '*') + "\n", "line 2: key is not canonical padded base64"),
        Arguments.of(h + "key a 1 " + K0.substring(0, 43) + "\n", "line 2: key is not canonical padded base64"),
        Arguments.of(h + "key a 1 " + K0.replace("Hh8=", "Hh9=") + "\n", "line 2: key is not canonical padded base64"),
        Arguments.of(h + "key a 1 //////////////////////////////////////////8=\n", null),
        Arguments.of(h + "key a 1 __________________________________________8=\n", "line 2: key is not canonical padded base64"),
        Arguments.of(h + "key a 1 AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg==\n", "line 2: key must be 32 bytes, got 31"),
        Arguments.of(h + "key a 1 AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g\n", "line 2: key must be 32 bytes, got 33"),
        Arguments.of(h + "key a 1 " + K0 + "\n# c\nkey a 1 " + K1 + "\n", "line 4: duplicate key 'a' version 1 (first on line 2)"),
        Arguments.of(h + "key a 1 " + K0 + " primary\nkey a 2 " + K1 + " primary\n", "line 3: second primary version for key 'a' (first on line 2)"),
        Arguments.of(h + "key " + "x".repeat(256) + " 1 " + K0 + "\n", "line 2: invalid key id: must be 1..255 UTF-8 bytes, got 256"),
        Arguments.of(h + "key " + "\u00e9".repeat(128) + " 1 " + K0 + "\n", "line 2: invalid key id: must be 1..255 UTF-8 bytes, got 256"),
        Arguments.of(h + "key " + nbsp + " 1 " + K0 + "\n", "line 2: invalid key id: contains the forbidden character U+00A0"),
        Arguments.of(h + "key a\u2028b 1 " + K0 + "\n", "line 2: invalid key id: contains the forbidden character U+2028"),
        Arguments.of(h + "key a\u0085b 1 " + K0 + "\n", "line 2: invalid key id: contains the forbidden character U+0085"),
        Arguments.of(h + "key \uFEFFa 1 " + K0 + "\n", "line 2: invalid key id: contains the forbidden character U+FEFF"),
        Arguments.of(h + "key a\u0000b 1 " + K0 + "\n", "line 2: control character"),
        Arguments.of(h + "key a 1 " + K0 + "\rkey b 1 " + K0 + "\n", "line 2: control character"),
        Arguments.of(h + "# ok\n\u000c\n", "line 3: control character"),
        Arguments.of(h + "key a\u007fb 1 " + K0 + "\n", "line 2: control character"),
        Arguments.of(h + "key a\uD800 1 " + K0 + "\n", "unpaired surrogate"),
        Arguments.of(h + "# " + "x".repeat(KeyringFile.MAX_FILE_BYTES) + "\n", "larger than 1048576 bytes"),
        Arguments.of(h + "# " + "\u00e9".repeat(KeyringFile.MAX_FILE_BYTES / 2) + "\n", "larger than 1048576 bytes"));
  }

  @ParameterizedTest
  @MethodSource("syntaxErrors")
  void syntaxErrorsAreTypedWithLineNumbers(String text, String expected) throws Exception {
    if (expected == null) {
      KeyringFile.parse(text); // control case: the same shape, valid
      return;
    }
    String msg = assertInvalid(() -> KeyringFile.parse(text));
    assertTrue(msg.contains(expected), "expected '" + expected + "' in: " + msg);
  }

  static Stream<Arguments> encryptedSyntaxErrors() {
    String enc = text("keyring-encrypted.txt");
    String[] l = enc.split("\n");
    return Stream.of(
        Arguments.of(enc + "\n", "exactly 6 lines"),
        Arguments.of(enc.replace(l[5] + "\n", ""), "exactly 6 lines"),
        Arguments.of(enc.replace("kdf pbkdf2-hmac-sha256", "kdf scrypt"), "line 2: unsupported kdf"),
        Arguments.of(enc.replace("kdf pbkdf2", "kdf  pbkdf2"), "line 2: unsupported kdf"),
        Arguments.of(enc.replace(l[1] + "\n" + l[2], l[2] + "\n" + l[1]), "line 2: expected 'kdf <value>'"),
        Arguments.of(enc.replace("salt ", "Salt "), "line 4: expected 'salt <value>'"),
        Arguments.of(enc.replace("salt oKGio6SlpqeoqaqrrK2urw==", "salt oKGio6SlpqeoqaqrrK2u"), "line 4: salt must be"),
        Arguments.of(enc.replace("salt oKGio6SlpqeoqaqrrK2urw==", "salt oKGio6SlpqeoqaqrrK2urx=="), "line 4: salt must be"),
        Arguments.of(enc.replace("nonce wMHCw8TFxsfIycrL", "nonce wMHCw8TFxsfIycrLzA=="), "line 5: nonce must be"),
        Arguments.of(enc.replace(l[5], "ciphertext AAAA"), "line 6: ciphertext must be"),
        Arguments.of(enc.replace(l[5], l[5] + " "), "line 6: ciphertext must be"),
        Arguments.of(enc.replace(l[5], "ciphertext " + l[5].substring(12)), "line 6: ciphertext must be"));
  }

  @ParameterizedTest
  @MethodSource("encryptedSyntaxErrors")
  void encryptedSyntaxErrorsAreTyped(String text, String expected) {
    String msg = assertInvalid(() -> KeyringFile.parse(text, FIXTURE_PASSWORD.toCharArray()));
    assertTrue(msg.contains(expected), "expected '" + expected + "' in: " + msg);
  }

  @Test
  void encryptedContentIsParsedStrictly() throws Exception {
    String ok = "sealpost-keyring v1\nkey a 1 " + K0 + "\n";
    assertArrayEquals(BYTES_00_1F, KeyringFile.parse(encryptByHand(ok.getBytes(StandardCharsets.UTF_8)), "pw".toCharArray())
        .kek("a", 1).orElseThrow());
    String msg = assertInvalid(() -> KeyringFile.parse(
        encryptByHand("sealpost-keyring v1\nkey a 1\n".getBytes(StandardCharsets.UTF_8)), "pw".toCharArray()));
    assertTrue(msg.contains("decrypted keyring: line 2: expected 'key"), msg);
    msg = assertInvalid(() -> KeyringFile.parse(encryptByHand(new byte[] {'s', (byte) 0xff}), "pw".toCharArray()));
    assertTrue(msg.contains("not valid UTF-8"), msg);
    msg = assertInvalid(() -> KeyringFile.parse(encryptByHand(text("keyring-encrypted.txt").getBytes(StandardCharsets.UTF_8)),
        "pw".toCharArray()));
    assertTrue(msg.contains("not a plain keyring"), msg);
    msg = assertInvalid(() -> KeyringFile.parse(encryptByHand(new byte[0]), "pw".toCharArray()));
    assertTrue(msg.contains("empty"), msg);
  }

  /** The encrypted form built from docs/key-material.md with plain JCE calls, password "pw". */
  private static String encryptByHand(byte[] plaintext) throws Exception {
    byte[] salt = new byte[16];
    byte[] nonce = new byte[12];
    String header = "sealpost-keyring-encrypted v1\nkdf pbkdf2-hmac-sha256\niterations 100000\nsalt "
        + Base64.getEncoder().encodeToString(salt) + "\nnonce " + Base64.getEncoder().encodeToString(nonce) + "\n";
    byte[] key = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
        .generateSecret(new PBEKeySpec("pw".toCharArray(), salt, 100_000, 256)).getEncoded();
    Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
    gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
    gcm.updateAAD(header.getBytes(StandardCharsets.US_ASCII));
    return header + "ciphertext " + Base64.getEncoder().encodeToString(gcm.doFinal(plaintext)) + "\n";
  }

  @Test
  void formatRejectsKeyIdsTheFileCannotHold() throws Exception {
    Keyring k = Keyring.builder().add("has space", 1, BYTES_00_1F).build();
    assertTrue(assertInvalid(() -> KeyringFile.format(k)).contains("U+0020"));
    Keyring tab = Keyring.builder().add("has\ttab", 1, BYTES_00_1F).build();
    assertInvalid(() -> KeyringFile.format(tab));
  }

  @Test
  void messagesCarryNoKeyMaterial() throws Exception {
    String badLength = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg==";
    String msg = assertInvalid(() -> KeyringFile.parse("sealpost-keyring v1\nkey a 1 " + badLength + "\n"));
    assertFalse(msg.contains("AAECAwQF"), msg);
    msg = assertInvalid(() -> KeyringFile.parse("sealpost-keyring v1\n" + K0 + "\n"));
    assertFalse(msg.contains("AAECAwQF"), msg);
    msg = assertInvalid(() -> KeyringFile.parse("sealpost-keyring v1\nkey " + K0 + " 1\n"));
    assertFalse(msg.contains("AAECAwQF"), msg);
    assertFalse(sample().toString().contains("AAECAwQF"));
  }

  @Test
  void writeIsAtomicAndOwnerOnly(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("keyring.txt");
    Files.writeString(file, "old");
    boolean posix = Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class);
    if (posix) {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    }
    KeyringFile.write(file, sample());
    assertEquals(KeyringFile.format(sample()), Files.readString(file, StandardCharsets.UTF_8));
    assertSameEntries(sample(), KeyringFile.load(file));
    if (posix) {
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }
    Path encFile = dir.resolve("keyring.enc");
    KeyringFile.write(encFile, sample(), "pw".toCharArray(), new SecureRandom(), FAST);
    assertSameEntries(sample(), KeyringFile.load(encFile, "pw".toCharArray()));
    if (posix) {
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(encFile)));
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of("keyring.enc", "keyring.txt"), files.map(p -> p.getFileName().toString()).sorted().toList(),
          "no temporary files left behind");
    }
    assertInvalid(() -> KeyringFile.write(dir.resolve("no/such/dir/k.txt"), sample()));
  }

  @Test
  void fileErrors(@TempDir Path dir) throws Exception {
    assertTrue(assertInvalid(() -> KeyringFile.load(dir.resolve("missing.txt"))).contains("cannot read"));
    assertInvalid(() -> KeyringFile.load(dir));
    Path big = dir.resolve("big.txt");
    Files.write(big, new byte[KeyringFile.MAX_FILE_BYTES + 1]);
    assertTrue(assertInvalid(() -> KeyringFile.load(big)).contains("larger than"));
    Path latin1 = dir.resolve("latin1.txt");
    Files.write(latin1, "sealpost-keyring v1\nkey cl\u00e9s 1 AAAA\n".getBytes(StandardCharsets.ISO_8859_1));
    assertTrue(assertInvalid(() -> KeyringFile.load(latin1)).contains("not valid UTF-8"));
    Path bad = dir.resolve("bad.txt");
    Files.writeString(bad, "sealpost-keyring v1\nkey a 1\n");
    String msg = assertInvalid(() -> KeyringFile.load(bad));
    assertTrue(msg.contains("bad.txt") && msg.contains("line 2"), msg);
  }

  @Test
  void largestKeyringParses() throws Exception {
    // ~19,000 keys fill the 1 MiB limit; all of them load. Speed is not asserted here.
    StringBuilder sb = new StringBuilder("sealpost-keyring v1\n");
    int n = 0;
    while (sb.length() < KeyringFile.MAX_FILE_BYTES - 64) {
      sb.append("key k ").append(n++).append(' ').append(K0).append('\n');
    }
    Keyring k = KeyringFile.parse(sb.toString());
    assertEquals(n, k.entries().size());
    assertEquals(n - 1, k.currentVersion("k"));
  }

  @Test
  void fuzzedTextOnlyFailsTyped() {
    Random rnd = new Random(7);
    String base = text("keyring-plain.txt");
    String enc = text("keyring-encrypted.txt");
    int ctStart = enc.indexOf("ciphertext ") + 11;
    char[] alphabet = " \t\r\n#=+/0123456789abkeyprimaryAZ\u00e9\u00a0\u2028\uD800\uFEFF".toCharArray();
    for (int i = 0; i < 5000; i++) {
      StringBuilder s = new StringBuilder(base);
      for (int m = rnd.nextInt(3); m >= 0; m--) {
        int at = rnd.nextInt(s.length());
        char c = alphabet[rnd.nextInt(alphabet.length)];
        switch (rnd.nextInt(3)) {
          case 0 -> s.setCharAt(at, c);
          case 1 -> s.insert(at, c);
          default -> s.deleteCharAt(at);
        }
      }
      tryParse(s.toString(), null);
      tryParse(s.substring(0, rnd.nextInt(s.length() + 1)), null);
    }
    for (int i = 0; i < 15; i++) {
      // Only the ciphertext and the end are mutated: a fuzzed iteration count would be slow.
      StringBuilder s = new StringBuilder(enc);
      s.setCharAt(ctStart + rnd.nextInt(enc.length() - ctStart), alphabet[rnd.nextInt(alphabet.length)]);
      tryParse(s.toString(), FIXTURE_PASSWORD.toCharArray());
      tryParse(enc.substring(0, ctStart + rnd.nextInt(enc.length() - ctStart)), FIXTURE_PASSWORD.toCharArray());
    }
  }

  private static void tryParse(String text, char[] password) {
    try {
      KeyringFile.parse(text, password);
    } catch (SealpostException e) {
      assertEquals(ErrorCategory.INVALID_KEY_MATERIAL, e.category());
    } catch (RuntimeException e) {
      fail("unchecked exception escaped", e);
    }
  }

  private static Keyring sample() throws SealpostException {
    return Keyring.builder()
        .add("orders", 1, BYTES_00_1F)
        .add("orders", 7, BYTES_20_3F, true)
        .add("orders", 9, BYTES_40_5F)
        .add("\u65e5\u672c/\uD83D\uDD11", 0, FF)
        .add("aws-kms://arn:aws:kms:eu-west-1:111122223333:key/x", Integer.MAX_VALUE, ZERO)
        .build();
  }

  private static void assertSameEntries(Keyring expected, Keyring actual) {
    assertEquals(expected.entries().size(), actual.entries().size());
    for (int i = 0; i < expected.entries().size(); i++) {
      Keyring.Entry e = expected.entries().get(i);
      Keyring.Entry a = actual.entries().get(i);
      assertEquals(e.keyId(), a.keyId());
      assertEquals(e.version(), a.version());
      assertEquals(e.primary(), a.primary());
      assertArrayEquals(e.key(), a.key());
    }
  }
}
