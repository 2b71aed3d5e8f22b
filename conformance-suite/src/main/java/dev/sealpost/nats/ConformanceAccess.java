package dev.sealpost.nats;

import io.nats.client.api.KeyValueOperation;
import java.security.SecureRandom;
import java.util.function.Function;

/**
 * The conformance suite's Java testee reaches the NATS adapter's package-private hooks through
 * this class, as the adapter's own NatsVectorTest does: a sealer whose encryptors draw a vector's
 * randomness, and the Key-Value read path on a stored entry without a server. Not for production
 * use.
 */
public final class ConformanceAccess {
  private ConformanceAccess() {}

  /** A sealer whose encryptor named {@code name} draws from {@code random.apply(name)}. */
  public static NatsSealer sealer(NatsSealerSettings settings, Function<String, SecureRandom> random) {
    return new NatsSealer(settings, random);
  }

  /** What a sealed Key-Value bucket hands the application for a stored entry [NB-17]..[NB-20]. */
  public static SealedKeyValue.Entry openKv(NatsSealer sealer, String bucket, String storedKey, KeyValueOperation op,
      byte[] storedValue) {
    return SealedKeyValue.open(sealer, bucket, storedKey, op, storedValue, 1, null);
  }
}
