package dev.sealpost.codec.keys;

import dev.sealpost.codec.internal.LogSafe;
import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.SealpostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Sealpost keyring file (SPEC.md Appendix B): 32-byte KEKs by (key id, version) in a line
 * format any language reads without a JSON library. docs/key-material.md is normative; in
 * short, lines end with LF (an optional CR before it is ignored) and the text is UTF-8:
 *
 * <pre>
 * sealpost-keyring v1
 * # comment lines and blank lines are ignored
 * key &lt;key-id&gt; &lt;version&gt; &lt;base64 of 32 bytes&gt; [primary]
 * </pre>
 *
 * <p>Fields are separated by runs of SP or HTAB. The key id is 1..255 UTF-8 bytes with no
 * control or white-space character; the version is decimal 0..2147483647 without leading zeros;
 * the key is canonical padded base64. A (key id, version) appears once; at most one version per
 * key id is {@code primary}, and it is then the current version, else the highest is.
 *
 * <p>The password-protected form is exactly six lines:
 *
 * <pre>
 * sealpost-keyring-encrypted v1
 * kdf pbkdf2-hmac-sha256
 * iterations &lt;decimal, 100000..5000000&gt;
 * salt &lt;base64 of 16 bytes&gt;
 * nonce &lt;base64 of 12 bytes&gt;
 * ciphertext &lt;base64 of AES-256-GCM ciphertext and 16-byte tag&gt;
 * </pre>
 *
 * where key = PBKDF2-HMAC-SHA256(UTF-8 password, salt, iterations, 32), the associated data is
 * the first five lines, each followed by one LF, and the plaintext is a plain keyring file.
 *
 * <p>Every failure is a {@link SealpostException} with category {@code invalid-key-material};
 * messages give line numbers but never key bytes or passwords.
 */
public final class KeyringFile {
  public static final String PLAIN_HEADER = "sealpost-keyring v1";
  public static final String ENCRYPTED_HEADER = "sealpost-keyring-encrypted v1";
  /** Largest keyring file, plain or encrypted, in UTF-8 bytes: 1 MiB. */
  public static final int MAX_FILE_BYTES = 1 << 20;
  /** PBKDF2 iterations a writer uses unless told otherwise. */
  public static final int DEFAULT_ITERATIONS = 600_000;
  /**
   * Fewest iterations read or written: below this the password adds too little against offline
   * guessing. The format is Sealpost's own, so no older files need a lower floor.
   */
  public static final int MIN_ITERATIONS = 100_000;
  /**
   * Most iterations read or written: a bound on the time a crafted file costs a reader (about 1
   * to 3 s on one server core), not a recommendation. See docs/key-material.md 4.2.
   */
  public static final int MAX_ITERATIONS = 5_000_000;

  static final String KDF = "pbkdf2-hmac-sha256";
  static final int SALT_BYTES = 16;
  static final int NONCE_BYTES = 12;
  static final int TAG_BYTES = 16;
  private static final int MAX_VERSION_DIGITS = 10;

  private KeyringFile() {}

  /** Parses a plain keyring; an encrypted one fails, asking for a password. */
  public static Keyring parse(String text) throws SealpostException {
    return parse(text, null);
  }

  /**
   * Parses a keyring: a plain one when {@code password} is null, an encrypted one otherwise.
   * The password is used as its UTF-8 bytes, without normalization, and is not modified.
   */
  public static Keyring parse(String text, char[] password) throws SealpostException {
    Objects.requireNonNull(text, "text");
    try {
      if (text.length() > MAX_FILE_BYTES || utf8Length(text) > MAX_FILE_BYTES) {
        throw fail("keyring is larger than " + MAX_FILE_BYTES + " bytes");
      }
      if (!KeyFileIo.wellFormed(text)) {
        throw fail("keyring text contains an unpaired surrogate character");
      }
      List<String> lines = lines(text);
      String first = lines.get(0);
      if (first.equals(ENCRYPTED_HEADER)) {
        if (password == null) {
          throw fail("the keyring is encrypted; a password is required");
        }
        return parseEncrypted(lines, password);
      }
      if (first.equals(PLAIN_HEADER)) {
        if (password != null) {
          throw fail("the keyring is not encrypted, but a password was given");
        }
        return parsePlain(lines);
      }
      throw fail(headerError(first));
    } catch (RuntimeException e) {
      // Defensive: no input may surface as an unchecked exception.
      throw new SealpostException(ErrorCategory.INVALID_KEY_MATERIAL, "malformed keyring", e);
    }
  }

  /** Reads and parses a plain keyring file. */
  public static Keyring load(Path path) throws SealpostException {
    return load(path, null);
  }

