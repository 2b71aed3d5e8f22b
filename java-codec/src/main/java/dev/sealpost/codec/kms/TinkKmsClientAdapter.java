package dev.sealpost.codec.kms;

import dev.sealpost.codec.internal.LogSafe;
import com.google.crypto.tink.Aead;
import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.SealpostException;
import java.security.GeneralSecurityException;
import java.util.Objects;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Plugs any Tink {@link com.google.crypto.tink.KmsClient} (AWS KMS, GCP KMS, HashiCorp Vault,
 * ...) into Sealpost. The DEK is encrypted with the KMS key's AEAD and empty associated data
 * [KMS-1]. Tink's remote AEADs report both refusals and transport failures as
 * {@link GeneralSecurityException}; this adapter reports them as {@code unwrap-failed} on
 * unwrap, and runtime failures (network, credentials) as {@code key-service-failure}.
 */
public final class TinkKmsClientAdapter implements KmsClient {
  private static final byte[] NO_AAD = new byte[0];

  private final com.google.crypto.tink.KmsClient client;
  /**
   * Remote AEADs kept per key URI. Bounded, least recently used first out: in discovery mode the
   * URIs come from whoever writes the envelopes, and an unbounded cache grows with every one.
   */
  static final int MAX_CACHED_KEYS = 64;

  private final Map<String, Aead> aeads = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Aead> eldest) {
      return size() > MAX_CACHED_KEYS;
    }
  });

  public TinkKmsClientAdapter(com.google.crypto.tink.KmsClient client) {
    this.client = Objects.requireNonNull(client, "client");
  }

  @Override
  public boolean supports(String keyUri) {
    return client.doesSupport(keyUri);
  }

  @Override
  public byte[] wrapDek(String keyUri, byte[] dek) throws SealpostException {
    try {
      return aead(keyUri).encrypt(dek, NO_AAD);
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new SealpostException(ErrorCategory.KEY_SERVICE_FAILURE, "KMS could not wrap a DEK under " + LogSafe.escape(keyUri), e);
    }
  }

  @Override
  public byte[] unwrapDek(String keyUri, byte[] wrappedDek) throws SealpostException {
    Aead aead;
    try {
      aead = aead(keyUri);
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new SealpostException(ErrorCategory.KEY_SERVICE_FAILURE, "KMS key " + LogSafe.escape(keyUri) + " is not available", e);
    }
    try {
      return aead.decrypt(wrappedDek, NO_AAD);
    } catch (GeneralSecurityException e) {
      throw new SealpostException(ErrorCategory.UNWRAP_FAILED, "KMS refused the wrapped DEK for " + LogSafe.escape(keyUri), e);
    } catch (RuntimeException e) {
      throw new SealpostException(ErrorCategory.KEY_SERVICE_FAILURE, "KMS failed for " + LogSafe.escape(keyUri), e);
    }
  }

  private Aead aead(String keyUri) throws GeneralSecurityException {
    Aead a = aeads.get(keyUri);
    if (a == null) {
      a = client.getAead(keyUri);
      aeads.put(keyUri, a);
    }
    return a;
  }
}
