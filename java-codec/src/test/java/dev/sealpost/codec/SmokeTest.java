package dev.sealpost.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class SmokeTest {
  @Test
  void roundTrip() throws Exception {
    Encryptor enc = Encryptor.builder()
        .recipient(Recipient.symmetric(TestKeys.keyring(), "orders"))
        .recipient(Recipient.x25519("consumer-a", 1, TestKeys.consumerKey().publicKey()))
        .recipient(Recipient.kms(TestKeys.kms(), TestKeys.KMS_URI))
        .build();
    byte[] pt = "hello".getBytes();
    byte[] env = enc.encrypt(pt, EncryptionContext.of("topic", "t"));
    System.out.println(env.length + " " + dev.sealpost.codec.internal.Bytes.hex(env));
    assertArrayEquals(pt, Decryptor.builder().kekSource(TestKeys.keyring()).build().decrypt(env, EncryptionContext.of("topic", "t")));
    assertArrayEquals(pt, Decryptor.builder().x25519Key("consumer-a", 1, TestKeys.consumerKey()).build().decrypt(env, EncryptionContext.of("topic", "t")));
    assertArrayEquals(pt, Decryptor.builder().kmsClient(TestKeys.kms()).kmsKeyUri(TestKeys.KMS_URI).build().decrypt(env, EncryptionContext.of("topic", "t")));
  }
}
