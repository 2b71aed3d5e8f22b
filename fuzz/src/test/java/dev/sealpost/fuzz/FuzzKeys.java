package dev.sealpost.fuzz;

import dev.sealpost.codec.Decryptor;
import dev.sealpost.codec.Recipient;
import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.keys.Keyring;
import dev.sealpost.codec.keys.X25519PrivateKey;
import dev.sealpost.codec.kms.TestKms;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;

/**
 * Fixed key material for the fuzz and adversarial tests: one key of every recipient type, so
 * saved regression inputs stay meaningful across runs. Also the key inventory the
 * {@link SpecModel} consults for step 11 of SPEC.md section 11.
 */
final class FuzzKeys implements SpecModel.KeyInventory {
  static final String ORDERS = "orders";
  static final String AUDIT = "audit";
  static final String CONSUMER = "consumer";
  static final int CONSUMER_VERSION = 3;
  static final String KMS_URI = "test-kms://fuzz";

  static final FuzzKeys INSTANCE;

  final Keyring keyring;
  final X25519PrivateKey consumer;
  final TestKms kms;

  static {
    try {
      INSTANCE = new FuzzKeys();
    } catch (SealpostException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private FuzzKeys() throws SealpostException {
    keyring =
        Keyring.builder()
            .add(ORDERS, 1, pattern(1, 32))
            .add(ORDERS, 2, pattern(2, 32))
            .add(AUDIT, 1, pattern(3, 32))
            .build();
    consumer = X25519PrivateKey.fromBytes(pattern(4, 32));
    kms = TestKms.of(Map.of(KMS_URI, pattern(5, 32)), new SecureRandom());
  }

  static byte[] pattern(int seed, int length) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = (byte) (seed * 31 + i * 7);
    }
    return b;
  }

  /** A decryptor holding a key for every recipient below. */
  Decryptor decryptor() {
    return Decryptor.builder()
        .kekSource(keyring)
        .x25519Key(CONSUMER, CONSUMER_VERSION, consumer)
        .kmsClient(kms)
        .kmsKeyUri(KMS_URI)
        .build();
  }

  Recipient symOrders() throws SealpostException {
    return Recipient.symmetric(keyring, ORDERS);
  }

  Recipient symAudit() throws SealpostException {
    return Recipient.symmetric(keyring, AUDIT);
  }

  Recipient x25519() throws SealpostException {
    return Recipient.x25519(CONSUMER, CONSUMER_VERSION, consumer.publicKey());
  }

  Recipient kms() throws SealpostException {
    return Recipient.kms(kms, KMS_URI);
  }

  /**
   * Mirrors which entries {@link #decryptor()} holds a key for [RCP-5]. The test KMS serves a
   * key URI whatever the entry's version: KMS keys rotate inside the KMS [KMS-1].
   */
  @Override
  public boolean held(int type, byte[] keyId, int version) {
    String id = new String(keyId, StandardCharsets.UTF_8);
    switch (type) {
      case 0x01:
        return (id.equals(ORDERS) && (version == 1 || version == 2)) || (id.equals(AUDIT) && version == 1);
      case 0x02:
        return Arrays.equals(keyId, CONSUMER.getBytes(StandardCharsets.UTF_8)) && version == CONSUMER_VERSION;
      case 0x03:
        return Arrays.equals(keyId, KMS_URI.getBytes(StandardCharsets.UTF_8));
      default:
        return false;
    }
  }
}
