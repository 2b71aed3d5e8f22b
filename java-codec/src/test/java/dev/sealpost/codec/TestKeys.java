package dev.sealpost.codec;

import dev.sealpost.codec.keys.Keyring;
import dev.sealpost.codec.keys.X25519PrivateKey;
import dev.sealpost.codec.kms.TestKms;
import java.security.SecureRandom;
import java.util.Map;

/** Fixed key material for tests; each key is a distinct constant pattern. */
public final class TestKeys {
  public static final String KMS_URI = "test-kms://alpha";

  private TestKeys() {}

  public static byte[] pattern(int seed, int length) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = (byte) (seed * 31 + i * 7);
    }
    return b;
  }

  /** "orders" v1 and v2 (v2 current), "audit" v1. */
  public static Keyring keyring() throws SealpostException {
    return Keyring.builder()
        .add("orders", 1, pattern(1, 32))
        .add("orders", 2, pattern(2, 32))
        .add("audit", 1, pattern(3, 32))
        .build();
  }

  public static X25519PrivateKey consumerKey() throws SealpostException {
    return X25519PrivateKey.fromBytes(pattern(4, 32));
  }

  public static TestKms kms() throws SealpostException {
    return TestKms.of(Map.of(KMS_URI, pattern(5, 32)), new SecureRandom());
  }
}
