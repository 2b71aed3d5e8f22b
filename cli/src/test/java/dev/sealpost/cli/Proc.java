package dev.sealpost.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The CLI in its own JVM (same java, the test classpath): for heap limits, real stdout and file-size limits. */
final class Proc {
  private Proc() {}

  record Result(int code, String out, String err) {}

  /**
   * Runs {@code sealpost args} with {@code jvm} options. {@code stdin}/{@code stdout} are files
   * (null: empty input, captured output); {@code fileSizeKib} > 0 caps file writes as a full
   * disk would, through the shell's ulimit (the JVM ignores SIGXFSZ and sees EFBIG).
   */
  static Result run(List<String> jvm, File stdin, File stdout, int fileSizeKib, String... args) throws Exception {
    return run(command(jvm, fileSizeKib, args), stdin, stdout, -1);
  }

  /** Like {@link #run}, with {@code bytes} zero bytes written to standard input through a pipe. */
  static Result runPiped(List<String> jvm, long bytes, String... args) throws Exception {
    return run(command(jvm, 0, args), null, null, bytes);
  }

  static List<String> command(List<String> jvm, int fileSizeKib, String... args) {
    List<String> cmd = new ArrayList<>();
    if (fileSizeKib > 0) {
      cmd.addAll(List.of("sh", "-c", "ulimit -f " + (fileSizeKib * 2) + " && exec \"$@\"", "sh"));
    }
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-XX:-UsePerfData");
    cmd.addAll(jvm);
    cmd.add("-cp");
    cmd.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
    cmd.add(Main.class.getName());
    cmd.addAll(List.of(args));
    return cmd;
  }

  private static Result run(List<String> cmd, File stdin, File stdout, long pipeBytes) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.redirectInput(pipeBytes >= 0 ? ProcessBuilder.Redirect.PIPE
        : stdin != null ? ProcessBuilder.Redirect.from(stdin) : ProcessBuilder.Redirect.from(new File("/dev/null")));
    Path out = Files.createTempFile("sealpost-proc", ".out");
    Path err = Files.createTempFile("sealpost-proc", ".err");
    try {
      pb.redirectOutput(stdout != null ? stdout : out.toFile());
      pb.redirectError(err.toFile());
      Process p = pb.start();
      if (pipeBytes >= 0) {
        Thread feeder = new Thread(() -> {
          byte[] chunk = new byte[1 << 16];
          try (var in = p.getOutputStream()) {
            for (long left = pipeBytes; left > 0; left -= chunk.length) {
              in.write(chunk, 0, (int) Math.min(chunk.length, left));
            }
          } catch (IOException e) {
            // the CLI stopped reading: expected when it refuses the input
          }
        });
        feeder.setDaemon(true);
        feeder.start();
      }
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("timed out: " + cmd);
      }
      return new Result(p.exitValue(), Files.readString(out, UTF_8), Files.readString(err, UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
