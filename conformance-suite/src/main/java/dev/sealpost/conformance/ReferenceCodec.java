package dev.sealpost.conformance;

import com.google.protobuf.ByteString;
import dev.sealpost.codec.Decrypted;
import dev.sealpost.codec.Decryptor;
import dev.sealpost.codec.SignMode;
import dev.sealpost.codec.SignerRef;
import dev.sealpost.codec.TrustedWriter;
import dev.sealpost.codec.TrustedWriters;
import dev.sealpost.codec.keys.Ed25519PrivateKey;
import dev.sealpost.codec.keys.Ed25519PublicKey;
import dev.sealpost.codec.stream.DecryptingInputStream;
import dev.sealpost.codec.stream.SealpostStreamException;
import dev.sealpost.conformance.proto.EnvelopeDigest;
import dev.sealpost.conformance.proto.SignerInfo;
import dev.sealpost.conformance.proto.StreamDecryptRequest;
import dev.sealpost.conformance.proto.StreamEncryptRequest;
import dev.sealpost.conformance.proto.StreamResult;
import dev.sealpost.conformance.proto.WriterKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import dev.sealpost.codec.Compression;
import dev.sealpost.codec.EncryptionContext;
import dev.sealpost.codec.compress.Packing;
import dev.sealpost.codec.Encryptor;
import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.Limits;
import dev.sealpost.codec.Recipient;
import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.Suite;
import dev.sealpost.codec.dek.DekKeys;
import dev.sealpost.codec.format.EnvelopeHeader;
import dev.sealpost.codec.format.HeaderWriter;
import dev.sealpost.codec.format.RecipientEntry;
import dev.sealpost.codec.internal.LogSafe;
import dev.sealpost.codec.keys.KekSource;
import dev.sealpost.codec.keys.X25519PrivateKey;
import dev.sealpost.codec.keys.X25519PublicKey;
import dev.sealpost.codec.kms.TestKms;
import dev.sealpost.conformance.proto.ConformanceRequest;
import dev.sealpost.conformance.proto.ConformanceResponse;
import dev.sealpost.conformance.proto.ContextEntry;
import dev.sealpost.conformance.proto.DecryptRequest;
import dev.sealpost.conformance.proto.EncryptRequest;
import dev.sealpost.conformance.proto.Error;
import dev.sealpost.conformance.proto.HeaderInfo;
import dev.sealpost.conformance.proto.Keys;
import dev.sealpost.conformance.proto.KmsKey;
import dev.sealpost.conformance.proto.RecipientInfo;
import dev.sealpost.conformance.proto.RecipientSpec;
import dev.sealpost.conformance.proto.SymmetricKey;
import dev.sealpost.conformance.proto.X25519Key;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Answers protocol requests with the Java reference codec. The runner calls it in-process to
 * get the expected outcome of generated cases and to check the testee's envelopes; the Java
 * testee answers with it over the protocol.
 *
 * <p>Byte-exact encryption goes through the public {@link Encryptor} with its randomness
 * scripted from the request (DEK, X25519 ephemeral keys, nonce, test-KMS nonces); the vectors
 * check that this is what the codec writes. Streamed requests use the codec's streaming writer
 * and reader.
 */
public final class ReferenceCodec {
  private static final SecureRandom RANDOM = new SecureRandom();

  private ReferenceCodec() {}

