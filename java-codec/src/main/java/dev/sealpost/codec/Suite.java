package dev.sealpost.codec;

import java.util.Optional;

/** Algorithm suites of SPEC.md section 4. The id is the u16 written in the header. */
public enum Suite {
  /** AES-256-GCM, the default. */
  AES_256_GCM(0x0001, 32, 12, true),
  /** ChaCha20-Poly1305 (RFC 8439), for platforms without AES hardware. */
  CHACHA20_POLY1305(0x0002, 32, 12, true),
  /** AES-SIV (RFC 5297) with a 64-byte key: deterministic, for record keys (SPEC.md 4.1). */
  AES_256_SIV(0x0003, 64, 0, false);

  /** Every v1 suite's tag (or synthetic IV) length. */
  public static final int TAG_LENGTH = 16;

  private final int id;
  private final int keyLength;
  private final int nonceLength;
  private final boolean randomized;

  Suite(int id, int keyLength, int nonceLength, boolean randomized) {
    this.id = id;
    this.keyLength = keyLength;
    this.nonceLength = nonceLength;
    this.randomized = randomized;
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

  /** False only for the deterministic suite. */
  public boolean randomized() {
    return randomized;
  }

  public static Optional<Suite> fromId(int id) {
    for (Suite s : values()) {
      if (s.id == id) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
