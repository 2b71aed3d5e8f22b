package dev.sealpost.codec.keys;

import static dev.sealpost.codec.keys.KeyFixtures.assertInvalid;
import static dev.sealpost.codec.keys.KeyFixtures.hex;
import static dev.sealpost.codec.keys.KeyFixtures.opensslTextField;
import static dev.sealpost.codec.keys.KeyFixtures.path;
import static dev.sealpost.codec.keys.KeyFixtures.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ed25519 writer keys (SPEC.md 16, Appendix C) [SIG-1]. Expected bytes come from RFC 8032's
 * test vectors, RFC 8410's examples and OpenSSL's dump of the fixture keys, never from the code
 * under test.
 */
class Ed25519KeysTest {
  private static final char[] PASSWORD = "correct-horse-battery".toCharArray();
  private static final byte[] PRIV = opensslTextField("ed25519-private.txt", "priv");
  private static final byte[] PUB = opensslTextField("ed25519-private.txt", "pub");

  // RFC 8032 section 7.1, TEST 1 (empty message) and TEST 2 (one byte 0x72).
  @Test
  void sig1_rfc8032Vectors() throws Exception {
    Ed25519PrivateKey k1 = Ed25519PrivateKey.fromSeed(hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
    assertArrayEquals(hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"), k1.publicKey().toBytes());
    byte[] sig1 = hex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
    assertArrayEquals(sig1, k1.sign(ByteBuffer.wrap(new byte[0])));
    assertTrue(k1.publicKey().verify(sig1, ByteBuffer.wrap(new byte[0])));

    Ed25519PrivateKey k2 = Ed25519PrivateKey.fromSeed(hex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"));
    assertArrayEquals(hex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"), k2.publicKey().toBytes());
    byte[] sig2 = hex("92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");
    assertArrayEquals(sig2, k2.sign(ByteBuffer.wrap(new byte[] {0x72})));
    // Split across parts: the signed message is their concatenation.
    assertArrayEquals(sig2, k2.sign(ByteBuffer.wrap(new byte[0]), ByteBuffer.wrap(new byte[] {0x72})));
    assertTrue(k2.publicKey().verify(sig2, ByteBuffer.wrap(new byte[] {0x72})));
    assertFalse(k2.publicKey().verify(sig2, ByteBuffer.wrap(new byte[] {0x73})));
    assertFalse(k1.publicKey().verify(sig2, ByteBuffer.wrap(new byte[] {0x72})));
    assertFalse(k2.publicKey().verify(new byte[63], ByteBuffer.wrap(new byte[] {0x72})));
  }

  @Test
  void generatedKeysSignAndVerifyAndHideTheSeed() throws Exception {
    Ed25519PrivateKey k = Ed25519PrivateKey.generate();
    byte[] sig = k.sign(ByteBuffer.wrap(new byte[] {1, 2, 3}));
    assertTrue(k.publicKey().verify(sig, ByteBuffer.wrap(new byte[] {1, 2, 3})));
    String seedHex = HexFormat.of().formatHex(k.toBytes());
    assertFalse(k.toString().contains(seedHex), k.toString());
    assertFalse(k.toString().toUpperCase().contains(seedHex.toUpperCase()));
  }

  @Test
  void wrongSizesAreInvalidKeyMaterial() {
    assertInvalid(() -> Ed25519PrivateKey.fromSeed(new byte[31]));
    assertInvalid(() -> Ed25519PublicKey.fromBytes(new byte[33]));
  }

  @Test
  void loadsOpensslPkcs8AndSpki() throws Exception {
    Ed25519PrivateKey k = PemKeys.loadEd25519PrivateKey(path("ed25519-private.pem"), null);
    assertArrayEquals(PRIV, k.toBytes());
    assertArrayEquals(PUB, k.publicKey().toBytes());
    assertArrayEquals(PUB, PemKeys.loadEd25519PublicKey(path("ed25519-public.pem")).toBytes());
  }

  @Test
  void loadsOpensslEncryptedPkcs8() throws Exception {
    Ed25519PrivateKey k = PemKeys.loadEd25519PrivateKey(path("ed25519-private-aes256-sha256.pem"), PASSWORD);
    assertArrayEquals(PRIV, k.toBytes());
    assertTrue(assertInvalid(() -> PemKeys.loadEd25519PrivateKey(path("ed25519-private-aes256-sha256.pem"), "wrong".toCharArray()))
        .contains("password"));
    assertInvalid(() -> PemKeys.loadEd25519PrivateKey(path("ed25519-private-aes256-sha256.pem"), null));
  }

  // RFC 8410 section 10.3 (private key) and 10.1 (its public key).
  @Test
  void rfc8410Examples() throws Exception {
    Ed25519PrivateKey k = PemKeys.ed25519PrivateKeyFromPem(
        "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC\n-----END PRIVATE KEY-----\n", null);
    Ed25519PublicKey p = PemKeys.ed25519PublicKeyFromPem(
        "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----\n");
    assertEquals(p, k.publicKey());
    // Version 1 with a matching [1] public key and an attribute, as RFC 8410 10.3 shows it.
    Ed25519PrivateKey v1 = PemKeys.ed25519PrivateKeyFromPem(
        "-----BEGIN PRIVATE KEY-----\nMHICAQEwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC\n"
            + "oB8wHQYKKoZIhvcNAQkJFDEPDA1DdXJkbGUgQ2hhaXJzgSEAGb9ECWmEzf6FQbrB\nZ9w7lshQhqowtrbLDFw4rXAxZuE=\n"
            + "-----END PRIVATE KEY-----\n", null);
    assertEquals(p, v1.publicKey());
  }

  @Test
  void writesWhatOpensslWrites(@TempDir Path dir) throws Exception {
    Ed25519PrivateKey k = PemKeys.loadEd25519PrivateKey(path("ed25519-private.pem"), null);
    assertEquals(text("ed25519-private.pem"), PemKeys.toPem(k));
    assertEquals(text("ed25519-public.pem"), PemKeys.toPem(k.publicKey()));
    Path written = dir.resolve("k.pem");
    Files.writeString(written, PemKeys.toPem(k.publicKey()));
    assertEquals(k.publicKey(), PemKeys.loadEd25519PublicKey(written));
  }

  @Test
  void otherAlgorithmsAreRefused() {
    assertTrue(assertInvalid(() -> PemKeys.loadEd25519PrivateKey(path("x25519-private.pem"), null)).contains("not an Ed25519 key"));
    assertTrue(assertInvalid(() -> PemKeys.loadEd25519PublicKey(path("x25519-public.pem"))).contains("not an Ed25519 key"));
    assertInvalid(() -> PemKeys.loadEd25519PublicKey(path("ed25519-private.pem")));
    assertInvalid(() -> PemKeys.loadEd25519PrivateKey(path("ed25519-public.pem"), null));
  }
}
