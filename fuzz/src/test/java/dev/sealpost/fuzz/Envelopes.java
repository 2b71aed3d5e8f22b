package dev.sealpost.fuzz;

import dev.sealpost.codec.Decryptor;
import dev.sealpost.codec.EncryptionContext;
import dev.sealpost.codec.Encryptor;
import dev.sealpost.codec.Recipient;
import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.Suite;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Envelopes covering every suite and recipient type, with the inputs needed to check them. */
final class Envelopes {
  private Envelopes() {}

  /** One envelope and how it must be decrypted. */
  static final class Case {
    final String name;
    final byte[] envelope;
    final byte[] plaintext;
    final EncryptionContext external;
    final Map<String, String> stored;

    Case(String name, byte[] envelope, byte[] plaintext, EncryptionContext external, Map<String, String> stored) {
      this.name = name;
      this.envelope = envelope;
      this.plaintext = plaintext;
      this.external = external;
      this.stored = stored;
    }

    /** Required stored context as UTF-8 bytes, for the model. */
    Map<String, byte[]> requiredBytes() {
      Map<String, byte[]> m = new LinkedHashMap<>();
      stored.forEach((k, v) -> m.put(k, v.getBytes(StandardCharsets.UTF_8)));
      return m;
    }

    byte[] decrypt(Decryptor d, byte[] candidate) throws SealpostException {
      return d.decrypt(candidate, 0, candidate.length, external, stored);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Case make(
      String name, Suite suite, List<Recipient> recipients, Map<String, String> stored, Map<String, String> external,
      byte[] plaintext)
      throws SealpostException {
    Encryptor enc =
        Encryptor.builder().suite(suite).recipients(recipients).storedContext(EncryptionContext.of(stored)).build();
    EncryptionContext ext = EncryptionContext.of(external);
    return new Case(name, enc.encrypt(plaintext, ext), plaintext, ext, stored);
  }

  /** Every suite with every recipient type it allows [SUITE-3], alone and together. */
  static List<Case> all() throws SealpostException {
    FuzzKeys k = FuzzKeys.INSTANCE;
    byte[] pt = "attack at dawn, bring snacks".getBytes(StandardCharsets.UTF_8);
    Map<String, String> none = Map.of();
    Map<String, String> stored = Map.of("tenant", "acme", "schema", "orders-v1");
    Map<String, String> external = Map.of("topic", "orders");
    return List.of(
        make("gcm-symmetric", Suite.AES_256_GCM, List.of(k.symOrders()), none, none, pt),
        make("gcm-symmetric-empty-plaintext", Suite.AES_256_GCM, List.of(k.symAudit()), none, none, new byte[0]),
        make("chacha-symmetric", Suite.CHACHA20_POLY1305, List.of(k.symAudit()), none, none, pt),
        make("siv-symmetric", Suite.AES_256_SIV, List.of(k.symOrders()), none, none, pt),
        make("gcm-x25519", Suite.AES_256_GCM, List.of(k.x25519()), none, none, pt),
        make("chacha-x25519", Suite.CHACHA20_POLY1305, List.of(k.x25519()), none, external, pt),
        make("gcm-kms", Suite.AES_256_GCM, List.of(k.kms()), none, none, pt),
        make("chacha-kms", Suite.CHACHA20_POLY1305, List.of(k.kms()), stored, none, pt),
        make("gcm-all-types-contexts", Suite.AES_256_GCM, List.of(k.symOrders(), k.x25519(), k.kms()), stored, external, pt),
        make("chacha-kms-x25519-contexts", Suite.CHACHA20_POLY1305, List.of(k.kms(), k.x25519()), stored, external, pt),
        make("siv-two-keks-contexts", Suite.AES_256_SIV, List.of(k.symAudit(), k.symOrders()), stored, external, pt));
  }
}
