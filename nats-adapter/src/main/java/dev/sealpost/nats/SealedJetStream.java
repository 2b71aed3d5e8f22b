package dev.sealpost.nats;

import io.nats.client.Dispatcher;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PublishOptions;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * JetStream through a {@link NatsSealer}: publish with acknowledgement, pull and push consumers.
 * The stream stores envelopes only; JetStream headers the server reads ({@code Nats-Msg-Id},
 * {@code Nats-Expected-*}) stay clear, so they must not match the secret-header pattern.
 */
public final class SealedJetStream {
  private final JetStream jetStream;
  private final NatsSealer sealer;

  SealedJetStream(JetStream jetStream, NatsSealer sealer) {
    this.jetStream = Objects.requireNonNull(jetStream, "jetStream");
    this.sealer = Objects.requireNonNull(sealer, "sealer");
  }

  public JetStream jetStream() {
    return jetStream;
  }

  /** Seals and publishes; returns once the stream has stored the envelope. */
  public PublishAck publish(String subject, Headers headers, byte[] data) throws IOException, JetStreamApiException {
    return jetStream.publish(sealer.seal(subject, headers, data));
  }

  public PublishAck publish(Message message, PublishOptions options) throws IOException, JetStreamApiException {
    return jetStream.publish(sealer.seal(message), options);
  }

  public CompletableFuture<PublishAck> publishAsync(String subject, Headers headers, byte[] data) {
    return jetStream.publishAsync(sealer.seal(subject, headers, data));
  }

  /** A pull consumer whose fetched messages are opened. */
  public SealedPullSubscription subscribePull(String subject, PullSubscribeOptions options)
      throws IOException, JetStreamApiException {
    return new SealedPullSubscription(jetStream.subscribe(subject, options), sealer);
  }

  /**
   * A push consumer on {@code dispatcher}: opened messages go to {@code handler}, which, with
   * {@code ackAfterHandler}, are acknowledged when it returns; failures go to {@code onError}
   * unacknowledged (the handler decides: {@code term()}, {@code nak()}, or nothing).
   */
  public JetStreamSubscription subscribePush(String subject, Dispatcher dispatcher, OpenedHandler handler,
      SealErrorHandler onError, boolean ackAfterHandler, PushSubscribeOptions options)
      throws IOException, JetStreamApiException {
    return jetStream.subscribe(subject, dispatcher,
        SealedConnection.handlerFor(sealer, handler, onError, ackAfterHandler), false, options);
  }

  /** A pull subscription that opens what it fetches. */
  public static final class SealedPullSubscription {
    private final JetStreamSubscription subscription;
    private final NatsSealer sealer;

    SealedPullSubscription(JetStreamSubscription subscription, NatsSealer sealer) {
      this.subscription = subscription;
      this.sealer = sealer;
    }

    /**
     * Up to {@code batch} messages, opened, in stream order; those that do not open go to
     * {@code onError} (unacknowledged) and are left out.
     */
    public List<OpenedMessage> fetch(int batch, Duration maxWait, SealErrorHandler onError) {
      List<OpenedMessage> out = new ArrayList<>();
      for (Message m : subscription.fetch(batch, maxWait)) {
        try {
          out.add(sealer.open(m));
        } catch (NatsSealException e) {
          onError.onError(e);
        }
      }
      return out;
    }

    /**
     * The next message, opened, or null when none arrived in time.
     *
     * @throws NatsSealException with the unacknowledged message when it does not open
     */
    public OpenedMessage nextMessage(Duration maxWait) throws InterruptedException {
      subscription.pull(1);
      Message m = subscription.nextMessage(maxWait);
      return m == null ? null : sealer.open(m);
    }

    public JetStreamSubscription subscription() {
      return subscription;
    }

    public void unsubscribe() {
      subscription.unsubscribe();
    }
  }
}
