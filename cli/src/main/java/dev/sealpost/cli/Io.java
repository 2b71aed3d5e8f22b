package dev.sealpost.cli;

import dev.sealpost.codec.EncryptionContext;
import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.keys.Keyring;
import dev.sealpost.codec.keys.KeyringFile;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Input, output, passwords and contexts shared by the commands. */
final class Io {
  private Io() {}

  static byte[] read(Path in) throws IOException {
    return in == null || in.toString().equals("-") ? Main.STDIN.get().readAllBytes() : Files.readAllBytes(in);
  }

  static void write(Path out, byte[] data) throws IOException {
    if (out == null || out.toString().equals("-")) {
      OutputStream o = Main.STDOUT.get();
      o.write(data);
      o.flush();
    } else {
      Files.write(out, data);
    }
  }

  /** Envelope bytes, or their base64 when the input starts with {@code 91NQ} [DET-5]. */
  static byte[] envelopeInput(byte[] raw) {
    String head = new String(raw, 0, Math.min(4, raw.length), StandardCharsets.ISO_8859_1);
    if (head.equals("91NQ")) {
      String text = new String(raw, StandardCharsets.ISO_8859_1).replaceAll("\\s+", "");
      try {
        return text.contains("-") || text.contains("_") ? Base64.getUrlDecoder().decode(text) : Base64.getDecoder().decode(text);
      } catch (IllegalArgumentException e) {
        throw new CliException("input starts like base64 of an envelope but is not valid base64");
      }
    }
    return raw;
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
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return (lines.isEmpty() ? "" : lines.get(0)).toCharArray();
    }
    return null;
  }

  static Keyring keyring(Path path, char[] password) throws SealpostException {
    return KeyringFile.load(path, password);
  }

  static EncryptionContext context(List<String> pairs) throws SealpostException {
    Map<String, String> m = new LinkedHashMap<>();
    if (pairs != null) {
      for (String p : pairs) {
        int eq = p.indexOf('=');
        if (eq <= 0) {
          throw new CliException("context entries are key=value, got '" + p + "'");
        }
        if (m.put(p.substring(0, eq), p.substring(eq + 1)) != null) {
          throw new CliException("context key '" + p.substring(0, eq) + "' given twice");
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
        throw new CliException("expected label[:version]=file, got '" + spec + "'");
      }
      String left = spec.substring(0, eq);
      int colon = left.lastIndexOf(':');
      int v = 1;
      if (colon > 0) {
        try {
          v = Integer.parseInt(left.substring(colon + 1));
        } catch (NumberFormatException e) {
          throw new CliException("bad key version in '" + spec + "'");
        }
        left = left.substring(0, colon);
      }
      this.label = left;
      this.version = v;
      this.path = Path.of(spec.substring(eq + 1));
    }
  }
}
