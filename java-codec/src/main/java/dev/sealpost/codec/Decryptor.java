package dev.sealpost.codec;

import dev.sealpost.codec.compress.Packing;
import dev.sealpost.codec.dek.DekKeys;
import dev.sealpost.codec.dek.UnwrapFailureCache;
import dev.sealpost.codec.dek.UnwrappedDekCache;
import dev.sealpost.codec.format.EnvelopeHeader;
import dev.sealpost.codec.format.RecipientEntry;
import dev.sealpost.codec.internal.Bytes;
import dev.sealpost.codec.internal.LogSafe;
import dev.sealpost.codec.internal.VerifiedHeaderCache;
import dev.sealpost.codec.internal.VerifiedPrefixCache;
import dev.sealpost.codec.internal.WriterSignatures;
import dev.sealpost.codec.internal.SegmentCipher;
import dev.sealpost.codec.internal.SegmentedBody;
import dev.sealpost.codec.internal.StreamOpener;
import dev.sealpost.codec.stream.DecryptingInputStream;
import dev.sealpost.codec.stream.SealpostStreamException;
import java.io.InputStream;
import dev.sealpost.codec.keys.KekSource;
import dev.sealpost.codec.keys.Keyring;
import dev.sealpost.codec.keys.X25519PrivateKey;
import dev.sealpost.codec.kms.KmsClient;
import dev.sealpost.codec.recipient.AesKeyWrap;
import dev.sealpost.codec.recipient.HpkeDekSeal;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Decrypts Sealpost v1 envelopes, following SPEC.md section 11 step by step, so that every
 * failure has the category the spec and the vectors name [ERR-2]. Immutable configuration,
 * thread-safe. Unwrapped DEKs are cached by their exact recipient entry; the commitment is
 * checked for every envelope all the same [COM-3], and so is a deterministic DEK from the first
 * entry [SIV-4], recomputed once per (header, external context) of the last entry used. A header
 * prefix (everything before the nonce) that one envelope took through every step is remembered
 * by its exact bytes (at most {@value VerifiedPrefixCache#DEFAULT_MAX_ENTRIES} prefixes and
 * 64 KiB), and the next envelopes that start with it skip the parse and the unwrap, with the
 * same outcome and error categories (see {@code Verified}).
 *
 * <pre>{@code
 * Decryptor dec = Decryptor.builder().kekSource(keyring).build();
 * byte[] plaintext = dec.decrypt(envelope, EncryptionContext.of("topic", "orders"));
 * }</pre>
 */
public final class Decryptor {
  private final List<KekSource> kekSources;
  private final Map<String, X25519PrivateKey> x25519Keys;
  private final List<KmsClient> kmsClients;
  /**
   * Every key source is an immutable {@link Keyring} and no KMS client is asked: which entry of a
   * header the reader holds cannot change, so a verified prefix's choice need not be made again.
   */
  private final boolean keysFixed;
  /** [KMS-3]: type 03 entries are held only for these URIs, or URIs with these prefixes. */
  private final Set<String> kmsKeyUris;
  private final List<String> kmsKeyUriPrefixes;
  private final boolean kmsDiscovery;
  private final int maxPlaintextLength;
  private final UnwrappedDekCache cache;
  /** Default trust for every call without its own [SIG-4]. */
  private final TrustedWriters trustedWriters;
  /** Mode 01 header signatures that verified [SIG-7], [SIG-9]. */
  private final VerifiedHeaderCache verifiedHeaders;
  static final int SIGNATURE_CACHE_CAPACITY = 1024;
  /** Entries whose unwrap was a verdict, remembered briefly; never key-service failures. */
  private final UnwrapFailureCache failures;
  static final int FAILURE_CACHE_CAPACITY = 1024;
  static final long FAILURE_CACHE_TTL_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
  /**
   * The entry that gave the DEK of the previous envelope, with its derived keys: consecutive
   * envelopes of one writer share the DEK, so this avoids building and hashing a cache key per
   * message. Same semantics as the cache (exact entry and suite); unused when caching is off.
   */
  private volatile LastEntry last;
  /** Header prefixes that went through every step to a plaintext; see {@link Verified}. */
  private final VerifiedPrefixCache<Verified> verifiedPrefixes;

  /**
   * What a header prefix (magic up to the nonce: recipients, commitment, stored context, signer
   * field and mode 01 signature) gave when an envelope that starts with it was opened in full:
   * its parse, the entry and keys that opened it, and the trust it was verified under.
   *
   * <p>An envelope that starts with the same bytes takes a shorter road, and every step of
   * SPEC.md section 11 still gives what it gave before, in the same order, so every failure keeps
   * its category [ERR-2]:
   *
   * <ul>
   *   <li>Steps 1 to 7a read only these bytes and read them forward, so their outcome is the
   *       remembered parse; step 8 and the first check of step 9 depend on the length, and an
   *       input too short for the nonce or a mode 02 signature takes the full road.
   *   <li>Step 9 (body length and plaintext limit) and step 10 (required stored context) are
   *       checked for every envelope, as they depend on the call.
   *   <li>Step 10a: a mode 01 signature over {@code P} verified under this very {@link
   *       TrustedWriters} (immutable, compared by identity) is the verification [SIG-7] remembers
   *       by exact bytes; any other trust, and every mode 02 signature, is checked in full.
   *   <li>Step 11: the reader's key sources are asked again which entry is the first one held;
   *       only if it is the remembered one are its keys reused (what the last-entry shortcut of
   *       step 11 does too), otherwise step 11 runs in full.
   *   <li>Step 12: the commitment is compared with the keys' for every envelope [COM-3], and a
   *       deterministic suite's DEK is checked against the external context [SIV-4].
   *   <li>Step 13: the AEAD covers the whole header of this envelope, nonce included, and this
   *       call's external context [AUTH-1].
   * </ul>
   */
  private static final class Verified {
    final EnvelopeHeader header;
    /** Sign mode 02: the envelope's last 64 bytes are the message signature [HDR-5]. */
    final boolean perMessage;
    final byte[] commitment;
    final int heldIndex;
    final LastEntry found;
    /** The trust that verified the mode 01 signature, and the signer it gave; null otherwise. */
    final TrustedWriters trust;
    final SignerRef signer;

    Verified(EnvelopeHeader header, int heldIndex, LastEntry found, TrustedWriters trust, SignerRef signer) {
      this.header = header;
      this.perMessage = header.signer().isPresent() && header.signer().get().mode() == SignMode.PER_MESSAGE;
      this.commitment = header.commitment();
      this.heldIndex = heldIndex;
      this.found = found;
      this.trust = trust;
      this.signer = signer;
    }
  }

  private static final class LastEntry {
    final int suiteId;
    final RecipientEntry entry;
    final DekKeys keys;
    /**
     * Deterministic suite, DEK from the first entry: the header bytes and encoded external
     * context whose [SIV-4] recomputation gave this DEK, or null. Only an identical pair skips
     * the recomputation (identical header and context give identical HKDF info).
     */
    final byte[] sivHeader;
    final byte[] sivContext;

    LastEntry(int suiteId, RecipientEntry entry, DekKeys keys) {
      this(suiteId, entry, keys, null, null);
    }

    LastEntry(int suiteId, RecipientEntry entry, DekKeys keys, byte[] sivHeader, byte[] sivContext) {
      this.suiteId = suiteId;
      this.entry = entry;
      this.keys = keys;
      this.sivHeader = sivHeader;
      this.sivContext = sivContext;
    }

    boolean sivVerified(byte[] envelope, int offset, int headerLength, byte[] context) {
      return sivHeader != null
          && Arrays.equals(sivHeader, 0, sivHeader.length, envelope, offset, offset + headerLength)
          && Arrays.equals(sivContext, context);
    }
  }

  private Decryptor(Builder b) {
    this.kekSources = List.copyOf(b.kekSources);
    this.x25519Keys = Map.copyOf(b.x25519Keys);
    this.kmsClients = List.copyOf(b.kmsClients);
    this.keysFixed = kmsClients.isEmpty() && kekSources.stream().allMatch(s -> s instanceof Keyring);
    this.kmsKeyUris = Set.copyOf(b.kmsKeyUris);
    this.kmsKeyUriPrefixes = List.copyOf(b.kmsKeyUriPrefixes);
    this.kmsDiscovery = b.kmsDiscovery;
    this.maxPlaintextLength = b.maxPlaintextLength;
    this.cache = new UnwrappedDekCache(b.cacheCapacity);
    this.trustedWriters = b.trustedWriters;
    this.verifiedHeaders = new VerifiedHeaderCache(b.cacheCapacity == 0 ? 0 : SIGNATURE_CACHE_CAPACITY);
    this.verifiedPrefixes = b.cacheCapacity == 0
        ? new VerifiedPrefixCache<>(0, 0)
        : new VerifiedPrefixCache<>(VerifiedPrefixCache.DEFAULT_MAX_ENTRIES, VerifiedPrefixCache.DEFAULT_MAX_BYTES);
    this.failures = new UnwrapFailureCache(
        b.cacheCapacity == 0 ? 0 : FAILURE_CACHE_CAPACITY, FAILURE_CACHE_TTL_NANOS, b.nanoClock);
  }

  public static Builder builder() {
    return new Builder();
  }

  public byte[] decrypt(byte[] envelope) throws SealpostException {
    return decrypt(envelope, 0, envelope.length, EncryptionContext.empty(), Map.of());
  }

  public byte[] decrypt(byte[] envelope, EncryptionContext externalContext) throws SealpostException {
    return decrypt(envelope, 0, envelope.length, externalContext, Map.of());
  }

  /** Decrypts the buffer's remaining bytes without moving its position. */
  public byte[] decrypt(ByteBuffer envelope, EncryptionContext externalContext) throws SealpostException {
    if (envelope.hasArray()) {
      return decrypt(
          envelope.array(), envelope.arrayOffset() + envelope.position(), envelope.remaining(), externalContext, Map.of());
    }
    byte[] copy = new byte[envelope.remaining()];
    envelope.duplicate().get(copy);
    return decrypt(copy, 0, copy.length, externalContext, Map.of());
  }

  /**
   * Decrypts with the builder's trusted writers.
   *
   * @param requiredStoredContext entries the stored context must hold with equal values [CTX-4]
   */
  public byte[] decrypt(
      byte[] envelope, int offset, int length, EncryptionContext externalContext, Map<String, String> requiredStoredContext)
      throws SealpostException {
    return open(envelope, offset, length, externalContext, requiredStoredContext, trustedWriters).plaintext();
  }

  /**
   * Decrypts and says who signed. {@code trust} is this source's set of trusted writers
   * [SIG-4]: when it is not empty, the envelope must be signed by one of them, and the signature
   * is verified before any key is unwrapped (SPEC.md 11, step 10a) [SIG-5], [SIG-6]; the result
   * then names the verified signer. With {@link TrustedWriters#none()} nothing is verified and
   * no signer is named, signed envelope or not [SIG-8].
   */
  public Decrypted open(byte[] envelope, int offset, int length, EncryptionContext externalContext, TrustedWriters trust)
      throws SealpostException {
    return open(envelope, offset, length, externalContext, Map.of(), trust);
  }

  /** {@link #open(byte[], int, int, EncryptionContext, TrustedWriters)} with the builder's trust. */
  public Decrypted open(byte[] envelope, EncryptionContext externalContext) throws SealpostException {
    return open(envelope, 0, envelope.length, externalContext, Map.of(), trustedWriters);
  }

  /** As above, also requiring stored-context entries [CTX-4]. */
  public Decrypted open(
      byte[] envelope, int offset, int length, EncryptionContext externalContext, Map<String, String> requiredStoredContext,
      TrustedWriters trust)
      throws SealpostException {
    Objects.checkFromIndexSize(offset, length, envelope.length);
    Objects.requireNonNull(externalContext, "externalContext");
    Objects.requireNonNull(requiredStoredContext, "requiredStoredContext");
    Objects.requireNonNull(trust, "trust");
    // Steps 1-8: a prefix opened before gives its parse; only the nonce and the body are new.
    VerifiedPrefixCache.Entry<Verified> hit = verifiedPrefixes.find(envelope, offset, length);
    Verified verified = null;
    EnvelopeHeader header = null;
    int headerLength = 0;
    int body = 0;
    if (hit != null) {
      Verified v = hit.value();
      headerLength = hit.length() + v.header.suite().nonceLength();
      body = length - headerLength;
      int trailer = v.perMessage ? SIGNATURE_LENGTH : 0;
      if (body >= trailer) {
        verified = v;
        header = v.header;
        body -= trailer;
      }
    }
    if (verified == null) {
      header = EnvelopeHeader.parse(envelope, offset, length);
      headerLength = header.headerLength();
      body = header.bodyLength();
    }
    Suite suite = header.suite();
    // Step 9 [AUTH-4], [LIM-3]. Segmented suites read whole apply only the plaintext limit here,
    // before any decryption, counting 16 bytes per segment of the body [SEG-8]; their segment
    // lengths (an empty body, a short last segment) are checked at step 13 [SEG-2], so that a
    // whole and a streamed reader report the same category.
    if (!suite.segmented() && body < Suite.TAG_LENGTH) {
      throw new SealpostException(ErrorCategory.AUTHENTICATION_FAILED, "body of " + body + " bytes is shorter than the tag");
    }
    long plaintextLength = suite.segmented()
        ? SegmentedBody.plaintextLength(body)
        : (long) body - Suite.TAG_LENGTH - Packing.overhead(suite); // compressed: + 5 [LIM-3]
    if (plaintextLength > maxPlaintextLength) {
      throw new SealpostException(
          ErrorCategory.LIMIT_EXCEEDED, "body of " + body + " bytes exceeds the plaintext limit of " + maxPlaintextLength);
    }
    // Step 10 [CTX-4].
    checkStoredContext(header, requiredStoredContext);
    // Step 10a [SIG-5], [SIG-6]: before any unwrap.
    SignerRef signer = verified != null && verified.trust == trust
        ? verified.signer
        : checkWriter(header, envelope, offset, length, externalContext, trust);
    // Steps 11-12.
    LastEntry found = verified != null && (keysFixed || firstHeld(header) == verified.heldIndex)
        ? verified.found : keysFor(header);
    DekKeys keys = found.keys;
    if (!keys.commitmentMatches(verified != null ? verified.commitment : header.commitment())) {
      throw new SealpostException(ErrorCategory.COMMITMENT_MISMATCH, "the DEK does not match the envelope's commitment");
    }
    if (!suite.randomized()) {
      found = checkDeterministicDek(found, header, envelope, offset, headerLength, externalContext);
    }
    // Step 13 [AUTH-2], [AUTH-3]; segmented: every segment authenticated before any release.
    int nonceLength = suite.nonceLength();
    int nonceOffset = offset + headerLength - nonceLength;
    byte[] plaintext;
    if (suite.segmented()) {
      plaintext = SegmentedBody.open(
          keys, Arrays.copyOfRange(envelope, nonceOffset, nonceOffset + nonceLength),
          envelope, offset, headerLength, externalContext.encodedView(), body);
    } else {
      try {
        plaintext = keys.payloadKey().decrypt(
            envelope, nonceOffset, nonceLength,
            envelope, offset, headerLength,
            externalContext.encodedView(),
            envelope, offset + headerLength, body);
      } catch (GeneralSecurityException e) {
        throw new SealpostException(ErrorCategory.AUTHENTICATION_FAILED, "the envelope failed authentication", e);
      }
      if (suite.compressed()) { // step 14 [CMP-3], [CMP-4]; nothing released before [CMP-6]
        plaintext = Packing.unpack(plaintext, 0, plaintext.length, maxPlaintextLength);
      }
    }
    if (verified == null) {
      remember(header, envelope, offset, found, trust, signer);
    }
    return new Decrypted(plaintext, signer, suite);
  }

  /**
   * After a full open: remembers the header prefix for {@link Verified}, when the keys came from
   * the first held entry (the only case step 11 can repeat without unwrapping). Nothing is kept
   * when caching is off.
   */
  private void remember(
      EnvelopeHeader header, byte[] envelope, int offset, LastEntry found, TrustedWriters trust, SignerRef signer)
      throws SealpostException {
    if (!verifiedPrefixes.enabled()) {
      return;
    }
    int held = firstHeld(header);
    if (held < 0 || !header.recipients().get(held).equals(found.entry)) {
      return;
    }
    boolean perDek = signer != null && signer.mode() == SignMode.PER_DEK;
    verifiedPrefixes.put(
        envelope, offset, header.headerLength() - header.suite().nonceLength(),
        // Without a [SIV-4] check of its own: that stays with the last entry, once per (header, context).
        new Verified(header, held, found.sivHeader == null ? found : new LastEntry(found.suiteId, found.entry, found.keys),
            perDek ? trust : null, perDek ? signer : null));
  }

  /**
   * Step 11's choice of entry without unwrapping: the index of the first entry whose key the
   * reader holds, asking the key sources in the order step 11 does, or -1.
   */
  private int firstHeld(EnvelopeHeader header) throws SealpostException {
    List<RecipientEntry> rs = header.recipients();
    for (int i = 0; i < rs.size(); i++) {
      RecipientEntry r = rs.get(i);
      Optional<RecipientType> type = r.type();
      if (type.isPresent() && holds(type.get(), r)) {
        return i;
      }
    }
    return -1;
  }

  /** Step 10 of SPEC.md section 11 [CTX-4]. */
  private static void checkStoredContext(EnvelopeHeader header, Map<String, String> requiredStoredContext)
      throws SealpostException {
    Map<String, String> stored = header.storedContext().asMap();
    for (Map.Entry<String, String> e : requiredStoredContext.entrySet()) {
      if (!e.getValue().equals(stored.get(e.getKey()))) {
        throw new SealpostException(
            ErrorCategory.CONTEXT_MISMATCH, "stored context does not hold the required entry '" + LogSafe.escape(e.getKey()) + "'");
      }
    }
  }

  /**
   * Steps 11 and 12 of SPEC.md section 11: the keys whose commitment matches the header's and,
   * for a deterministic suite whose DEK came from the first entry, whose DEK is the one [SIV-1]
   * gives for this header and external context [SIV-4].
   */
  private DekKeys checkedKeys(EnvelopeHeader header, byte[] envelope, int offset, EncryptionContext externalContext)
      throws SealpostException {
    LastEntry found = keysFor(header);
    DekKeys keys = found.keys;
    if (!keys.commitmentMatches(header.commitment())) {
      throw new SealpostException(ErrorCategory.COMMITMENT_MISMATCH, "the DEK does not match the envelope's commitment");
    }
    if (!header.suite().randomized()) {
      checkDeterministicDek(found, header, envelope, offset, header.headerLength(), externalContext);
    }
    return keys;
  }

  /** {@link #decryptingStream(InputStream, EncryptionContext, TrustedWriters)} with the builder's trust. */
  public DecryptingInputStream decryptingStream(InputStream source, EncryptionContext externalContext) {
    return decryptingStream(source, externalContext, trustedWriters);
  }

  /**
   * Returns a stream of the plaintext of the envelope that {@code source} holds, released
   * segment by segment, each only once authenticated (SPEC.md section 17) [SEG-3]. Every
   * failure, truncation, reordering and appended bytes included, is a
   * {@link SealpostStreamException} from {@code read}, never an early end of the stream
   * [SEG-4]; {@code -1} means the last segment was authenticated with nothing after it
   * [SEG-6]. Memory is constant for segmented suites; an envelope of another suite is read
   * whole within the plaintext limit and released once authenticated (and, for a compressed
   * suite, unpacked: SPEC.md 18). Closing the returned
   * stream closes {@code source}. With a non-empty {@code trust}, the writer is checked from the
   * header before the first byte is released (step 10a; segmented suites sign per DEK only).
   */
  public DecryptingInputStream decryptingStream(InputStream source, EncryptionContext externalContext, TrustedWriters trust) {
    return decryptingStream(source, externalContext, Map.of(), trust);
  }

  /** As above, also requiring stored-context entries, checked before any key is unwrapped [CTX-4]. */
  public DecryptingInputStream decryptingStream(
      InputStream source, EncryptionContext externalContext, Map<String, String> requiredStoredContext, TrustedWriters trust) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(externalContext, "externalContext");
    Map<String, String> required = Map.copyOf(requiredStoredContext);
    Objects.requireNonNull(trust, "trust");
    EncryptionContext ext = externalContext;
    return new DecryptingInputStream(source, ext.encode(), new StreamOpener() {
      @Override
      public Opened openSegmented(byte[] envelope, int offset, EnvelopeHeader header) throws SealpostException {
        checkStoredContext(header, required); // step 10
        // Mode 01 needs P and the header signature only, both in the header bytes [SIG-3].
        SignerRef signer = checkWriter(header, envelope, offset, header.headerLength(), ext, trust);
        DekKeys keys = checkedKeys(header, envelope, offset, ext);
        try {
          return new Opened(keys.segmentCipher(header.nonce(), false), signer);
        } catch (GeneralSecurityException e) {
          throw new SealpostException(ErrorCategory.UNWRAP_FAILED, "cannot derive the segment key from the DEK", e);
        }
      }

      @Override
      public Decrypted decryptWhole(byte[] envelope, int offset, int length) throws SealpostException {
        return open(envelope, offset, length, ext, required, trust);
      }

      @Override
      public int maxPlaintextLength() {
        return maxPlaintextLength;
      }
    });
  }

  /**
   * Step 10a of SPEC.md 11 (section 16): with a non-empty {@code trust}, an unsigned suite or a
   * signer (id, version) not in it is {@code untrusted-writer} [SIG-5]; a signature that does not
   * verify under the trusted key is {@code signature-invalid} [SIG-6]. Returns the verified
   * signer, or null when no trusted writer is required [SIG-8].
   *
   * <p>Mode 01 reads only {@code P} and the header signature, so a streamed reader may pass the
   * header bytes alone; mode 02 needs the whole envelope ({@code length} bytes from
   * {@code offset}). A verified mode 01 signature is remembered by its exact bytes [SIG-7],
   * [SIG-9]; a mode 02 signature is verified every time.
   */
  SignerRef checkWriter(
      EnvelopeHeader header, byte[] envelope, int offset, int length, EncryptionContext externalContext,
      TrustedWriters trust)
      throws SealpostException {
    if (!trust.requiresTrustedWriter()) {
      return null;
    }
    Optional<SignerRef> claimed = header.signer();
    if (claimed.isEmpty()) {
      throw new SealpostException(
          ErrorCategory.UNTRUSTED_WRITER, "a trusted writer is required, and suite " + header.suite() + " is unsigned");
    }
    SignerRef s = claimed.get();
    TrustedWriter writer = trust.find(s.signerId(), s.version());
    if (writer == null) {
      throw new SealpostException(ErrorCategory.UNTRUSTED_WRITER, "signer " + s + " is not trusted here");
    }
    boolean valid;
    if (s.mode() == SignMode.PER_DEK) {
      byte[] sig = header.headerSignatureView();
      int pLength = header.signedPrefixLength();
      valid = verifiedHeaders.contains(writer.key(), envelope, offset, pLength, sig);
      if (!valid) {
        valid = WriterSignatures.verifyHeader(writer.key(), envelope, offset, pLength, sig);
        if (valid) {
          verifiedHeaders.put(writer.key(), envelope, offset, pLength, sig);
        }
      }
    } else {
      int signedLength = length - SIGNATURE_LENGTH;
      byte[] sig = Arrays.copyOfRange(envelope, offset + signedLength, offset + length);
      valid = WriterSignatures.verifyMessage(
          writer.key(), envelope, offset, signedLength, externalContext.encodedView(), sig);
    }
    if (!valid) {
      throw new SealpostException(
          ErrorCategory.SIGNATURE_INVALID, "the " + (s.mode() == SignMode.PER_DEK ? "header" : "message")
              + " signature of " + s + " does not verify under the trusted key");
    }
    return s;
  }

  private static final int SIGNATURE_LENGTH = 64;

  /**
   * Step 12, [SIV-4]: when the DEK came from the first entry (the reader holds KEK_1), it must be
   * the DEK [SIV-1] gives for this header and external context; otherwise a recipient took a
   * header and wrote under its DEK for another context. Derived by the writer's own function.
   * A reader that got the DEK from a later entry cannot recompute it and skips the check.
   */
  private LastEntry checkDeterministicDek(
      LastEntry found, EnvelopeHeader header, byte[] envelope, int offset, int headerLength,
      EncryptionContext externalContext)
      throws SealpostException {
    RecipientEntry first = header.recipients().get(0);
    if (!found.entry.equals(first)) {
      return found; // entries are unique by key reference [RCP-7]: an equal entry is the first one
    }
    byte[] context = externalContext.encodedView();
    if (found.sivVerified(envelope, offset, headerLength, context)) {
      return found;
    }
    LastEntry l = last; // a prefix remembered whole keeps no check of its own: the last one is here
    if (l != null && l.keys == found.keys && l.sivVerified(envelope, offset, headerLength, context)) {
      return l;
    }
    byte[] kek = firstKek(first);
    byte[] recomputed = null;
    boolean matches;
    try {
      byte[] info = Bytes.concat(
          DekKeys.deterministicInfoPrefix(header.suite(), header.recipients(), header.storedContext()), context);
      recomputed = DekKeys.deterministicDek(kek, info);
      matches = found.keys.deterministicDekMatches(recomputed);
    } catch (GeneralSecurityException e) {
      throw new SealpostException(ErrorCategory.AUTHENTICATION_FAILED, "cannot recompute the deterministic DEK", e);
    } finally {
      Arrays.fill(kek, (byte) 0);
      if (recomputed != null) {
        Arrays.fill(recomputed, (byte) 0);
      }
    }
    if (!matches) {
      throw new SealpostException(ErrorCategory.AUTHENTICATION_FAILED,
          "the DEK is not the one the header and external context give for the deterministic suite [SIV-4]");
    }
    if (cache.size() == 0) {
      return found;
    }
    LastEntry checked = new LastEntry(found.suiteId, found.entry, found.keys,
        Arrays.copyOfRange(envelope, offset, offset + headerLength), context.clone());
    last = checked;
    return checked;
  }

  /** KEK_1, which gave the DEK moments ago (step 11). */
  private byte[] firstKek(RecipientEntry first) throws SealpostException {
    for (KekSource s : kekSources) {
      Optional<byte[]> kek = s.kek(first.keyId(), first.keyVersion());
      if (kek.isPresent()) {
        return kek.get();
      }
    }
    throw new SealpostException(ErrorCategory.NO_MATCHING_KEY, "no key for " + LogSafe.escape(first.keyId()));
  }

  /** Header inspection without decryption; a signer field is shown as claimed, unverified. */
  public static EnvelopeHeader inspect(byte[] envelope) throws SealpostException {
    return EnvelopeHeader.parse(envelope);
  }

  /** Remembered verified header prefixes; for tests. */
  int verifiedPrefixCount() {
    return verifiedPrefixes.size();
  }

  /** Remembered mode 01 verifications; for tests. */
  int verifiedHeaderCacheSize() {
    return verifiedHeaders.size();
  }

  /** At most this many unwrap attempts per envelope [RCP-8]. */
  static final int MAX_UNWRAP_ATTEMPTS = 2;

  /**
   * Step 11 [RCP-4], [RCP-5], [RCP-8]: held entries in header order; the first attempt that
   * gives a verdict ends the step, and only an unavailable key service moves on, for at most
   * {@value #MAX_UNWRAP_ATTEMPTS} attempts. The DEK found is final [COM-4]: the caller checks the
   * commitment and never comes back for another entry.
   */
  private LastEntry keysFor(EnvelopeHeader header) throws SealpostException {
    Suite suite = header.suite();
    boolean held = false;
    int attempts = 0;
    SealpostException serviceFailure = null;
    for (RecipientEntry r : header.recipients()) {
      Optional<RecipientType> type = r.type();
      if (type.isEmpty() || !holds(type.get(), r)) {
        continue;
      }
      held = true;
      if (attempts == MAX_UNWRAP_ATTEMPTS) {
        break; // both attempts found the key service unavailable; later entries are not considered
      }
      LastEntry previous = last;
      if (previous != null && previous.suiteId == suite.id() && previous.entry.equals(r)) {
        return previous;
      }
      byte[] wrapped = r.wrappedDek();
      DekKeys cached = cache.get(suite.id(), r.typeId(), r.keyId(), r.keyVersion(), wrapped);
      if (cached != null) {
        LastEntry found = new LastEntry(suite.id(), r, cached);
        last = found;
        return found;
      }
      if (failures.failedRecently(suite.id(), r.typeId(), r.keyId(), r.keyVersion(), wrapped)) {
        throw new SealpostException(ErrorCategory.UNWRAP_FAILED, "the held key failed to unwrap this entry moments ago");
      }
      attempts++;
      byte[] dek = null;
      try {
        dek = unwrap(type.get(), r, wrapped);
        if (dek.length != DekKeys.DEK_LENGTH) {
          throw new SealpostException(ErrorCategory.UNWRAP_FAILED, "unwrapped DEK is " + dek.length + " bytes, not 32");
        }
        DekKeys keys = DekKeys.derive(suite, dek, true);
        cache.put(suite.id(), r.typeId(), r.keyId(), r.keyVersion(), wrapped, keys);
        LastEntry found = new LastEntry(suite.id(), r, keys);
        if (cache.size() > 0) {
          last = found;
        }
        return found;
      } catch (SealpostException e) {
        if (e.category() == ErrorCategory.KEY_SERVICE_FAILURE) {
          serviceFailure = e; // not a verdict on the entry: the next held entry may be served
          continue;
        }
        failures.recordFailure(suite.id(), r.typeId(), r.keyId(), r.keyVersion(), wrapped);
        throw e.category() == ErrorCategory.UNWRAP_FAILED
            ? e
            : new SealpostException(ErrorCategory.UNWRAP_FAILED, "the held key failed to unwrap the DEK", e);
      } catch (GeneralSecurityException e) {
        failures.recordFailure(suite.id(), r.typeId(), r.keyId(), r.keyVersion(), wrapped);
        throw new SealpostException(ErrorCategory.UNWRAP_FAILED, "cannot derive keys from the DEK", e);
      } finally {
        if (dek != null) {
          Arrays.fill(dek, (byte) 0);
        }
      }
    }
    if (!held) {
      throw new SealpostException(ErrorCategory.NO_MATCHING_KEY, "no key is held for any of the envelope's "
          + header.recipients().size() + " recipient(s): " + describe(header.recipients()));
    }
    throw serviceFailure;
  }

  private boolean holds(RecipientType type, RecipientEntry r) throws SealpostException {
    switch (type) {
      case SYMMETRIC:
        for (KekSource s : kekSources) {
          if (s.holds(r.keyId(), r.keyVersion())) {
            return true;
          }
        }
        return false;
      case X25519_HPKE:
        return x25519Keys.containsKey(slot(r.keyId(), r.keyVersion()));
      case KMS:
        if (!kmsAllowed(r.keyId())) {
          return false; // [KMS-3]: the reader, not the envelope, chooses which KMS keys it calls
        }
        for (KmsClient c : kmsClients) {
          if (c.supports(r.keyId())) {
            return true;
          }
        }
        return false;
      default:
        return false;
    }
  }

  private byte[] unwrap(RecipientType type, RecipientEntry r, byte[] wrapped) throws SealpostException {
    switch (type) {
      case SYMMETRIC:
        for (KekSource s : kekSources) {
          Optional<byte[]> kek = s.kek(r.keyId(), r.keyVersion());
          if (kek.isPresent()) {
            try {
              return AesKeyWrap.unwrap(kek.get(), wrapped);
            } catch (GeneralSecurityException e) {
              throw new SealpostException(ErrorCategory.UNWRAP_FAILED, "AES-KW integrity check failed for " + LogSafe.escape(r.keyId()), e);
            } finally {
              Arrays.fill(kek.get(), (byte) 0);
            }
          }
        }
        break;
      case X25519_HPKE:
        try {
          return HpkeDekSeal.open(x25519Keys.get(slot(r.keyId(), r.keyVersion())).toBytes(), wrapped);
        } catch (GeneralSecurityException e) {
          throw new SealpostException(ErrorCategory.UNWRAP_FAILED, "HPKE open failed for " + LogSafe.escape(r.keyId()), e);
        }
      case KMS:
        for (KmsClient c : kmsClients) {
          if (c.supports(r.keyId())) {
            return c.unwrapDek(r.keyId(), wrapped);
          }
        }
        break;
      default:
        break;
    }
    throw new SealpostException(ErrorCategory.NO_MATCHING_KEY, "no key for " + LogSafe.escape(r.keyId()));
  }

  private boolean kmsAllowed(String uri) {
    if (kmsDiscovery || kmsKeyUris.contains(uri)) {
      return true;
    }
    for (String prefix : kmsKeyUriPrefixes) {
      if (uri.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  private static String slot(String keyId, int version) {
    return keyId + '\u0000' + version;
  }

  private static String describe(List<RecipientEntry> recipients) {
    List<String> out = new ArrayList<>();
    for (RecipientEntry r : recipients) {
      out.add(r.type().map(Enum::name).orElse("type " + r.typeId()) + " '" + LogSafe.escape(r.keyId()) + "' v" + r.keyVersionUnsigned());
    }
    return String.join(", ", out);
  }

  /** Validating builder. A decryptor needs at least one key source. */
  public static final class Builder {
    private final List<KekSource> kekSources = new ArrayList<>();
    private final Map<String, X25519PrivateKey> x25519Keys = new HashMap<>();
    private final List<KmsClient> kmsClients = new ArrayList<>();
    private final Set<String> kmsKeyUris = new LinkedHashSet<>();
    private final List<String> kmsKeyUriPrefixes = new ArrayList<>();
    private boolean kmsDiscovery;
    private int maxPlaintextLength = Limits.MAX_PLAINTEXT_LENGTH;
    private int cacheCapacity = 1024;
    private TrustedWriters trustedWriters = TrustedWriters.none();
    private java.util.function.LongSupplier nanoClock = System::nanoTime;

    private Builder() {}

    /** Symmetric KEKs, e.g. a {@link dev.sealpost.codec.keys.Keyring}. */
    public Builder kekSource(KekSource source) {
      kekSources.add(Objects.requireNonNull(source, "source"));
      return this;
    }

    /** An X25519 private key, named by the key id and version writers use for its public key. */
    public Builder x25519Key(String keyId, int version, X25519PrivateKey key) {
      x25519Keys.put(slot(Objects.requireNonNull(keyId, "keyId"), version), Objects.requireNonNull(key, "key"));
      return this;
    }

    /**
     * A KMS client. It is asked to unwrap only entries whose key URI the application allowed
     * with {@link #kmsKeyUri}, {@link #kmsKeyUriPrefix} or, explicitly, {@link #kmsDiscovery()}
     * [KMS-3]; {@link #build()} refuses a KMS client with nothing allowed.
     */
    public Builder kmsClient(KmsClient client) {
      kmsClients.add(Objects.requireNonNull(client, "client"));
      return this;
    }

    /** Allows KMS entries whose key URI equals {@code uri} exactly [KMS-3]. */
    public Builder kmsKeyUri(String uri) {
      if (Objects.requireNonNull(uri, "uri").isEmpty()) {
        throw new IllegalArgumentException("a KMS key URI must not be empty");
      }
      kmsKeyUris.add(uri);
      return this;
    }

    /**
     * Allows KMS entries whose key URI starts with {@code prefix} [KMS-3], e.g. one account's
     * and region's {@code aws-kms://arn:aws:kms:eu-west-1:111122223333:key/}. An empty prefix
     * would allow everything: that is {@link #kmsDiscovery()}, so it is refused here.
     */
    public Builder kmsKeyUriPrefix(String prefix) {
      if (Objects.requireNonNull(prefix, "prefix").isEmpty()) {
        throw new IllegalArgumentException("an empty KMS key URI prefix allows every key: use kmsDiscovery() to mean that");
      }
      kmsKeyUriPrefixes.add(prefix);
      return this;
    }

    /**
     * Discovery: asks the KMS clients to unwrap under any key URI they support, which lets the
     * writer of an envelope choose which KMS keys this reader calls with its credentials.
     * Explicit opt-in only [KMS-3]; {@link #build()} logs a warning.
     */
    public Builder kmsDiscovery() {
      this.kmsDiscovery = true;
      return this;
    }

    /**
     * The writers trusted by default, for every call that does not pass its own set [SIG-4].
     * Default {@link TrustedWriters#none()}: no trusted writer required.
     */
    public Builder trustedWriters(TrustedWriters trust) {
      this.trustedWriters = Objects.requireNonNull(trust, "trust");
      return this;
    }

    /** Reject bodies whose plaintext would exceed this, before any cryptography [LIM-3]. */
    public Builder maxPlaintextLength(int max) {
      this.maxPlaintextLength = Limits.checkPlaintextLimit(max);
      return this;
    }

    /** A monotonic nanosecond clock for the failure cache's lifetime; for tests. */
    Builder nanoClock(java.util.function.LongSupplier clock) {
      this.nanoClock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Unwrapped-DEK cache entries; 0 disables the cache, and with it the short-lived cache of
     * entries that failed to unwrap (1024 entries, 60 s) and the cache of verified mode 01 header
     * signatures (1024 entries, [SIG-7]). Default 1024.
     */
    public Builder dekCacheCapacity(int capacity) {
      if (capacity < 0) {
        throw new IllegalArgumentException("capacity must be >= 0");
      }
      this.cacheCapacity = capacity;
      return this;
    }

    public Decryptor build() {
      if (kekSources.isEmpty() && x25519Keys.isEmpty() && kmsClients.isEmpty()) {
        throw new IllegalStateException("a decryptor needs at least one key source");
      }
      if (!kmsClients.isEmpty() && kmsKeyUris.isEmpty() && kmsKeyUriPrefixes.isEmpty() && !kmsDiscovery) {
        throw new IllegalStateException(
            "a KMS client needs allowed key URIs: call kmsKeyUri(uri) or kmsKeyUriPrefix(prefix),"
                + " or opt in to kmsDiscovery() [KMS-3]");
      }
      if (kmsDiscovery && !kmsClients.isEmpty()) {
        System.getLogger(Decryptor.class.getName()).log(
            System.Logger.Level.WARNING,
            "KMS discovery is on: envelopes choose which KMS keys this reader asks to decrypt, with its"
                + " credentials; allow key URIs with kmsKeyUri/kmsKeyUriPrefix instead [KMS-3]");
      }
      return new Decryptor(this);
    }
  }
}
