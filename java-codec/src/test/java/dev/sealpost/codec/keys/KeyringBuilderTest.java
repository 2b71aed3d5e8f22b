package dev.sealpost.codec.keys;

import static dev.sealpost.codec.keys.KeyFixtures.assertInvalid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KeyringBuilderTest {
  private static final byte[] K = new byte[32];

  @Test
  void rejectsDuplicatesAndSecondPrimary() throws Exception {
    Keyring.Builder b = Keyring.builder().add("a", 1, K).add("a", 2, K, true).add("b", 1, K, true);
    assertTrue(assertInvalid(() -> b.add("a", 1, K)).contains("duplicate key 'a' version 1"));
    assertTrue(assertInvalid(() -> b.add("a", 3, K, true)).contains("two primary versions for key 'a'"));
    // Same version under another id, and non-primary additions, stay allowed.
    b.add("c", 1, K).add("a", 3, K);
    Keyring k = b.build();
    assertEquals(2, k.currentVersion("a"));
    assertEquals(1, k.currentVersion("c"));
    assertEquals(5, k.entries().size());
  }

  @Test
  void rejectsBadLengthsAndVersions() {
    assertInvalid(() -> Keyring.builder().add("a", 1, new byte[31]));
    assertInvalid(() -> Keyring.builder().add("a", -1, K));
    assertInvalid(() -> Keyring.builder().add("", 1, K));
    assertInvalid(() -> Keyring.builder().add("x".repeat(256), 1, K));
  }
}
