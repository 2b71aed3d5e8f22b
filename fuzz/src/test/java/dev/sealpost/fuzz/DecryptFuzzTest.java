package dev.sealpost.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sealpost.codec.Decryptor;
import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.SealpostException;

/**
 * Fuzz target: decryption of arbitrary bytes by a decryptor that holds a key of every recipient
 * type. Steps 1 to 9 must fail exactly as {@link SpecModel} says; past them only the
 * categories of steps 10 to 13 may appear, and {@code no-matching-key} exactly when no entry is
 * held [RCP-4]. Only {@link SealpostException} may escape.
 */
class DecryptFuzzTest {
  private static final Decryptor DECRYPTOR = FuzzKeys.INSTANCE.decryptor();
  private static final Decryptor NO_CACHE =
      Decryptor.builder()
          .kekSource(FuzzKeys.INSTANCE.keyring)
          .x25519Key(FuzzKeys.CONSUMER, FuzzKeys.CONSUMER_VERSION, FuzzKeys.INSTANCE.consumer)
          .kmsClient(FuzzKeys.INSTANCE.kms).kmsKeyUri(FuzzKeys.KMS_URI)
          .dekCacheCapacity(0)
          .build();

  @FuzzTest(maxDuration = "2m")
  void decryptArbitraryBytes(byte[] input) {
    ErrorCategory cached = outcome(DECRYPTOR, input);
    ErrorCategory uncached = outcome(NO_CACHE, input);
    if (cached != uncached) {
      // [COM-3]: the cache must not change any verdict.
      throw new AssertionError("with cache: " + cached + ", without: " + uncached);
    }
  }

  private static ErrorCategory outcome(Decryptor d, byte[] input) {
    SpecModel.Read model = SpecModel.readHeader(input, true, SpecModel.MAX_PLAINTEXT);
    try {
      d.decrypt(input);
      if (model.failure != null) {
        throw new AssertionError("decrypted an envelope the model rejects: " + model);
      }
      return null;
    } catch (SealpostException e) {
      Checks.envelopeFailure(e);
      if (model.failure != null) {
        if (model.failure != e.category()) {
          throw new AssertionError("codec says " + e.getMessage() + ", model says " + model, e);
        }
        return e.category();
      }
      boolean anyHeld = false;
      for (SpecModel.Entry r : model.header.recipients) {
        anyHeld |= FuzzKeys.INSTANCE.held(r.type, r.keyId, r.version);
      }
      ErrorCategory c = e.category();
      if (!anyHeld && c != ErrorCategory.NO_MATCHING_KEY) {
        throw new AssertionError("no entry is held, yet " + e.getMessage(), e);
      }
      if (anyHeld
          && c != ErrorCategory.UNWRAP_FAILED
          && c != ErrorCategory.COMMITMENT_MISMATCH
          && c != ErrorCategory.AUTHENTICATION_FAILED) {
        throw new AssertionError("after the header, " + e.getMessage() + " is not a step 11-13 category", e);
      }
      return c;
    }
  }
}