  /**
   * Reads and parses a keyring file, encrypted when {@code password} is not null, and logs a
   * WARNING (System.Logger {@code dev.sealpost.codec.keys}) when group or others may read or
   * write it.
   */
  public static Keyring load(Path path, char[] password) throws SealpostException {
    byte[] data = KeyFileIo.read(path, MAX_FILE_BYTES, "keyring file");
    KeyFileIo.warnIfExposed(path, "keyring file");
    try {
      return parse(KeyFileIo.utf8(data, "the file"), password);
    } catch (SealpostException e) {
      throw new SealpostException(e.category(), "keyring file " + path + ": " + KeyFileIo.reason(e), e);
    } finally {
      Arrays.fill(data, (byte) 0);
    }
  }

  /** The plain file text: the header, then one {@code key} line per entry in entry order. */
  public static String format(Keyring keyring) throws SealpostException {
    StringBuilder sb = new StringBuilder(PLAIN_HEADER).append('\n');
    for (Keyring.Entry e : keyring.entries()) {
      String problem = keyIdProblem(e.keyId());
      if (problem != null) {
        throw fail("key id cannot be written to a keyring file: " + problem);
      }
      byte[] key = e.key();
      try {
        sb.append("key ").append(e.keyId()).append(' ').append(e.version()).append(' ')
            .append(StrictBase64.encode(key));
      } finally {
        Arrays.fill(key, (byte) 0);
      }
      sb.append(e.primary() ? " primary\n" : "\n");
    }
    String out = sb.toString();
    if (utf8Length(out) > MAX_FILE_BYTES) {
      throw fail("keyring is larger than " + MAX_FILE_BYTES + " bytes");
    }
    return out;
  }

  /** The encrypted file text, with {@link #DEFAULT_ITERATIONS}. */
  public static String formatEncrypted(Keyring keyring, char[] password, SecureRandom random)
      throws SealpostException {
    return formatEncrypted(keyring, password, random, DEFAULT_ITERATIONS);
  }

