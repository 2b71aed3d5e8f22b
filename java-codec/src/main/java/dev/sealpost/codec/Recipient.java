package dev.sealpost.codec;

import dev.sealpost.codec.internal.LogSafe;
import dev.sealpost.codec.format.RecipientEntry;
import dev.sealpost.codec.keys.KekSource;
import dev.sealpost.codec.keys.X25519PublicKey;
import dev.sealpost.codec.kms.KmsClient;
import dev.sealpost.codec.recipient.AesKeyWrap;
import dev.sealpost.codec.recipient.HpkeDekSeal;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

/**
 * Who an {@link Encryptor}'s envelopes are for (SPEC.md section 6). Immutable. Each DEK is
 * wrapped once per recipient when it is created, not once per message.
 */
public abstract class Recipient {
  private final RecipientType type;
  private final String keyId;

  /** Key ids and whether the key is held are checked by {@link Encryptor.Builder#build()}, in the order of [ENC-3]. */
  private Recipient(RecipientType type, String keyId) throws SealpostException {
    this.type = type;
    this.keyId = Objects.requireNonNull(keyId, "keyId");
  }

  /** A symmetric KEK; the current version is resolved each time a DEK is created [DEK-5]. */
  public static Recipient symmetric(KekSource source, String keyId) throws SealpostException {
    return new Symmetric(Objects.requireNonNull(source, "source"), keyId);
  }

  /** An X25519 public key, named by a label and version the reader also uses. */
  public static Recipient x25519(String keyId, int version, X25519PublicKey publicKey) throws SealpostException {
    return new X25519(keyId, version, Objects.requireNonNull(publicKey, "publicKey"));
  }

  /** A KMS key; the key id is its URI. */
  public static Recipient kms(KmsClient client, String keyUri) throws SealpostException {
    return new Kms(Objects.requireNonNull(client, "client"), keyUri);
  }

  public RecipientType type() {
    return type;
  }

  public String keyId() {
    return keyId;
  }

  abstract RecipientEntry wrap(byte[] dek, SecureRandom random) throws SealpostException;

  /** The key version of the entry this recipient would write, or null when it cannot be resolved. */
  abstract Long referenceVersion();

  /** Whether the writer holds the key: a keyring version with its KEK, a KMS that serves the URI. */
  abstract boolean held();

  @Override
  public String toString() {
    return type + ":" + LogSafe.escape(keyId);
  }

  static final class Symmetric extends Recipient {
    private final KekSource source;

    Symmetric(KekSource source, String keyId) throws SealpostException {
      super(RecipientType.SYMMETRIC, keyId);
      this.source = source;
    }

    @Override
    Long referenceVersion() {
      try {
        return (long) source.currentVersion(keyId());
      } catch (SealpostException | RuntimeException e) {
        return null;
      }
    }

    @Override
    boolean held() {
      try {
        return source.holds(keyId(), source.currentVersion(keyId()));
      } catch (SealpostException e) {
        return false;
      }
    }

    /**
     * The current version and its KEK, resolved together. A key the writer no longer holds is
     * {@code invalid-key-material}, as at build time [ENC-2].
     */
    ResolvedKek resolve() throws SealpostException {
      int version;
      try {
        version = source.currentVersion(keyId());
      } catch (SealpostException e) {
        throw e.category() == ErrorCategory.NO_MATCHING_KEY
            ? new SealpostException(ErrorCategory.INVALID_KEY_MATERIAL, "the writer holds no KEK " + LogSafe.escape(keyId()), e)
            : e;
      }
      return resolve(version);
    }

    /** This version's KEK. */
    ResolvedKek resolve(int version) throws SealpostException {
      byte[] kek =
          source
              .kek(keyId(), version)
              .orElseThrow(
                  () -> new SealpostException(
                      ErrorCategory.INVALID_KEY_MATERIAL, "KEK " + LogSafe.escape(keyId()) + " version " + version + " is not held"));
      return new ResolvedKek(version, kek);
    }

    @Override
    RecipientEntry wrap(byte[] dek, SecureRandom random) throws SealpostException {
      ResolvedKek kek = resolve();
      try {
        return wrap(dek, kek);
      } finally {
        kek.wipe(); // [SEC-2]
      }
    }

    RecipientEntry wrap(byte[] dek, ResolvedKek kek) throws SealpostException {
      try {
        return new RecipientEntry(type(), keyId(), kek.version, AesKeyWrap.wrap(kek.key, dek));
      } catch (GeneralSecurityException e) {
        throw new SealpostException(ErrorCategory.INVALID_KEY_MATERIAL, "cannot wrap under KEK " + LogSafe.escape(keyId()), e);
      }
    }

    byte[] keyIdBytes() {
      return keyId().getBytes(StandardCharsets.UTF_8);
    }
  }

  static final class ResolvedKek {
    final int version;
    final byte[] key;

    ResolvedKek(int version, byte[] key) {
      this.version = version;
      this.key = key;
    }

    void wipe() {
      Arrays.fill(key, (byte) 0);
    }
  }

  static final class X25519 extends Recipient {
    private final int version;
    private final byte[] publicKey;

    X25519(String keyId, int version, X25519PublicKey publicKey) throws SealpostException {
      super(RecipientType.X25519_HPKE, keyId);
      this.version = version;
      this.publicKey = publicKey.toBytes();
    }

    @Override
    Long referenceVersion() {
      return (long) version;
    }

    @Override
    boolean held() {
      return true; // the public key is all a writer needs
    }

    @Override
    RecipientEntry wrap(byte[] dek, SecureRandom random) throws SealpostException {
      byte[] ephemeral = new byte[32];
      random.nextBytes(ephemeral);
      try {
        return new RecipientEntry(type(), keyId(), version, HpkeDekSeal.seal(publicKey, dek, ephemeral));
      } catch (GeneralSecurityException e) {
        throw new SealpostException(ErrorCategory.INVALID_KEY_MATERIAL, "cannot seal to X25519 key " + LogSafe.escape(keyId()), e);
      } finally {
        Arrays.fill(ephemeral, (byte) 0);
      }
    }
  }

  static final class Kms extends Recipient {
    private final KmsClient client;

    Kms(KmsClient client, String keyUri) throws SealpostException {
      super(RecipientType.KMS, keyUri);
      this.client = client;
    }

    @Override
    Long referenceVersion() {
      return 0L;
    }

    @Override
    boolean held() {
      return client.supports(keyId());
    }

    @Override
    RecipientEntry wrap(byte[] dek, SecureRandom random) throws SealpostException {
      return new RecipientEntry(type(), keyId(), 0, client.wrapDek(keyId(), dek));
    }
  }
}
