package dev.sealpost.codec.kms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import dev.sealpost.codec.Decryptor;
import dev.sealpost.codec.EncryptionContext;
import dev.sealpost.codec.Encryptor;
import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.IndependentCrypto;
import dev.sealpost.codec.Recipient;
import dev.sealpost.codec.RecipientType;
import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.Suite;
import dev.sealpost.codec.format.EnvelopeHeader;
import dev.sealpost.codec.format.RecipientEntry;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The adapter from any Tink KMS client, exercised with a local Tink AEAD as "the KMS". */
class TinkKmsClientAdapterTest {
  private static final String URI = "local-kms://keys/orders";

  @BeforeAll
  static void register() throws GeneralSecurityException {
    AeadConfig.register();
  }

  /** A minimal Tink KMS client: one local AES-256-GCM keyset per URI under its prefix. */
  static class LocalTinkKms implements com.google.crypto.tink.KmsClient {
    final Map<String, Aead> aeads = new ConcurrentHashMap<>();
    final AtomicInteger getAeadCalls = new AtomicInteger();
    volatile RuntimeException outage;

    @Override
    public boolean doesSupport(String keyUri) {
      return keyUri != null && keyUri.startsWith("local-kms://");
    }

    @Override
    public com.google.crypto.tink.KmsClient withCredentials(String credentialPath) {
      return this;
    }

    @Override
    public com.google.crypto.tink.KmsClient withDefaultCredentials() {
      return this;
    }

    @Override
    public Aead getAead(String keyUri) throws GeneralSecurityException {
      getAeadCalls.incrementAndGet();
      if (!doesSupport(keyUri)) {
        throw new GeneralSecurityException("unsupported key URI");
      }
      Aead inner = aeads.computeIfAbsent(keyUri, u -> newAead());
      return new Aead() {
        @Override
        public byte[] encrypt(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
          if (outage != null) {
            throw outage;
          }
          return inner.encrypt(plaintext, associatedData);
        }

        @Override
        public byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
          if (outage != null) {
            throw outage;
          }
          return inner.decrypt(ciphertext, associatedData);
        }
      };
    }

    Aead inner(String uri) {
      return aeads.get(uri);
    }

