package dev.sealpost.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealpost.codec.Decryptor;
import dev.sealpost.codec.EncryptionContext;
import dev.sealpost.codec.Encryptor;
import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.SignMode;
import dev.sealpost.codec.Suite;
import dev.sealpost.codec.TrustedWriter;
import dev.sealpost.codec.TrustedWriters;
import dev.sealpost.codec.WriterKey;
import dev.sealpost.codec.keys.Ed25519PrivateKey;
import dev.sealpost.codec.dek.DekPolicy;
import dev.sealpost.codec.format.EnvelopeHeader;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One encryptor and one decryptor shared by many threads, with DEKs rotating under load
 * ({@code maxMessages} of 7, plus forced rotations): no message may be lost or garbled, and no
 * nonce may repeat under one key [NONCE-1], [NONCE-2], [DEK-3]. The key is identified by the
 * envelope's commitment, which is a function of the DEK and suite (5.2).
 */
class ConcurrencyTest {
  private static final int PRODUCERS = 4;
  private static final int CONSUMERS = 3;
  private static final int PER_PRODUCER = 3_000;
  private static final long MAX_MESSAGES = 7;
  private static final byte[] POISON = new byte[0];

  @ParameterizedTest
  // The suites a builder makes without a writer key: signed ones need signer(WriterKey, SignMode).
  @EnumSource(value = Suite.class, names = {
      "AES_256_GCM", "CHACHA20_POLY1305", "AES_256_SIV", "AES_256_GCM_SEGMENTED", "CHACHA20_POLY1305_SEGMENTED"})
  void sharedEncryptorAndDecryptorLoseNothingAndNeverReuseANonce(Suite suite) throws Exception {
    FuzzKeys k = FuzzKeys.INSTANCE;
    // Signed suites sign each new DEK (an Ed25519 signature each): rotate less often.
    long maxMessages = suite.signed() ? 8 * MAX_MESSAGES : MAX_MESSAGES;
    Encryptor.Builder b = Encryptor.builder().suite(suite).dekPolicy(DekPolicy.of(maxMessages, Duration.ofHours(1)));
    b.recipient(k.symOrders());
    if (!suite.deterministic()) {
      b.recipient(k.kms()); // [SUITE-3]: the deterministic suites take symmetric recipients only
    }
    // Signed suites: a per-DEK signer, and a reader that verifies it, so that the verification
    // cache is shared by the consumer threads too [SIG-7].
    TrustedWriters trust = TrustedWriters.none();
    if (suite.signed()) {
      Ed25519PrivateKey writer = Ed25519PrivateKey.fromSeed(new byte[32]);
      b.signer(WriterKey.ed25519("concurrency", 1, writer), SignMode.PER_DEK);
      trust = TrustedWriters.of(TrustedWriter.ed25519("concurrency", 1, writer.publicKey()));
    }
    Encryptor enc = b.build();
    Decryptor dec = k.decryptor();
    TrustedWriters readerTrust = trust;
    EncryptionContext external = EncryptionContext.of("topic", "concurrency");

    BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(1024);
    Map<Long, Boolean> delivered = new ConcurrentHashMap<>();
    Map<ByteBuffer, Set<ByteBuffer>> noncesByKey = new ConcurrentHashMap<>();
    List<String> duplicates = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean producing = new AtomicBoolean(true);

    ExecutorService pool = Executors.newFixedThreadPool(PRODUCERS + CONSUMERS + 1);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> producers = new ArrayList<>();
      for (int p = 0; p < PRODUCERS; p++) {
        int producer = p;
        producers.add(pool.submit(() -> {
          go.await();
          for (int i = 0; i < PER_PRODUCER; i++) {
            long id = ((long) producer << 32) | i;
            queue.put(enc.encrypt(plaintext(id), external));
          }
          return null;
        }));
      }
      // Forced rotations racing with count-based ones.
      Future<?> rotator = pool.submit(() -> {
        go.await();
        while (producing.get()) {
          enc.rotateNow();
          Thread.sleep(1);
        }
        return null;
      });
      List<Future<?>> consumers = new ArrayList<>();
      for (int c = 0; c < CONSUMERS; c++) {
        consumers.add(pool.submit(() -> {
          while (true) {
            byte[] envelope = queue.take();
            if (envelope == POISON) {
              return null;
            }
            dev.sealpost.codec.Decrypted opened = dec.open(envelope, 0, envelope.length, external, readerTrust);
            if (suite.signed() && opened.verifiedSigner().isEmpty()) {
              duplicates.add("a signed envelope read without its verified signer");
            }
            byte[] pt = opened.plaintext();
            long id = ByteBuffer.wrap(pt).getLong();
            assertArrayEquals(plaintext(id), pt);
            if (delivered.put(id, Boolean.TRUE) != null) {
              duplicates.add("message " + id + " decrypted twice");
            }
            EnvelopeHeader h = EnvelopeHeader.parse(envelope);
            Set<ByteBuffer> nonces =
                noncesByKey.computeIfAbsent(ByteBuffer.wrap(h.commitment()), x -> ConcurrentHashMap.newKeySet());
            if (suite.randomized() && !nonces.add(ByteBuffer.wrap(h.nonce()))) {
              duplicates.add("nonce reused under one key: " + java.util.HexFormat.of().formatHex(h.nonce()));
            }
          }
        }));
      }
      go.countDown();
      for (Future<?> f : producers) {
        f.get(120, TimeUnit.SECONDS);
      }
      producing.set(false);
      rotator.get(30, TimeUnit.SECONDS);
      for (int c = 0; c < CONSUMERS; c++) {
        queue.put(POISON);
      }
      for (Future<?> f : consumers) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertTrue(duplicates.isEmpty(), duplicates.toString());
    assertEquals(PRODUCERS * PER_PRODUCER, delivered.size(), "every message decrypted exactly once");
    if (suite.randomized()) {
      int total = noncesByKey.values().stream().mapToInt(Set::size).sum();
      assertEquals(PRODUCERS * PER_PRODUCER, total);
      // Rotation under load really happened, and no DEK served more than maxMessages [DEK-3].
      assertTrue(noncesByKey.size() >= PRODUCERS * PER_PRODUCER / maxMessages, "DEKs: " + noncesByKey.size());
      Map<Integer, Integer> histogram = new HashMap<>();
      for (Set<ByteBuffer> s : noncesByKey.values()) {
        assertTrue(s.size() <= maxMessages, "a DEK served " + s.size() + " messages");
        histogram.merge(s.size(), 1, Integer::sum);
      }
      System.out.println("concurrency " + suite + ": " + noncesByKey.size() + " DEKs, messages per DEK " + histogram);
    } else {
      // [SIV-1]: the deterministic suite derives one DEK from the KEK, whatever the rotations.
      assertEquals(1, noncesByKey.size());
    }
  }

  private static byte[] plaintext(long id) {
    ByteBuffer b = ByteBuffer.allocate(8 + (int) (id % 61));
    b.putLong(id);
    while (b.hasRemaining()) {
      b.put((byte) id);
    }
    return b.array();
  }
}