  public static ConformanceResponse handle(ConformanceRequest request) {
    try {
      switch (request.getRequestCase()) {
        case DECRYPT: {
          Decrypted d = decrypt(request.getDecrypt());
          ConformanceResponse.Builder b = ConformanceResponse.newBuilder().setPlaintext(ByteString.copyFrom(d.plaintext()));
          d.verifiedSigner().ifPresent(s -> b.setVerifiedSigner(signerInfo(s)));
          return b.build();
        }
        case ENCRYPT:
          return ConformanceResponse.newBuilder()
              .setEnvelope(ByteString.copyFrom(encrypt(request.getEncrypt())))
              .build();
        case INSPECT:
          return ConformanceResponse.newBuilder()
              .setHeader(inspect(request.getInspect().getEnvelope().toByteArray()))
              .build();
        case STREAM_DECRYPT:
          return streamDecrypt(request.getStreamDecrypt());
        case STREAM_ENCRYPT:
          return streamEncrypt(request.getStreamEncrypt());
        default:
          return ConformanceResponse.newBuilder().setSkipped("unknown request kind " + request.getRequestCase()).build();
      }
    } catch (SealpostException e) {
      return error(e.category(), e.getMessage());
    } catch (IllegalArgumentException | IllegalStateException e) {
      return ConformanceResponse.newBuilder().setRuntimeError("invalid request: " + e.getMessage()).build();
    }
  }

  static SignerInfo signerInfo(SignerRef s) {
    return SignerInfo.newBuilder().setSignerId(s.signerId()).setVersion(s.version()).build();
  }

  static ConformanceResponse error(ErrorCategory category, String message) {
    return ConformanceResponse.newBuilder()
        .setError(Error.newBuilder().setCategory(category.id()).setMessage(message == null ? "" : message))
        .build();
  }

  // ---------------------------------------------------------------------------------------- decrypt

  static Decrypted decrypt(DecryptRequest r) throws SealpostException {
    byte[] envelope = r.getEnvelope().toByteArray();
    EncryptionContext external = EncryptionContext.of(r.getExternalContextMap());
    return decryptor(r).open(envelope, 0, envelope.length, external, r.getRequiredContextMap(), trust(r));
  }

  /** The reader a request describes: exactly its keys, its KMS allow-list and plaintext limit. */
  static Decryptor decryptor(DecryptRequest r) throws SealpostException {
    Keys keys = r.getKeys();
    Decryptor.Builder b = Decryptor.builder().dekCacheCapacity(0);
    b.kekSource(new MapKekSource(keys.getSymmetricList()));
    for (X25519Key k : keys.getX25519List()) {
      if (!k.getPrivateKey().isEmpty()) {
        b.x25519Key(k.getKeyId(), k.getVersion(), X25519PrivateKey.fromBytes(k.getPrivateKey().toByteArray()));
      }
    }
    if (keys.getKmsCount() > 0) {
      b.kmsClient(testKms(keys, RANDOM));
      if (r.getKmsAllowedKeyUrisCount() == 0) {
        // [KMS-3]: by default the request's kms keys are exactly the URIs the reader allows.
        keys.getKmsList().forEach(k -> b.kmsKeyUri(k.getKeyUri()));
      } else {
        for (String allowed : r.getKmsAllowedKeyUrisList()) {
          if (allowed.endsWith("*")) {
            b.kmsKeyUriPrefix(allowed.substring(0, allowed.length() - 1));
          } else {
            b.kmsKeyUri(allowed);
          }
        }
      }
    }
    if (r.hasMaxPlaintextLength()) {
      b.maxPlaintextLength((int) Math.min(Integer.toUnsignedLong(r.getMaxPlaintextLength()), Limits.MAX_PLAINTEXT_LENGTH));
    }
    return b.build();
  }

  /** [SIG-4]: the request's trusted writers; none means no trusted writer is required. */
  static TrustedWriters trust(DecryptRequest r) throws SealpostException {
    if (r.getTrustedWritersCount() == 0) {
      return TrustedWriters.none();
    }
    List<TrustedWriter> list = new ArrayList<>();
    for (dev.sealpost.conformance.proto.TrustedWriter w : r.getTrustedWritersList()) {
      list.add(TrustedWriter.ed25519(w.getSignerId(), w.getVersion(), Ed25519PublicKey.fromBytes(w.getPublicKey().toByteArray())));
    }
    return TrustedWriters.of(list);
  }

  // ---------------------------------------------------------------------------------------- streams

