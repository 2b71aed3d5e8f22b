package dev.sealpost.conformance;

import com.google.protobuf.ByteString;
import dev.sealpost.codec.Decryptor;
import dev.sealpost.codec.EncryptionContext;
import dev.sealpost.codec.Encryptor;
import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.Limits;
import dev.sealpost.codec.Recipient;
import dev.sealpost.codec.RecipientType;
import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.Suite;
import dev.sealpost.codec.dek.DekKeys;
import dev.sealpost.codec.format.EnvelopeHeader;
import dev.sealpost.codec.format.HeaderWriter;
import dev.sealpost.codec.format.RecipientEntry;
import dev.sealpost.codec.internal.EnvelopeSealer;
import dev.sealpost.codec.internal.LogSafe;
import dev.sealpost.codec.keys.KekSource;
import dev.sealpost.codec.keys.X25519PrivateKey;
import dev.sealpost.codec.keys.X25519PublicKey;
import dev.sealpost.codec.kms.TestKms;
import dev.sealpost.codec.recipient.AesKeyWrap;
import dev.sealpost.codec.recipient.HpkeDekSeal;
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
import java.security.GeneralSecurityException;
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
 * <p>Byte-exact encryption uses the codec's own building blocks (AES-KW, HPKE with a given
 * ephemeral key, the test KMS with a given nonce, {@link HeaderWriter}, {@link EnvelopeSealer}),
 * as the vector generator does; encryption with own randomness uses the public
 * {@link Encryptor}.
 */
public final class ReferenceCodec {
  private static final SecureRandom RANDOM = new SecureRandom();

  private ReferenceCodec() {}

  public static ConformanceResponse handle(ConformanceRequest request) {
    try {
      switch (request.getRequestCase()) {
        case DECRYPT:
          return ConformanceResponse.newBuilder()
              .setPlaintext(ByteString.copyFrom(decrypt(request.getDecrypt())))
              .build();
        case ENCRYPT:
          return ConformanceResponse.newBuilder()
              .setEnvelope(ByteString.copyFrom(encrypt(request.getEncrypt())))
              .build();
        case INSPECT:
          return ConformanceResponse.newBuilder()
              .setHeader(inspect(request.getInspect().getEnvelope().toByteArray()))
              .build();
        default:
          return ConformanceResponse.newBuilder().setSkipped("unknown request kind " + request.getRequestCase()).build();
      }
    } catch (SealpostException e) {
      return error(e.category(), e.getMessage());
    } catch (IllegalArgumentException | IllegalStateException e) {
      return ConformanceResponse.newBuilder().setRuntimeError("invalid request: " + e.getMessage()).build();
    }
  }

  static ConformanceResponse error(ErrorCategory category, String message) {
    return ConformanceResponse.newBuilder()
        .setError(Error.newBuilder().setCategory(category.id()).setMessage(message == null ? "" : message))
        .build();
  }

  // ---------------------------------------------------------------------------------------- decrypt