    private static Aead newAead() {
      try {
        return KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM, RegistryConfiguration.get())
            .getPrimitive(RegistryConfiguration.get(), Aead.class);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  // [KMS-1]: round trip through Recipient.kms; the header holds the KMS ciphertext unchanged,
  // version 0, and it decrypts (empty associated data) to the DEK the commitment names.
  @Test
  void kms1_roundTripThroughRecipientKms() throws Exception {
    LocalTinkKms tink = new LocalTinkKms();
    TinkKmsClientAdapter adapter = new TinkKmsClientAdapter(tink);
    assertTrue(adapter.supports(URI));
    assertFalse(adapter.supports("aws-kms://arn:aws:kms:eu-west-1:1:key/x"));

    Encryptor enc = Encryptor.builder().recipient(Recipient.kms(adapter, URI)).build();
    EncryptionContext ctx = EncryptionContext.of("topic", "orders");
    byte[] env = enc.encrypt("hello kms".getBytes(), ctx);
    EnvelopeHeader h = EnvelopeHeader.parse(env);
    RecipientEntry entry = h.recipients().get(0);
    assertEquals(RecipientType.KMS.id(), entry.typeId());
    assertEquals(URI, entry.keyId());
    assertEquals(0, entry.keyVersion());
    byte[] dek = tink.inner(URI).decrypt(entry.wrappedDek(), new byte[0]);
    assertEquals(32, dek.length);
    assertArrayEquals(IndependentCrypto.commitment(dek, Suite.AES_256_GCM.id()), h.commitment());

    Decryptor dec = Decryptor.builder().kmsClient(adapter).kmsKeyUri(URI).build();
    assertArrayEquals("hello kms".getBytes(), dec.decrypt(env, ctx));
    // A separate adapter over the same KMS decrypts too; Tink's getAead is called once per URI.
    TinkKmsClientAdapter second = new TinkKmsClientAdapter(tink);
    Decryptor dec2 = Decryptor.builder().kmsClient(second).kmsKeyUri(URI).dekCacheCapacity(0).build();
    int before = tink.getAeadCalls.get();
    for (int i = 0; i < 5; i++) {
      assertArrayEquals("hello kms".getBytes(), dec2.decrypt(env, ctx));
    }
    assertEquals(before + 1, tink.getAeadCalls.get());
  }

  // [KMS-2]: a ciphertext the KMS refuses is unwrap-failed: a corrupted blob, or a blob from
  // another KMS key under the same URI.
  @Test
  void kms2_refusedCiphertextIsUnwrapFailed() throws Exception {
    LocalTinkKms tink = new LocalTinkKms();
    TinkKmsClientAdapter adapter = new TinkKmsClientAdapter(tink);
    byte[] env = Encryptor.builder().recipient(Recipient.kms(adapter, URI)).build().encrypt("x".getBytes());
    EnvelopeHeader h = EnvelopeHeader.parse(env);
    int wrappedEnd = 7 + 1 + 1 + URI.length() + 4 + 2 + h.recipients().get(0).wrappedDek().length;
    byte[] corrupted = env.clone();
    corrupted[wrappedEnd - 1] ^= 0x01; // last byte of the wrapped DEK (the AEAD tag)
    assertEquals(1, h.recipients().size());
    assertFalse(java.util.Arrays.equals(h.recipients().get(0).wrappedDek(),
        EnvelopeHeader.parse(corrupted).recipients().get(0).wrappedDek()));
    SealpostException e = assertThrows(SealpostException.class,
        () -> Decryptor.builder().kmsClient(adapter).kmsKeyUri(URI).build().decrypt(corrupted));
    assertEquals(ErrorCategory.UNWRAP_FAILED, e.category());

    TinkKmsClientAdapter otherKms = new TinkKmsClientAdapter(new LocalTinkKms()); // fresh key for URI
    e = assertThrows(SealpostException.class, () -> Decryptor.builder().kmsClient(otherKms).kmsKeyUri(URI).build().decrypt(env));
    assertEquals(ErrorCategory.UNWRAP_FAILED, e.category());

    // Direct calls: garbage and an empty blob are refused the same way.
    assertEquals(ErrorCategory.UNWRAP_FAILED,
        assertThrows(SealpostException.class, () -> adapter.unwrapDek(URI, new byte[60])).category());
    assertEquals(ErrorCategory.UNWRAP_FAILED,
        assertThrows(SealpostException.class, () -> adapter.unwrapDek(URI, new byte[0])).category());
  }

  // Transport failures (runtime exceptions from the client) are key-service-failure on both
  // sides, and an unavailable key (getAead failing) is key-service-failure too.
  @Test
  void outagesAreKeyServiceFailures() throws Exception {
    LocalTinkKms tink = new LocalTinkKms();
    TinkKmsClientAdapter adapter = new TinkKmsClientAdapter(tink);
    byte[] env = Encryptor.builder().recipient(Recipient.kms(adapter, URI)).build().encrypt("y".getBytes());

    tink.outage = new IllegalStateException("connection reset");
    SealpostException e = assertThrows(SealpostException.class,
        () -> Decryptor.builder().kmsClient(adapter).kmsKeyUri(URI).dekCacheCapacity(0).build().decrypt(env));
    assertEquals(ErrorCategory.KEY_SERVICE_FAILURE, e.category());
    e = assertThrows(SealpostException.class, () -> Encryptor.builder().recipient(Recipient.kms(adapter, URI)).build());
    assertEquals(ErrorCategory.KEY_SERVICE_FAILURE, e.category());
    tink.outage = null;
    assertArrayEquals("y".getBytes(), Decryptor.builder().kmsClient(adapter).kmsKeyUri(URI).build().decrypt(env));

    com.google.crypto.tink.KmsClient noKeys = new LocalTinkKms() {
      @Override
      public Aead getAead(String keyUri) throws GeneralSecurityException {
        throw new GeneralSecurityException("permission denied");
      }
    };
    TinkKmsClientAdapter denied = new TinkKmsClientAdapter(noKeys);
    e = assertThrows(SealpostException.class, () -> Decryptor.builder().kmsClient(denied).kmsKeyUri(URI).build().decrypt(env));
    assertEquals(ErrorCategory.KEY_SERVICE_FAILURE, e.category());
  }

  @Test
  void perUriCacheIsBounded() throws Exception {
    // Issue 8 finding 3: the cache used to keep one remote AEAD per URI ever seen.
    LocalTinkKms tink = new LocalTinkKms();
    TinkKmsClientAdapter kms = new TinkKmsClientAdapter(tink);
    byte[] dek = new byte[32];
    int n = TinkKmsClientAdapter.MAX_CACHED_KEYS + 1;
    for (int i = 0; i < n; i++) {
      kms.wrapDek("local-kms://keys/k" + i, dek);
    }
    assertEquals(n, tink.getAeadCalls.get());
    kms.wrapDek("local-kms://keys/k" + (n - 1), dek); // recent: still cached
    assertEquals(n, tink.getAeadCalls.get());
    kms.wrapDek("local-kms://keys/k0", dek); // least recently used: dropped, fetched again
    assertEquals(n + 1, tink.getAeadCalls.get());
  }
}