  /**
   * The encrypted file text with the given PBKDF2 iteration count, which must lie in
   * {@link #MIN_ITERATIONS}..{@link #MAX_ITERATIONS} so that every reader accepts the file.
   */
  public static String formatEncrypted(Keyring keyring, char[] password, SecureRandom random, int iterations)
      throws SealpostException {
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(random, "random");
    if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
      throw new IllegalArgumentException(
          "iterations must be " + MIN_ITERATIONS + ".." + MAX_ITERATIONS + ", got " + iterations);
    }
    KeyFileIo.checkPassword(password);
    byte[] salt = new byte[SALT_BYTES];
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(salt);
    random.nextBytes(nonce);
    String header = ENCRYPTED_HEADER + "\n"
        + "kdf " + KDF + "\n"
        + "iterations " + iterations + "\n"
        + "salt " + StrictBase64.encode(salt) + "\n"
        + "nonce " + StrictBase64.encode(nonce) + "\n";
    byte[] plaintext = format(keyring).getBytes(StandardCharsets.UTF_8);
    try {
      byte[] ct = gcm(Cipher.ENCRYPT_MODE, password, salt, iterations, nonce,
          header.getBytes(StandardCharsets.UTF_8), plaintext);
      String out = header + "ciphertext " + StrictBase64.encode(ct) + "\n";
      if (out.length() > MAX_FILE_BYTES) {
        throw fail("encrypted keyring is larger than " + MAX_FILE_BYTES + " bytes");
      }
      return out;
    } finally {
      Arrays.fill(plaintext, (byte) 0);
    }
  }

  /** Writes the plain form atomically, owner-only where the file system is POSIX. */
  public static void write(Path path, Keyring keyring) throws SealpostException {
    writeText(path, format(keyring));
  }

  /** Writes the encrypted form ({@link #DEFAULT_ITERATIONS}) atomically, owner-only. */
  public static void write(Path path, Keyring keyring, char[] password, SecureRandom random)
      throws SealpostException {
    writeText(path, formatEncrypted(keyring, password, random));
  }

  /** Writes the encrypted form with the given iterations atomically, owner-only. */
  public static void write(Path path, Keyring keyring, char[] password, SecureRandom random, int iterations)
      throws SealpostException {
    writeText(path, formatEncrypted(keyring, password, random, iterations));
  }

  private static void writeText(Path path, String text) throws SealpostException {
    byte[] data = text.getBytes(StandardCharsets.UTF_8);
    try {
      KeyFileIo.writeAtomically(path, data, "keyring file");
    } finally {
      Arrays.fill(data, (byte) 0);
    }
  }

  // ---- plain form ----

  private static Keyring parsePlain(List<String> lines) throws SealpostException {
    Keyring.Builder builder = Keyring.builder();
    Map<String, Integer> seen = new HashMap<>();
    Map<String, Integer> primaryLine = new HashMap<>();
    for (int i = 1; i < lines.size(); i++) {
      int lineNo = i + 1;
      String line = lines.get(i);
      for (int j = 0; j < line.length(); j++) {
        char c = line.charAt(j);
        if (c < 0x20 && c != '\t' || c == 0x7F) {
          throw fail(lineNo, "control character (a lone CR, NUL or similar) is not allowed");
        }
      }
      List<String> f = fields(line);
      if (f.isEmpty() || f.get(0).startsWith("#")) {
        continue;
      }
      if (!f.get(0).equals("key")) {
        throw fail(lineNo, "unknown directive; expected 'key', a comment or a blank line");
      }
      if (f.size() < 4) {
        throw fail(lineNo, "expected 'key <key-id> <version> <base64 key> [primary]', found " + f.size() + " fields");
      }
      if (f.size() > 5 || f.size() == 5 && !f.get(4).equals("primary")) {
        throw fail(lineNo, "unexpected field after the key; only 'primary' may follow");
      }
      String keyId = f.get(1);
      String problem = keyIdProblem(keyId);
      if (problem != null) {
        throw fail(lineNo, "invalid key id: " + problem);
      }
      int version = parseDecimal(f.get(2), 0, Integer.MAX_VALUE);
      if (version < 0) {
        throw fail(lineNo, "version must be a decimal integer 0..2147483647 without sign or leading zeros");
      }
      boolean primary = f.size() == 5;
      byte[] key = StrictBase64.decode(f.get(3));
      if (key == null) {
        throw fail(lineNo, "key is not canonical padded base64");
      }
      try {
        if (key.length != Keyring.KEY_LENGTH) {
          throw fail(lineNo, "key must be 32 bytes, got " + key.length);
        }
        Integer dup = seen.putIfAbsent(keyId + '\n' + version, lineNo);
        if (dup != null) {
          throw fail(lineNo, "duplicate key '" + LogSafe.escape(keyId) + "' version " + version + " (first on line " + dup + ")");
        }
        if (primary) {
          Integer other = primaryLine.putIfAbsent(keyId, lineNo);
          if (other != null) {
            throw fail(lineNo, "second primary version for key '" + LogSafe.escape(keyId) + "' (first on line " + other + ")");
          }
        }
        builder.add(keyId, version, key, primary);
      } finally {
        Arrays.fill(key, (byte) 0);
      }
    }
    return builder.build();
  }

  /**
   * Why a key id cannot appear in a keyring file, or null if it can: 1..255 UTF-8 bytes, none
   * of them a control character (C0, DEL, C1), a white-space character of Unicode's White_Space
   * property, or U+FEFF. The list is fixed here so every port splits lines identically.
   */
  static String keyIdProblem(String keyId) {
    if (!KeyFileIo.wellFormed(keyId)) {
      return "contains an unpaired surrogate";
    }
    int n = utf8Length(keyId);
    if (n < 1 || n > 255) {
      return "must be 1..255 UTF-8 bytes, got " + n;
    }
    for (int i = 0; i < keyId.length(); i++) {
      if (forbiddenInKeyId(keyId.charAt(i))) {
        return String.format("contains the forbidden character U+%04X", (int) keyId.charAt(i));
      }
    }
    return null;
  }

  private static boolean forbiddenInKeyId(char c) {
    return c <= 0x20
        || c >= 0x7F && c <= 0xA0
        || c == 0x1680
        || c >= 0x2000 && c <= 0x200A
        || c == 0x2028
        || c == 0x2029
        || c == 0x202F
        || c == 0x205F
        || c == 0x3000
        || c == 0xFEFF;
  }

  // ---- encrypted form ----

  private static Keyring parseEncrypted(List<String> lines, char[] password) throws SealpostException {
    String[] names = {"kdf", "iterations", "salt", "nonce", "ciphertext"};
    if (lines.size() != 6) {
      throw fail("encrypted keyring must have exactly 6 lines (header, kdf, iterations, salt, nonce, ciphertext), found "
          + lines.size());
    }
    String[] values = new String[names.length];
    for (int k = 0; k < names.length; k++) {
      String line = lines.get(k + 1);
      String prefix = names[k] + " ";
      if (!line.startsWith(prefix)) {
        throw fail(k + 2, "expected '" + names[k] + " <value>' (exactly one space, fixed order)");
      }
      values[k] = line.substring(prefix.length());
    }
    if (!values[0].equals(KDF)) {
      throw fail(2, "unsupported kdf; expected '" + KDF + "'");
    }
    int iterations = parseDecimal(values[1], 0, Integer.MAX_VALUE);
    if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
      throw fail(3, "iterations must be a decimal integer " + MIN_ITERATIONS + ".." + MAX_ITERATIONS);
    }
    byte[] salt = StrictBase64.decode(values[2]);
    if (salt == null || salt.length != SALT_BYTES) {
      throw fail(4, "salt must be canonical base64 of " + SALT_BYTES + " bytes");
    }
    byte[] nonce = StrictBase64.decode(values[3]);
    if (nonce == null || nonce.length != NONCE_BYTES) {
      throw fail(5, "nonce must be canonical base64 of " + NONCE_BYTES + " bytes");
    }
    byte[] ct = StrictBase64.decode(values[4]);
    if (ct == null || ct.length < TAG_BYTES) {
      throw fail(6, "ciphertext must be canonical base64 of at least " + TAG_BYTES + " bytes");
    }
    StringBuilder aad = new StringBuilder();
    for (int k = 0; k < 5; k++) {
      aad.append(lines.get(k)).append('\n');
    }
    byte[] plaintext = gcm(Cipher.DECRYPT_MODE, password, salt, iterations, nonce,
        aad.toString().getBytes(StandardCharsets.UTF_8), ct);
    try {
      List<String> inner = lines(KeyFileIo.utf8(plaintext, "decrypted keyring"));
      if (!inner.get(0).equals(PLAIN_HEADER)) {
        throw fail("decrypted content is not a plain keyring (expected '" + PLAIN_HEADER + "')");
      }
      return parsePlain(inner);
    } catch (SealpostException e) {
      throw new SealpostException(e.category(), "decrypted keyring: " + KeyFileIo.reason(e));
    } finally {
      Arrays.fill(plaintext, (byte) 0);
    }
  }

  private static byte[] gcm(int mode, char[] password, byte[] salt, int iterations, byte[] nonce, byte[] aad,
      byte[] input) throws SealpostException {
    KeyFileIo.checkPassword(password);
    PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, 256);
    byte[] key = null;
    try {
      key = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BYTES * 8, nonce));
      c.updateAAD(aad);
      return c.doFinal(input);
    } catch (AEADBadTagException e) {
      throw fail("wrong password, or the encrypted keyring was altered");
    } catch (GeneralSecurityException e) {
      throw new SealpostException(ErrorCategory.INVALID_KEY_MATERIAL, "keyring encryption failed", e);
    } finally {
      spec.clearPassword();
      if (key != null) {
        Arrays.fill(key, (byte) 0);
      }
    }
  }

  // ---- text helpers ----

  /** Splits at LF, dropping one CR before each LF; a final LF does not start another line. */
  private static List<String> lines(String text) throws SealpostException {
    if (text.isEmpty()) {
      throw fail("keyring is empty");
    }
    List<String> out = new ArrayList<>();
    int start = 0;
    while (start < text.length()) {
      int nl = text.indexOf('\n', start);
      int stop = nl < 0 ? text.length() : nl;
      int e = nl >= 0 && stop > start && text.charAt(stop - 1) == '\r' ? stop - 1 : stop;
      out.add(text.substring(start, e));
      start = nl < 0 ? text.length() : nl + 1;
    }
    return out;
  }

  /** Fields separated by runs of SP or HTAB, ignoring leading and trailing ones. */
  private static List<String> fields(String line) {
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < line.length()) {
      while (i < line.length() && isBlank(line.charAt(i))) {
        i++;
      }
      int start = i;
      while (i < line.length() && !isBlank(line.charAt(i))) {
        i++;
      }
      if (i > start) {
        out.add(line.substring(start, i));
      }
    }
    return out;
  }

  private static boolean isBlank(char c) {
    return c == ' ' || c == '\t';
  }

  /** A decimal without sign or leading zeros in min..max, or -1. */
  private static int parseDecimal(String s, int min, int max) {
    if (s.isEmpty() || s.length() > MAX_VERSION_DIGITS || s.length() > 1 && s.charAt(0) == '0') {
      return -1;
    }
    long v = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v < min || v > max ? -1 : (int) v;
  }

  private static String headerError(String first) {
    if (first.startsWith("\uFEFF")) {
      return "line 1: the file starts with a byte-order mark; save it as UTF-8 without BOM";
    }
    if (first.startsWith("sealpost-keyring")) {
      return "line 1: unsupported keyring header; expected '" + PLAIN_HEADER + "' or '" + ENCRYPTED_HEADER + "'";
    }
    return "line 1: not a Sealpost keyring; expected '" + PLAIN_HEADER + "'";
  }

  private static int utf8Length(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n += 1;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  private static SealpostException fail(String reason) {
    return new SealpostException(ErrorCategory.INVALID_KEY_MATERIAL, reason);
  }

  private static SealpostException fail(int line, String reason) {
    return fail("line " + line + ": " + reason);
  }
}
