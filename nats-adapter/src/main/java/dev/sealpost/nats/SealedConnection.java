package dev.sealpost.nats;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamOptions;
import io.nats.client.KeyValueOptions;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;

/**
 * Core NATS publish and subscribe through a {@link NatsSealer}: every message published is sealed
 * (or refused), every message received is opened (or refused). The {@link Connection} stays the
 * application's: this class neither opens nor closes it.
 *
 * <pre>{@code
 * SealedConnection nats = new SealedConnection(Nats.connect(url), new NatsSealer(settings));
 * nats.publish("orders.eu", headers, data);
 * SealedConnection.SealedSubscription sub = nats.subscribe("orders.*");
 * OpenedMessage m = sub.nextMessage(Duration.ofSeconds(1));
 * }</pre>
 */
public final class SealedConnection {
  private final Connection connection;
  private final NatsSealer sealer;

  public SealedConnection(Connection connection, NatsSealer sealer) {
    this.connection = Objects.requireNonNull(connection, "connection");
    this.sealer = Objects.requireNonNull(sealer, "sealer");
  }

  public Connection connection() {
    return connection;
  }

  public NatsSealer sealer() {
    return sealer;
  }

  public void publish(String subject, Headers headers, byte[] data) {
    connection.publish(sealer.seal(subject, headers, data));
  }

  /** Seals and publishes the message; its reply subject is kept and not bound ([NB-11]). */
  public void publish(Message message) {
    connection.publish(sealer.seal(message));
  }

  /**
   * Request-reply: seals the request, waits for one reply and opens it, or returns null on
   * timeout. The reply arrives on an inbox subject ({@code _INBOX.>} by default), which the
   * settings must map like any other subject: to recipients (the responder seals its reply) or as
   * plaintext. The reply subject is not bound into the request ([NB-11]).
   *
   * @throws NatsSealException when the request cannot be sealed or the reply does not open
   */
  public OpenedMessage request(String subject, Headers headers, byte[] data, Duration timeout)
      throws InterruptedException {
    Message reply;
    try {
      reply = connection.request(sealer.seal(subject, headers, data), timeout);
    } catch (java.util.concurrent.CancellationException e) {
      return null; // no responder
    }
    return reply == null ? null : sealer.open(reply);
  }

  /** Seals and publishes a reply to a received request's reply subject. */
  public void reply(OpenedMessage request, Headers headers, byte[] data) {
    if (request.replyTo() == null) {
      throw new IllegalArgumentException("the message has no reply subject");
    }
    connection.publish(sealer.seal(request.replyTo(), headers, data));
  }

  public void flush(Duration timeout) throws InterruptedException, java.util.concurrent.TimeoutException {
    connection.flush(timeout);
  }

  public SealedSubscription subscribe(String subject) {
    return new SealedSubscription(connection.subscribe(subject), sealer);
  }

  public SealedSubscription subscribe(String subject, String queue) {
    return new SealedSubscription(connection.subscribe(subject, queue), sealer);
  }

  /**
   * A dispatcher whose subscriptions ({@code dispatcher.subscribe(subject)}) deliver opened
   * messages to {@code handler} and failures to {@code onError}.
   */
  public Dispatcher createDispatcher(OpenedHandler handler, SealErrorHandler onError) {
    return connection.createDispatcher(handlerFor(sealer, handler, onError, false));
  }

  /** The JetStream context of this connection, sealed. */
  public SealedJetStream jetStream() throws IOException {
    return new SealedJetStream(connection.jetStream(), sealer);
  }

  public SealedJetStream jetStream(JetStreamOptions options) throws IOException {
    return new SealedJetStream(connection.jetStream(options), sealer);
  }

  /** The Key-Value bucket, sealed; the bucket must be configured in the settings. */
  public SealedKeyValue keyValue(String bucket) throws IOException {
    return new SealedKeyValue(connection.keyValue(bucket), sealer);
  }

  public SealedKeyValue keyValue(String bucket, KeyValueOptions options) throws IOException {
    return new SealedKeyValue(connection.keyValue(bucket, options), sealer);
  }

  static io.nats.client.MessageHandler handlerFor(
      NatsSealer sealer, OpenedHandler handler, SealErrorHandler onError, boolean ackAfterHandler) {
    Objects.requireNonNull(handler, "handler");
    Objects.requireNonNull(onError, "onError");
    return m -> {
      OpenedMessage opened;
      try {
        opened = sealer.open(m);
      } catch (NatsSealException e) {
        onError.onError(e);
        return;
      }
      handler.onMessage(opened);
      if (ackAfterHandler) {
        m.ack();
      }
    };
  }

  /** A synchronous subscription that opens what it receives. */
  public static final class SealedSubscription {
    private final Subscription subscription;
    private final NatsSealer sealer;

    SealedSubscription(Subscription subscription, NatsSealer sealer) {
      this.subscription = subscription;
      this.sealer = sealer;
    }

    /**
     * The next message, opened, or null when none arrived in time.
     *
     * @throws NatsSealException when the next message does not open; it is consumed
     */
    public OpenedMessage nextMessage(Duration timeout) throws InterruptedException {
      Message m = subscription.nextMessage(timeout);
      return m == null ? null : sealer.open(m);
    }

    public Subscription subscription() {
      return subscription;
    }

    public void unsubscribe() {
      subscription.unsubscribe();
    }
  }
}
