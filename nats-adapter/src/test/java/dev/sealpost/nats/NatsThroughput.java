package dev.sealpost.nats;

import dev.sealpost.codec.Decryptor;
import dev.sealpost.codec.Recipient;
import dev.sealpost.codec.keys.Keyring;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures, once and on demand (not a test), core NATS publish + subscribe throughput of 1 KiB
 * messages encrypted through the adapter against plaintext with the bare client, on one
 * nats-server this program starts, alternating the two for a few rounds after a warm-up, and
 * prints the ratio with its spread. One publisher and one subscriber connection in this JVM.
 *
 * <p>Run: {@code ./mvnw -q -pl nats-adapter -am test-compile dependency:build-classpath
 * -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test}, then {@code java -cp
 * nats-adapter/target/test-classes:nats-adapter/target/classes:java-codec/target/classes:$(cat
 * nats-adapter/target/cp.txt) dev.sealpost.nats.NatsThroughput [messages] [rounds]}.
 */
public final class NatsThroughput {
  private NatsThroughput() {}

  public static void main(String[] args) throws Exception {
    int messages = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    byte[] payload = new byte[1024];
    new SecureRandom().nextBytes(payload);
    byte[] kek = new byte[32];
    new SecureRandom().nextBytes(kek);
    Keyring keyring = Keyring.builder().add("bench", 1, kek).build();
    NatsSealer sealer = new NatsSealer(NatsSealerSettings.builder()
        .subject("bench.enc", Recipient.symmetric(keyring, "bench"))
        .decryptor(Decryptor.builder().kekSource(keyring).build())
        .build());
    Path work = Files.createTempDirectory("sealpost-nats-bench");
    try (NatsServerProcess server = NatsServerProcess.start(work)) {
      Connection pub = Nats.connect(Options.builder().server(server.url()).build());
      Connection sub = Nats.connect(Options.builder().server(server.url()).build());
      try {
        SealedConnection sealedPub = new SealedConnection(pub, sealer);
        SealedConnection sealedSub = new SealedConnection(sub, sealer);
        System.out.printf(Locale.ROOT, "%,d messages of 1 KiB per run, 3 warm-up rounds then %d rounds, alternating%n", messages, rounds);
        for (int w = 0; w < 3; w++) { // warm-up: the JIT keeps improving the encrypted path for a few runs
          run(true, messages, payload, pub, sub, sealedPub, sealedSub);
          run(false, messages, payload, pub, sub, sealedPub, sealedSub);
        }
        List<Double> ratios = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
          boolean encryptedFirst = r % 2 == 0;
          double a = run(encryptedFirst, messages, payload, pub, sub, sealedPub, sealedSub);
          double b = run(!encryptedFirst, messages, payload, pub, sub, sealedPub, sealedSub);
          double enc = encryptedFirst ? a : b;
          double plain = encryptedFirst ? b : a;
          ratios.add(enc / plain);
          System.out.printf(Locale.ROOT, "round %d: encrypted %,.0f msg/s, plaintext %,.0f msg/s, ratio %.2f%n",
              r + 1, enc, plain, enc / plain);
        }
        double mean = ratios.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        double min = ratios.stream().mapToDouble(Double::doubleValue).min().orElse(0);
        double max = ratios.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        System.out.printf(Locale.ROOT, "encrypted / plaintext throughput: mean %.2f, min %.2f, max %.2f over %d rounds%n",
            mean, min, max, rounds);
        // The CPU the adapter adds, without a server: seal then open, one thread.
        long start = System.nanoTime();
        for (int i = 0; i < messages; i++) {
          sealer.open(sealer.seal("bench.enc", null, payload));
        }
        double perMessage = (System.nanoTime() - start) / 1e3 / messages;
        System.out.printf(Locale.ROOT, "in-process seal + open, one thread: %.1f us per message (%,.0f msg/s)%n",
            perMessage, 1e6 / perMessage);
      } finally {
        pub.close();
        sub.close();
      }
    }
  }

  /** One run: messages/s from the first publish to the last message received (and opened). */
  private static double run(boolean encrypted, int n, byte[] payload, Connection pub, Connection sub,
      SealedConnection sealedPub, SealedConnection sealedSub) throws Exception {
    CountDownLatch done = new CountDownLatch(n);
    AtomicLong failures = new AtomicLong();
    String subject = encrypted ? "bench.enc" : "bench.raw";
    Dispatcher d = encrypted
        ? sealedSub.createDispatcher(m -> done.countDown(), e -> failures.incrementAndGet())
        : sub.createDispatcher(m -> done.countDown());
    d.setPendingLimits(0, 0); // unlimited: a slow subscriber must not drop messages here
    d.subscribe(subject);
    sub.flush(java.time.Duration.ofSeconds(5));
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      if (encrypted) {
        sealedPub.publish(subject, null, payload);
      } else {
        pub.publish(subject, payload);
      }
    }
    pub.flush(java.time.Duration.ofSeconds(30));
    if (!done.await(120, TimeUnit.SECONDS) || failures.get() > 0) {
      throw new IllegalStateException("received " + (n - done.getCount()) + " of " + n + ", failures " + failures.get());
    }
    double rate = n / ((System.nanoTime() - start) / 1e9);
    sub.closeDispatcher(d);
    return rate;
  }
}
