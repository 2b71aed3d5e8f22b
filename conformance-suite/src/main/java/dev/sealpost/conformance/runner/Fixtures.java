package dev.sealpost.conformance.runner;

import com.google.protobuf.ByteString;
import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.keys.X25519PrivateKey;
import dev.sealpost.conformance.proto.EncryptRequest;
import dev.sealpost.conformance.proto.Keys;
import dev.sealpost.conformance.proto.KmsKey;
import dev.sealpost.conformance.proto.RecipientSpec;
import dev.sealpost.conformance.proto.RecipientType;
import dev.sealpost.conformance.proto.Suite;
import dev.sealpost.conformance.proto.SymmetricKey;
import dev.sealpost.conformance.proto.X25519Key;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Key material and randomness for generated tests, all from one seed, so that test names,
 * inputs and expected outcomes are identical on every run with the same seed.
 */
final class Fixtures {
  /** A key a generated envelope is written for: its type and its material. */
  static final class KeyRef {
    final RecipientType type;
    final SymmetricKey symmetric;
    final X25519Key x25519;
    final KmsKey kms;

    private KeyRef(RecipientType type, SymmetricKey s, X25519Key x, KmsKey k) {
      this.type = type;
      this.symmetric = s;
      this.x25519 = x;
      this.kms = k;
    }

    String label() {
      switch (type) {
        case SYMMETRIC:
          return "symmetric";
        case X25519:
          return "x25519";
        default:
          return "kms";
      }
    }
  }

  private final SplittableRandom random;
  final KeyRef orders1;
  final KeyRef orders2;
  final KeyRef audit7;
  final KeyRef unicodeKey;
  final KeyRef consumerA;
  final KeyRef consumerB;
  final KeyRef kmsAlpha;
  final KeyRef kmsBeta;

  Fixtures(long seed) {
    this.random = new SplittableRandom(seed);
    orders1 = symmetric("orders", 1);
    orders2 = symmetric("orders", 2);
    audit7 = symmetric("audit", 7);
    unicodeKey = symmetric("schlüssel-κλειδί-🔑", 0xFFFFFFFE);
    consumerA = x25519("consumer-a", 1);
    consumerB = x25519("consumer-b", 3);
    kmsAlpha = kms("test-kms://alpha");
    kmsBeta = kms("test-kms://beta");
  }

  List<KeyRef> symmetricKeys() {
    return List.of(orders1, orders2, audit7, unicodeKey);
  }

  List<KeyRef> allKeys() {
    return List.of(orders1, orders2, audit7, unicodeKey, consumerA, consumerB, kmsAlpha, kmsBeta);
  }

  byte[] bytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  int nextInt(int bound) {
    return random.nextInt(bound);
  }

  <T> T pick(List<T> list) {
    return list.get(random.nextInt(list.size()));
  }

  private KeyRef symmetric(String id, int version) {
    return new KeyRef(RecipientType.SYMMETRIC,
        SymmetricKey.newBuilder().setKeyId(id).setVersion(version).setKey(ByteString.copyFrom(bytes(32))).build(),
        null, null);
  }

  private KeyRef x25519(String id, int version) {
    byte[] priv = bytes(32);
    try {
      byte[] pub = X25519PrivateKey.fromBytes(priv).publicKey().toBytes();
      return new KeyRef(RecipientType.X25519, null,
          X25519Key.newBuilder().setKeyId(id).setVersion(version)
              .setPrivateKey(ByteString.copyFrom(priv)).setPublicKey(ByteString.copyFrom(pub)).build(),
          null);
    } catch (SealpostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A test-KMS key with the given bytes, outside the seeded fixtures. */
  static KeyRef kmsKey(String uri, byte[] key) {
    return new KeyRef(RecipientType.KMS, null, null,
        KmsKey.newBuilder().setKeyUri(uri).setKey(ByteString.copyFrom(key)).build());
  }

  private KeyRef kms(String uri) {
    return new KeyRef(RecipientType.KMS, null, null,
        KmsKey.newBuilder().setKeyUri(uri).setKey(ByteString.copyFrom(bytes(32))).build());
  }

  /** What a writer is given: symmetric KEKs, X25519 public keys only, test-KMS keys. */
  static Keys writerKeys(List<KeyRef> refs) {
    Keys.Builder k = Keys.newBuilder();
    for (KeyRef r : refs) {
      switch (r.type) {
        case SYMMETRIC:
          k.addSymmetric(r.symmetric);
          break;
        case X25519:
          k.addX25519(r.x25519.toBuilder().clearPrivateKey());
          break;
        default:
          k.addKms(r.kms);
      }
    }
    return k.build();
  }

  /** What a reader holds: the same keys with X25519 private keys. */
  static Keys readerKeys(List<KeyRef> refs) {
    Keys.Builder k = Keys.newBuilder();
    for (KeyRef r : refs) {
      switch (r.type) {
        case SYMMETRIC:
          k.addSymmetric(r.symmetric);
          break;
        case X25519:
          k.addX25519(r.x25519);
          break;
        default:
          k.addKms(r.kms);
      }
    }
    return k.build();
  }

  static RecipientSpec.Builder spec(KeyRef r) {
    switch (r.type) {
      case SYMMETRIC:
        return RecipientSpec.newBuilder().setType(r.type).setKeyId(r.symmetric.getKeyId()).setVersion(r.symmetric.getVersion());
      case X25519:
        return RecipientSpec.newBuilder().setType(r.type).setKeyId(r.x25519.getKeyId()).setVersion(r.x25519.getVersion());
      default:
        return RecipientSpec.newBuilder().setType(r.type).setKeyId(r.kms.getKeyUri()).setVersion(0);
    }
  }

  /** An encryption request with the implementation's own randomness. */
  static EncryptRequest randomEncrypt(
      Suite suite, List<KeyRef> refs, Map<String, String> stored, Map<String, String> external, byte[] plaintext) {
    EncryptRequest.Builder b = EncryptRequest.newBuilder()
        .setSuite(suite)
        .setKeys(writerKeys(refs))
        .putAllStoredContext(stored)
        .putAllExternalContext(external)
        .setPlaintext(ByteString.copyFrom(plaintext));
    for (KeyRef r : refs) {
      b.addRecipients(spec(r));
    }
    return b.build();
  }

  /** The same request with every random input fixed from this fixture's stream. */
  EncryptRequest fixed(EncryptRequest random) {
    EncryptRequest.Builder b = random.toBuilder().setFixedRandomness(true);
    if (random.getSuite() != Suite.AES_256_SIV) {
      b.setDek(ByteString.copyFrom(bytes(32))).setNonce(ByteString.copyFrom(bytes(12)));
    }
    for (int i = 0; i < b.getRecipientsCount(); i++) {
      RecipientSpec.Builder s = b.getRecipientsBuilder(i);
      if (s.getType() == RecipientType.X25519) {
        s.setEphemeralPrivateKey(ByteString.copyFrom(bytes(32)));
      } else if (s.getType() == RecipientType.KMS) {
        s.setKmsNonce(ByteString.copyFrom(bytes(12)));
      }
    }
    return b.build();
  }
}
