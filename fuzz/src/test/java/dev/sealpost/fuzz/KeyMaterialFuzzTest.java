package dev.sealpost.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.keys.Keyring;
import dev.sealpost.codec.keys.KeyringFile;
import dev.sealpost.codec.keys.PemKeys;
import dev.sealpost.codec.keys.X25519PrivateKey;
import dev.sealpost.codec.keys.X25519PublicKey;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Fuzz targets for the key-material loaders (SPEC.md Appendices B and C, docs/key-material.md):
 * the keyring file and X25519 PEM keys. Every failure must be {@code invalid-key-material}
 * [ERR-1]; an unchecked exception inside a loader is a finding even when the loader wraps it
 * into a SealpostException. What loads must survive a write and re-read unchanged.
 *
 * <p>Inputs are bytes decoded as UTF-8, so seed files are ordinary key files.
 */
class KeyMaterialFuzzTest {
  @FuzzTest(maxDuration = "2m")
  void keyringFile(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    Keyring keyring;
    try {
      keyring = KeyringFile.parse(text);
    } catch (SealpostException e) {
      keyMaterialFailure(e);
      return;
    }
    try {
      String written = KeyringFile.format(keyring);
      Keyring again = KeyringFile.parse(written);
      assertEquals(written, KeyringFile.format(again), "format is canonical");
      List<Keyring.Entry> a = keyring.entries();
      List<Keyring.Entry> b = again.entries();
      assertEquals(a.size(), b.size());
      for (int i = 0; i < a.size(); i++) {
        assertEquals(a.get(i).keyId(), b.get(i).keyId());
        assertEquals(a.get(i).version(), b.get(i).version());
        assertEquals(a.get(i).primary(), b.get(i).primary());
        assertArrayEquals(a.get(i).key(), b.get(i).key());
        assertEquals(keyring.currentVersion(a.get(i).keyId()), again.currentVersion(a.get(i).keyId()));
      }
    } catch (SealpostException e) {
      throw new AssertionError("a keyring that loaded cannot be written and re-read", e);
    }
  }

  @FuzzTest(maxDuration = "2m")
  void privateKeyPem(byte[] input) {
    X25519PrivateKey key;
    try {
      key = PemKeys.privateKeyFromPem(new String(input, StandardCharsets.UTF_8));
    } catch (SealpostException e) {
      keyMaterialFailure(e);
      return;
    }
    try {
      X25519PrivateKey again = PemKeys.privateKeyFromPem(PemKeys.toPem(key));
      assertArrayEquals(key.toBytes(), again.toBytes());
      assertEquals(key.publicKey(), again.publicKey());
    } catch (SealpostException e) {
      throw new AssertionError("a private key that loaded cannot be written and re-read", e);
    }
  }

  @FuzzTest(maxDuration = "2m")
  void publicKeyPem(byte[] input) {
    X25519PublicKey key;
    try {
      key = PemKeys.publicKeyFromPem(new String(input, StandardCharsets.UTF_8));
    } catch (SealpostException e) {
      keyMaterialFailure(e);
      return;
    }
    try {
      assertEquals(key, PemKeys.publicKeyFromPem(PemKeys.toPem(key)));
    } catch (SealpostException e) {
      throw new AssertionError("a public key that loaded cannot be written and re-read", e);
    }
  }

  /** {@code invalid-key-material}, and no unchecked exception hidden in the cause chain. */
  private static void keyMaterialFailure(SealpostException e) {
    Checks.wellFormed(e);
    if (e.category() != ErrorCategory.INVALID_KEY_MATERIAL) {
      throw new AssertionError("key material failed with " + e.getMessage(), e);
    }
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t instanceof RuntimeException) {
        throw new AssertionError("an unchecked exception escaped the parser and was wrapped: " + t, e);
      }
    }
  }
}
