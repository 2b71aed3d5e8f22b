package dev.sealpost.codec.keys;

import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.SealpostException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Bounded reads, strict UTF-8, permission warnings and atomic owner-only writes for key files. */
final class KeyFileIo {
  /** Where the keys package logs; named in docs/key-material.md so operators can route it. */
  static final String LOGGER_NAME = "dev.sealpost.codec.keys";
  static final System.Logger LOG = System.getLogger(LOGGER_NAME);

  private KeyFileIo() {}

  /**
   * Logs a WARNING when group or others may read or write the secret key file at {@code path}
   * (docs/key-material.md 4.1). The file is still read: refusing would break deployments that
   * mount secrets group-readable on purpose. The message names the file and its mode, never
   * its contents.
   */
  static void warnIfExposed(Path path, String what) {
    Set<PosixFilePermission> perms;
    try {
      perms = Files.getPosixFilePermissions(path);
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system (e.g. Windows, where ACLs decide): nothing to check, say nothing.
      return;
    } catch (IOException | SecurityException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot check the permissions of " + what + " " + path + ": " + e);
      return;
    }
    List<String> exposed = new ArrayList<>();
    if (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.GROUP_WRITE)) {
      exposed.add("group");
    }
    if (perms.contains(PosixFilePermission.OTHERS_READ) || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
      exposed.add("others");
    }
    if (!exposed.isEmpty()) {
      LOG.log(System.Logger.Level.WARNING, what + " " + path + " is accessible to " + String.join(" and ", exposed)
          + " (mode " + PosixFilePermissions.toString(perms) + "); it holds secret keys: restrict it to the owner,"
          + " e.g. chmod 600");
    }
  }

  /** Reads at most {@code limit} bytes; a larger file fails before it is read whole. */
  static byte[] read(Path path, int limit, String what) throws SealpostException {
    try (InputStream in = Files.newInputStream(path)) {
      byte[] data = in.readNBytes(limit + 1);
      if (data.length > limit) {
        throw new SealpostException(
            ErrorCategory.INVALID_KEY_MATERIAL, what + " " + path + " is larger than " + limit + " bytes");
      }
      return data;
    } catch (IOException | SecurityException e) {
      throw new SealpostException(ErrorCategory.INVALID_KEY_MATERIAL, "cannot read " + what + " " + path, e);
    }
  }

  /** Decodes UTF-8, rejecting malformed input instead of replacing it. */
  static String utf8(byte[] data, String what) throws SealpostException {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(data))
          .toString();
    } catch (CharacterCodingException e) {
      throw new SealpostException(ErrorCategory.INVALID_KEY_MATERIAL, what + " is not valid UTF-8");
    }
  }

  /** The exception's message without its leading category id, for re-wrapping with context. */
  static String reason(SealpostException e) {
    String prefix = e.category().id() + ": ";
    String m = String.valueOf(e.getMessage());
    return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
  }

  /** True when {@code s} has no unpaired surrogate, so that its UTF-8 encoding is exact. */
  static boolean wellFormed(CharSequence s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  /** Rejects empty passwords and unpaired surrogates, whose UTF-8 form would be ambiguous. */
  static void checkPassword(char[] password) throws SealpostException {
    if (password.length == 0) {
      throw new SealpostException(ErrorCategory.INVALID_KEY_MATERIAL, "the password must not be empty");
    }
    if (!wellFormed(CharBuffer.wrap(password))) {
      throw new SealpostException(ErrorCategory.INVALID_KEY_MATERIAL, "the password contains an unpaired surrogate character");
    }
  }

  /**
   * Writes {@code data} to a temporary file in the target's directory, created owner-only
   * (rw-------) where the file system is POSIX, forces it to disk and renames it over the
   * target, so readers see either the old or the new file, never a partial one.
   */
  static void writeAtomically(Path target, byte[] data, String what) throws SealpostException {
    Path tmp = null;
    try {
      Path abs = target.toAbsolutePath();
      Path dir = abs.getParent();
      if (dir == null) {
        throw new IOException("no parent directory");
      }
      boolean posix = Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class);
      FileAttribute<?>[] attrs =
          posix
              ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
              : new FileAttribute<?>[0];
      tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp", attrs);
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(data);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      tmp = null;
      syncDirectory(dir);
    } catch (IOException | SecurityException | UnsupportedOperationException e) {
      throw new SealpostException(ErrorCategory.INVALID_KEY_MATERIAL, "cannot write " + what + " " + target, e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException e) {
          // Best effort: the write already failed and that error is the one to report.
        }
      }
    }
  }

  /** Makes the rename durable where the platform allows opening a directory; else skipped. */
  private static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | RuntimeException e) {
      // Not supported on every platform (e.g. Windows); the file itself is already forced.
    }
  }
}
