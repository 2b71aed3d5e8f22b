package dev.sealpost.fuzz;

import dev.sealpost.codec.ErrorCategory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * An independent model of SPEC.md sections 3, 10 and 11, written from the spec and not from
 * the codec: it decides, for any byte string, which category a reader must report. The tamper
 * sweep and the fuzz targets compare the codec against it, so it deliberately shares no code
 * with the codec's parser (only the {@link ErrorCategory} names, the spec's vocabulary).
 *
 * <p>Steps 1 to 9 are a field-by-field reader ({@link #readHeader}). Steps 10 to 13 need to know
 * what the original envelope was ({@link #expect}): which recipient entries unwrap to its DEK
 * and what its commitment and bytes were.
 */
final class SpecModel {
  static final int MAX_HEADER = 16384; // section 10
  static final int MAX_RECIPIENTS = 32;
  static final int MAX_WRAPPED = 4096;
  static final int MAX_ENTRIES = 32;
  static final int MAX_VALUE = 1024;
  static final int TAG = 16; // every v1 suite [AUTH-4]
  static final int MAX_PLAINTEXT = 1 << 30;

  /** Which entries the reader holds a key for [RCP-5]. */
  interface KeyInventory {
    boolean held(int type, byte[] keyId, int version);
  }

  /** Section 4: nonce length of each implemented suite, -1 when not implemented [SUITE-2]. */
  static int nonceLength(int suiteId) {
    switch (suiteId) {
      case 0x0001:
      case 0x0002:
      case 0x0101:
      case 0x0102:
      case 0x0201:
      case 0x0202:
      case 0x0301:
      case 0x0302:
        return 12;
      case 0x0003:
      case 0x0103:
        return 0;
      default:
        return -1;
    }
  }

  /** Section 6: exact wrapped length of a known type, -1 for variable or unknown [RCP-3]. */
  static int wrappedLength(int type) {
    switch (type) {
      case 0x01:
        return 40;
      case 0x02:
        return 80;
      default:
        return -1;
    }
  }

  static final class Entry {
    final int type;
    final byte[] keyId;
    final int version;
    final byte[] wrapped;

    Entry(int type, byte[] keyId, int version, byte[] wrapped) {
      this.type = type;
      this.keyId = keyId;
      this.version = version;
      this.wrapped = wrapped;
    }
  }

  /** A header as the model read it. */
  static final class Header {
    int suiteId;
    final List<Entry> recipients = new ArrayList<>();
    byte[] commitment;
    final List<byte[][]> context = new ArrayList<>();
    /** Signed suites only (step 7a); signMode 0 when unsigned. */
    int signMode;
    byte[] signerId;
    int signerVersion;
    byte[] headerSignature;
    byte[] nonce;
    int headerLength;
    int bodyLength;
  }

  /** Either a failure category or a header. */
  static final class Read {
    final ErrorCategory failure;
    final String where;
    final Header header;

    Read(ErrorCategory failure, String where, Header header) {
      this.failure = failure;
      this.where = where;
      this.header = header;
    }

    @Override
    public String toString() {
      return failure == null ? "header of " + header.headerLength + " bytes" : failure.id() + " at " + where;
    }
  }

  private static final class Fail extends Exception {
    private static final long serialVersionUID = 1L;
    final ErrorCategory category;

    Fail(ErrorCategory category, String where) {
      super(where, null, false, false);
      this.category = category;
    }
  }

  private final byte[] b;
  private final int end;
  private int pos;

  private SpecModel(byte[] b) {
    this.b = b;
    this.end = b.length;
  }

  /** Steps 1-8 of section 11; step 9 only when {@code withBody}. */
  static Read readHeader(byte[] envelope, boolean withBody, long maxPlaintext) {
    SpecModel m = new SpecModel(envelope);
    try {
      Header h = m.header();
      if (withBody) {
        // Step 9 [AUTH-4], [LIM-3].
        if (h.bodyLength < TAG) {
          throw new Fail(ErrorCategory.AUTHENTICATION_FAILED, "body shorter than the tag");
        }
        if ((long) h.bodyLength - TAG > maxPlaintext) {
          throw new Fail(ErrorCategory.LIMIT_EXCEEDED, "body beyond the plaintext limit");
        }
      }
      return new Read(null, null, h);
    } catch (Fail f) {
      return new Read(f.category, f.getMessage(), null);
    }
  }

  private Header header() throws Fail {
    Header h = new Header();
    // Step 1 [DET-2]: no [LIM-2] here, the magic decides whether this is an envelope at all.
    if (end < 3 || (b[0] & 0xFF) != 0xF7 || b[1] != 0x53 || b[2] != 0x50) {
      throw new Fail(ErrorCategory.NOT_AN_ENVELOPE, "magic");
    }
    pos = 3;
    // Step 2.
    if (end < 4) {
      throw new Fail(ErrorCategory.MALFORMED_HEADER, "version missing");
    }
    if (b[3] != 0x01) {
      throw new Fail(ErrorCategory.UNSUPPORTED_VERSION, "version");
    }
    pos = 4;
    // Step 3 [SUITE-2].
    h.suiteId = uint(2, "suite");
    int nonceLength = nonceLength(h.suiteId);
    if (nonceLength < 0) {
      throw new Fail(ErrorCategory.UNSUPPORTED_SUITE, "suite");
    }
    // Step 4 [HDR-3], [LIM-1].
    int count = uint(1, "recipient count");
    if (count == 0) {
      throw new Fail(ErrorCategory.MALFORMED_HEADER, "recipient count 0");
    }
    if (count > MAX_RECIPIENTS) {
      throw new Fail(ErrorCategory.LIMIT_EXCEEDED, "recipient count");
    }
    // Step 5.
    for (int i = 0; i < count; i++) {
      int type = uint(1, "type");
      int keyIdLength = uint(1, "key id length");
      if (keyIdLength == 0) {
        throw new Fail(ErrorCategory.MALFORMED_HEADER, "key id length 0");
      }
      byte[] keyId = take(keyIdLength, "key id");
      int version = uint(4, "key version");
      int wrappedLength = uint(2, "wrapped length");
      if (wrappedLength == 0) {
        throw new Fail(ErrorCategory.MALFORMED_HEADER, "wrapped length 0");
      }
      if (wrappedLength > MAX_WRAPPED) {
        throw new Fail(ErrorCategory.LIMIT_EXCEEDED, "wrapped length");
      }
      byte[] wrapped = take(wrappedLength, "wrapped DEK");
      if (!wellFormedUtf8(keyId)) {
        throw new Fail(ErrorCategory.MALFORMED_HEADER, "key id UTF-8"); // [HDR-4]
      }
      int exact = wrappedLength(type);
      if (exact >= 0 && exact != wrappedLength) {
        throw new Fail(ErrorCategory.MALFORMED_HEADER, "wrapped length of type " + type); // [RCP-3]
      }
      if ((h.suiteId == 0x0003 || h.suiteId == 0x0103) && (type == 0x02 || type == 0x03)) {
        throw new Fail(ErrorCategory.MALFORMED_HEADER, "type " + type + " with a deterministic suite"); // [SUITE-4]
      }
      for (Entry o : h.recipients) {
        if (o.type == type && Arrays.equals(o.keyId, keyId) && (type == 0x03 || o.version == version)) {
          throw new Fail(ErrorCategory.MALFORMED_HEADER, "repeated key reference"); // [RCP-7]
        }
      }
      h.recipients.add(new Entry(type, keyId, version, wrapped));
    }
    // Step 6.
    h.commitment = take(32, "commitment");
    // Step 7.
    int entries = uint(1, "context count");
    if (entries > MAX_ENTRIES) {
      throw new Fail(ErrorCategory.LIMIT_EXCEEDED, "context count");
    }
    byte[] previous = null;
    for (int i = 0; i < entries; i++) {
      int keyLength = uint(1, "context key length");
      if (keyLength == 0) {
        throw new Fail(ErrorCategory.MALFORMED_HEADER, "context key length 0");
      }
      byte[] key = take(keyLength, "context key");
      int valueLength = uint(2, "context value length");
      if (valueLength > MAX_VALUE) {
        throw new Fail(ErrorCategory.LIMIT_EXCEEDED, "context value length");
      }
      byte[] value = take(valueLength, "context value");
      if (!wellFormedUtf8(key) || !wellFormedUtf8(value)) {
        throw new Fail(ErrorCategory.MALFORMED_HEADER, "context UTF-8"); // [HDR-4]
      }
      if (previous != null && Arrays.compareUnsigned(previous, key) >= 0) {
        throw new Fail(ErrorCategory.MALFORMED_HEADER, "context order"); // [CTX-2]
      }
      previous = key;
      h.context.add(new byte[][] {key, value});
    }
    // Step 7a: the signer field of the signed suites 01xx and 03xx (section 16).
    int signMode = 0;
    int high = h.suiteId >>> 8;
    if (high == 0x01 || high == 0x03) {
      signMode = uint(1, "sign mode");
      if (signMode != 0x01 && signMode != 0x02) {
        throw new Fail(ErrorCategory.MALFORMED_HEADER, "sign mode");
      }
      int idLength = uint(1, "signer id length");
      if (idLength == 0) {
        throw new Fail(ErrorCategory.MALFORMED_HEADER, "signer id length 0");
      }
      byte[] signerId = take(idLength, "signer id");
      h.signerVersion = uint(4, "signer version");
      if (signMode == 0x01) {
        h.headerSignature = take(64, "header signature");
      }
      if (!wellFormedUtf8(signerId)) {
        throw new Fail(ErrorCategory.MALFORMED_HEADER, "signer id UTF-8"); // [HDR-4]
      }
      if (high == 0x03 && signMode == 0x02) {
        throw new Fail(ErrorCategory.MALFORMED_HEADER, "sign mode 02 with a segmented suite"); // [SIG-3]
      }
      h.signerId = signerId;
      h.signMode = signMode;
    }
    // Step 8.
    h.nonce = take(nonceLength, "nonce");
    h.headerLength = pos;
    h.bodyLength = end - pos; // [HDR-5]
    // Step 9, first check: mode 02 ends with a 64-byte message signature; the codec's parser
    // applies it with the header, as an inspector may.
    if (signMode == 0x02) {
      if (h.bodyLength < 64) {
        throw new Fail(ErrorCategory.MALFORMED_HEADER, "no room for the message signature");
      }
      h.bodyLength -= 64;
    }
    return h;
  }

  /** [LIM-2]: the header limit first, then the end of the input. */
  private void need(int n, String what) throws Fail {
    if ((long) pos + n > MAX_HEADER) {
      throw new Fail(ErrorCategory.LIMIT_EXCEEDED, what + " beyond the header limit");
    }
    if ((long) pos + n > end) {
      throw new Fail(ErrorCategory.MALFORMED_HEADER, what + " truncated"); // [HDR-2]
    }
  }

  private int uint(int n, String what) throws Fail {
    need(n, what);
    long v = 0;
    for (int i = 0; i < n; i++) {
      v = (v << 8) | (b[pos++] & 0xFF);
    }
    return (int) v;
  }

  private byte[] take(int n, String what) throws Fail {
    need(n, what);
    byte[] out = Arrays.copyOfRange(b, pos, pos + n);
    pos += n;
    return out;
  }

  /** RFC 3629 well-formedness, written out: no overlongs, no surrogates, nothing above U+10FFFF. */
  static boolean wellFormedUtf8(byte[] s) {
    int i = 0;
    while (i < s.length) {
      int c = s[i] & 0xFF;
      int n;
      int lo = 0x80;
      int hi = 0xBF;
      if (c < 0x80) {
        i++;
        continue;
      } else if (c >= 0xC2 && c <= 0xDF) {
        n = 1;
      } else if (c == 0xE0) {
        n = 2;
        lo = 0xA0;
      } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
        n = 2;
      } else if (c == 0xED) {
        n = 2;
        hi = 0x9F; // no surrogates
      } else if (c == 0xF0) {
        n = 3;
        lo = 0x90;
      } else if (c >= 0xF1 && c <= 0xF3) {
        n = 3;
      } else if (c == 0xF4) {
        n = 3;
        hi = 0x8F;
      } else {
        return false;
      }
      if (i + n >= s.length) { // continuation bytes missing
        return false;
      }
      int c1 = s[i + 1] & 0xFF;
      if (c1 < lo || c1 > hi) {
        return false;
      }
      for (int k = 2; k <= n; k++) {
        int ck = s[i + k] & 0xFF;
        if (ck < 0x80 || ck > 0xBF) {
          return false;
        }
      }
      i += n + 1;
    }
    return true;
  }

  /** What a valid envelope was: its model reading and its exact bytes. */
  static final class Original {
    final byte[] bytes;
    final Header header;

    Original(byte[] bytes) {
      Read r = readHeader(bytes, true, MAX_PLAINTEXT);
      if (r.failure != null) {
        throw new IllegalArgumentException("not a valid envelope per the model: " + r);
      }
      this.bytes = bytes.clone();
      this.header = r.header;
    }
  }

  /**
   * The category a reader must report for {@code candidate}, derived from an untampered
   * {@code original}, or null when it must decrypt to the original plaintext. Assumes the
   * reader is given the original's external context, and requires {@code required} stored
   * entries (UTF-8 bytes) [CTX-4].
   */
  static ErrorCategory expect(
      byte[] candidate, Original original, KeyInventory keys, Map<String, byte[]> required, long maxPlaintext) {
    // Steps 1-9.
    Read r = readHeader(candidate, true, maxPlaintext);
    if (r.failure != null) {
      return r.failure;
    }
    Header h = r.header;
    // Step 10 [CTX-4].
    for (Map.Entry<String, byte[]> e : required.entrySet()) {
      byte[] key = e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8);
      boolean found = false;
      for (byte[][] kv : h.context) {
        if (Arrays.equals(kv[0], key) && Arrays.equals(kv[1], e.getValue())) {
          found = true;
        }
      }
      if (!found) {
        return ErrorCategory.CONTEXT_MISMATCH;
      }
    }
    // Step 11 [RCP-4], [RCP-5], [RCP-8]: the first held entry decides. It unwraps to the original
    // DEK only when it still carries an original entry's wrapped bytes under the same key; any
    // other held entry fails to unwrap (AES-KW integrity [SYM-2], HPKE open [HPKE-3], KMS GCM
    // [KMS-2]), which ends the step: no later entry is tried.
    boolean held = false;
    boolean unwrapped = false;
    boolean fromFirstEntry = false;
    for (Entry e : h.recipients) {
      if (!keys.held(e.type, e.keyId, e.version)) {
        continue;
      }
      held = true;
      unwrapped = unwrapsToOriginal(e, original.header);
      fromFirstEntry = e == h.recipients.get(0);
      break;
    }
    if (!held) {
      return ErrorCategory.NO_MATCHING_KEY;
    }
    if (!unwrapped) {
      return ErrorCategory.UNWRAP_FAILED;
    }
    // Step 12 [COM-2]: K_msg and the commitment depend on the suite id (5.2).
    if (h.suiteId != original.header.suiteId || !Arrays.equals(h.commitment, original.header.commitment)) {
      return ErrorCategory.COMMITMENT_MISMATCH;
    }
    // Step 12 [SIV-4]: suite 0003 with the DEK from the first entry: the reader recomputes the DEK
    // from KEK_1, every key reference in order, the stored context and the external context (here
    // the original's). The original's DEK is what [SIV-1] gives for the original's references and
    // stored context, so it differs (up to an HKDF collision) once any of them, or their order
    // (another KEK_1), differs. A failure here and at step 13 have one category; the step is
    // modelled so the order of the checks stays the spec's.
    if (h.suiteId == 0x0003 && fromFirstEntry && !sameDeterministicIdentity(h, original.header)) {
      return ErrorCategory.AUTHENTICATION_FAILED;
    }
    // Step 13 [AUTH-1], [AUTH-2]: every header byte and the body are authenticated.
    return Arrays.equals(candidate, original.bytes) ? null : ErrorCategory.AUTHENTICATION_FAILED;
  }

  /** [SIV-1] inputs other than the external context: references in order and stored context. */
  private static boolean sameDeterministicIdentity(Header h, Header original) {
    if (h.recipients.size() != original.recipients.size() || h.context.size() != original.context.size()) {
      return false;
    }
    for (int i = 0; i < h.recipients.size(); i++) {
      Entry e = h.recipients.get(i);
      Entry o = original.recipients.get(i);
      if (e.type != o.type || !Arrays.equals(e.keyId, o.keyId) || e.version != o.version) {
        return false;
      }
    }
    for (int i = 0; i < h.context.size(); i++) {
      if (!Arrays.equals(h.context.get(i)[0], original.context.get(i)[0])
          || !Arrays.equals(h.context.get(i)[1], original.context.get(i)[1])) {
        return false;
      }
    }
    return true;
  }

  private static boolean unwrapsToOriginal(Entry e, Header original) {
    for (Entry o : original.recipients) {
      boolean sameKey =
          o.type == e.type && Arrays.equals(o.keyId, e.keyId) && (e.type == 0x03 || o.version == e.version);
      if (sameKey && Arrays.equals(o.wrapped, e.wrapped)) {
        return true;
      }
    }
    return false;
  }
}
