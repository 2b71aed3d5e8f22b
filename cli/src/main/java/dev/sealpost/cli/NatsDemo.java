package dev.sealpost.cli;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import dev.sealpost.codec.Decryptor;
import dev.sealpost.codec.Recipient;
import dev.sealpost.codec.format.EnvelopeHeader;
import dev.sealpost.codec.format.RecipientEntry;
import dev.sealpost.codec.keys.Keyring;
import dev.sealpost.nats.NatsSealer;
import dev.sealpost.nats.NatsSealerSettings;
import dev.sealpost.nats.OpenedMessage;
import dev.sealpost.nats.SealedConnection;
import dev.sealpost.nats.SealedJetStream;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * {@code sealpost demo --broker nats}: starts a nats-server with JetStream (or uses one at a URL),
 * publishes fake payments through the NATS adapter with acknowledgements, shows one message as
 * JetStream stores it and as the subscriber reads it, scans the server's store for plaintext,
 * and prints a summary with throughput measured after a warm-up.
 */
final class NatsDemo {
  private static final String[] NAMES = {
    "Ada Lovelace", "Alan Turing", "Grace Hopper", "Edsger Dijkstra", "Barbara Liskov", "Donald Knuth",
    "Margaret Hamilton", "Ken Thompson", "Radia Perlman", "Claude Shannon", "Frances Allen", "John McCarthy"
  };
  private static final String[] MERCHANTS = {
    "Corner Bakery", "Night Train Books", "Blue Bottle Coffee", "City Bikes", "Green Grocer", "The Hardware Store"
  };
  private static final int WARMUP = 1000;
  private static final int WINDOW = 500;

  private final int records;
  private final String serverUrl;
  private final Path storeDir;
  private final int timeoutSeconds;

  /**
   * @param serverUrl an existing server ({@code nats://host:port}, JetStream enabled), or null to start one
   * @param storeDir with {@code serverUrl}: the server's store directory to scan, or null
   */
  NatsDemo(int records, String serverUrl, Path storeDir, int timeoutSeconds) {
    this.records = records;
    this.serverUrl = serverUrl;
    this.storeDir = storeDir;
    this.timeoutSeconds = timeoutSeconds;
  }

