package dev.sealpost.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealpost.codec.dek.DekPolicy;
import dev.sealpost.codec.format.EnvelopeHeader;
import dev.sealpost.codec.format.RecipientEntry;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The writer's DEK lifecycle (SPEC.md 5.1, 5.4, 5.5), seen through the envelopes' headers. */
class DekLifecycleTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] KEK_1 = TestKeys.pattern(11, 32);
  private static final byte[] KEK_2 = TestKeys.pattern(12, 32);

  private final AtomicLong clock = new AtomicLong(1_000_000_000L);

  private static String commitmentOf(byte[] envelope) throws SealpostException {
    return HEX.formatHex(EnvelopeHeader.parse(envelope).commitment());
  }

  private static RecipientEntry entryOf(byte[] envelope) throws SealpostException {
    return EnvelopeHeader.parse(envelope).recipients().get(0);
  }

  private Encryptor encryptor(MutableKekSource source, long maxMessages, Duration maxAge) throws SealpostException {
    return Encryptor.builder()
        .recipient(Recipient.symmetric(source, "orders"))
        .dekPolicy(DekPolicy.of(maxMessages, maxAge))
        .nanoClock(clock::get)
        .build();
  }

  private static MutableKekSource source() {
    return new MutableKekSource().put("orders", 1, KEK_1);
  }

  // [DEK-2]: between rotations every envelope carries the same wrapped DEK and commitment.
  @Test
  void dek2_sameDekReusedBetweenRotations() throws Exception {
    Encryptor enc = encryptor(source(), 1000, Duration.ofHours(1));
    byte[] first = enc.encrypt(new byte[] {0});
    for (int i = 1; i < 50; i++) {
      byte[] next = enc.encrypt(new byte[] {(byte) i});
      assertEquals(commitmentOf(first), commitmentOf(next));
      assertEquals(entryOf(first), entryOf(next));
    }
  }

  // [DEK-3]: with maxMessages = 5, messages 0..4 share a DEK and message 5 gets a new one.
  @Test
  void dek3_rotatesAfterMaxMessages() throws Exception {
    Encryptor enc = encryptor(source(), 5, Duration.ofHours(1));
    List<String> commitments = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      commitments.add(commitmentOf(enc.encrypt(new byte[] {(byte) i})));
    }
    for (int dek = 0; dek < 3; dek++) {
      for (int i = 1; i < 5; i++) {
        assertEquals(commitments.get(dek * 5), commitments.get(dek * 5 + i), "message " + (dek * 5 + i));
      }
    }
    assertEquals(4, new HashSet<>(commitments).size(), "16 messages at 5 per DEK need 4 DEKs");
    assertNotEquals(commitments.get(4), commitments.get(5));
    assertNotEquals(commitments.get(9), commitments.get(10));
    assertNotEquals(commitments.get(14), commitments.get(15));
  }

  // [DEK-3]: maxMessages = 1 gives every message its own DEK.
  @Test
  void dek3_maxMessagesOneMeansOneDekPerMessage() throws Exception {
    Encryptor enc = encryptor(source(), 1, Duration.ofHours(1));
    Set<String> commitments = new HashSet<>();
    for (int i = 0; i < 10; i++) {
      commitments.add(commitmentOf(enc.encrypt(new byte[0])));
    }
    assertEquals(10, commitments.size());
  }

  // [DEK-3]: the policy refuses more than 2^32 messages per DEK and fewer than 1.
  @Test
  void dek3_policyBounds() {
    assertEquals(1L << 24, DekPolicy.defaults().maxMessages());
    assertEquals(Duration.ofHours(1), DekPolicy.defaults().maxAge()); // [DEK-4] default
    assertEquals(1L << 32, DekPolicy.of(1L << 32, Duration.ofSeconds(1)).maxMessages());
    assertThrows(IllegalArgumentException.class, () -> DekPolicy.of((1L << 32) + 1, Duration.ofSeconds(1)));
    assertThrows(IllegalArgumentException.class, () -> DekPolicy.of(0, Duration.ofSeconds(1)));
    assertThrows(IllegalArgumentException.class, () -> DekPolicy.of(10, Duration.ZERO));
  }

  // [DEK-4]: the DEK is kept until maxAge has passed on the writer's clock, then replaced.
  @Test
  void dek4_rotatesAfterMaxAge() throws Exception {
    Encryptor enc = encryptor(source(), 1_000_000, Duration.ofSeconds(10));
    String c0 = commitmentOf(enc.encrypt(new byte[1]));
    clock.addAndGet(Duration.ofSeconds(10).toNanos() - 1);
    assertEquals(c0, commitmentOf(enc.encrypt(new byte[1])), "one nanosecond before maxAge");
    clock.addAndGet(1);
    String c1 = commitmentOf(enc.encrypt(new byte[1]));
    assertNotEquals(c0, c1, "at maxAge");
    // The new DEK's age counts from its own creation.
    clock.addAndGet(Duration.ofSeconds(5).toNanos());
    assertEquals(c1, commitmentOf(enc.encrypt(new byte[1])));
    clock.addAndGet(Duration.ofSeconds(5).toNanos());
    assertNotEquals(c1, commitmentOf(enc.encrypt(new byte[1])));
  }

  // [DEK-5]: a new current KEK version is resolved when the next DEK is created, not before;
  // [ENC-1]: each entry names the version it was actually wrapped under.
  @Test
  void dek5_newKekVersionPickedUpAtNextDek() throws Exception {
    MutableKekSource source = source();
    Encryptor enc = encryptor(source, 1_000_000, Duration.ofSeconds(60));
    byte[] v1Envelope = enc.encrypt("one".getBytes());
    assertEquals(1, entryOf(v1Envelope).keyVersion());

    source.put("orders", 2, KEK_2); // version 2 becomes current
    byte[] stillV1 = enc.encrypt("two".getBytes());
    assertEquals(1, entryOf(stillV1).keyVersion(), "the current DEK stays until it rotates");

    clock.addAndGet(Duration.ofSeconds(60).toNanos());
    byte[] v2Envelope = enc.encrypt("three".getBytes());
    RecipientEntry e2 = entryOf(v2Envelope);
    assertEquals(2, e2.keyVersion());
    // [ENC-1], [SYM-1]: the entry unwraps under KEK version 2 (independent AES-KW) and not under 1.
    byte[] dek = IndependentCrypto.aesKwUnwrap(KEK_2, e2.wrappedDek());
    assertArrayEquals(IndependentCrypto.commitment(dek, Suite.AES_256_GCM.id()),
        EnvelopeHeader.parse(v2Envelope).commitment());
    assertThrows(Exception.class, () -> IndependentCrypto.aesKwUnwrap(KEK_1, e2.wrappedDek()));

    // [DEK-7]: any version still held decrypts; old envelopes too.
    Decryptor both = Decryptor.builder().kekSource(source).build();
    assertArrayEquals("one".getBytes(), both.decrypt(v1Envelope));
    assertArrayEquals("two".getBytes(), both.decrypt(stillV1));
    assertArrayEquals("three".getBytes(), both.decrypt(v2Envelope));

    // [RCP-5]: a reader holding only version 1 has no key for the version-2 entry.
    Decryptor onlyV1 = Decryptor.builder().kekSource(new MutableKekSource().put("orders", 1, KEK_1)).build();
    assertArrayEquals("one".getBytes(), onlyV1.decrypt(v1Envelope));
    SealpostException e = assertThrows(SealpostException.class, () -> onlyV1.decrypt(v2Envelope));
    assertEquals(ErrorCategory.NO_MATCHING_KEY, e.category());
  }

  // [DEK-5]: rotateNow() makes the next message use a new DEK and the current KEK version.
  @Test
  void dek5_rotateNowPicksUpNewVersionImmediately() throws Exception {
    MutableKekSource source = source();
    Encryptor enc = encryptor(source, 1_000_000, Duration.ofHours(1));
    byte[] before = enc.encrypt(new byte[] {1});
    source.put("orders", 2, KEK_2);
    enc.rotateNow();
    byte[] after = enc.encrypt(new byte[] {2});
    assertEquals(2, entryOf(after).keyVersion());
    assertNotEquals(commitmentOf(before), commitmentOf(after));
    // Rolling back the current version is honoured too: the writer never caches the version.
    source.setCurrent("orders", 1);
    enc.rotateNow();
    assertEquals(1, entryOf(enc.encrypt(new byte[] {3})).keyVersion());
  }

  // Older envelopes still decrypt after many rotations, with every DEK in play.
  @Test
  void oldEnvelopesDecryptAfterRotation() throws Exception {
    MutableKekSource source = source();
    Encryptor enc = encryptor(source, 3, Duration.ofHours(1));
    List<byte[]> envelopes = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      if (i == 15) {
        source.put("orders", 2, KEK_2);
      }
      if (i % 7 == 0) {
        enc.rotateNow();
      }
      envelopes.add(enc.encrypt(("m" + i).getBytes()));
    }
    Decryptor dec = Decryptor.builder().kekSource(source).dekCacheCapacity(2).build();
    for (int i = envelopes.size() - 1; i >= 0; i--) {
      assertArrayEquals(("m" + i).getBytes(), dec.decrypt(envelopes.get(i)));
    }
  }

  // [NONCE-1], [NONCE-2]: under one DEK, nonce_i XOR nonce_0 = u32(0) || u64(i) (nonce_0 is the
  // base), so all nonces of the DEK differ.
  @Test
  void nonce1_nonce2_counterXorBase() throws Exception {
    int n = 3000;
    Encryptor enc = encryptor(source(), n, Duration.ofHours(1));
    byte[] first = enc.encrypt(new byte[0]);
    byte[] base = EnvelopeHeader.parse(first).nonce();
    assertEquals(12, base.length);
    Set<String> nonces = new HashSet<>();
    nonces.add(HEX.formatHex(base));
    for (long i = 1; i < n; i++) {
      byte[] env = enc.encrypt(new byte[0]);
      assertEquals(commitmentOf(first), commitmentOf(env));
      byte[] nonce = EnvelopeHeader.parse(env).nonce();
      byte[] xor = new byte[12];
      for (int j = 0; j < 12; j++) {
        xor[j] = (byte) (nonce[j] ^ base[j]);
      }
      byte[] expected = ByteBuffer.allocate(12).putInt(0).putLong(i).array();
      assertArrayEquals(expected, xor, "message " + i);
      assertTrue(nonces.add(HEX.formatHex(nonce)), "repeated nonce at message " + i);
    }
    // The next message is beyond maxMessages: a new DEK, whose base is fresh randomness.
    byte[] rotated = enc.encrypt(new byte[0]);
    assertNotEquals(commitmentOf(first), commitmentOf(rotated));
    assertFalse(java.util.Arrays.equals(base, EnvelopeHeader.parse(rotated).nonce()));
  }

  // [DEK-1]: two writers with the same KEK and inputs draw different DEKs.
  @Test
  void dek1_randomizedDeksDifferBetweenWriters() throws Exception {
    MutableKekSource source = source();
    byte[] a = encryptor(source, 10, Duration.ofHours(1)).encrypt(new byte[4]);
    byte[] b = encryptor(source, 10, Duration.ofHours(1)).encrypt(new byte[4]);
    assertNotEquals(commitmentOf(a), commitmentOf(b));
    assertFalse(java.util.Arrays.equals(entryOf(a).wrappedDek(), entryOf(b).wrappedDek()));
  }
}
