package dev.sealpost.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealpost.codec.format.EnvelopeHeader;
import dev.sealpost.codec.keys.Keyring;
import dev.sealpost.codec.keys.X25519PrivateKey;
import dev.sealpost.codec.kms.TestKms;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** [SEC-2], [SEC-3]: key material never reaches messages or toString, and KEK copies are wiped. */
class KeyMaterialHygieneTest {
  private static final byte[] KEK = TestKeys.pattern(61, 32);
  private static final byte[] OTHER_KEK = TestKeys.pattern(62, 32);

  /** Renderings of key bytes a careless message could contain. */
  private static List<String> renderings(byte[] key) {
    List<String> r = new ArrayList<>();
    r.add(HexFormat.of().formatHex(key));
    r.add(HexFormat.of().withUpperCase().formatHex(key));
    r.add(Base64.getEncoder().encodeToString(key));
    r.add(Base64.getUrlEncoder().withoutPadding().encodeToString(key));
    r.add(Arrays.toString(key));
    // A prefix is enough to leak: any 8-byte window in hex.
    String hex = HexFormat.of().formatHex(key);
    for (int i = 0; i + 16 <= hex.length(); i += 8) {
      r.add(hex.substring(i, i + 16));
    }
    return r;
  }

  private static String fullText(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    StringBuilder sb = new StringBuilder(w.toString());
    for (Throwable c = t; c != null; c = c.getCause()) {
      sb.append('\n').append(c.getMessage());
    }
    return sb.toString();
  }

  private static void assertNoKeyIn(String text, byte[]... keys) {
    for (byte[] key : keys) {
      for (String r : renderings(key)) {
        assertFalse(text.toLowerCase().contains(r.toLowerCase()), "key material in: " + text);
      }
    }
  }

  private static SealpostException failure(Executable e) {
    return assertThrows(SealpostException.class, e);
  }

  // [SEC-3]: no failure message or cause chain names KEK, DEK or private-key bytes.
  @Test
  void sec2_exceptionMessagesCarryNoKeyBytes() throws Exception {
    Keyring keyring = Keyring.builder().add("orders", 1, KEK).build();
    X25519PrivateKey reader = X25519PrivateKey.fromBytes(TestKeys.pattern(63, 32));
    byte[] kmsKey = TestKeys.pattern(64, 32);
    TestKms kms = TestKms.of(Map.of("test-kms://k", kmsKey), new SecureRandom());
    Encryptor enc = Encryptor.builder()
        .recipient(Recipient.symmetric(keyring, "orders"))
        .recipient(Recipient.x25519("reader", 1, reader.publicKey()))
        .recipient(Recipient.kms(kms, "test-kms://k"))
        .build();
    byte[] env = enc.encrypt("secret".getBytes());
    byte[] dek = IndependentCrypto.aesKwUnwrap(KEK, EnvelopeHeader.parse(env).recipients().get(0).wrappedDek());
    byte[][] secrets = {KEK, OTHER_KEK, dek, reader.toBytes(), kmsKey};

    Keyring wrongKek = Keyring.builder().add("orders", 1, OTHER_KEK).build();
    X25519PrivateKey wrongX = X25519PrivateKey.fromBytes(OTHER_KEK);
    TestKms wrongKms = TestKms.of(Map.of("test-kms://k", OTHER_KEK), new SecureRandom());
    byte[] tamperedBody = env.clone();
    tamperedBody[env.length - 1] ^= 1;
    byte[] tamperedCommitment = env.clone();
    tamperedCommitment[DecryptorCacheTest.commitmentOffset(env)] ^= 1;

    List<SealpostException> failures = List.of(
        failure(() -> Decryptor.builder().kekSource(wrongKek).build().decrypt(env)),
        failure(() -> Decryptor.builder().x25519Key("reader", 1, wrongX).build().decrypt(env)),
        failure(() -> Decryptor.builder().kmsClient(wrongKms).kmsKeyUri("test-kms://k").build().decrypt(env)),
        failure(() -> Decryptor.builder().kekSource(keyring).build().decrypt(tamperedBody)),
        failure(() -> Decryptor.builder().kekSource(keyring).build().decrypt(tamperedCommitment)),
        failure(() -> Decryptor.builder().kekSource(keyring).build().decrypt(env, EncryptionContext.of("t", "x"))),
        failure(() -> Keyring.builder().add("orders", 1, Arrays.copyOf(KEK, 31))),
        failure(() -> Keyring.builder().add("orders", 1, KEK).add("orders", 1, KEK)),
        failure(() -> TestKms.of(Map.of("u", Arrays.copyOf(KEK, 33)), new SecureRandom())),
        failure(() -> X25519PrivateKey.fromBytes(Arrays.copyOf(KEK, 31))));
    for (SealpostException f : failures) {
      assertNoKeyIn(fullText(f), secrets);
    }
  }