  int run(PrintStream out) throws Exception {
    if (records < 1 || records > 10_000_000) {
      throw CliException.usage("--records must be 1..10000000");
    }
    Path work = Files.createTempDirectory("sealpost-nats-demo");
    Server server = null;
    try {
      String url = serverUrl;
      Path store = storeDir;
      if (url == null) {
        out.println("[1/6] Starting nats-server with JetStream on a free loopback port...");
        long s = System.nanoTime();
        server = Server.start(work.resolve("store"), timeoutSeconds);
        url = server.url();
        store = server.store;
        out.printf(Locale.ROOT, "      server ready at %s in %.1f s (store: a temporary directory)%n", url, secs(s));
      } else {
        out.println("[1/6] Using the server at " + url);
      }

      byte[] kek = new byte[32];
      new SecureRandom().nextBytes(kek);
      Keyring keyring = Keyring.builder().add("payments", 1, kek).build();
      java.util.Arrays.fill(kek, (byte) 0);
      NatsSealer sealer = new NatsSealer(NatsSealerSettings.builder()
          .subject("payments.>", Recipient.symmetric(keyring, "payments"))
          .secretHeaders(Pattern.compile("x-card-.*"))
          .authenticatedHeaders(Pattern.compile("x-tenant"))
          .decryptor(Decryptor.builder().kekSource(keyring).build())
          .build());
      String stream = "PAYMENTS_" + Long.toHexString(System.nanoTime() & 0xFFFFFF).toUpperCase(Locale.ROOT);
      String prefix = "payments." + stream.toLowerCase(Locale.ROOT);

      Connection nc = Nats.connect(Options.builder().server(url).connectionTimeout(Duration.ofSeconds(timeoutSeconds)).build());
      try {
        JetStreamManagement jsm = nc.jetStreamManagement();
        jsm.addStream(StreamConfiguration.builder().name(stream).subjects(prefix + ".>").storageType(StorageType.File).build());
        out.println("[2/6] Created stream " + stream + " on " + prefix + ".>; messages go to it encrypted under KEK 'payments' v1");
        SealedJetStream js = new SealedConnection(nc, sealer).jetStream();

        Random random = new Random(42);
        out.printf(Locale.ROOT, "[3/6] Warm-up: %,d messages (not counted); then %,d fake payments with acknowledgements"
            + " (header x-card-holder travels encrypted, x-tenant is authenticated)%n", WARMUP, records);
        publish(js, prefix + ".warmup", WARMUP, random);
        long plainBytes = 0;
        long secretHeaderBytes = 0;
        String sample = null;
        long start = System.nanoTime();
        List<CompletableFuture<PublishAck>> window = new ArrayList<>();
        int step = Math.max(1, records / 5);
        for (int i = 0; i < records; i++) {
          String name = NAMES[random.nextInt(NAMES.length)];
          String value = payment(i, name, random);
          sample = sample == null ? value : sample;
          plainBytes += value.getBytes(UTF_8).length;
          secretHeaderBytes += 2 + "x-card-holder".length() + 4 + name.getBytes(UTF_8).length;
          window.add(js.publishAsync(prefix + ".card", headers(name), value.getBytes(UTF_8)));
          if (window.size() == WINDOW || i + 1 == records) {
            for (CompletableFuture<PublishAck> f : window) {
              f.get(timeoutSeconds, TimeUnit.SECONDS); // every message acknowledged by the stream
            }
            window.clear();
          }
          if ((i + 1) % step == 0 || i + 1 == records) {
            out.printf(Locale.ROOT, "      %,d / %,d acknowledged%n", i + 1, records);
          }
        }
        double publishSecs = secs(start);

        out.println("[4/6] One message as JetStream stores it:");
        MessageInfo stored = jsm.getMessage(stream, WARMUP + 1L);
        byte[] data = stored.getData();
        EnvelopeHeader header = EnvelopeHeader.parse(data);
        RecipientEntry r = header.recipients().get(0);
        out.println("      subject: " + stored.getSubject());
        out.println("      data   (" + data.length + " bytes): " + hex(data, 40));
        out.println("      headers: " + stored.getHeaders().keySet() + " (x-card-holder is inside the envelope)");
        out.println("      envelope: suite " + header.suite() + ", recipient " + r.type().map(Enum::name).orElse("?")
            + " '" + r.keyId() + "' v" + r.keyVersionUnsigned());
        OpenedMessage shown = sealer.open(new NatsMessage(stored.getSubject(), null, stored.getHeaders(), data));
        out.println("      ...and as the subscriber reads it:");
        out.println("      data   : " + new String(shown.data(), UTF_8));
        out.println("      headers: x-card-holder=" + shown.headers().getFirst("x-card-holder")
            + ", x-tenant=" + shown.headers().getFirst("x-tenant"));

        SealedJetStream.SealedPullSubscription pull = js.subscribePull(prefix + ".card",
            PullSubscribeOptions.builder().durable("sealpost-demo").build());
        int consumed = 0;
        List<String> failures = new ArrayList<>();
        long consumeStart = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(60, timeoutSeconds));
        while (consumed < records && System.nanoTime() < deadline) {
          List<OpenedMessage> batch = pull.fetch(500, Duration.ofSeconds(1), e -> failures.add(e.getMessage()));
          if (consumeStart == 0 && !batch.isEmpty()) {
            consumeStart = System.nanoTime();
          }
          for (OpenedMessage m : batch) {
            m.ack();
            consumed++;
          }
        }
        double consumeSecs = secs(consumeStart);
        out.printf(Locale.ROOT, "[5/6] Pulled and decrypted %,d / %,d messages%n", consumed, records);
        if (consumed != records || !failures.isEmpty()) {
          throw new CliException("consumed " + consumed + " of " + records + " messages; failures: " + failures);
        }
        pull.unsubscribe();
        jsm.deleteConsumer(stream, "sealpost-demo");
        nc.close();
        nc = null;

        String scan;
        if (store == null) {
          out.println("[6/6] Skipping the store scan: the server is remote (pass --nats-store-dir to scan its store)");
          scan = "skipped (remote server)";
        } else {
          if (server != null) {
            server.stop(); // a clean stop flushes every message block to disk
          }
          List<Path> files;
          try (var walk = Files.walk(store)) {
            files = walk.filter(Files::isRegularFile).toList();
          }
          StringBuilder disk = new StringBuilder();
          long bytes = 0;
          for (Path p : files) {
            byte[] b = Files.readAllBytes(p);
            bytes += b.length;
            disk.append(new String(b, ISO_8859_1));
          }
          List<String> probes = new ArrayList<>(List.of(NAMES));
          probes.addAll(List.of(MERCHANTS));
          probes.addAll(List.of("\"amount\"", "card_last4", sample));
          List<String> found = probes.stream().filter(p -> disk.indexOf(p) >= 0).toList();
          boolean sane = disk.indexOf("sealpost-demo") >= 0; // the clear header: the scan sees the messages
          out.printf(Locale.ROOT, "[6/6] Scanned %d JetStream store files (%,d bytes) for %d plaintext strings: %s%n",
              files.size(), bytes, probes.size(), found.isEmpty() ? "none found" : "FOUND " + found);
          if (!sane) {
            throw new CliException("the scan did not see the messages' clear header; is the store directory right?");
          }
          if (!found.isEmpty()) {
            throw new CliException("plaintext found in the JetStream store: " + found);
          }
          scan = String.format(Locale.ROOT, "no plaintext in %d store files (%,d bytes)", files.size(), bytes);
        }

        long overhead = Math.round((stored.getData().length - (double) plainBytes / records));
        out.println();
        out.println("Summary");
        out.println("  ------------------------------------------------------------");
        out.printf(Locale.ROOT, "  messages published / consumed  %,d / %,d (after %,d warm-up messages)%n", records, consumed, WARMUP);
        out.printf(Locale.ROOT, "  data bytes before (plain)      %,d (avg %.0f B)%n", plainBytes, plainBytes / (double) records);
        out.printf(Locale.ROOT, "  overhead per message           about %d B = envelope + 3 B framing + %d B encrypted header%n",
            overhead, Math.round(secretHeaderBytes / (double) records));
        out.printf(Locale.ROOT, "  publish (encrypt + ack)        %,.0f msg/s, %.2f MB/s plain (one publisher, %d in flight)%n",
            records / publishSecs, plainBytes / publishSecs / 1e6, WINDOW);
        out.printf(Locale.ROOT, "  pull (fetch + decrypt + ack)   %,.0f msg/s, %.2f MB/s plain (one consumer)%n",
            consumed / consumeSecs, plainBytes / consumeSecs / 1e6);
        out.println("                                 (a short run on a shared machine: indicative only)");
        out.println("  JetStream store                " + scan);
        out.println("  ------------------------------------------------------------");
        return 0;
      } finally {
        if (nc != null) {
          nc.close();
        }
      }
    } finally {
      if (server != null) {
        out.println("Stopping nats-server.");
        server.stop();
      }
      deleteTree(work);
    }
  }

  private static void publish(SealedJetStream js, String subject, int n, Random random) throws Exception {
    List<CompletableFuture<PublishAck>> window = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String name = NAMES[random.nextInt(NAMES.length)];
      window.add(js.publishAsync(subject, headers(name), payment(i, name, random).getBytes(UTF_8)));
      if (window.size() == WINDOW || i + 1 == n) {
        for (CompletableFuture<PublishAck> f : window) {
          f.get(30, TimeUnit.SECONDS);
        }
        window.clear();
      }
    }
  }

  private static Headers headers(String name) {
    return new Headers().add("x-card-holder", name).add("x-tenant", "acme").add("source", "sealpost-demo");
  }

  private static String payment(int i, String name, Random random) {
    String[] parts = name.split(" ");
    return String.format(Locale.ROOT,
        "{\"payment_id\":\"pay_%08d\",\"payer\":\"%s\",\"card_last4\":\"%04d\",\"amount\":%d.%02d,"
            + "\"currency\":\"EUR\",\"merchant\":\"%s\",\"email\":\"%s.%s@example.com\"}",
        i, name, random.nextInt(10000), 1 + random.nextInt(400), random.nextInt(100),
        MERCHANTS[random.nextInt(MERCHANTS.length)], parts[0].toLowerCase(Locale.ROOT), parts[1].toLowerCase(Locale.ROOT));
  }

  private static String hex(byte[] b, int max) {
    String h = HexFormat.ofDelimiter(" ").formatHex(b, 0, Math.min(max, b.length));
    return b.length > max ? h + " ..." : h;
  }

  private static double secs(long startNanos) {
    return Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
  }

  private static void deleteTree(Path root) {
    try (var files = Files.walk(root)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a temporary directory
    }
  }

  /** A nats-server child process with JetStream, on a free loopback port. */
  static final class Server {
    final Path store;
    private final Process process;
    private final int port;

    private Server(Path store, Process process, int port) {
      this.store = store;
      this.process = process;
      this.port = port;
    }

    static Server start(Path store, int timeoutSeconds) throws IOException, InterruptedException {
      Files.createDirectories(store);
      int port;
      try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        port = s.getLocalPort();
      }
      Path log = store.resolveSibling("nats-server.log");
      Process p = new ProcessBuilder(binary().toString(), "-a", "127.0.0.1", "-p", Integer.toString(port), "-js",
          "-sd", store.toString())
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
      while (System.nanoTime() < deadline) {
        if (!p.isAlive()) {
          throw new CliException("nats-server exited: " + Files.readString(log));
        }
        if (Files.readString(log).contains("Server is ready") && accepts(port)) {
          return new Server(store, p, port);
        }
        Thread.sleep(50);
      }
      p.destroyForcibly();
      throw new CliException("nats-server did not start in " + timeoutSeconds + " s: " + Files.readString(log));
    }

    static Path binary() {
      String configured = System.getProperty("nats.server", System.getenv("NATS_SERVER"));
      if (configured != null && !configured.isBlank()) {
        return Path.of(configured);
      }
      List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
      dirs.addAll(List.of("/usr/sbin", "/usr/local/sbin", "/usr/bin", "/usr/local/bin"));
      for (String d : dirs) {
        if (!d.isEmpty() && Files.isExecutable(Path.of(d, "nats-server"))) {
          return Path.of(d, "nats-server");
        }
      }
      throw new CliException("nats-server not found: install it (Debian/Ubuntu: apt-get install nats-server), set"
          + " NATS_SERVER to its path, or pass --nats-url for a running server with JetStream");
    }

    private static boolean accepts(int port) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return true;
      } catch (IOException e) {
        return false;
      }
    }

    String url() {
      return "nats://127.0.0.1:" + port;
    }

    void stop() throws InterruptedException {
      if (process.isAlive()) {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      }
    }
  }
}
