package dev.sealpost.codec.kms;

import dev.sealpost.codec.SealpostException;

/**
 * A key-management service that wraps and unwraps DEKs under keys it holds, named by URI
 * (SPEC.md 6.3). Implementations must be thread-safe. Errors: a refused or corrupt ciphertext
 * is {@code unwrap-failed}; an unreachable or failing service is {@code key-service-failure}.
 */
public interface KmsClient {
  /** Whether this client serves the key URI. */
  boolean supports(String keyUri);

  /** Encrypts a 32-byte DEK with empty associated data; returns the opaque ciphertext. */
  byte[] wrapDek(String keyUri, byte[] dek) throws SealpostException;

  /** Decrypts what {@link #wrapDek} returned. */
  byte[] unwrapDek(String keyUri, byte[] wrappedDek) throws SealpostException;
}
