package dev.sealpost.kafka;

import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.keys.Keyring;
import dev.sealpost.codec.keys.KeyringFile;
import dev.sealpost.codec.keys.PemKeys;
import dev.sealpost.codec.keys.X25519PrivateKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;

/** Key files for tests, written with the codec's own loaders' formats. */
final class Keys {
  private Keys() {}

  static byte[] pattern(int seed) {
    byte[] b = new byte[32];
    for (int i = 0; i < 32; i++) {
      b[i] = (byte) (seed * 31 + i * 7);
    }
    return b;
  }

  /** A keyring with "orders" versions 1..{@code ordersVersions} and "audit" v1. */
  static Keyring keyring(int ordersVersions) throws SealpostException {
    Keyring.Builder b = Keyring.builder();
    for (int v = 1; v <= ordersVersions; v++) {
      b.add("orders", v, pattern(v));
    }
    return b.add("audit", 1, pattern(100)).build();
  }

  static Path writeKeyring(Path dir, String name, int ordersVersions) throws SealpostException {
    Path p = dir.resolve(name);
    KeyringFile.write(p, keyring(ordersVersions));
    return p;
  }

  /** Writes an X25519 pair as {@code name.key} / {@code name.pub}; returns the private key. */
  static X25519PrivateKey writeX25519(Path dir, String name) throws SealpostException, IOException {
    X25519PrivateKey k = X25519PrivateKey.generate(new SecureRandom());
    Files.writeString(dir.resolve(name + ".key"), PemKeys.toPem(k));
    Files.writeString(dir.resolve(name + ".pub"), PemKeys.toPem(k.publicKey()));
    return k;
  }

  /** Properties for a client that encrypts "orders*" under kek:orders and reads with the keyring. */
  static Map<String, Object> props(Path keyring) {
    Map<String, Object> p = new HashMap<>();
    p.put(SealpostKafkaConfig.KEYRING_PATH, keyring.toString());
    p.put(SealpostKafkaConfig.RULE_PREFIX + "orders.pattern", "orders.*");
    p.put(SealpostKafkaConfig.RULE_PREFIX + "orders.recipients", "kek:orders");
    p.put(SealpostKafkaConfig.VALUE_INNER_SERIALIZER, "org.apache.kafka.common.serialization.StringSerializer");
    p.put(SealpostKafkaConfig.VALUE_INNER_DESERIALIZER, "org.apache.kafka.common.serialization.StringDeserializer");
    p.put(SealpostKafkaConfig.KEY_INNER_SERIALIZER, "org.apache.kafka.common.serialization.StringSerializer");
    p.put(SealpostKafkaConfig.KEY_INNER_DESERIALIZER, "org.apache.kafka.common.serialization.StringDeserializer");
    return p;
  }
}
