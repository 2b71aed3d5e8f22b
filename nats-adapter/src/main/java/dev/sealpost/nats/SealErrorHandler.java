package dev.sealpost.nats;

/**
 * Receives the messages that failed to open ({@link NatsSealException#received()} has the
 * message): they are never given to the {@link OpenedHandler}. A JetStream consumer typically
 * calls {@code term()} on them (redelivery cannot make them open) and records the failure.
 */
@FunctionalInterface
public interface SealErrorHandler {
  void onError(NatsSealException failure);
}
