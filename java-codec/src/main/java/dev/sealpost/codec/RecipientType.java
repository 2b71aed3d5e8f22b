package dev.sealpost.codec;

import java.util.Optional;

/** Recipient types of SPEC.md section 6. The id is the u8 written in each recipient entry. */
public enum RecipientType {
  /** A 32-byte KEK from a keyring; the DEK is wrapped with AES-256 Key Wrap (RFC 3394). */
  SYMMETRIC(0x01, 40),
  /** An X25519 public key; the DEK is sealed with HPKE (RFC 9180). */
  X25519_HPKE(0x02, 80),
  /** An external KMS; the wrapped DEK is the KMS's opaque ciphertext. */
  KMS(0x03, -1);

  private final int id;
  private final int wrappedLength;

  RecipientType(int id, int wrappedLength) {
    this.id = id;
    this.wrappedLength = wrappedLength;
  }

  public int id() {
    return id;
  }

  /** The exact wrapped-DEK length this type requires [RCP-3], or -1 when variable. */
  public int wrappedLength() {
    return wrappedLength;
  }

  public static Optional<RecipientType> fromId(int id) {
    for (RecipientType t : values()) {
      if (t.id == id) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
