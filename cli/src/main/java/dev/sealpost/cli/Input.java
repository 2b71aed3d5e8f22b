package dev.sealpost.cli;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A file or standard input: opened as a stream, or for the one-shot forms read whole into
 * memory, refusing inputs that cannot fit before reading them.
 */
final class Input {
  private final Path path; // null: standard input

  private Input(Path path) {
    this.path = path;
  }

  static Input of(Path p) {
    return p == null || p.toString().equals("-") ? new Input(null) : new Input(p);
  }

  /** How messages name it. */
  String name() {
    return path == null ? "standard input" : path.toString();
  }

  InputStream open() throws IOException {
    if (path == null) {
      return Session.get().in;
    }
    if (Files.isDirectory(path)) {
      throw new CliException(path + " is a directory");
    }
    return Files.newInputStream(path);
  }

  /**
   * The whole input. {@code formatLimit} is what one envelope can hold; {@code copies} how many
   * input-sized arrays the command holds at once, which with the free heap gives the memory
   * limit. Either limit fails in one line, before reading when the size is known.
   */
  byte[] readAll(String command, long formatLimit, double copies) throws IOException {
    long memoryLimit = memoryLimit(copies);
    long limit = Math.min(formatLimit, memoryLimit);
    long size = checkSize(command, formatLimit, copies);
    try (InputStream in = open()) {
      if (size >= 0) {
        byte[] data = in.readNBytes((int) size);
        if (data.length == size && in.read() < 0) {
          return data;
        }
        throw new CliException(name() + " changed size while it was read");
      }
      // Unknown size (a pipe): chunks, so that growing never holds two large copies.
      List<byte[]> chunks = new ArrayList<>();
      long total = 0;
      while (true) {
        byte[] chunk = in.readNBytes((int) Math.min(1 << 20, limit + 1 - total));
        if (chunk.length == 0) {
          break;
        }
        chunks.add(chunk);
        total += chunk.length;
        if (total > limit) {
          throw tooLarge(command, -1, formatLimit, memoryLimit);
        }
      }
      byte[] data = new byte[(int) total];
      int at = 0;
      for (byte[] c : chunks) {
        System.arraycopy(c, 0, data, at, c.length);
        at += c.length;
      }
      return data;
    }
  }

  /**
   * Fails now if the size is known and too large, so that a command refuses an input before
   * asking for passwords; returns the size, or -1 when unknown.
   */
  long checkSize(String command, long formatLimit, double copies) throws IOException {
    long memoryLimit = memoryLimit(copies);
    long size = knownSize();
    if (size > Math.min(formatLimit, memoryLimit)) {
      throw tooLarge(command, size, formatLimit, memoryLimit);
    }
    return size;
  }

  /** The size in bytes, or -1 when it is not known before reading (pipes, terminals). */
  long knownSize() throws IOException {
    if (path != null) {
      if (Files.isDirectory(path)) {
        throw new CliException(path + " is a directory");
      }
      return Files.isRegularFile(path) ? Files.size(path) : -1;
    }
    if (!Session.get().processStdin) {
      return -1;
    }
    // A redirected file can tell its size; a pipe fails to seek.
    try {
      FileChannel ch = new FileInputStream(FileDescriptor.in).getChannel();
      long remaining = ch.size() - ch.position();
      return remaining > 0 ? remaining : -1;
    } catch (IOException e) {
      return -1;
    }
  }

  /** Input bytes that fit when the command holds {@code copies} input-sized arrays. */
  static long memoryLimit(double copies) {
    Runtime rt = Runtime.getRuntime();
    long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    // A margin for the JVM's own use and the codec's small allocations.
    return Math.max(0, (long) ((free - (8L << 20)) / copies));
  }

  private CliException tooLarge(String command, long size, long formatLimit, long memoryLimit) {
    String what = size >= 0 ? name() + " is " + n(size) + " bytes" : name() + " is larger than " + n(Math.min(formatLimit, memoryLimit)) + " bytes";
    if (memoryLimit < formatLimit) {
      long heapMib = Runtime.getRuntime().maxMemory() >> 20;
      return new CliException(what + "; " + command + " holds this input in memory and this heap (" + heapMib
          + " MiB) takes at most " + n(memoryLimit) + " bytes: raise it, e.g. SEALPOST_JAVA_OPTS=-Xmx4g"
          + (size > formatLimit ? " (one envelope holds at most " + n(formatLimit) + ")" : ""));
    }
    return new CliException(what + "; one envelope holds at most " + n(formatLimit)
        + " bytes" + ("encrypt".equals(command) ? ": the segmented form streams any size (no --no-segments; not --suite siv"
            + " or --sign-mode per-message)" : ""));
  }

  private static String n(long v) {
    return String.format(Locale.ROOT, "%,d", v);
  }
}
