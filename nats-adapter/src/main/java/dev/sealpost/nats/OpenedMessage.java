package dev.sealpost.nats;

import io.nats.client.Message;
import io.nats.client.impl.Headers;
import java.util.Optional;

/**
 * A received message after {@link NatsSealer#open}: its data (decrypted) and headers (the clear
 * ones, then the secret ones from inside the envelope), with the received {@link Message} for
 * JetStream acknowledgements and metadata.
 */
public final class OpenedMessage {
  private final String subject;
  private final String replyTo;
  private final Headers headers;
  private final byte[] data;
  private final boolean encrypted;
  private final Message received;

  OpenedMessage(String subject, String replyTo, Headers headers, byte[] data, boolean encrypted, Message received) {
    this.subject = subject;
    this.replyTo = replyTo;
    this.headers = new Headers(headers, true);
    this.data = data;
    this.encrypted = encrypted;
    this.received = received;
  }

  public String subject() {
    return subject;
  }

  /** The reply subject as received; it is not bound into the envelope ([NB-11]). */
  public String replyTo() {
    return replyTo;
  }

  /** Read-only: clear headers, then the restored secret headers. */
  public Headers headers() {
    return headers;
  }

  public byte[] data() {
    return data.clone();
  }

  /** False for plaintext accepted on a plaintext or consume-plaintext subject. */
  public boolean wasEncrypted() {
    return encrypted;
  }

  /** The message as received (envelope data), for {@code ack()}, {@code metaData()} and the like. */
  public Optional<Message> received() {
    return Optional.ofNullable(received);
  }

  /** Acknowledges the received JetStream message; does nothing for core NATS messages. */
  public void ack() {
    if (received != null && received.isJetStream()) {
      received.ack();
    }
  }

  @Override
  public String toString() {
    return "OpenedMessage{subject=" + subject + ", " + data.length + " bytes, headers " + headers.keySet()
        + (encrypted ? ", encrypted" : ", plaintext") + "}";
  }
}
