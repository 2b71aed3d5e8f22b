package dev.sealpost.codec.suite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.sealpost.codec.Suite;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * Encrypting {@code head || payload} without joining them first (short inputs go through one
 * per-thread buffer, long ones through {@code update} calls) gives the bytes one JCE {@code
 * doFinal} over the joined plaintext gives, with AAD = header || encoded external context
 * [AUTH-1]; and the body opens to the joined plaintext [AUTH-2]. Sizes straddle the buffer's
 * limit and the update chunk size.
 */
class HeadAndPayloadTest {
  private static final int[] PAYLOADS = {0, 1, 15, 100, 1024, 4093, 4095, 4096, 4097, 16 * 1024 + 3, 40_000};
  private static final int[] HEADS = {1, 3, 17, 4096, 5000};

  @Test
  void aesGcmHeadAndPayloadEqualOneJceCallOverTheJoinedPlaintext() throws Exception {
    check(Suite.AES_256_GCM, "AES/GCM/NoPadding", "AES");
  }

  @Test
  void chaCha20Poly1305HeadAndPayloadEqualOneJceCallOverTheJoinedPlaintext() throws Exception {
    check(Suite.CHACHA20_POLY1305, "ChaCha20-Poly1305", "ChaCha20");
  }

  private static void check(Suite suite, String transformation, String keyAlgorithm) throws Exception {
    Random random = new Random(42);
    byte[] key = new byte[32];
    random.nextBytes(key);
    PayloadKey payloadKey = PayloadKey.create(suite, key);
    byte[] header = new byte[40];
    byte[] context = new byte[23];
    random.nextBytes(header);
    random.nextBytes(context);
    for (int headLength : HEADS) {
      for (int payloadLength : PAYLOADS) {
        byte[] nonce = new byte[12];
        random.nextBytes(nonce); // a fresh nonce per case: the JDK refuses to encrypt twice with one
        byte[] head = new byte[headLength];
        byte[] payload = new byte[payloadLength + 9];
        random.nextBytes(head);
        random.nextBytes(payload);
        byte[] joined = new byte[headLength + payloadLength];
        System.arraycopy(head, 0, joined, 0, headLength);
        System.arraycopy(payload, 5, joined, headLength, payloadLength);

        Cipher jce = Cipher.getInstance(transformation);
        jce.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, keyAlgorithm),
            suite == Suite.AES_256_GCM ? new GCMParameterSpec(128, nonce) : new IvParameterSpec(nonce));
        jce.updateAAD(header);
        jce.updateAAD(context);
        byte[] expected = jce.doFinal(joined);

        byte[] out = new byte[expected.length + 6];
        payloadKey.encrypt(nonce, header, 0, header.length, context, head, payload, 5, payloadLength, out, 3);
        byte[] body = java.util.Arrays.copyOfRange(out, 3, 3 + expected.length);
        String what = suite + ", head " + headLength + " B, payload " + payloadLength + " B";
        assertArrayEquals(expected, body, what);
        assertArrayEquals(joined, payloadKey.decrypt(nonce, header, 0, header.length, context, body, 0, body.length), what);
      }
    }
  }
}