  /**
   * [SEG-3], [SEG-4], [SEG-6]: the envelope through the codec's streaming reader, its source
   * handing out one chunk per read; records what was released before each chunk was asked for.
   */
  static ConformanceResponse streamDecrypt(StreamDecryptRequest r) throws SealpostException {
    DecryptRequest reader = r.getReader();
    Decryptor d = decryptor(reader);
    EncryptionContext external = EncryptionContext.of(reader.getExternalContextMap());
    StreamResult.Builder result = StreamResult.newBuilder();
    long[] released = {0};
    InputStream source = new InputStream() {
      private int chunk;
      private int pos;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (len == 0) {
          return 0;
        }
        while (chunk < r.getChunksCount() && pos == r.getChunks(chunk).size()) {
          chunk++;
          pos = 0;
        }
        if (chunk >= r.getChunksCount()) {
          return -1;
        }
        if (pos == 0 && result.getReleasedBeforeChunkCount() == chunk) {
          result.addReleasedBeforeChunk(released[0]);
        }
        ByteString c = r.getChunks(chunk);
        int n = Math.min(len, c.size() - pos);
        c.copyTo(b, pos, off, n);
        pos += n;
        return n;
      }
    };
    MessageDigest sha = sha256();
    SignerRef[] verified = {null};
    try (DecryptingInputStream in = d.decryptingStream(source, external, trust(reader))) {
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) >= 0) {
        sha.update(buf, 0, n);
        released[0] += n;
      }
      verified[0] = in.verifiedSigner().orElse(null);
    } catch (SealpostStreamException e) {
      result.setError(Error.newBuilder().setCategory(e.category().id()).setMessage(String.valueOf(e.getMessage())));
    } catch (IOException e) {
      return ConformanceResponse.newBuilder().setRuntimeError("stream failed outside the codec: " + e).build();
    }
    result.setReleasedLength(released[0]).setReleasedSha256(ByteString.copyFrom(sha.digest()));
    ConformanceResponse.Builder b = ConformanceResponse.newBuilder().setStream(result);
    if (verified[0] != null) {
      b.setVerifiedSigner(signerInfo(verified[0]));
    }
    return b.build();
  }

  /** What the reference's streaming reader released, and how it ended. */
  public static final class Released {
    public final byte[] plaintext;
    /** The failure's category, or null when the stream ended after the last segment. */
    public final String category;
    public final SignerInfo signer;

    Released(byte[] plaintext, String category, SignerInfo signer) {
      this.plaintext = plaintext;
      this.category = category;
      this.signer = signer;
    }
  }

  /** The envelope through the codec's streaming reader in one piece: every byte it releases. */
  public static Released releasedByStream(DecryptRequest reader, byte[] envelope) throws SealpostException {
    Decryptor d = decryptor(reader);
    EncryptionContext external = EncryptionContext.of(reader.getExternalContextMap());
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try (DecryptingInputStream in = d.decryptingStream(new java.io.ByteArrayInputStream(envelope), external, trust(reader))) {
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
      }
      return new Released(out.toByteArray(), null, in.verifiedSigner().map(ReferenceCodec::signerInfo).orElse(null));
    } catch (SealpostStreamException e) {
      return new Released(out.toByteArray(), e.category().id(), null);
    } catch (IOException e) {
      throw new IllegalStateException("the reference's streaming reader failed outside the codec", e);
    }
  }

  /** [SEG-1]: the pattern plaintext through the codec's streaming writer, in the given writes. */
  static ConformanceResponse streamEncrypt(StreamEncryptRequest r) throws SealpostException {
    EncryptRequest e = r.getEncrypt();
    Suite suite = suite(e);
    if (!suite.segmented()) {
      throw new IllegalArgumentException("stream_encrypt needs a segmented suite, got " + suite);
    }
    Encryptor encryptor = e.getFixedRandomness() ? fixedEncryptor(e, suite) : checkedEncryptor(e, suite);
    EncryptionContext external = EncryptionContext.of(e.getExternalContextMap());
    MessageDigest sha = sha256();
    java.io.ByteArrayOutputStream whole = r.getDigestOnly() ? null : new java.io.ByteArrayOutputStream();
    long[] length = {0};
    OutputStream sink = new OutputStream() {
      @Override
      public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        sha.update(b, off, len);
        length[0] += len;
        if (whole != null) {
          whole.write(b, off, len);
        }
      }
    };
    try (dev.sealpost.codec.stream.EncryptingOutputStream out = encryptor.encryptingStream(sink, external)) {
      byte[] buf = new byte[1 << 16];
      long written = 0;
      for (int k = 0; written < r.getPatternLength(); k++) {
        int size = r.getWriteSizesCount() == 0 ? buf.length : Math.max(1, r.getWriteSizes(k % r.getWriteSizesCount()));
        int n = (int) Math.min(Math.min(size, buf.length), r.getPatternLength() - written);
        for (int i = 0; i < n; i++) {
          buf[i] = (byte) ((written + i) % 251);
        }
        out.write(buf, 0, n);
        written += n;
      }
      out.finish();
    } catch (SealpostStreamException ex) {
      throw ex.sealpostException();
    } catch (IOException ex) {
      return ConformanceResponse.newBuilder().setRuntimeError("stream failed outside the codec: " + ex).build();
    }
    if (whole != null) {
      return ConformanceResponse.newBuilder().setEnvelope(ByteString.copyFrom(whole.toByteArray())).build();
    }
    return ConformanceResponse.newBuilder()
        .setEnvelopeDigest(EnvelopeDigest.newBuilder().setLength(length[0]).setSha256(ByteString.copyFrom(sha.digest())))
        .build();
  }

  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---------------------------------------------------------------------------------------- encrypt

  static byte[] encrypt(EncryptRequest r) throws SealpostException {
    Suite suite = suite(r);
    byte[] plaintext = r.getPlaintext().toByteArray();
    // [ENC-3]: recipients (count, then each in order), stored context, external context, plaintext.
    Encryptor encryptor = checkedEncryptor(r, suite);
    EncryptionContext stored = EncryptionContext.of(r.getStoredContextMap());
    EncryptionContext external = EncryptionContext.of(r.getExternalContextMap());
    if (!r.getFixedRandomness()) {
      return encryptor.encrypt(plaintext, external);
    }
    return encryptFixed(r, suite, stored, external, plaintext);
  }

  /**
   * The request's recipients through the public {@link Encryptor.Builder}, which checks them in
   * the order of [ENC-3]. An X25519 recipient whose public key the request lacks is a key the
   * writer does not hold, the last check of its turn: the recipients before it, then it with a
   * stand-in key, are checked first.
   */
  private static Encryptor checkedEncryptor(EncryptRequest r, Suite suite) throws SealpostException {
    HeaderWriter.checkRecipientCount(r.getRecipientsCount());
    List<Recipient> recipients = new ArrayList<>();
    for (int i = 0; i < r.getRecipientsCount(); i++) {
      RecipientSpec spec = r.getRecipients(i);
      Optional<byte[]> pub = spec.getType() == dev.sealpost.conformance.proto.RecipientType.X25519
          ? x25519PublicIfHeld(spec, r.getKeys()) : Optional.of(new byte[0]);
      if (pub.isEmpty()) {
        recipients.add(Recipient.x25519(spec.getKeyId(), spec.getVersion(), STAND_IN));
        compression(Encryptor.builder().suite(suite), r, suite).recipients(recipients).build(); // this recipient's earlier checks
        throw new SealpostException(ErrorCategory.INVALID_KEY_MATERIAL,
            "recipient " + i + ": no X25519 public key " + LogSafe.escape(spec.getKeyId()) + " v" + Integer.toUnsignedString(spec.getVersion()));
      }
      recipients.add(recipient(spec, r.getKeys()));
    }
    return signer(compression(Encryptor.builder().suite(suite), r, suite), r).storedContext(r.getStoredContextMap())
        .recipients(recipients).build();
  }

  /**
   * Issue 9 (SPEC.md 18): the compressor of a compressed suite, from the request; unspecified, the
   * one the request's packed payload names, else zstd.
   */
  private static Encryptor.Builder compression(Encryptor.Builder b, EncryptRequest r, Suite suite) {
    if (!suite.compressed()) {
      if (r.getCompression() != dev.sealpost.conformance.proto.Compression.COMPRESSION_UNSPECIFIED || !r.getPacked().isEmpty()) {
        throw new IllegalArgumentException("compression or a packed payload for the uncompressed suite " + suite);
      }
      return b;
    }
    switch (r.getCompression()) {
      case LZ4:
        return b.compression(Compression.LZ4);
      case ZSTD:
        return b.compression(Compression.ZSTD);
      default:
        return b.compression(!r.getPacked().isEmpty() && r.getPacked().byteAt(0) == Packing.METHOD_LZ4
            ? Compression.LZ4 : Compression.ZSTD);
    }
  }

  /** [SIG-1]: the request's writer key, given exactly for the signed suites. */
  private static Encryptor.Builder signer(Encryptor.Builder b, EncryptRequest r) throws SealpostException {
    if (!r.hasSigner()) {
      return b;
    }
    WriterKey w = r.getSigner();
    SignMode mode;
    switch (w.getMode()) {
      case PER_DEK:
        mode = SignMode.PER_DEK;
        break;
      case PER_MESSAGE:
        mode = SignMode.PER_MESSAGE;
        break;
      default:
        throw new IllegalArgumentException("signer without a sign mode");
    }
    if (!suite(r).signed()) {
      throw new IllegalArgumentException("a signer for the unsigned suite " + suite(r));
    }
    return b.signer(dev.sealpost.codec.WriterKey.ed25519(w.getSignerId(), w.getVersion(),
        Ed25519PrivateKey.fromSeed(w.getPrivateKey().toByteArray())), mode);
  }

  /**
   * The request's inputs through the public {@link Encryptor.Builder} with its randomness
   * scripted in the order the codec draws it: the DEK, each X25519 ephemeral key in recipient
   * order, the nonce base (message 0's nonce); test-KMS nonces from the test KMS's own random.
   */
  private static Encryptor fixedEncryptor(EncryptRequest r, Suite suite) throws SealpostException {
    Scripted random = new Scripted();
    Scripted kmsRandom = new Scripted();
    if (suite.randomized()) {
      byte[] dek = r.getDek().toByteArray();
      if (dek.length != DekKeys.DEK_LENGTH) {
        throw new IllegalArgumentException("dek must be 32 bytes, got " + dek.length);
      }
      random.then(dek);
    }
    List<Recipient> recipients = new ArrayList<>();
    for (RecipientSpec spec : r.getRecipientsList()) {
      switch (spec.getType()) {
        case X25519:
          random.then(spec.getEphemeralPrivateKey().toByteArray());
          recipients.add(recipient(spec, r.getKeys()));
          break;
        case KMS:
          kmsRandom.then(spec.getKmsNonce().toByteArray());
          recipients.add(Recipient.kms(testKms(r.getKeys(), kmsRandom), spec.getKeyId()));
          break;
        default:
          recipients.add(recipient(spec, r.getKeys()));
      }
    }
    byte[] nonce = r.getNonce().toByteArray();
    if (nonce.length != suite.nonceLength()) {
      throw new IllegalArgumentException(suite + " needs a " + suite.nonceLength() + "-byte nonce, got " + nonce.length);
    }
    if (nonce.length > 0) {
      random.then(nonce);
    }
    Encryptor e = signer(compression(Encryptor.builder().suite(suite), r, suite), r).storedContext(r.getStoredContextMap())
        .recipients(recipients).random(random).build();
    if (!random.exhausted() || !kmsRandom.exhausted()) {
      throw new IllegalStateException("the codec drew fewer random values than the request fixes");
    }
    return e;
  }

  /** A SecureRandom that hands out exactly the given byte strings, in order. */
  private static final class Scripted extends SecureRandom {
    private static final long serialVersionUID = 1L;
    private final java.util.ArrayDeque<byte[]> script = new java.util.ArrayDeque<>();

    Scripted then(byte[] b) {
      script.addLast(b);
      return this;
    }

    @Override
    public synchronized void nextBytes(byte[] out) {
      if (out.length == 0) {
        return;
      }
      byte[] next = script.pollFirst();
      if (next == null || next.length != out.length) {
        throw new IllegalArgumentException("the request fixes no " + out.length + "-byte random value here");
      }
      System.arraycopy(next, 0, out, 0, out.length);
    }

    boolean exhausted() {
      return script.isEmpty();
    }
  }

  /** A valid public key (the X25519 base point) for the order check of a recipient not held. */
  private static final X25519PublicKey STAND_IN = standIn();

  private static X25519PublicKey standIn() {
    byte[] nine = new byte[32];
    nine[0] = 9;
    try {
      return X25519PublicKey.fromBytes(nine);
    } catch (SealpostException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] encryptFixed(
      EncryptRequest r, Suite suite, EncryptionContext stored, EncryptionContext external, byte[] plaintext)
      throws SealpostException {
    if (plaintext.length > Limits.MAX_PLAINTEXT_LENGTH) {
      throw new SealpostException(ErrorCategory.LIMIT_EXCEEDED, "plaintext exceeds 2^30 bytes");
    }
    Encryptor e = fixedEncryptor(r, suite);
    if (suite.compressed() && !r.getPacked().isEmpty()) {
      // SPEC.md 15: the envelope seals exactly the request's packed payload. The public encryptor
      // packs with its own compressor, so it can answer only when that gives the same bytes.
      byte[] packed = r.getPacked().toByteArray();
      if (!java.util.Arrays.equals(Packing.unpack(packed, 0, packed.length, Limits.MAX_PLAINTEXT_LENGTH), plaintext)) {
        throw new IllegalArgumentException("the packed payload does not unpack to the plaintext");
      }
      if (!java.util.Arrays.equals(Packing.pack(e.compression(), plaintext, 0, plaintext.length), packed)) {
        throw new IllegalStateException(
            "the codec packs this plaintext otherwise (" + e.compression() + "); it seals only packed payloads it writes");
      }
    }
    return e.encrypt(plaintext, external);
  }

  private static Recipient recipient(RecipientSpec spec, Keys keys) throws SealpostException {
    switch (spec.getType()) {
      case SYMMETRIC: {
        // A source holding only the requested version, or nothing: then the writer does not hold it.
        List<SymmetricKey> held = new ArrayList<>();
        for (SymmetricKey k : keys.getSymmetricList()) {
          if (k.getKeyId().equals(spec.getKeyId()) && k.getVersion() == spec.getVersion()) {
            held.add(k);
          }
        }
        return Recipient.symmetric(new MapKekSource(held), spec.getKeyId());
      }
      case X25519:
        return Recipient.x25519(spec.getKeyId(), spec.getVersion(), X25519PublicKey.fromBytes(x25519Public(spec, keys)));
      case KMS:
        return Recipient.kms(testKms(keys, RANDOM), spec.getKeyId());
      default:
        throw new IllegalArgumentException("unknown recipient type " + spec.getType());
    }
  }

  private static Optional<byte[]> x25519PublicIfHeld(RecipientSpec spec, Keys keys) throws SealpostException {
    for (X25519Key k : keys.getX25519List()) {
      if (k.getKeyId().equals(spec.getKeyId()) && k.getVersion() == spec.getVersion()) {
        return Optional.of(x25519Public(spec, keys));
      }
    }
    return Optional.empty();
  }

  private static byte[] x25519Public(RecipientSpec spec, Keys keys) throws SealpostException {
    for (X25519Key k : keys.getX25519List()) {
      if (k.getKeyId().equals(spec.getKeyId()) && k.getVersion() == spec.getVersion()) {
        if (!k.getPublicKey().isEmpty()) {
          return k.getPublicKey().toByteArray();
        }
        return X25519PrivateKey.fromBytes(k.getPrivateKey().toByteArray()).publicKey().toBytes();
      }
    }
    throw new SealpostException(
        ErrorCategory.NO_MATCHING_KEY, "no X25519 key " + spec.getKeyId() + " v" + Integer.toUnsignedString(spec.getVersion()));
  }

  private static TestKms testKms(Keys keys, SecureRandom random) throws SealpostException {
    Map<String, byte[]> m = new HashMap<>();
    for (KmsKey k : keys.getKmsList()) {
      m.put(k.getKeyUri(), k.getKey().toByteArray());
    }
    return TestKms.of(m, random);
  }

  /** The proto enum's number is the suite id (SPEC.md section 4). */
  private static Suite suite(EncryptRequest r) {
    return Suite.fromId(r.getSuiteValue()).orElseThrow(() -> new IllegalArgumentException("unknown suite " + r.getSuite()));
  }

  // ---------------------------------------------------------------------------------------- inspect

  /** The header of a well-formed envelope, or null when the reference cannot parse it. */
  public static HeaderInfo inspectOrNull(byte[] envelope) {
    try {
      return inspect(envelope);
    } catch (SealpostException e) {
      return null;
    }
  }

  public static HeaderInfo inspect(byte[] envelope) throws SealpostException {
    EnvelopeHeader h = Decryptor.inspect(envelope);
    HeaderInfo.Builder b = HeaderInfo.newBuilder()
        .setVersion(h.version())
        .setSuiteId(h.suite().id())
        .setCommitment(ByteString.copyFrom(h.commitment()))
        .setNonce(ByteString.copyFrom(h.nonce()))
        .setHeaderLength(h.headerLength())
        .setBodyLength(h.bodyLength());
    for (RecipientEntry r : h.recipients()) {
      b.addRecipients(RecipientInfo.newBuilder()
          .setType(r.typeId())
          .setKeyId(r.keyId())
          .setVersion(r.keyVersion())
          .setWrappedLength(r.wrappedDek().length));
    }
    for (Map.Entry<String, String> e : h.storedContext().asMap().entrySet()) {
      b.addStoredContext(ContextEntry.newBuilder().setKey(e.getKey()).setValue(e.getValue()));
    }
    h.signer().ifPresent(s -> b.setSignMode(s.mode().wireValue()).setSignerId(s.signerId()).setSignerVersion(s.version()));
    return b.build();
  }

  /** Symmetric KEKs from the request, any u32 version; the current version is the highest given. */
  static final class MapKekSource implements KekSource {
    private final Map<String, byte[]> keys = new HashMap<>();
    private final Map<String, Integer> current = new HashMap<>();

    MapKekSource(List<SymmetricKey> list) {
      for (SymmetricKey k : list) {
        keys.put(slot(k.getKeyId(), k.getVersion()), k.getKey().toByteArray());
        current.merge(k.getKeyId(), k.getVersion(), (a, b) -> Integer.compareUnsigned(a, b) >= 0 ? a : b);
      }
    }

    private static String slot(String keyId, int version) {
      return keyId + '\u0000' + version;
    }

    @Override
    public int currentVersion(String keyId) throws SealpostException {
      Integer v = current.get(keyId);
      if (v == null) {
        throw new SealpostException(ErrorCategory.NO_MATCHING_KEY, "no symmetric key " + keyId);
      }
      return v;
    }

    @Override
    public Optional<byte[]> kek(String keyId, int version) {
      byte[] k = keys.get(slot(keyId, version));
      return k == null ? Optional.empty() : Optional.of(k.clone());
    }
  }
}
