package dev.sealpost.cli;

import dev.sealpost.codec.EncryptionContext;
import dev.sealpost.codec.SealpostException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Envelope input forms, passwords, contexts and key-file checks shared by the commands. */
final class Io {
  private Io() {}

  /** Whether the input is the base64 form of an envelope, which always starts with {@code 91NQ} [DET-5]. */
  static boolean isBase64(byte[] raw) {
    return raw.length >= 4 && raw[0] == '9' && raw[1] == '1' && raw[2] == 'N' && raw[3] == 'Q';
  }

  /** Envelope bytes, or their base64 decoded when the input starts with {@code 91NQ}. */
  static byte[] envelopeInput(byte[] raw, String name) {
    if (!isBase64(raw)) {
      return raw;
    }
    // White space is dropped in place: no second copy of a large input.
    int n = 0;
    boolean url = false;
    for (byte b : raw) {
      if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
        raw[n++] = b;
        url |= b == '-' || b == '_';
      }
    }
    try {
      return (url ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(Arrays.copyOf(raw, n));
    } catch (IllegalArgumentException e) {
      throw new CliException(name + ": starts like base64 of an envelope (91NQ) but is not valid base64");
    }
  }

  /** A password from an environment variable or the first line of a file; null when neither. */
  static char[] password(String env, Path file) throws IOException {
    if (env != null) {
      String v = System.getenv(env);
      if (v == null) {
        throw new CliException("environment variable " + env + " is not set");
      }
      return v.toCharArray();
    }
    if (file != null) {
      warnIfShared(file, "password file");
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return (lines.isEmpty() ? "" : lines.get(0)).toCharArray();
    }
    return null;
  }

  /** Asks on the terminal, without echo; null when there is no terminal. */
  static char[] prompt(String prompt) {
    Session.Prompter p = Session.get().prompter;
    return p == null ? null : p.readPassword(prompt);
  }

  /** A new password: asked twice on the terminal so that a typo cannot lock the file away. */
  static char[] promptNew(String what) {
    char[] first = prompt("New password for " + what + ": ");
    if (first == null) {
      return null;
    }
    char[] again = prompt("Repeat the new password: ");
    try {
      if (again == null || !Arrays.equals(first, again)) {
        Arrays.fill(first, '\0');
        throw new CliException("the two passwords for " + what + " differ; nothing was written");
      }
      if (first.length == 0) {
        throw new CliException("an empty password is not allowed; nothing was written");
      }
      return first;
    } finally {
      if (again != null) {
        Arrays.fill(again, '\0');
      }
    }
  }

  /**
   * Warns on stderr when a secret file is readable or writable by group or others: the codec
   * reads such files (deployments differ), the CLI says so once.
   */
  static void warnIfShared(Path file, String what) {
    try {
      PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
      if (view == null || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        return;
      }
      Set<PosixFilePermission> perms = view.readAttributes().permissions();
      Set<PosixFilePermission> shared = Set.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);
      if (perms.stream().anyMatch(shared::contains)) {
        Session.get().warn(what + " " + file + " is accessible by group or others ("
            + PosixFilePermissions.toString(perms) + "); restrict it: chmod 600 " + file);
      }
    } catch (IOException | UnsupportedOperationException e) {
      // A missing file is reported by the read that follows.
    }
  }

  static EncryptionContext context(List<String> pairs) throws SealpostException {
    Map<String, String> m = new LinkedHashMap<>();
    if (pairs != null) {
      for (String p : pairs) {
        int eq = p.indexOf('=');
        if (eq <= 0) {
          throw CliException.usage("context entries are key=value, got '" + p + "'");
        }
        if (m.put(p.substring(0, eq), p.substring(eq + 1)) != null) {
          throw CliException.usage("context key '" + p.substring(0, eq) + "' given twice");
        }
      }
    }
    return EncryptionContext.of(m);
  }

  /** {@code label[:version]=path}. */
  static final class LabelledPath {
    final String label;
    final int version;
    final Path path;

    LabelledPath(String spec) {
      int eq = spec.indexOf('=');
      if (eq <= 0 || eq == spec.length() - 1) {
        throw CliException.usage("expected label[:version]=file, got '" + spec + "'");
      }
      String left = spec.substring(0, eq);
      int colon = left.lastIndexOf(':');
      int v = 1;
      if (colon > 0) {
        try {
          v = Integer.parseInt(left.substring(colon + 1));
        } catch (NumberFormatException e) {
          throw CliException.usage("bad key version in '" + spec + "'");
        }
        left = left.substring(0, colon);
      }
      this.label = left;
      this.version = v;
      this.path = Path.of(spec.substring(eq + 1));
    }
  }
}