  static byte[] decrypt(DecryptRequest r) throws SealpostException {
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
    byte[] envelope = r.getEnvelope().toByteArray();
    EncryptionContext external = EncryptionContext.of(r.getExternalContextMap());
    return b.build().decrypt(envelope, 0, envelope.length, external, r.getRequiredContextMap());
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
        Encryptor.builder().suite(suite).recipients(recipients).build(); // this recipient's earlier checks
        throw new SealpostException(ErrorCategory.INVALID_KEY_MATERIAL,
            "recipient " + i + ": no X25519 public key " + LogSafe.escape(spec.getKeyId()) + " v" + Integer.toUnsignedString(spec.getVersion()));
      }
      recipients.add(recipient(spec, r.getKeys()));
    }
    return Encryptor.builder().suite(suite).storedContext(r.getStoredContextMap()).recipients(recipients).build();
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
    byte[] dek;
    try {
      if (suite.randomized()) {
        dek = r.getDek().toByteArray();
        if (dek.length != DekKeys.DEK_LENGTH) {
          throw new IllegalArgumentException("dek must be 32 bytes, got " + dek.length);
        }
      } else {
        // [SIV-1]: bound to every recipient reference and both contexts.
        List<RecipientEntry> refs = new ArrayList<>();
        for (RecipientSpec spec : r.getRecipientsList()) {
          refs.add(new RecipientEntry(RecipientType.SYMMETRIC, spec.getKeyId(), spec.getVersion(), new byte[0]));
        }
        byte[] info = dev.sealpost.codec.internal.Bytes.concat(
            DekKeys.deterministicInfoPrefix(suite, refs, stored), external.encode());
        dek = DekKeys.deterministicDek(symmetricKey(r.getRecipients(0), r.getKeys()), info);
      }
      List<RecipientEntry> entries = new ArrayList<>();
      for (RecipientSpec spec : r.getRecipientsList()) {
        entries.add(wrapFixed(spec, r.getKeys(), dek, suite));
      }
      byte[] nonce = r.getNonce().toByteArray();
      if (nonce.length != suite.nonceLength()) {
        throw new IllegalArgumentException(suite + " needs a " + suite.nonceLength() + "-byte nonce, got " + nonce.length);
      }
      DekKeys keys = DekKeys.derive(suite, dek);
      byte[] prefix = HeaderWriter.prefix(suite, entries, keys.commitment(), stored);
      return EnvelopeSealer.seal(keys, prefix, nonce, external.encode(), plaintext, 0, plaintext.length);
    } catch (SealpostException e) {
      throw e;
    } catch (GeneralSecurityException e) {
      throw new SealpostException(ErrorCategory.INVALID_KEY_MATERIAL, "encryption failed: " + e.getMessage(), e);
    }
  }

  private static RecipientEntry wrapFixed(RecipientSpec spec, Keys keys, byte[] dek, Suite suite)
      throws GeneralSecurityException {
    switch (spec.getType()) {
      case SYMMETRIC:
        return new RecipientEntry(
            RecipientType.SYMMETRIC, spec.getKeyId(), spec.getVersion(), AesKeyWrap.wrap(symmetricKey(spec, keys), dek));
      case X25519:
        return new RecipientEntry(
            RecipientType.X25519_HPKE,
            spec.getKeyId(),
            spec.getVersion(),
            HpkeDekSeal.seal(x25519Public(spec, keys), dek, spec.getEphemeralPrivateKey().toByteArray()));
      case KMS:
        return new RecipientEntry(
            RecipientType.KMS,
            spec.getKeyId(),
            spec.getVersion(),
            TestKms.wrap(kmsKey(spec.getKeyId(), keys), spec.getKeyId(), dek, spec.getKmsNonce().toByteArray()));
      default:
        throw new IllegalArgumentException("unknown recipient type " + spec.getType());
    }
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

  private static byte[] symmetricKey(RecipientSpec spec, Keys keys) throws SealpostException {
    for (SymmetricKey k : keys.getSymmetricList()) {
      if (k.getKeyId().equals(spec.getKeyId()) && k.getVersion() == spec.getVersion()) {
        return k.getKey().toByteArray();
      }
    }
    throw new SealpostException(
        ErrorCategory.NO_MATCHING_KEY, "no symmetric key " + spec.getKeyId() + " v" + Integer.toUnsignedString(spec.getVersion()));
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

  private static byte[] kmsKey(String uri, Keys keys) throws SealpostException {
    for (KmsKey k : keys.getKmsList()) {
      if (k.getKeyUri().equals(uri)) {
        return k.getKey().toByteArray();
      }
    }
    throw new SealpostException(ErrorCategory.NO_MATCHING_KEY, "no test KMS key " + uri);
  }

  private static TestKms testKms(Keys keys, SecureRandom random) throws SealpostException {
    Map<String, byte[]> m = new HashMap<>();
    for (KmsKey k : keys.getKmsList()) {
      m.put(k.getKeyUri(), k.getKey().toByteArray());
    }
    return TestKms.of(m, random);
  }

  private static Suite suite(EncryptRequest r) {
    switch (r.getSuite()) {
      case AES_256_GCM:
        return Suite.AES_256_GCM;
      case CHACHA20_POLY1305:
        return Suite.CHACHA20_POLY1305;
      case AES_256_SIV:
        return Suite.AES_256_SIV;
      default:
        throw new IllegalArgumentException("unknown suite " + r.getSuite());
    }
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
