package dev.sealpost.nats;

/** Receives opened (decrypted) messages from a dispatcher or push consumer. */
@FunctionalInterface
public interface OpenedHandler {
  void onMessage(OpenedMessage message) throws InterruptedException;
}
