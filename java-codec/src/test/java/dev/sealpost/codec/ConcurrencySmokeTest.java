package dev.sealpost.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealpost.codec.dek.DekPolicy;
import dev.sealpost.codec.format.EnvelopeHeader;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A short smoke test: 8 threads share one encryptor that rotates often and one decryptor. The
 * deep concurrency tests live elsewhere.
 */
class ConcurrencySmokeTest {
  private static final int THREADS = 8;
  private static final int PER_THREAD = 2000;
  private static final int MAX_MESSAGES = 64;

  // [NONCE-1], [DEK-3] under concurrency: every envelope decrypts, no (DEK, nonce) pair repeats
  // and no DEK serves more than maxMessages envelopes.
  @Test
  void sharedEncryptorAndDecryptor() {
    assertTimeoutPreemptively(Duration.ofSeconds(30), this::run);
  }

  private void run() throws Exception {
    HexFormat hex = HexFormat.of();
    Encryptor enc = Encryptor.builder()
        .recipient(Recipient.symmetric(TestKeys.keyring(), "orders"))
        .dekPolicy(DekPolicy.of(MAX_MESSAGES, Duration.ofHours(1)))
        .build();
    Decryptor dec = Decryptor.builder().kekSource(TestKeys.keyring()).dekCacheCapacity(16).build();
    EncryptionContext ctx = EncryptionContext.of("topic", "smoke");
    Set<String> nonces = ConcurrentHashMap.newKeySet();
    Map<String, AtomicInteger> perDek = new ConcurrentHashMap<>();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        results.add(pool.submit(() -> {
          start.await();
          int ok = 0;
          for (int i = 0; i < PER_THREAD; i++) {
            byte[] pt = ByteBuffer.allocate(8).putInt(thread).putInt(i).array();
            byte[] env = enc.encrypt(pt, ctx);
            EnvelopeHeader h = EnvelopeHeader.parse(env);
            String commitment = hex.formatHex(h.commitment());
            assertTrue(nonces.add(commitment + "/" + hex.formatHex(h.nonce())), "nonce reused under one DEK");
            perDek.computeIfAbsent(commitment, k -> new AtomicInteger()).incrementAndGet();
            assertArrayEquals(pt, dec.decrypt(env, ctx));
            ok++;
          }
          return ok;
        }));
      }
      start.countDown();
      int total = 0;
      for (Future<Integer> f : results) {
        total += f.get();
      }
      assertEquals(THREADS * PER_THREAD, total);
      assertEquals(THREADS * PER_THREAD, nonces.size());
      assertTrue(perDek.size() >= THREADS * PER_THREAD / MAX_MESSAGES, "rotations: " + perDek.size());
      for (Map.Entry<String, AtomicInteger> e : perDek.entrySet()) {
        assertTrue(e.getValue().get() <= MAX_MESSAGES, "a DEK served " + e.getValue().get() + " envelopes");
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
