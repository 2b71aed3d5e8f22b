package dev.sealpost.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sealpost.codec.keys.Ed25519PrivateKey;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Encryptor#encrypt(byte[], byte[], int, int, EncryptionContext)} encrypts {@code head ||
 * plaintext} without joining them: the envelope must be, byte for byte, the one the same writer
 * state makes from the joined plaintext (SPEC.md 8, [AUTH-1]), in every suite, across the
 * cipher's 16 KiB chunking, and the limit must count both parts [LIM-4].
 */
class TwoPartEncryptTest {
  /** The same bytes for two encryptors: equal DEKs and nonce bases, so equal envelopes. */
  private static final class SeededRandom extends SecureRandom {
    private static final long serialVersionUID = 1L;
    private final Random r;

    SeededRandom(long seed) {
      r = new Random(seed);
    }

    @Override
    public synchronized void nextBytes(byte[] out) {
      r.nextBytes(out);
    }
  }

  private static List<Encryptor.Builder> builders(MutableKekSource keks, long seed) throws SealpostException {
    List<Encryptor.Builder> out = new ArrayList<>();
    for (Suite s : new Suite[] {Suite.AES_256_GCM, Suite.CHACHA20_POLY1305, Suite.AES_256_SIV}) {
      out.add(Encryptor.builder().suite(s).random(new SeededRandom(seed)).recipient(Recipient.symmetric(keks, "orders")));
    }
    out.add(Encryptor.builder().segmented(true).random(new SeededRandom(seed)).recipient(Recipient.symmetric(keks, "orders")));
    Ed25519PrivateKey w = Ed25519PrivateKey.fromSeed(TestKeys.pattern(70, 32));
    for (SignMode m : SignMode.values()) {
      out.add(Encryptor.builder().suite(Suite.CHACHA20_POLY1305).random(new SeededRandom(seed))
          .recipient(Recipient.symmetric(keks, "orders")).signer(WriterKey.ed25519("w", 1, w), m));
      out.add(Encryptor.builder().random(new SeededRandom(seed))
          .recipient(Recipient.symmetric(keks, "orders")).signer(WriterKey.ed25519("w", 1, w), m));
    }
    return out;
  }

  // [AUTH-1]: same envelope as the joined plaintext, every suite, every head and size.
  @Test
  void auth1_twoPartsGiveTheJoinedEnvelope() throws Exception {
    MutableKekSource keks = new MutableKekSource().put("orders", 1, TestKeys.pattern(9, 32));
    Decryptor dec = Decryptor.builder().kekSource(keks).build();
    EncryptionContext ext = EncryptionContext.of("topic", "orders");
    Random r = new Random(7);
    List<Encryptor.Builder> as = builders(keks, 99);
    List<Encryptor.Builder> bs = builders(keks, 99);
    for (int i = 0; i < as.size(); i++) {
      Encryptor a = as.get(i).build();
      Encryptor b = bs.get(i).build();
      // All of a's envelopes first, then b's: JCE refuses two GCM encryptions in a row under one
      // key and nonce on a thread, which is what two equal writers would ask for.
      List<byte[]> joineds = new ArrayList<>();
      List<byte[]> twos = new ArrayList<>();
      for (int headLength : new int[] {0, 3, 40}) {
        for (int length : new int[] {0, 1, 100, 16 * 1024 - 3, 16 * 1024, 16 * 1024 + 1, 40_000}) {
          byte[] head = new byte[headLength];
          r.nextBytes(head);
          byte[] buf = new byte[length + 10];
          r.nextBytes(buf);
          byte[] joined = new byte[headLength + length];
          System.arraycopy(head, 0, joined, 0, headLength);
          System.arraycopy(buf, 5, joined, headLength, length);
          joineds.add(joined);
          twos.add(a.encrypt(head, buf, 5, length, ext));
        }
      }
      for (int j = 0; j < joineds.size(); j++) {
        byte[] one = b.encrypt(joineds.get(j), ext);
        assertArrayEquals(one, twos.get(j), a.suite() + ", case " + j);
        assertArrayEquals(joineds.get(j), dec.decrypt(twos.get(j), ext));
      }
    }
  }

  // [LIM-4]: the limit is on head and plaintext together.
  @Test
  void lim4_limitCountsBothParts() throws Exception {
    MutableKekSource keks = new MutableKekSource().put("orders", 1, TestKeys.pattern(9, 32));
    Encryptor e = Encryptor.builder().maxPlaintextLength(100).recipient(Recipient.symmetric(keks, "orders")).build();
    e.encrypt(new byte[3], new byte[97], 0, 97, EncryptionContext.empty());
    SealpostException over = assertThrows(SealpostException.class,
        () -> e.encrypt(new byte[3], new byte[98], 0, 98, EncryptionContext.empty()));
    assertEquals(ErrorCategory.LIMIT_EXCEEDED, over.category());
  }
}
