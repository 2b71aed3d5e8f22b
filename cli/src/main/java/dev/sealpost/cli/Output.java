package dev.sealpost.cli;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a command's result goes: standard output, or a file written all-or-nothing. A file is
 * written to a temporary file created owner-only (0600) in the target's directory and renamed
 * over the target only by {@link #commit()}, after the command has checked every byte; closing
 * without committing deletes it. Every write failure is a {@link CliException} naming the target.
 */
final class Output implements AutoCloseable {
  // Temporary files to remove if the JVM is stopped (Ctrl-C) before commit or close.
  private static final Set<Path> PENDING = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      for (Path p : PENDING) {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          // nothing more can be done while the JVM stops
        }
      }
    }));
  }

  private final Path target; // null: standard output
  private final boolean force;
  private final Path tmp;
  private final FileChannel channel;
  private final OutputStream stream;
  private boolean committed;

  private Output(Path target, boolean force, Path tmp, FileChannel channel, OutputStream raw) {
    this.target = target;
    this.force = force;
    this.tmp = tmp;
    this.channel = channel;
    this.stream = new Checked(raw);
  }

  static boolean isStdout(Path p) {
    return p == null || p.toString().equals("-");
  }

  /**
   * Opens {@code target} (null or "-": standard output). An existing target is refused unless
   * {@code force}; a symbolic link is never followed: with {@code force} the link itself is
   * replaced. Directories and special files (devices, FIFOs) are refused.
   */
  static Output open(Path target, boolean force) {
    if (isStdout(target)) {
      return new Output(null, force, null, null, Session.get().out);
    }
    Path abs = target.toAbsolutePath();
    try {
      BasicFileAttributes a = Files.readAttributes(abs, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (a.isDirectory()) {
        throw new CliException(target + " is a directory");
      }
      if (a.isOther()) {
        throw new CliException(target + " is not a regular file; write to standard output (-o -) and redirect instead");
      }
      if (!force) {
        throw new CliException(target + " already exists" + (a.isSymbolicLink() ? " (a symbolic link)" : "")
            + "; use --force to replace it");
      }
    } catch (NoSuchFileException e) {
      // the usual case: a new file
    } catch (IOException e) {
      throw new CliException("cannot write " + target + ": " + Main.reason(e));
    }
    Path dir = abs.getParent();
    Path tmp = null;
    try {
      boolean posix = Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class);
      FileAttribute<?>[] attrs = posix
          ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
          : new FileAttribute<?>[0];
      // createTempFile uses O_EXCL: it never opens an existing file or follows a planted link.
      tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp", attrs);
      PENDING.add(tmp);
      FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
      return new Output(target, force, tmp, ch, Channels.newOutputStream(ch));
    } catch (IOException | RuntimeException e) {
      delete(tmp);
      if (e instanceof CliException) {
        throw (CliException) e;
      }
      throw new CliException("cannot write " + target + ": " + Main.reason(e));
    }
  }

  /**
   * Refuses binary output on a terminal (it garbles the terminal and shows nothing useful)
   * unless the user insisted, with --force or an explicit "-o -".
   */
  void refuseBinaryOnTerminal(boolean insisted, String what) {
    if (target == null && !insisted && Session.get().terminal) {
      throw CliException.usage("not writing " + what + " to a terminal; redirect it, use --out FILE, or insist with -o - or --force");
    }
  }

  /** Gives a committed, non-secret file the usual rw-r--r-- instead of owner-only. */
  static void makeReadable(Path p) {
    try {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
    } catch (IOException | UnsupportedOperationException e) {
      // owner-only stays: safe, just less convenient
    }
  }

  /** How messages name it. */
  String name() {
    return target == null ? "standard output" : target.toString();
  }

  boolean isStdout() {
    return target == null;
  }

  /** The stream to write to; every failure is a {@link CliException} naming the target. */
  OutputStream stream() {
    return stream;
  }

  void write(byte[] data) {
    try {
      stream.write(data);
    } catch (IOException e) {
      throw fail(e);
    }
  }

  /** Makes the output final: flushes standard output, or syncs and renames the file into place. */
  void commit() {
    try {
      stream.flush();
      if (target == null) {
        committed = true;
        return;
      }
      channel.force(true);
      channel.close();
      Path abs = target.toAbsolutePath();
      if (!force && Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
        throw new CliException(target + " appeared while it was written; use --force to replace it");
      }
      // rename(2) replaces a link itself, never what it points to.
      Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      PENDING.remove(tmp);
      committed = true;
    } catch (IOException e) {
      throw fail(e);
    }
  }

  /** Removes the temporary file unless committed. */
  @Override
  public void close() {
    if (target == null || committed) {
      return;
    }
    try {
      channel.close();
    } catch (IOException e) {
      // the file is deleted next; its close error changes nothing
    }
    delete(tmp);
  }

  private CliException fail(IOException e) {
    return new CliException("cannot write " + name() + ": " + Main.reason(e));
  }

  private static void delete(Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        // best effort; the write error is the one to report
      }
      PENDING.remove(p);
    }
  }

  /** Rethrows write errors as {@link CliException}s naming the output. */
  private final class Checked extends FilterOutputStream {
    Checked(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      try {
        out.write(b, off, len);
      } catch (IOException e) {
        throw fail(e);
      }
    }

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void flush() {
      try {
        out.flush();
      } catch (IOException e) {
        throw fail(e);
      }
    }

    @Override
    public void close() {
      // The owner closes: commit() or close() of the Output.
    }
  }
}
