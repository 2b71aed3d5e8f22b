package dev.sealpost.codec;

import dev.sealpost.codec.dek.ActiveDek;
import dev.sealpost.codec.dek.DekKeys;
import dev.sealpost.codec.dek.DekPolicy;
import dev.sealpost.codec.format.HeaderWriter;
import dev.sealpost.codec.format.RecipientEntry;
import dev.sealpost.codec.internal.EnvelopeSealer;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * Encrypts messages into Sealpost v1 envelopes. Immutable configuration, thread-safe.
 *
 * <p>Per message: one header copy and one AEAD call. The DEK, its wrapping for every
 * recipient, the commitment and the header prefix are made once per DEK and reused until the
 * {@link DekPolicy} rotates it [DEK-2], [DEK-3], [DEK-4]. Nonces come from a per-DEK counter
 * XORed into a random base, so they never repeat under one DEK [NONCE-1], [NONCE-2].
 *
 * <pre>{@code
 * Encryptor enc = Encryptor.builder()
 *     .recipient(Recipient.symmetric(keyring, "orders"))
 *     .build();
 * byte[] envelope = enc.encrypt(plaintext, EncryptionContext.of("topic", "orders"));
 * }</pre>
 */
public final class Encryptor {
  private final Suite suite;
  private final List<Recipient> recipients;
  private final EncryptionContext storedContext;
  private final DekPolicy policy;
  private final int maxPlaintextLength;
  private final SecureRandom random;
  private final LongSupplier nanoClock;
  private final AtomicReference<ActiveDek> active = new AtomicReference<>();

