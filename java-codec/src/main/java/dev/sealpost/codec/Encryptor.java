package dev.sealpost.codec;

import dev.sealpost.codec.dek.ActiveDek;
import dev.sealpost.codec.dek.DekKeys;
import dev.sealpost.codec.dek.DekPolicy;
import dev.sealpost.codec.format.HeaderWriter;
import dev.sealpost.codec.format.RecipientEntry;
import dev.sealpost.codec.compress.Packing;
import dev.sealpost.codec.internal.Bytes;
import dev.sealpost.codec.internal.EnvelopeSealer;
import dev.sealpost.codec.internal.LogSafe;
import dev.sealpost.codec.internal.WriterSignatures;
import dev.sealpost.codec.internal.SegmentedBody;
import dev.sealpost.codec.stream.EncryptingOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
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
  /** Null for unsigned suites. */
  private final WriterKey signer;
  private final SignMode signMode;
  private final Compression compression;
  private final List<Recipient> recipients;
  private final EncryptionContext storedContext;
  private final DekPolicy policy;
  private final int maxPlaintextLength;
  private final SecureRandom random;
  private final LongSupplier nanoClock;
  /** {@code policy.maxAge()} in nanoseconds, once: per message it is one subtraction [DEK-4]. */
  private final long maxAgeNanos;
  private final AtomicReference<ActiveDek> active = new AtomicReference<>();
  /**
   * The DEK of {@link #encryptingStream} when {@link #suite} is not segmented: its segmented
   * form has another suite id, so another commitment and header (SPEC.md 5.2). Made on first use.
   */
  private final AtomicReference<ActiveDek> activeSegmented = new AtomicReference<>();
  /** Suite 0003 only: the resolved recipient set and the DEKs derived for it, per external context. */
  private final AtomicReference<SivGeneration> siv = new AtomicReference<>();
  /** Derived deterministic DEKs kept per generation; beyond this the map starts over. */
  static final int SIV_CACHE_CAPACITY = 1024;
  private static final byte[] NO_NONCE = new byte[0];

  private Encryptor(Builder b) {
    this.suite = b.effectiveSuite;
    this.signer = b.signer;
    this.signMode = b.signMode;
    this.compression = b.compression;
    this.recipients = List.copyOf(b.recipients);
    this.storedContext = b.storedContext;
    this.policy = b.policy;
    this.maxPlaintextLength = b.maxPlaintextLength;
    this.random = b.random;
    this.nanoClock = b.nanoClock;
    long age;
    try {
      age = b.policy.maxAge().toNanos();
    } catch (ArithmeticException e) {
      age = Long.MAX_VALUE; // beyond 292 years: never reached
    }
    this.maxAgeNanos = age;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The suite written: the builder's suite, in its signed form when a signer is set, in its
   * compressed form when compression is set.
   */
  public Suite suite() {
    return suite;
  }

  /** How plaintexts are compressed; {@link Compression#NONE} for the uncompressed suites. */
  public Compression compression() {
    return compression;
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
    if (!suite.randomized()) {
      return encryptDeterministic(plaintext, offset, length, externalContext);
    }
    return seal(null, plaintext, offset, length, externalContext);
  }

  /**
   * Takes the next message of the current DEK (rotating it when spent or expired) and seals
   * {@code head || plaintext[offset, offset + length)}; {@code head} is null or, only for the
   * {@link #PARTS_IN_PLACE} suites, fed to the cipher before the plaintext without joining them.
   */
  private byte[] seal(byte[] head, byte[] plaintext, int offset, int length, EncryptionContext externalContext)
      throws SealpostException {
    ActiveDek dek = active.get();
    long index;
    while (true) {
      if (dek != null) {
        index = dek.nextIndex();
        if (index < policy.maxMessages() && !expired(dek)) {
          break;
        }
      }
      dek = rotate(active, suite, dek);
    }
    try {
      byte[] external = externalContext.encodedView();
      if (head != null) {
        return EnvelopeSealer.seal(dek.keys(), dek.headerPrefix(), dek.nonce(index), external, head, plaintext, offset, length);
      }
      if (suite.segmented()) {
        return SegmentedBody.seal(dek.keys(), dek.headerPrefix(), dek.nonce(index), external, plaintext, offset, length);
      }
      if (suite.compressed()) { // SPEC.md 18: the AEAD seals the packed payload [CMP-2]
        byte[] packed = Packing.pack(compression, plaintext, offset, length);
        return signMessage(
            EnvelopeSealer.seal(dek.keys(), dek.headerPrefix(), dek.nonce(index), external, packed, 0, packed.length, trailer()),
            external);
      }
      return signMessage(
          EnvelopeSealer.seal(dek.keys(), dek.headerPrefix(), dek.nonce(index), external, plaintext, offset, length, trailer()),
          external);
    } catch (GeneralSecurityException e) {
      throw new SealpostException(ErrorCategory.INVALID_KEY_MATERIAL, "payload encryption failed", e);
    }
  }

  /**
   * Suites whose envelope is header, AEAD body and nothing else, so that {@link #encrypt(byte[],
   * byte[], int, int, EncryptionContext)} can feed its two parts to the cipher one after the
   * other. Any other suite (and any suite added later) joins the parts and takes {@link
   * #encrypt(byte[], int, int, EncryptionContext)}.
   */
  private static final Set<Suite> PARTS_IN_PLACE = EnumSet.of(
      Suite.AES_256_GCM, Suite.CHACHA20_POLY1305, Suite.AES_256_GCM_SIGNED, Suite.CHACHA20_POLY1305_SIGNED);

  /**
   * Encrypts {@code head || plaintext[offset, offset + length)} as one message: the same envelope
   * as encrypting the two joined, without the copy that joining makes (e.g. a frame header and
   * the payload it frames). The plaintext limit applies to both together.
   */
  public byte[] encrypt(byte[] head, byte[] plaintext, int offset, int length, EncryptionContext externalContext)
      throws SealpostException {
    Objects.requireNonNull(head, "head");
    Objects.checkFromIndexSize(offset, length, plaintext.length);
    Objects.requireNonNull(externalContext, "externalContext");
    long total = (long) head.length + length;
    if (total > maxPlaintextLength) {
      throw new SealpostException(
          ErrorCategory.LIMIT_EXCEEDED, "plaintext of " + total + " bytes exceeds the limit of " + maxPlaintextLength);
    }
    if (!PARTS_IN_PLACE.contains(suite) || trailer() != 0) {
      byte[] joined = new byte[head.length + length];
      System.arraycopy(head, 0, joined, 0, head.length);
      System.arraycopy(plaintext, offset, joined, head.length, length);
      return encrypt(joined, 0, joined.length, externalContext);
    }
    return seal(head, plaintext, offset, length, externalContext);
  }

  /**
   * Returns a stream that writes one envelope of the segmented form of this encryptor's suite
   * (SPEC.md section 17) to {@code sink}: the header, then one 65552-byte segment per 65536
   * plaintext bytes; {@link EncryptingOutputStream#finish()} writes the last segment, and
   * closing the stream without it leaves the envelope incomplete [SEG-9]. Memory is
   * constant, whatever the payload size (at most 2^48 bytes [SEG-7]). The envelope takes one
   * message of the DEK's budget [DEK-3].
   *
   * <p>A compressed suite has no segmented form either (SPEC.md 18): compressing a stream would
   * mean holding it whole, which is what this method exists to avoid, so it is refused; use
   * {@link #encrypt} for compressed payloads (a reader's {@code decryptingStream} reads those whole
   * and unpacks them).
   *
   * @throws IllegalStateException for a deterministic or compressed suite, which have no
   *     segmented form
   * @throws SealpostException {@code malformed-header} when the signer signs per message [SIG-3]
   */
  public EncryptingOutputStream encryptingStream(OutputStream sink, EncryptionContext externalContext)
      throws SealpostException {
    Objects.requireNonNull(sink, "sink");
    Objects.requireNonNull(externalContext, "externalContext");
    if (!suite.randomized()) {
      throw new IllegalStateException(suite + " has no segmented form (SPEC.md 4)");
    }
    if (suite.compressed()) {
      throw new IllegalStateException(
          suite + " has no segmented form (SPEC.md 18): encrypt compressed payloads whole with encrypt()");
    }
    if (signer != null && signMode == SignMode.PER_MESSAGE) {
      // A message signature would follow plaintext a streamed reader has already released.
      throw new SealpostException(
          ErrorCategory.MALFORMED_HEADER, "sign mode 02 (per message) cannot be streamed: segmented suites take mode 01 [SIG-3]");
    }
    Suite streamed = suite.segmented() ? suite : Suite.of(suite, suite.signed(), true);
    AtomicReference<ActiveDek> ref = suite.segmented() ? active : activeSegmented;
    ActiveDek dek = ref.get();
    long index;
    while (true) {
      if (dek != null) {
        index = dek.nextIndex();
        if (index < policy.maxMessages() && !expired(dek)) {
          break;
        }
      }
      dek = rotate(ref, streamed, dek);
    }
    byte[] nonce = dek.nonce(index);
    try {
      return new EncryptingOutputStream(
          sink, Bytes.concat(dek.headerPrefix(), nonce), externalContext.encode(), dek.keys().segmentCipher(nonce, true));
    } catch (GeneralSecurityException e) {
      throw new SealpostException(ErrorCategory.INVALID_KEY_MATERIAL, "cannot derive the segment key", e);
    }
  }

  /** Forces a new DEK for the next message, e.g. after a KEK rotation. */
  public void rotateNow() throws SealpostException {
    if (suite.randomized()) {
      rotate(active, suite, active.get());
      if (activeSegmented.get() != null) {
        rotate(activeSegmented, activeSegmented.get().keys().suite(), activeSegmented.get());
      }
    } else {
      rotateDeterministic(siv.get());
    }
  }

  // ------------------------------------------------------------------------ deterministic suite

  /**
   * One resolution of the recipients' current KEK versions: {@code info} up to the external
   * context, and the DEKs derived so far for it, by external context [SIV-1].
   */
  private static final class SivGeneration {
    final int[] versions;
    final byte[] infoPrefix;
    final long createdNanos;
    final java.util.concurrent.atomic.AtomicLong counter = new java.util.concurrent.atomic.AtomicLong();
    final java.util.concurrent.ConcurrentHashMap<ContextKey, ActiveDek> deks = new java.util.concurrent.ConcurrentHashMap<>();

    SivGeneration(int[] versions, byte[] infoPrefix, long createdNanos) {
      this.versions = versions;
      this.infoPrefix = infoPrefix;
      this.createdNanos = createdNanos;
    }
  }

  /** An external context's canonical encoding as a map key. */
  private static final class ContextKey {
    final byte[] encoded;
    final int hash;

    ContextKey(byte[] encoded) {
      this.encoded = encoded;
      this.hash = Arrays.hashCode(encoded);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ContextKey && Arrays.equals(encoded, ((ContextKey) o).encoded);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  private byte[] encryptDeterministic(byte[] plaintext, int offset, int length, EncryptionContext externalContext)
      throws SealpostException {
    SivGeneration gen = siv.get();
    while (true) {
      if (gen != null) {
        long index = gen.counter.getAndIncrement();
        if (index < policy.maxMessages() && nanoClock.getAsLong() - gen.createdNanos < maxAgeNanos) {
          break;
        }
      }
      gen = rotateDeterministic(gen);
    }
    byte[] external = externalContext.encodedView();
    ContextKey key = new ContextKey(external);
    ActiveDek dek = gen.deks.get(key);
    if (dek == null) {
      dek = deriveDeterministic(gen, external);
      if (gen.deks.size() >= SIV_CACHE_CAPACITY) {
        gen.deks.clear(); // bounded: a writer with this many topics re-derives, it does not grow
      }
      gen.deks.put(key, dek);
    }
    try {
      return signMessage(
          EnvelopeSealer.seal(dek.keys(), dek.headerPrefix(), NO_NONCE, external, plaintext, offset, length, trailer()),
          external);
    } catch (GeneralSecurityException e) {
      throw new SealpostException(ErrorCategory.INVALID_KEY_MATERIAL, "payload encryption failed", e);
    }
  }

  /** Resolves the current KEK versions once more and starts an empty DEK cache for them. */
  private synchronized SivGeneration rotateDeterministic(SivGeneration stale) throws SealpostException {
    SivGeneration current = siv.get();
    if (current != stale) {
      return current;
    }
    int[] versions = new int[recipients.size()];
    List<RecipientEntry> refs = new ArrayList<>(recipients.size());
    for (int i = 0; i < recipients.size(); i++) {
      Recipient.Symmetric r = (Recipient.Symmetric) recipients.get(i);
      Recipient.ResolvedKek kek = r.resolve();
      kek.wipe(); // only the version is kept; each derivation fetches the KEKs again [SEC-2]
      versions[i] = kek.version;
      refs.add(new RecipientEntry(RecipientType.SYMMETRIC, r.keyId(), kek.version, new byte[0]));
    }
    SivGeneration fresh =
        new SivGeneration(versions, DekKeys.deterministicInfoPrefix(suite, refs, storedContext), nanoClock.getAsLong());
    siv.set(fresh);
    return fresh;
  }

  /**
   * [SIV-1]: DEK = HKDF(salt "sealpost/v1 deterministic-dek", KEK_1, info = refs, stored and
   * external context), so it is bound to this envelope identity only, then wrapped for each
   * recipient with AES-KW, which is deterministic too.
   */
  private ActiveDek deriveDeterministic(SivGeneration gen, byte[] externalEncoded) throws SealpostException {
    byte[] dek = null;
    List<RecipientEntry> entries = new ArrayList<>(recipients.size());
    try {
      for (int i = 0; i < recipients.size(); i++) {
        Recipient.Symmetric r = (Recipient.Symmetric) recipients.get(i);
        Recipient.ResolvedKek kek = r.resolve(gen.versions[i]);
        try {
          if (i == 0) {
            dek = DekKeys.deterministicDek(kek.key, Bytes.concat(gen.infoPrefix, externalEncoded));
          }
          entries.add(r.wrap(dek, kek));
        } finally {
          kek.wipe();
        }
      }
      DekKeys keys = DekKeys.derive(suite, dek);
      byte[] prefix = headerPrefix(suite, entries, keys.commitment());
      return new ActiveDek(keys, prefix, NO_NONCE, gen.createdNanos);
    } catch (SealpostException e) {
      throw e;
    } catch (GeneralSecurityException e) {
      throw new SealpostException(ErrorCategory.INVALID_KEY_MATERIAL, "cannot derive the deterministic DEK", e);
    } finally {
      if (dek != null) {
        Arrays.fill(dek, (byte) 0); // [SEC-2]
      }
    }
  }

  // ------------------------------------------------------------------------ writer signatures

  /**
   * The header through the stored context, and for a signed suite the signer field. In sign mode
   * 01 the signature over {@code P} is made here, once per DEK and stored context, and every
   * envelope under the DEK reuses it [SIG-1], [SIG-2].
   */
  private byte[] headerPrefix(Suite suite, List<RecipientEntry> entries, byte[] commitment) throws SealpostException {
    if (signer == null) {
      return HeaderWriter.prefix(suite, entries, commitment, storedContext);
    }
    byte[] p = HeaderWriter.signedPrefix(
        suite, entries, commitment, storedContext, new SignerRef(signer.signerId(), signer.version(), signMode));
    if (signMode == SignMode.PER_MESSAGE) {
      return p;
    }
    return Bytes.concat(p, WriterSignatures.signHeader(signer.key(), p, 0, p.length));
  }

  /** Room left after the body for a mode 02 message signature. */
  private int trailer() {
    return signer != null && signMode == SignMode.PER_MESSAGE ? SIGNATURE_LENGTH : 0;
  }

  /**
   * Sign mode 02 [SIG-1]: signs the envelope without its last 64 bytes (the room {@link #trailer()}
   * left) and the encoded external context, and writes the signature there.
   */
  private byte[] signMessage(byte[] envelope, byte[] externalContext) throws SealpostException {
    if (trailer() == 0) {
      return envelope;
    }
    int signedLength = envelope.length - SIGNATURE_LENGTH;
    byte[] sig = WriterSignatures.signMessage(signer.key(), envelope, 0, signedLength, externalContext);
    System.arraycopy(sig, 0, envelope, signedLength, SIGNATURE_LENGTH);
    return envelope;
  }

  private static final int SIGNATURE_LENGTH = 64;

  private boolean expired(ActiveDek dek) {
    return nanoClock.getAsLong() - dek.createdNanos() >= maxAgeNanos;
  }

  /** Replaces {@code stale} in {@code ref} with a new DEK for {@code suite}, unless another thread already did. */
  private synchronized ActiveDek rotate(AtomicReference<ActiveDek> ref, Suite suite, ActiveDek stale)
      throws SealpostException {
    ActiveDek current = ref.get();
    if (current != stale) {
      return current;
    }
    ActiveDek fresh = newDek(suite);
    ref.set(fresh);
    return fresh;
  }

  private ActiveDek newDek(Suite suite) throws SealpostException {
    byte[] dek = new byte[DekKeys.DEK_LENGTH];
    List<RecipientEntry> entries = new ArrayList<>(recipients.size());
    try {
      random.nextBytes(dek); // [DEK-1]
      for (Recipient r : recipients) {
        entries.add(r.wrap(dek, random)); // [RCP-2]: one DEK for all
      }
      DekKeys keys = DekKeys.derive(suite, dek);
      byte[] prefix = headerPrefix(suite, entries, keys.commitment());
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
    private Suite effectiveSuite;
    private WriterKey signer;
    private SignMode signMode;
    private Compression compression = Compression.NONE;
    private final List<Recipient> recipients = new ArrayList<>();
    private EncryptionContext storedContext = EncryptionContext.empty();
    private java.util.Map<String, String> storedContextMap;
    private DekPolicy policy = DekPolicy.defaults();
    private int maxPlaintextLength = Limits.MAX_PLAINTEXT_LENGTH;
    private boolean segmented;
    private SecureRandom random;
    private LongSupplier nanoClock = System::nanoTime;

    private Builder() {}

    public Builder suite(Suite suite) {
      this.suite = Objects.requireNonNull(suite, "suite");
      return this;
    }

    /**
     * Signs every envelope with this writer key (SPEC.md 16), which makes the suite its signed
     * form ({@code 0001} becomes {@code 0101}, and so on). {@link SignMode#PER_DEK} signs once per
     * DEK and stored context at no per-message cost; {@link SignMode#PER_MESSAGE} signs every
     * envelope and its external context, and is refused with a segmented suite [SIG-3].
     */
    public Builder signer(WriterKey signer, SignMode mode) {
      this.signer = Objects.requireNonNull(signer, "signer");
      this.signMode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /**
     * Makes {@link Encryptor#encrypt} write the segmented form of the suite (SPEC.md 17), as
     * {@link Encryptor#encryptingStream} always does. There is none for the deterministic suite.
     */
    public Builder segmented(boolean segmented) {
      this.segmented = segmented;
      return this;
    }

    /**
     * Compresses every plaintext before encrypting it (SPEC.md 18), which makes the suite its
     * compressed form ({@code 0001} becomes {@code 0401}, {@code 0101} becomes {@code 0501}):
     * zstd at level 3 or the fast LZ4 compressor, stored when that would not be shorter
     * [CMP-2]. Opt-in per source [CMP-1]; do not compress records that hold secrets next to
     * data someone else chooses (SPEC.md 18.1) [CMP-7]. There is no compressed deterministic or
     * segmented suite, and {@link Encryptor#encryptingStream} refuses a compressed suite.
     * Default {@link Compression#NONE}.
     */
    public Builder compression(Compression compression) {
      this.compression = Objects.requireNonNull(compression, "compression");
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
      this.storedContextMap = null;
      return this;
    }

    /**
     * The stored context as a plain map, checked by {@link #build()} after the recipients, in
     * the order of [ENC-3].
     */
    public Builder storedContext(java.util.Map<String, String> context) {
      this.storedContextMap = java.util.Map.copyOf(Objects.requireNonNull(context, "context"));
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

    /**
     * Builds and creates the first DEK, so key problems surface here, not on the first message.
     * Checks in the order of [ENC-3]: the recipient count, each recipient in turn (key id empty,
     * too long, not UTF-8; a repeated key reference [RCP-7]; a type the suite does not allow
     * [SUITE-3], [SUITE-4]; a key the writer does not hold), then the signer (signer id empty,
     * not well-formed, longer than 255 bytes; sign mode 02 with a segmented suite [SIG-3]), then a
     * stored context given as a map.
     *
     * @throws IllegalStateException when a signed suite was chosen without a signer, a
     *     compressed suite without a compression, or the compression's library is not on the
     *     class path
     * @throws IllegalArgumentException when compression is asked of a deterministic or
     *     segmented suite, which have no compressed form
     */
    public Encryptor build() throws SealpostException {
      if (suite.signed() && signer == null) {
        throw new IllegalStateException(suite + " is a signed suite: set signer(WriterKey, SignMode)");
      }
      if (segmented && suite.deterministic()) {
        throw new IllegalStateException(suite + " has no segmented form (SPEC.md 4)");
      }
      boolean compressed = compression != Compression.NONE;
      if (suite.compressed() && !compressed) {
        throw new IllegalStateException(suite + " is a compressed suite: set compression(ZSTD or LZ4)");
      }
      if (compressed && suite.deterministic()) {
        throw new IllegalArgumentException(
            "compression " + compression + " conflicts with the deterministic suite " + suite
                + ": no deterministic suite compresses (SPEC.md 18)");
      }
      if (compressed && (segmented || suite.segmented())) {
        throw new IllegalArgumentException(
            "compression " + compression + " conflicts with the segmented suite "
                + Suite.of(suite, suite.signed(), true) + ": no segmented suite compresses (SPEC.md 18)");
      }
      if (compressed) {
        Packing.requireAvailable(compression);
      }
      effectiveSuite = Suite.of(suite, suite.signed() || signer != null, suite.segmented() || segmented, compressed);
      HeaderWriter.checkRecipientCount(recipients.size());
      Long[] versions = new Long[recipients.size()];
      for (int i = 0; i < recipients.size(); i++) {
        Recipient r = recipients.get(i);
        String shown = LogSafe.escape(r.keyId());
        if (r.keyId().isEmpty()) {
          throw new SealpostException(ErrorCategory.MALFORMED_HEADER, "recipient " + i + ": key id is empty");
        }
        // [ENC-3]: well-formed before length, since ill-formed text has no UTF-8 length.
        if (!Bytes.isWellFormed(r.keyId())) {
          throw new SealpostException(
              ErrorCategory.MALFORMED_HEADER, "recipient " + i + ": key id is not valid Unicode (unpaired surrogate)");
        }
        byte[] id = r.keyId().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (id.length > Limits.MAX_KEY_ID_LENGTH) {
          throw new SealpostException(
              ErrorCategory.LIMIT_EXCEEDED, "recipient " + i + ": key id of " + id.length + " UTF-8 bytes exceeds 255");
        }
        versions[i] = r.referenceVersion();
        for (int j = 0; j < i; j++) {
          Recipient o = recipients.get(j);
          boolean sameVersion = r.type() == RecipientType.KMS
              || versions[i] == null || versions[j] == null || versions[i].equals(versions[j]);
          if (o.type() == r.type() && o.keyId().equals(r.keyId()) && sameVersion) {
            throw new SealpostException(
                ErrorCategory.MALFORMED_HEADER, "recipient " + i + " repeats the key reference of recipient " + j + " [RCP-7]");
          }
        }
        if (!suite.randomized() && r.type() != RecipientType.SYMMETRIC) {
          throw new SealpostException(
              ErrorCategory.MALFORMED_HEADER,
              suite + " is deterministic and takes symmetric recipients only [SUITE-3], got " + r.type());
        }
        if (!r.held()) {
          throw new SealpostException(
              ErrorCategory.INVALID_KEY_MATERIAL, "recipient " + i + ": the writer holds no key for " + r.type() + " '" + shown + "'");
        }
      }
      if (signer != null) {
        HeaderWriter.checkSignerId(signer.signerId());
        if (signMode == SignMode.PER_MESSAGE && effectiveSuite.segmented()) {
          throw new SealpostException(
              ErrorCategory.MALFORMED_HEADER,
              "sign mode 02 (per message) cannot be used with the segmented suite " + effectiveSuite + " [SIG-3]");
        }
      }
      if (storedContextMap != null) {
        storedContext = EncryptionContext.of(storedContextMap);
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
