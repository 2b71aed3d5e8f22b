package dev.sealpost.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sealpost.codec.keys.Keyring;
import dev.sealpost.codec.kms.KmsClient;
import java.security.SecureRandom;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The overhead table of SPEC.md section 14, measured on real envelopes: one recipient, an
 * empty stored context, a key id of length k.
 */
class OverheadTest {
  private static final String KEY_ID = "orders-1"; // k = 8

  private static int overhead(Encryptor e) throws SealpostException {
    byte[] plaintext = new byte[1000];
    return e.encrypt(plaintext).length - plaintext.length;
  }

  @Test
  void symmetricRecipientOverheadIs116PlusKeyId() throws Exception {
    Keyring ring = Keyring.builder().add(KEY_ID, 1, TestKeys.pattern(9, 32)).build();
    for (Suite suite : new Suite[] {Suite.AES_256_GCM, Suite.CHACHA20_POLY1305, Suite.AES_256_SIV}) {
      int expected = suite == Suite.AES_256_SIV ? 104 + 8 : 116 + 8;
      assertEquals(expected, overhead(Encryptor.builder().suite(suite).recipient(Recipient.symmetric(ring, KEY_ID)).build()),
          suite.toString());
    }
    // The target: at most 128 bytes for AES-256-GCM, one symmetric recipient, 8-byte key id.
    assertEquals(124, overhead(Encryptor.builder().recipient(Recipient.symmetric(ring, KEY_ID)).build()));
  }

  @Test
  void x25519RecipientOverheadIs156PlusKeyId() throws Exception {
    Encryptor e = Encryptor.builder().recipient(Recipient.x25519(KEY_ID, 1, TestKeys.consumerKey().publicKey())).build();
    assertEquals(156 + 8, overhead(e));
  }

  @Test
  void kmsRecipientOverheadIs76PlusKeyIdPlusBlob() throws Exception {
    KmsClient kms = dev.sealpost.codec.kms.TestKms.of(Map.of("kms://k-000001", TestKeys.pattern(7, 32)), new SecureRandom());
    Encryptor e = Encryptor.builder().recipient(Recipient.kms(kms, "kms://k-000001")).build();
    assertEquals(76 + "kms://k-000001".length() + 60, overhead(e));
  }

  /**
   * Segmented suites: the table's overhead plus 16 bytes per segment after the first, {@code
   * 16 * (max(1, ceil(p / 65536)) - 1)}, whole and streamed.
   */
  @Test
  void segmentedSuitesAdd16BytesPerSegmentAfterTheFirst() throws Exception {
    Keyring ring = Keyring.builder().add(KEY_ID, 1, TestKeys.pattern(9, 32)).build();
    int[][] sizesAndExtraSegments = {{0, 0}, {1, 0}, {65535, 0}, {65536, 0}, {65537, 1}, {3 * 65536, 2}, {3 * 65536 + 1, 3}};
    for (Suite base : new Suite[] {Suite.AES_256_GCM, Suite.CHACHA20_POLY1305}) {
      Encryptor whole = Encryptor.builder().suite(base).segmented(true).recipient(Recipient.symmetric(ring, KEY_ID)).build();
      Encryptor plain = Encryptor.builder().suite(base).recipient(Recipient.symmetric(ring, KEY_ID)).build();
      for (int[] c : sizesAndExtraSegments) {
        byte[] p = new byte[c[0]];
        int expected = 124 + 16 * c[1];
        assertEquals(expected, whole.encrypt(p).length - p.length, base + " whole, p = " + c[0]);
        java.io.ByteArrayOutputStream sink = new java.io.ByteArrayOutputStream();
        try (dev.sealpost.codec.stream.EncryptingOutputStream out = plain.encryptingStream(sink, EncryptionContext.empty())) {
          out.write(p);
          out.finish();
        }
        assertEquals(expected, sink.size() - p.length, base + " streamed, p = " + c[0]);
      }
    }
    Encryptor x = Encryptor.builder().segmented(true)
        .recipient(Recipient.x25519(KEY_ID, 1, TestKeys.consumerKey().publicKey())).build();
    assertEquals(164 + 16, x.encrypt(new byte[65537]).length - 65537, "X25519 row, two segments");
  }

  @Test
  void storedContextEntryAddsThreePlusKeyAndValue() throws Exception {
    Keyring ring = Keyring.builder().add(KEY_ID, 1, TestKeys.pattern(9, 32)).build();
    Encryptor e = Encryptor.builder().recipient(Recipient.symmetric(ring, KEY_ID))
        .storedContext(EncryptionContext.of("tenant", "acme")).build();
    assertEquals(124 + 3 + 6 + 4, overhead(e));
  }

  // SPEC.md 14, signed suites: the signer field adds 6 + s + 64 = 70 + s bytes in either sign
  // mode (mode 01 in the header, mode 02 at the end), on every base suite and recipient type.
  @Test
  void signedSuitesAdd70PlusSignerId() throws Exception {
    Keyring ring = Keyring.builder().add(KEY_ID, 1, TestKeys.pattern(9, 32)).build();
    dev.sealpost.codec.keys.Ed25519PrivateKey key = dev.sealpost.codec.keys.Ed25519PrivateKey.fromSeed(TestKeys.pattern(3, 32));
    for (String signerId : new String[] {"w", "writer-1", "x".repeat(255)}) {
      int s = signerId.length();
      for (SignMode mode : SignMode.values()) {
        for (Suite suite : new Suite[] {Suite.AES_256_GCM, Suite.CHACHA20_POLY1305, Suite.AES_256_SIV}) {
          int unsigned = suite == Suite.AES_256_SIV ? 104 + 8 : 116 + 8;
          Encryptor e = Encryptor.builder().suite(suite).recipient(Recipient.symmetric(ring, KEY_ID))
              .signer(WriterKey.ed25519(signerId, 1, key), mode).build();
          assertEquals(unsigned + 70 + s, overhead(e), suite + " " + mode + " s=" + s);
        }
        Encryptor x = Encryptor.builder().recipient(Recipient.x25519(KEY_ID, 1, TestKeys.consumerKey().publicKey()))
            .signer(WriterKey.ed25519(signerId, 1, key), mode).build();
        assertEquals(156 + 8 + 70 + s, overhead(x), "x25519 " + mode + " s=" + s);
      }
    }
    // The table's example: AES-256-GCM, one symmetric recipient, mode 01, k = s = 8: 202 bytes.
    assertEquals(202, overhead(Encryptor.builder().recipient(Recipient.symmetric(ring, KEY_ID))
        .signer(WriterKey.ed25519("writer-1", 1, key), SignMode.PER_DEK).build()));
    // Signed and segmented (mode 01 only): 70 + s on top of the segmented overhead, 16 per extra segment.
    Encryptor seg = Encryptor.builder().recipient(Recipient.symmetric(ring, KEY_ID)).segmented(true)
        .signer(WriterKey.ed25519("writer-1", 1, key), SignMode.PER_DEK).build();
    byte[] pt = new byte[3 * 65536 + 1];
    assertEquals(124 + 78 + 16 * 3, seg.encrypt(pt).length - pt.length);
  }
}
