package dev.sealpost.nats;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code nats-server} with JetStream, started on a free loopback port with its store in a
 * directory the test owns, and stopped again (also restarted on the same port and store). A
 * missing binary fails the test: these tests are part of the build and never skip.
 */
final class NatsServerProcess implements AutoCloseable {
  static final String INSTALL_HINT = "the NATS tests need a nats-server binary with JetStream (2.2 or newer) on the"
      + " PATH, or its path in -Dnats.server=...: install the Debian/Ubuntu package with 'apt-get install nats-server',"
      + " or a release from the NATS project";

  private final Path binary;
  private final Path storeDir;
  private final Path log;
  private final int port;
  private Process process;

  private NatsServerProcess(Path binary, Path storeDir, int port) {
    this.binary = binary;
    this.storeDir = storeDir;
    this.log = storeDir.resolveSibling(storeDir.getFileName() + ".log");
    this.port = port;
  }

  /** Starts a server with a fresh store under {@code workDir}. */
  static NatsServerProcess start(Path workDir) throws IOException, InterruptedException {
    Path store = Files.createDirectories(workDir.resolve("store"));
    NatsServerProcess s = new NatsServerProcess(binary(), store, freePort());
    s.startProcess();
    return s;
  }

  static Path binary() {
    String configured = System.getProperty("nats.server");
    if (configured != null && !configured.isBlank()) {
      Path p = Path.of(configured);
      if (Files.isExecutable(p)) {
        return p;
      }
      throw new AssertionError("-Dnats.server=" + configured + " is not an executable file; " + INSTALL_HINT);
    }
    List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
    dirs.addAll(List.of("/usr/sbin", "/usr/local/sbin", "/usr/bin", "/usr/local/bin")); // Debian installs to sbin
    for (String d : dirs) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, "nats-server"))) {
        return Path.of(d, "nats-server");
      }
    }
    throw new AssertionError("nats-server not found: " + INSTALL_HINT);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private void startProcess() throws IOException, InterruptedException {
    process = new ProcessBuilder(binary.toString(), "-a", "127.0.0.1", "-p", Integer.toString(port),
        "-js", "-sd", storeDir.toString())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("nats-server exited with " + process.exitValue() + ": " + Files.readString(log));
      }
      if (Files.exists(log) && Files.readString(log).contains("Server is ready") && accepts()) {
        return;
      }
      Thread.sleep(50);
    }
    process.destroyForcibly();
    throw new AssertionError("nats-server did not become ready in 20 s: " + Files.readString(log));
  }

  private boolean accepts() {
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

  Path storeDir() {
    return storeDir;
  }

  /** Stops the server (SIGTERM, so it flushes its store) and starts it again on the same port and store. */
  void restart() throws IOException, InterruptedException {
    stop();
    startProcess();
  }

  void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