  private Encryptor(Builder b) {
    this.suite = b.suite;
    this.recipients = List.copyOf(b.recipients);
    this.storedContext = b.storedContext;
    this.policy = b.policy;
    this.maxPlaintextLength = b.maxPlaintextLength;
    this.random = b.random;
    this.nanoClock = b.nanoClock;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Suite suite() {
    return suite;
  }

  public byte[] encrypt(byte[] plaintext) throws SealpostException {
    return encrypt(plaintext, 0, plaintext.length, EncryptionContext.empty());
  }

  public byte[] encrypt(byte[] plaintext, EncryptionContext externalContext) throws SealpostException {
    return encrypt(plaintext, 0, plaintext.length, externalContext);
  }

  /** Encrypts the buffer's remaining bytes without moving its position. */
  public byte[] encrypt(ByteBuffer plaintext, EncryptionContext externalContext) throws SealpostException {
    if (plaintext.hasArray()) {
      return encrypt(
          plaintext.array(), plaintext.arrayOffset() + plaintext.position(), plaintext.remaining(), externalContext);
    }
    byte[] copy = new byte[plaintext.remaining()];
    plaintext.duplicate().get(copy);
    return encrypt(copy, 0, copy.length, externalContext);
  }

  public byte[] encrypt(byte[] plaintext, int offset, int length, EncryptionContext externalContext)
      throws SealpostException {
    Objects.checkFromIndexSize(offset, length, plaintext.length);
    Objects.requireNonNull(externalContext, "externalContext");
    if (length > maxPlaintextLength) {
      throw new SealpostException(
          ErrorCategory.LIMIT_EXCEEDED, "plaintext of " + length + " bytes exceeds the limit of " + maxPlaintextLength);
    }
    ActiveDek dek = active.get();
    long index;
    while (true) {
      if (dek != null) {
        index = dek.nextIndex();
        if (index < policy.maxMessages() && !expired(dek)) {
          break;
        }
      }
      dek = rotate(dek);
    }
    try {
      return EnvelopeSealer.seal(
          dek.keys(), dek.headerPrefix(), dek.nonce(index), externalContext.encodedView(), plaintext, offset, length);
    } catch (GeneralSecurityException e) {
      throw new SealpostException(ErrorCategory.INVALID_KEY_MATERIAL, "payload encryption failed", e);
    }
  }

  /** Forces a new DEK for the next message, e.g. after a KEK rotation. */
  public void rotateNow() throws SealpostException {
    rotate(active.get());
  }

  private boolean expired(ActiveDek dek) {
    return nanoClock.getAsLong() - dek.createdNanos() >= policy.maxAge().toNanos();
  }

  /** Replaces {@code stale} unless another thread already did. */
  private synchronized ActiveDek rotate(ActiveDek stale) throws SealpostException {
    ActiveDek current = active.get();
    if (current != stale) {
      return current;
    }
    ActiveDek fresh = newDek();
    active.set(fresh);
    return fresh;
  }

  private ActiveDek newDek() throws SealpostException {
    byte[] dek = new byte[DekKeys.DEK_LENGTH];
    List<RecipientEntry> entries = new ArrayList<>(recipients.size());
    try {
      int start = 0;
      if (suite.randomized()) {
        random.nextBytes(dek); // [DEK-1]
      } else {
        // [SIV-1]: derived from the first recipient's KEK, which must be symmetric [SUITE-3].
        Recipient.Symmetric first = (Recipient.Symmetric) recipients.get(0);
        Recipient.ResolvedKek kek = first.resolve();
        try {
          dek = DekKeys.deterministicDek(suite, kek.key, first.keyIdBytes(), kek.version);
          entries.add(first.wrap(dek, kek));
        } finally {
          kek.wipe();
        }
        start = 1;
      }
      for (int i = start; i < recipients.size(); i++) {
        entries.add(recipients.get(i).wrap(dek, random)); // [RCP-2]: one DEK for all
      }
      DekKeys keys = DekKeys.derive(suite, dek);
      byte[] prefix = HeaderWriter.prefix(suite, entries, keys.commitment(), storedContext);
      byte[] nonceBase = new byte[suite.nonceLength()];
      random.nextBytes(nonceBase);
      return new ActiveDek(keys, prefix, nonceBase, nanoClock.getAsLong());
    } catch (GeneralSecurityException e) {
      if (e instanceof SealpostException) {
        throw (SealpostException) e;
      }
      throw new SealpostException(ErrorCategory.INVALID_KEY_MATERIAL, "cannot derive DEK keys", e);
    } finally {
      Arrays.fill(dek, (byte) 0); // [SEC-2]
    }
  }

  /** Validating builder. Defaults: AES-256-GCM, empty stored context, {@link DekPolicy#defaults()}. */
  public static final class Builder {
    private Suite suite = Suite.AES_256_GCM;
    private final List<Recipient> recipients = new ArrayList<>();
    private EncryptionContext storedContext = EncryptionContext.empty();
    private DekPolicy policy = DekPolicy.defaults();
    private int maxPlaintextLength = Limits.MAX_PLAINTEXT_LENGTH;
    private SecureRandom random;
    private LongSupplier nanoClock = System::nanoTime;

    private Builder() {}

    public Builder suite(Suite suite) {
      this.suite = Objects.requireNonNull(suite, "suite");
      return this;
    }

    public Builder recipient(Recipient recipient) {
      recipients.add(Objects.requireNonNull(recipient, "recipient"));
      return this;
    }

    public Builder recipients(List<Recipient> list) {
      list.forEach(this::recipient);
      return this;
    }

    /** Context written in every envelope's header, visible and authenticated (SPEC.md 7). */
    public Builder storedContext(EncryptionContext context) {
      this.storedContext = Objects.requireNonNull(context, "context");
      return this;
    }

    public Builder dekPolicy(DekPolicy policy) {
      this.policy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** Refuse larger plaintexts with {@code limit-exceeded}; at most 2^30 [LIM-4]. */
    public Builder maxPlaintextLength(int max) {
      this.maxPlaintextLength = Limits.checkPlaintextLimit(max);
      return this;
    }

    public Builder random(SecureRandom random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /** A monotonic nanosecond clock for the DEK age limit; for tests. */
    public Builder nanoClock(LongSupplier clock) {
      this.nanoClock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Builds and creates the first DEK, so key problems surface here, not on the first message. */
    public Encryptor build() throws SealpostException {
      HeaderWriter.checkRecipientCount(recipients.size());
      if (!suite.randomized()) {
        for (Recipient r : recipients) {
          if (!(r instanceof Recipient.Symmetric)) {
            throw new SealpostException(
                ErrorCategory.INVALID_KEY_MATERIAL,
                suite + " is deterministic and needs symmetric recipients only [SUITE-3], got " + r.type());
          }
        }
      }
      if (random == null) {
        random = new SecureRandom();
      }
      Encryptor e = new Encryptor(this);
      e.rotateNow();
      return e;
    }
  }
}
