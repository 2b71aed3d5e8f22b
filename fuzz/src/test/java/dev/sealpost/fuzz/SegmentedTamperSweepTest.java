package dev.sealpost.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealpost.codec.Decryptor;
import dev.sealpost.codec.EncryptionContext;
import dev.sealpost.codec.Encryptor;
import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.Suite;
import dev.sealpost.codec.stream.SealpostStreamException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.Arrays;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Tampered segmented envelopes, read whole and streamed: every single-bit flip and every
 * truncation of a one-segment envelope, and of a two-segment one the truncations around the
 * header end and the segment boundary and flips at each segment's edges. Each must fail, streamed
 * with the category of the whole read, never as an early end [SEG-4], [SEG-6], and a stream may
 * release only plaintext of segments that authenticated: a prefix of whole segments [SEG-3].
 */
class SegmentedTamperSweepTest {
  private static final int SEG = 65536;

  @ParameterizedTest
  @EnumSource(value = Suite.class, names = {"AES_256_GCM", "CHACHA20_POLY1305"})
  void everyTamperFailsStreamedAndWhole(Suite base) throws Exception {
    FuzzKeys k = FuzzKeys.INSTANCE;
    Encryptor enc = Encryptor.builder().suite(base).segmented(true).recipient(k.symOrders()).build();
    Decryptor dec = k.decryptor();
    EncryptionContext ext = EncryptionContext.of("object", "sweep");

    byte[] small = new byte[37];
    Arrays.fill(small, (byte) 0x5A);
    byte[] one = enc.encrypt(small, ext);
    int flips = 0;
    for (int i = 0; i < one.length; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] t = one.clone();
        t[i] ^= (byte) (1 << bit);
        check(dec, ext, t, small);
        flips++;
      }
    }
    for (int len = 0; len < one.length; len++) {
      check(dec, ext, Arrays.copyOf(one, len), small);
    }

    byte[] big = new byte[SEG + 10];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i % 251);
    }
    byte[] two = enc.encrypt(big, ext);
    int h = Decryptor.inspect(two).headerLength();
    int boundary = h + SEG + 16;
    TreeSet<Integer> cuts = new TreeSet<>();
    for (int d = -20; d <= 20; d++) {
      cuts.add(h + d);
      cuts.add(boundary + d);
      cuts.add(two.length - 1 - Math.abs(d));
    }
    for (int len : cuts) {
      check(dec, ext, Arrays.copyOf(two, len), big);
    }
    for (int pos : new int[] {h, h + 1, boundary - 17, boundary - 1, boundary, boundary + 1, two.length - 17, two.length - 1}) {
      byte[] t = two.clone();
      t[pos] ^= 0x01;
      check(dec, ext, t, big);
    }
    System.out.println("segmented tamper sweep " + base + ": " + flips + " flips, " + one.length + " + " + cuts.size()
        + " truncations, 8 edge flips");
  }

  private static void check(Decryptor dec, EncryptionContext ext, byte[] tampered, byte[] plaintext) throws Exception {
    ErrorCategory whole = null;
    try {
      dec.decrypt(tampered, ext);
    } catch (SealpostException e) {
      whole = e.category();
    }
    assertNotNull(whole, "a tampered envelope decrypted whole");
    ByteArrayOutputStream released = new ByteArrayOutputStream();
    SealpostStreamException failure = null;
    try (InputStream in = dec.decryptingStream(new ByteArrayInputStream(tampered), ext)) {
      byte[] buf = new byte[4096];
      for (int n; (n = in.read(buf)) >= 0; ) {
        released.write(buf, 0, n);
      }
    } catch (SealpostStreamException e) {
      failure = e;
    }
    assertNotNull(failure, "the stream ended normally on a tampered envelope [SEG-4], [SEG-6]");
    assertEquals(whole, failure.category(), "streamed and whole agree");
    byte[] r = released.toByteArray();
    assertTrue(r.length % SEG == 0 && r.length < plaintext.length, "released " + r.length + " bytes [SEG-3]");
    assertArrayEquals(Arrays.copyOf(plaintext, r.length), r);
    assertEquals(r.length, failure.releasedBytes());
  }
}