  // [SEC-3]: toString of key holders is redacted.
  @Test
  void sec2_toStringRedacts() throws Exception {
    Keyring keyring = Keyring.builder().add("orders", 1, KEK).add("orders", 2, OTHER_KEK).build();
    String s = keyring.toString();
    assertTrue(s.contains("orders"), s);
    assertNoKeyIn(s, KEK, OTHER_KEK);
    for (Keyring.Entry e : keyring.entries()) {
      assertNoKeyIn(e.toString(), KEK, OTHER_KEK);
    }
    X25519PrivateKey x = X25519PrivateKey.fromBytes(KEK);
    assertNoKeyIn(x.toString(), KEK);
    assertNoKeyIn(String.valueOf(x.publicKey()), KEK);
    Recipient r = Recipient.symmetric(keyring, "orders");
    assertNoKeyIn(r.toString(), KEK, OTHER_KEK);
    TestKms kms = TestKms.of(Map.of("test-kms://k", KEK), new SecureRandom());
    assertNoKeyIn(kms.toString(), KEK);
  }

  // [SEC-2]: every KEK copy a KekSource hands to the writer is wiped once the DEK is wrapped,
  // for every suite and every symmetric recipient, not only the first.
  @Test
  void sec2_writerWipesKekCopies() throws Exception {
    List<String> leaks = new ArrayList<>();
    for (Suite suite : new Suite[] {Suite.AES_256_GCM, Suite.CHACHA20_POLY1305, Suite.AES_256_SIV}) {
      MutableKekSource source = new MutableKekSource().put("orders", 1, KEK).put("audit", 1, OTHER_KEK);
      Encryptor enc = Encryptor.builder()
          .suite(suite)
          .recipient(Recipient.symmetric(source, "orders"))
          .recipient(Recipient.symmetric(source, "audit"))
          .build();
      enc.encrypt(new byte[1]);
      enc.rotateNow();
      enc.encrypt(new byte[1]);
      assertFalse(source.handedOut().isEmpty());
      String leak = unwiped(source);
      if (leak != null) {
        leaks.add(suite + ": " + leak);
      }
    }
    assertTrue(leaks.isEmpty(), "writer left KEK copies in memory: " + leaks);
  }

  // [SEC-2]: every KEK copy a KekSource hands to the reader is wiped after use, including the
  // ones it only asks for to see whether it holds a key.
  @Test
  void sec2_readerWipesKekCopies() throws Exception {
    MutableKekSource writerKeys = new MutableKekSource().put("orders", 1, KEK);
    byte[] env = Encryptor.builder().recipient(Recipient.symmetric(writerKeys, "orders")).build().encrypt(new byte[1]);
    MutableKekSource source = new MutableKekSource().put("orders", 1, KEK);
    Decryptor.builder().kekSource(source).dekCacheCapacity(0).build().decrypt(env);
    assertFalse(source.handedOut().isEmpty());
    String leak = unwiped(source);
    assertTrue(leak == null, "reader left KEK copies in memory: " + leak);
  }

  /** Null when every copy handed out is all zeros; else which ones are not (never their bytes). */
  private static String unwiped(MutableKekSource source) {
    List<Integer> left = new ArrayList<>();
    List<byte[]> copies = source.handedOut();
    for (int i = 0; i < copies.size(); i++) {
      if (!Arrays.equals(new byte[copies.get(i).length], copies.get(i))) {
        left.add(i);
      }
    }
    return left.isEmpty() ? null : "copies " + left + " of " + copies.size() + " not wiped";
  }
}
