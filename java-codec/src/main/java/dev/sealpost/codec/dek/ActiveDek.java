package dev.sealpost.codec.dek;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A writer's current DEK: its derived keys, the header prefix wrapped for every recipient, and
 * the nonce state [NONCE-2]. Immutable but for the message counter, which threads share.
 */
public final class ActiveDek {
  private final DekKeys keys;
  private final byte[] headerPrefix;
  private final byte[] nonceBase;
  private final long createdNanos;
  private final AtomicLong counter = new AtomicLong();

  public ActiveDek(DekKeys keys, byte[] headerPrefix, byte[] nonceBase, long createdNanos) {
    this.keys = keys;
    this.headerPrefix = headerPrefix;
    this.nonceBase = nonceBase;
    this.createdNanos = createdNanos;
  }

  public DekKeys keys() {
    return keys;
  }

  public byte[] headerPrefix() {
    return headerPrefix;
  }

  public long createdNanos() {
    return createdNanos;
  }

  /** Claims the next message index; the caller checks it against the policy. */
  public long nextIndex() {
    return counter.getAndIncrement();
  }

  /** {@code nonce_i = base XOR (u32(0) || u64(i))} [NONCE-2]; empty for the SIV suite. */
  public byte[] nonce(long index) {
    return nonce(nonceBase, index);
  }

  public static byte[] nonce(byte[] base, long index) {
    byte[] n = base.clone();
    int off = n.length - 8;
    if (off < 0) {
      return n;
    }
    for (int i = 0; i < 8; i++) {
      n[off + i] ^= (byte) (index >>> (56 - 8 * i));
    }
    return n;
  }
}
