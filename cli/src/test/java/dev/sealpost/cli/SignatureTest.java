package dev.sealpost.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10, the CLI part of writer authentication (SPEC.md 16): Ed25519 writer keys from
 * keygen, signing on encrypt, decrypt --trust failing closed and naming the verified signer,
 * inspect showing the signer field as unverified header data [SIG-8].
 */
class SignatureTest {
  @TempDir Path dir;
  private Path ring;
  private final byte[] plain = "a payment of 12.50 EUR\n".getBytes(UTF_8);

  @BeforeEach
  void keys() {
    ring = dir.resolve("app.keyring");
    assertEquals(0, CliTest.run("keygen", "kek", "--keyring", ring.toString(), "--key-id", "orders").code());
    assertEquals(0, CliTest.run("keygen", "ed25519", "--out", dir.resolve("billing").toString()).code());
  }

  private String p(String name) {
    return dir.resolve(name).toString();
  }

  private byte[] encrypt(String... extra) {
    List<String> args = new ArrayList<>(List.of("encrypt", "--keyring", ring.toString(), "--kek", "orders"));
    args.addAll(List.of(extra));
    CliTest.Result r = CliTest.run(plain, args.toArray(String[]::new));
    assertEquals(0, r.code(), r.err());
    return r.out();
  }

  private CliTest.Result decrypt(byte[] envelope, String... extra) {
    List<String> args = new ArrayList<>(List.of("decrypt", "--keyring", ring.toString()));
    args.addAll(List.of(extra));
    return CliTest.run(envelope, args.toArray(String[]::new));
  }

