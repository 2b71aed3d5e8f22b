package dev.sealpost.kafka;

import java.security.SecureRandom;

/**
 * The conformance suite's Java testee reaches the Kafka adapter's package-private randomness
 * hook through this class, as the adapter's own BindingVectorTest does: binding vectors are
 * byte-exact only with the vector's DEK and nonce. Not for production use.
 */
public final class ConformanceAccess {
  private ConformanceAccess() {}

  /** {@code builder} with scripted randomness for every encryptor its serializers build. */
  public static SealpostSettings.Builder withRandom(SealpostSettings.Builder builder, SecureRandom random) {
    return builder.random(random);
  }
}
