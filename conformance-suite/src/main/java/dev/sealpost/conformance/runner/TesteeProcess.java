package dev.sealpost.conformance.runner;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.sealpost.conformance.proto.ConformanceRequest;
import dev.sealpost.conformance.proto.ConformanceResponse;
import dev.sealpost.conformance.protocol.Framing;
import dev.sealpost.conformance.protocol.ProtoJson;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The testee child process and the runner's side of the protocol. Requests are written by a
 * writer thread and responses read by a reader thread, so that a testee that stops reading or
 * stops answering is caught by the per-request timeout instead of blocking the runner. After a
 * timeout, a crash or a protocol error the process is killed (with its descendants) and a fresh
 * one is started for the next request.
 */
public final class TesteeProcess implements AutoCloseable {
  private static final int STDERR_TAIL = 4096;

  private final List<String> command;
  private final File workDir;
  private final long timeoutMillis;
  private Instance current;
  private int starts;

  public TesteeProcess(List<String> command, File workDir, long timeoutMillis) {
    if (command.isEmpty()) {
      throw new IllegalArgumentException("empty testee command");
    }
    this.command = List.copyOf(command);
    this.workDir = workDir;
    this.timeoutMillis = timeoutMillis;
  }

  /** How many times the testee was started (1 for a run without failures). */
  public int starts() {
    return starts;
  }

  /** Sends one request and waits for its response. */
  public ConformanceResponse call(ConformanceRequest request) throws TesteeFailure {
    if (current == null) {
      current = start();
    }
    Instance in = current;
    byte[] frame = ProtoJson.encode(request);
    in.writer.submit(() -> {
      try {
        Framing.write(in.stdin, frame);
      } catch (IOException e) {
        // The reader sees the end of the stream when the process is gone; a testee that closed
        // its stdin yet stays alive runs into the timeout.
      }
    });
    Object got;
    try {
      got = in.responses.poll(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill();
      throw new TesteeFailure("runner interrupted", "");
    }
    if (got == null) {
      kill();
      throw new TesteeFailure("testee timed out after " + timeoutMillis + " ms", "stderr tail:\n" + in.stderrTail());
    }
    if (got instanceof byte[]) {
      try {
        return ProtoJson.response((byte[]) got);
      } catch (InvalidProtocolBufferException | RuntimeException e) {
        kill();
        throw new TesteeFailure(
            "testee sent a response that is not a ConformanceResponse in proto3 JSON",
            e.getMessage() + "\nresponse: " + abbreviate(new String((byte[]) got, StandardCharsets.UTF_8)));
      }
    }
    String why = (String) got;
    Integer status = in.waitForExit();
    kill();
    if (why.isEmpty()) {
      throw new TesteeFailure(
          "testee crashed (" + (status == null ? "closed its stdout" : "exit status " + status) + ")",
          "stderr tail:\n" + in.stderrTail());
    }
    throw new TesteeFailure("testee broke the framing", why + "\nstderr tail:\n" + in.stderrTail());
  }

  private Instance start() throws TesteeFailure {
    ProcessBuilder pb = new ProcessBuilder(command).directory(workDir);
    try {
      Process p = pb.start();
      starts++;
      return new Instance(p);
    } catch (IOException e) {
      throw new TesteeFailure("cannot start the testee: " + e.getMessage(), String.join(" ", command));
    }
  }

  /** Kills the current process, if any; the next call starts a new one. */
  public void kill() {
    Instance in = current;
    current = null;
    if (in != null) {
      in.destroy();
    }
  }

  /** Closes the testee's stdin (its signal to exit) and waits briefly, then kills it. */
  @Override
  public void close() {
    Instance in = current;
    current = null;
    if (in != null) {
      in.writer.submit(() -> {
        try {
          in.stdin.close();
        } catch (IOException e) {
          // already gone
        }
      });
      try {
        in.process.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      in.destroy();
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 500 ? s : s.substring(0, 500) + "...";
  }

  /** One started process with its threads. */
  private static final class Instance {
    final Process process;
    final OutputStream stdin;
    final ExecutorService writer;
    /** byte[] frames; a String when the stream ended ("" for a clean end, else the error). */
    final BlockingQueue<Object> responses = new ArrayBlockingQueue<>(4);
    private final byte[] stderr = new byte[STDERR_TAIL];
    private long stderrBytes;

    Instance(Process process) {
      this.process = process;
      this.stdin = new BufferedOutputStream(process.getOutputStream(), 1 << 16);
      this.writer = Executors.newSingleThreadExecutor(r -> daemon(r, "testee-writer"));
      InputStream out = new BufferedInputStream(process.getInputStream(), 1 << 16);
      daemon(() -> {
        try {
          while (true) {
            byte[] frame = Framing.read(out);
            if (frame == null) {
              responses.put("");
              return;
            }
            responses.put(frame);
          }
        } catch (IOException e) {
          responses.offer(String.valueOf(e.getMessage()));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "testee-reader").start();
      InputStream err = process.getErrorStream();
      daemon(() -> {
        byte[] buf = new byte[4096];
        try {
          int n;
          while ((n = err.read(buf)) > 0) {
            appendStderr(buf, n);
          }
        } catch (IOException e) {
          // process gone
        }
      }, "testee-stderr").start();
    }

    private synchronized void appendStderr(byte[] buf, int n) {
      for (int i = 0; i < n; i++) {
        stderr[(int) (stderrBytes++ % STDERR_TAIL)] = buf[i];
      }
    }

    synchronized String stderrTail() {
      int n = (int) Math.min(stderrBytes, STDERR_TAIL);
      byte[] out = new byte[n];
      long start = stderrBytes - n;
      for (int i = 0; i < n; i++) {
        out[i] = stderr[(int) ((start + i) % STDERR_TAIL)];
      }
      return new String(out, StandardCharsets.UTF_8);
    }

    Integer waitForExit() {
      try {
        if (process.waitFor(2, TimeUnit.SECONDS)) {
          return process.exitValue();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return null;
    }

    void destroy() {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      writer.shutdownNow();
      try {
        process.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private static Thread daemon(Runnable r, String name) {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    }
  }
}
