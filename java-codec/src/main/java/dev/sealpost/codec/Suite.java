package dev.sealpost.codec;

import java.util.Optional;

/**
 * Algorithm suites of SPEC.md section 4. The id is the u16 written in the header. The low byte
 * names the AEAD, the high byte how the envelope is built (plain, signed, segmented, both,
 * compressed, signed and compressed), but
 * suites are registered one by one: {@link #fromId(int)} knows only the ids below and never
 * infers a suite from that structure.
 */
public enum Suite {
  /** AES-256-GCM, the default. */
  AES_256_GCM(0x0001, 32, 12),
  /** ChaCha20-Poly1305 (RFC 8439), for platforms without AES hardware. */
  CHACHA20_POLY1305(0x0002, 32, 12),
  /** AES-SIV (RFC 5297) with a 64-byte key: deterministic, for record keys (SPEC.md 4.1). */
  AES_256_SIV(0x0003, 64, 0),
  /** As {@link #AES_256_GCM}, with a signer field (SPEC.md 16). */
  AES_256_GCM_SIGNED(0x0101, 32, 12),
  /** As {@link #CHACHA20_POLY1305}, with a signer field. */
  CHACHA20_POLY1305_SIGNED(0x0102, 32, 12),
  /** As {@link #AES_256_SIV}, with a signer field; deterministic. */
  AES_256_SIV_SIGNED(0x0103, 64, 0),
  /** AES-256-GCM per 64 KiB segment (SPEC.md 17). */
  AES_256_GCM_SEGMENTED(0x0201, 32, 12),
  /** ChaCha20-Poly1305 per 64 KiB segment. */
  CHACHA20_POLY1305_SEGMENTED(0x0202, 32, 12),
  /** As {@link #AES_256_GCM_SEGMENTED}, with a signer field (sign mode 01 only, [SIG-3]). */
  AES_256_GCM_SIGNED_SEGMENTED(0x0301, 32, 12),
  /** As {@link #CHACHA20_POLY1305_SEGMENTED}, with a signer field (sign mode 01 only). */
  CHACHA20_POLY1305_SIGNED_SEGMENTED(0x0302, 32, 12),
  /** As {@link #AES_256_GCM}, with a packed (possibly compressed) payload (SPEC.md 18). */
  AES_256_GCM_COMPRESSED(0x0401, 32, 12),
  /** As {@link #CHACHA20_POLY1305}, with a packed payload. */
  CHACHA20_POLY1305_COMPRESSED(0x0402, 32, 12),
  /** As {@link #AES_256_GCM_SIGNED}, with a packed payload; either sign mode. */
  AES_256_GCM_SIGNED_COMPRESSED(0x0501, 32, 12),
  /** As {@link #CHACHA20_POLY1305_SIGNED}, with a packed payload; either sign mode. */
  CHACHA20_POLY1305_SIGNED_COMPRESSED(0x0502, 32, 12);

  /** Every v1 suite's tag (or synthetic IV) length. */
  public static final int TAG_LENGTH = 16;

  private static final Suite[] ALL = values();

  private final int id;
  private final int keyLength;
  private final int nonceLength;

  Suite(int id, int keyLength, int nonceLength) {
    this.id = id;
    this.keyLength = keyLength;
    this.nonceLength = nonceLength;
  }

  public int id() {
    return id;
  }

  /** Length of K_msg (SPEC.md 5.2). */
  public int keyLength() {
    return keyLength;
  }

  public int nonceLength() {
    return nonceLength;
  }

  /** False only for the deterministic suites {@code 0003} and {@code 0103}. */
  public boolean randomized() {
    return !deterministic();
  }

  /** True for {@code 0003} and {@code 0103} (SPEC.md 4.1). */
  public boolean deterministic() {
    return (id & 0xFF) == 0x03;
  }

  /**
   * Whether the header carries a signer field (SPEC.md 16): {@code 01xx}, {@code 03xx} and
   * {@code 05xx}.
   */
  public boolean signed() {
    return this == AES_256_GCM_SIGNED
        || this == CHACHA20_POLY1305_SIGNED
        || this == AES_256_SIV_SIGNED
        || this == AES_256_GCM_SIGNED_SEGMENTED
        || this == CHACHA20_POLY1305_SIGNED_SEGMENTED
        || this == AES_256_GCM_SIGNED_COMPRESSED
        || this == CHACHA20_POLY1305_SIGNED_COMPRESSED;
  }

  /**
   * Whether the AEAD's plaintext is a packed payload (SPEC.md 18): {@code 04xx} and
   * {@code 05xx}.
   */
  public boolean compressed() {
    return this == AES_256_GCM_COMPRESSED
        || this == CHACHA20_POLY1305_COMPRESSED
        || this == AES_256_GCM_SIGNED_COMPRESSED
        || this == CHACHA20_POLY1305_SIGNED_COMPRESSED;
  }

  /** Whether the body is segmented (SPEC.md 17): {@code 02xx} and {@code 03xx}. */
  public boolean segmented() {
    return this == AES_256_GCM_SEGMENTED
        || this == CHACHA20_POLY1305_SEGMENTED
        || this == AES_256_GCM_SIGNED_SEGMENTED
        || this == CHACHA20_POLY1305_SIGNED_SEGMENTED;
  }

  /** The plain suite ({@code 0001}..{@code 0003}) with this suite's payload AEAD. */
  public Suite base() {
    switch (this) {
      case AES_256_GCM:
      case AES_256_GCM_SIGNED:
      case AES_256_GCM_SEGMENTED:
      case AES_256_GCM_SIGNED_SEGMENTED:
      case AES_256_GCM_COMPRESSED:
      case AES_256_GCM_SIGNED_COMPRESSED:
        return AES_256_GCM;
      case CHACHA20_POLY1305:
      case CHACHA20_POLY1305_SIGNED:
      case CHACHA20_POLY1305_SEGMENTED:
      case CHACHA20_POLY1305_SIGNED_SEGMENTED:
      case CHACHA20_POLY1305_COMPRESSED:
      case CHACHA20_POLY1305_SIGNED_COMPRESSED:
        return CHACHA20_POLY1305;
      default:
        return AES_256_SIV;
    }
  }

  /**
   * The registered uncompressed suite with {@code base}'s AEAD that is signed and segmented as
   * asked.
   *
   * @throws IllegalArgumentException for a combination SPEC.md section 4 does not register, such
   *     as a segmented deterministic suite
   */
  public static Suite of(Suite base, boolean signed, boolean segmented) {
    return of(base, signed, segmented, false);
  }

  /**
   * The registered suite with {@code base}'s AEAD that is signed, segmented and compressed as
   * asked.
   *
   * @throws IllegalArgumentException for a combination SPEC.md section 4 does not register: a
   *     segmented deterministic suite, a compressed deterministic or segmented one
   */
  public static Suite of(Suite base, boolean signed, boolean segmented, boolean compressed) {
    Suite b = base.base();
    for (Suite s : ALL) {
      if (s.base() == b && s.signed() == signed && s.segmented() == segmented && s.compressed() == compressed) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "no registered suite is " + b + (signed ? ", signed" : "") + (segmented ? ", segmented" : "")
            + (compressed ? ", compressed" : ""));
  }

  public static Optional<Suite> fromId(int id) {
    for (Suite s : ALL) {
      if (s.id == id) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
