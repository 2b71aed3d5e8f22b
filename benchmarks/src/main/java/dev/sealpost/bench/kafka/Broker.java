package dev.sealpost.bench.kafka;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A single-node KRaft broker (broker and controller in one) in its own JVM, with the Kafka server
 * jars on its class path, listening on free loopback ports, its log in a temporary directory.
 * {@link #close()} stops it (SIGTERM, Kafka's own orderly shutdown, then a kill after 30 s) and
 * deletes the directory; the harness also calls it from a shutdown hook, and the broker's
 * {@link BrokerMain} watchdog stops it if the harness dies without running hooks.
 */
final class Broker implements AutoCloseable {
  final Path dir;
  final Path dataDir;
  final String bootstrap;
  /** The Kafka jars and their dependencies, without the watchdog entry. */
  final String classpath;
  private final Process process;
  private final Path logFile;
  private boolean closed;

  private Broker(Path dir, Path dataDir, String bootstrap, String classpath, Process process, Path logFile) {
    this.dir = dir;
    this.classpath = classpath;
    this.dataDir = dataDir;
    this.bootstrap = bootstrap;
    this.process = process;
    this.logFile = logFile;
  }

  /**
   * Formats the storage ({@code kafka.tools.StorageTool format}, as {@code kafka-storage.sh}
   * does) and starts the broker; returns when it answers an admin request.
   */
  static Broker start(Path dir, String classpath, String java, String heap, List<String> extraJvmArgs) throws Exception {
    Path dataDir = Files.createDirectories(dir.resolve("data"));
    int port = freePort();
    int controllerPort = freePort();
    while (controllerPort == port) {
      controllerPort = freePort();
    }
    Properties p = new Properties();
    p.setProperty("process.roles", "broker,controller");
    p.setProperty("node.id", "1");
    p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    p.setProperty("controller.listener.names", "CONTROLLER");
    p.setProperty("inter.broker.listener.name", "PLAINTEXT");
    p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.setProperty("log.dirs", dataDir.toString());
    p.setProperty("num.partitions", "1");
    p.setProperty("auto.create.topics.enable", "false");
    p.setProperty("offsets.topic.replication.factor", "1");
    p.setProperty("transaction.state.log.replication.factor", "1");
    p.setProperty("transaction.state.log.min.isr", "1");
    p.setProperty("share.coordinator.state.topic.replication.factor", "1");
    p.setProperty("share.coordinator.state.topic.min.isr", "1");
    p.setProperty("group.initial.rebalance.delay.ms", "0");
    // Segments large enough that one measurement stays in one segment file; deleted topics go at once.
    p.setProperty("log.segment.bytes", String.valueOf(1 << 30));
    p.setProperty("file.delete.delay.ms", "1000");
    Path props = dir.resolve("server.properties");
    try (var w = Files.newBufferedWriter(props, StandardCharsets.UTF_8)) {
      p.store(w, "sealpost benchmark broker");
    }

    // The watchdog class, alone, in its own class path entry.
    Path watchdog = dir.resolve("watchdog");
    Path cls = watchdog.resolve("dev/sealpost/bench/kafka/BrokerMain.class");
    Files.createDirectories(cls.getParent());
    try (InputStream in = Broker.class.getResourceAsStream("BrokerMain.class")) {
      if (in == null) {
        throw new IllegalStateException("BrokerMain.class not found next to " + Broker.class.getName());
      }
      Files.copy(in, cls);
    }
    String cp = watchdog + File.pathSeparator + classpath;
    Path logFile = dir.resolve("broker.log");

    List<String> format = new ArrayList<>(List.of(java, "-cp", cp, "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(), "-c", props.toString()));
    Process f = new ProcessBuilder(format).redirectErrorStream(true).redirectOutput(dir.resolve("format.log").toFile()).start();
    if (!f.waitFor(120, TimeUnit.SECONDS) || f.exitValue() != 0) {
      f.destroyForcibly();
      throw new IllegalStateException("formatting the broker storage failed:\n" + tail(dir.resolve("format.log")));
    }

    List<String> cmd = new ArrayList<>(List.of(java, "-Xms" + heap, "-Xmx" + heap, "-XX:+UseG1GC",
        "-Djava.awt.headless=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
    cmd.addAll(extraJvmArgs);
    cmd.addAll(List.of("-cp", cp, BrokerMain.class.getName(), String.valueOf(ProcessHandle.current().pid()), props.toString()));
    Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(logFile.toFile()).start();
    Broker b = new Broker(dir, dataDir, "127.0.0.1:" + port, classpath, proc, logFile);
    try {
      b.awaitReady();
    } catch (Exception e) {
      b.close();
      throw e;
    }
    return b;
  }

  private void awaitReady() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    // First the listener (quietly: the admin client logs every refused connection), then an admin request.
    int port = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the broker exited with " + process.exitValue() + ":\n" + tail(logFile));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
        break;
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the broker did not listen within 120 s:\n" + tail(logFile), e);
        }
        Thread.sleep(200);
      }
    }
    Properties a = new Properties();
    a.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    a.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    a.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
    try (Admin admin = Admin.create(a)) {
      while (true) {
        if (!process.isAlive()) {
          throw new IllegalStateException("the broker exited with " + process.exitValue() + ":\n" + tail(logFile));
        }
        try {
          if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (Exception e) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("the broker did not answer within 120 s:\n" + tail(logFile), e);
          }
          Thread.sleep(200);
        }
      }
    }
  }

  /** Sum of the sizes of the partition's segment files ({@code *.log}), indexes not counted. */
  long segmentBytes(String topic, int partition) throws IOException {
    Path d = dataDir.resolve(topic + "-" + partition);
    try (Stream<Path> s = Files.list(d)) {
      long sum = 0;
      for (Path f : (Iterable<Path>) s::iterator) {
        if (f.getFileName().toString().endsWith(".log")) {
          sum += Files.size(f);
        }
      }
      return sum;
    }
  }

  long pid() {
    return process.pid();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (process.isAlive()) {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      deleteTree(dir);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(no log: " + e + ")";
    }
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      System.err.println("could not delete " + dir + ": " + e);
    }
  }
}