  @Test
  void keygenWritesAPkcs8KeyAndAnSpkiPublicKey() throws Exception {
    String key = Files.readString(dir.resolve("billing.key"));
    String pub = Files.readString(dir.resolve("billing.pub"));
    assertTrue(key.startsWith("-----BEGIN PRIVATE KEY-----\n"), key);
    assertTrue(pub.startsWith("-----BEGIN PUBLIC KEY-----\n"), pub);
    // RFC 8410: the SPKI DER of an Ed25519 key is 44 bytes, whose base64 starts with MCowBQYDK2Vw (OID 1.3.101.112).
    assertTrue(pub.contains("MCowBQYDK2VwAyEA"), pub);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("billing.key"))));
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("billing.pub"))));
    // keys public derives the same public key from the private one.
    CliTest.Result pr = CliTest.run("keys", "public", "--in", p("billing.key"));
    assertEquals(0, pr.code(), pr.err());
    assertEquals(pub, pr.outText());
    // Never overwritten.
    CliTest.assertOneLineError(CliTest.run("keygen", "ed25519", "--out", p("billing")), 1, "already exists");
  }

  @Test
  void keygenEncryptsTheWriterKeyAndTheCodecReadsItBack() throws Exception {
    Path pw = dir.resolve("pw.txt");
    Files.writeString(pw, "correct horse\n");
    Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-------"));
    CliTest.Result r = CliTest.run("keygen", "ed25519", "--out", p("sealed"), "--encrypt", "--password-file", pw.toString(),
        "--iterations", "100000");
    assertEquals(0, r.code(), r.err());
    String key = Files.readString(dir.resolve("sealed.key"));
    assertTrue(key.startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"), key);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("sealed.key"))));
    dev.sealpost.codec.keys.Ed25519PrivateKey loaded =
        dev.sealpost.codec.keys.PemKeys.loadEd25519PrivateKey(dir.resolve("sealed.key"), "correct horse".toCharArray());
    assertEquals(Files.readString(dir.resolve("sealed.pub")), dev.sealpost.codec.keys.PemKeys.toPem(loaded.publicKey()));
    // A wrong password is invalid-key-material, never a key.
    assertThrows(dev.sealpost.codec.SealpostException.class,
        () -> dev.sealpost.codec.keys.PemKeys.loadEd25519PrivateKey(dir.resolve("sealed.key"), "wrong".toCharArray()));
    // --iterations without --encrypt is a usage error, and nothing is written.
    CliTest.assertOneLineError(CliTest.run("keygen", "ed25519", "--out", p("other"), "--iterations", "100000"), 2, "--encrypt");
    assertFalse(Files.exists(dir.resolve("other.key")) || Files.exists(dir.resolve("other.pub")));
  }

  @Test
  void aTrustedSignerIsVerifiedAndNamed() {
    byte[] env = encrypt("--sign", p("billing.key"), "--signer-id", "billing");
    assertArrayEquals(new byte[] {3, 1}, java.util.Arrays.copyOfRange(env, 4, 6), "signed segmented GCM (0301)");
    CliTest.Result r = decrypt(env, "--trust", "billing:1:" + p("billing.pub"));
    assertEquals(0, r.code(), r.err());
    assertArrayEquals(plain, r.out());
    assertEquals("sealpost: standard input: signed by 'billing' v1 (per-dek), verified", r.err().strip());

    // Without --trust the envelope decrypts and no signer is claimed [SIG-8].
    CliTest.Result untrusting = decrypt(env);
    assertEquals(0, untrusting.code(), untrusting.err());
    assertArrayEquals(plain, untrusting.out());
    assertEquals("", untrusting.err());
  }

  @Test
  void perMessageSignaturesUseTheOneShotForm() {
    byte[] env = encrypt("--sign", p("billing.key"), "--signer-id", "billing", "--signer-version", "7",
        "--sign-mode", "per-message");
    assertArrayEquals(new byte[] {1, 1}, java.util.Arrays.copyOfRange(env, 4, 6), "signed one-shot GCM (0101)");
    CliTest.Result r = decrypt(env, "--trust", "billing:7:" + p("billing.pub"));
    assertEquals(0, r.code(), r.err());
    assertArrayEquals(plain, r.out());
    assertTrue(r.err().contains("signed by 'billing' v7 (per-message), verified"), r.err());
  }

  @Test
  void withTrustDecryptionFailsClosed() throws Exception {
    assertEquals(0, CliTest.run("keygen", "ed25519", "--out", p("mallory")).code());
    byte[] signed = encrypt("--sign", p("billing.key"), "--signer-id", "billing");
    byte[] unsigned = encrypt();
    byte[] forged = encrypt("--sign", p("mallory.key"), "--signer-id", "billing"); // claims billing's id
    String trust = "billing:1:" + p("billing.pub");
    CliTest.assertOneLineError(decrypt(unsigned, "--trust", trust), 1, "untrusted-writer");
    CliTest.assertOneLineError(decrypt(forged, "--trust", trust), 1, "signature-invalid");
    CliTest.assertOneLineError(decrypt(signed, "--trust", "payments:1:" + p("billing.pub")), 1, "untrusted-writer");
    CliTest.assertOneLineError(decrypt(signed, "--trust", "billing:2:" + p("billing.pub")), 1, "untrusted-writer");
    // Nothing reached standard output, and an --out file is not left behind.
    assertEquals(0, decrypt(forged, "--trust", trust).out().length);
    CliTest.Result r = decrypt(forged, "--trust", trust, "--out", p("plain.out"));
    assertEquals(1, r.code());
    assertFalse(Files.exists(dir.resolve("plain.out")));
  }

  @Test
  void inspectShowsTheSignerAsUnverifiedHeaderData() {
    byte[] env = encrypt("--sign", p("billing.key"), "--signer-id", "billing", "--signer-version", "3");
    CliTest.Result t = CliTest.run(env, "inspect");
    assertEquals(0, t.code(), t.err());
    assertTrue(t.outText().contains("signer          'billing' v3 (per-dek), unverified"), t.outText());
    CliTest.Result j = CliTest.run(env, "inspect", "--json");
    assertEquals(0, j.code(), j.err());
    assertTrue(j.outText().contains("\"signer\": {\"signerId\": \"billing\", \"version\": 3, \"mode\": \"per-dek\", \"verified\": false}"),
        j.outText());
    assertTrue(j.outText().contains("\"signed\": true, \"segmented\": true"), j.outText());
    // Sizes of a segmented envelope: the 23 plaintext bytes in one segment with one 16-byte tag.
    assertTrue(j.outText().contains("\"plaintext\": 23,"), j.outText());
    CliTest.Result u = CliTest.run(encrypt(), "inspect", "--json");
    assertTrue(u.outText().contains("\"signer\": null"), u.outText());
  }

  @Test
  void rewrapRefusesToDropASignature() throws Exception {
    Path in = dir.resolve("signed.sp");
    Files.write(in, encrypt("--sign", p("billing.key"), "--signer-id", "billing"));
    CliTest.Result r = CliTest.run("rewrap", "--keyring", ring.toString(), "--in", in.toString(), "--out", p("new.sp"));
    CliTest.assertOneLineError(r, 1, "would drop the writer's signature");
    assertFalse(Files.exists(dir.resolve("new.sp")));
  }

  @Test
  void signingOptionsAreCheckedAsUsage() {
    CliTest.assertOneLineError(CliTest.run(plain, "encrypt", "--keyring", ring.toString(), "--kek", "orders",
        "--signer-id", "billing"), 2, "go with --sign");
    CliTest.assertOneLineError(CliTest.run(plain, "encrypt", "--keyring", ring.toString(), "--kek", "orders",
        "--sign", p("billing.key")), 2, "--signer-id");
    CliTest.assertOneLineError(CliTest.run(plain, "encrypt", "--keyring", ring.toString(), "--kek", "orders",
        "--sign", p("billing.key"), "--signer-id", "billing", "--sign-mode", "sometimes"), 2, "per-dek or per-message");
    CliTest.assertOneLineError(decrypt(encrypt(), "--trust", "billing=" + p("billing.pub")), 2, "ID:VERSION:PUBLIC.pem");
  }
}
