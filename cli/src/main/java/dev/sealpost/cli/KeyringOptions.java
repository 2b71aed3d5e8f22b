package dev.sealpost.cli;

import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.keys.Keyring;
import dev.sealpost.codec.keys.KeyringFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import picocli.CommandLine.Option;

/**
 * {@code --keyring} and how to unlock it: a password from an environment variable, a file, or
 * the terminal (asked without echo, only when the keyring is encrypted).
 */
final class KeyringOptions {
  @Option(names = "--keyring", paramLabel = "FILE", description = "Keyring file.")
  Path keyring;

  @Option(names = "--keyring-password-env", paramLabel = "VAR",
      description = "Environment variable holding the keyring password.")
  String passwordEnv;

  @Option(names = "--keyring-password-file", paramLabel = "FILE",
      description = "File whose first line is the keyring password. Without either, an encrypted keyring's "
          + "password is asked on the terminal.")
  Path passwordFile;

  boolean given() {
    return keyring != null;
  }

  Keyring load() throws IOException, SealpostException {
    Handle h = open();
    h.wipe();
    return h.ring;
  }

  /** The keyring with what is needed to write it back in the same form. */
  Handle open() throws IOException, SealpostException {
    if (keyring == null) {
      throw CliException.usage("--keyring FILE is required");
    }
    String head = head(keyring);
    Io.warnIfShared(keyring, "keyring");
    boolean encrypted = head.startsWith(KeyringFile.ENCRYPTED_HEADER);
    char[] password = Io.password(passwordEnv, passwordFile);
    if (encrypted && password == null) {
      password = Io.prompt("Password for keyring " + keyring + ": ");
      if (password == null) {
        throw new CliException("keyring " + keyring + " is encrypted: give --keyring-password-env VAR or "
            + "--keyring-password-file FILE (no terminal to ask on)");
      }
    }
    Keyring ring = KeyringFile.load(keyring, password);
    return new Handle(keyring, ring, encrypted ? password : null, encrypted ? iterations(head) : 0,
        !encrypted && hasComments(keyring));
  }

  /** The first bytes of the file: enough for the form and the iteration count. */
  private static String head(Path p) throws IOException {
    if (Files.isDirectory(p)) {
      throw new CliException(p + " is a directory, not a keyring file");
    }
    try (InputStream in = Files.newInputStream(p)) {
      return new String(in.readNBytes(128), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new CliException("no such keyring file: " + p);
    }
  }

  /** Keeps the file's PBKDF2 iterations when it is written back; the codec's default otherwise. */
  private static int iterations(String head) {
    for (String line : head.split("\n")) {
      if (line.startsWith("iterations ")) {
        try {
          return Integer.parseInt(line.substring("iterations ".length()).trim());
        } catch (NumberFormatException e) {
          break;
        }
      }
    }
    return KeyringFile.DEFAULT_ITERATIONS;
  }

  private static boolean hasComments(Path p) throws IOException {
    for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
      if (line.strip().startsWith("#")) {
        return true;
      }
    }
    return false;
  }

  /** An opened keyring file. */
  static final class Handle {
    final Path path;
    final Keyring ring;
    /** Null for a plain keyring. */
    char[] password;
    final int iterations;
    private final boolean comments;

    Handle(Path path, Keyring ring, char[] password, int iterations, boolean comments) {
      this.path = path;
      this.ring = ring;
      this.password = password;
      this.iterations = iterations;
      this.comments = comments;
    }

    boolean encrypted() {
      return password != null;
    }

    /** Writes a new keyring over the file, atomically, in the form it had (plain or encrypted). */
    void save(Keyring updated) throws SealpostException {
      write(path, updated, password, iterations);
      if (comments) {
        Session.get().warn("the comment lines of " + path + " were not kept (the keyring is rewritten in canonical form)");
      }
    }

    void wipe() {
      if (password != null) {
        Arrays.fill(password, '\0');
      }
    }
  }

  /** Writes plain when {@code password} is null, else encrypted; atomically, owner-only. */
  static void write(Path path, Keyring ring, char[] password, int iterations) throws SealpostException {
    if (password == null) {
      KeyringFile.write(path, ring);
    } else {
      KeyringFile.write(path, ring, password, new SecureRandom(),
          iterations == 0 ? KeyringFile.DEFAULT_ITERATIONS : iterations);
    }
  }
}
