package dev.sealpost.nats;

import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.internal.LogSafe;
import io.nats.client.Message;
import java.util.Objects;
import java.util.Optional;

/**
 * Every failure of the NATS adapter: what went wrong ({@link Reason}), the SPEC.md section 9
 * {@link ErrorCategory}, and where (subject, or Key-Value bucket). Text that came from the wire
 * (subjects, header names, keys) is escaped ({@link LogSafe}) before it enters the message, so a
 * message cannot inject lines into logs. Messages never contain key material, data or header
 * values.
 *
 * <p>On the consuming side the exception carries the received {@link Message} ({@link
 * #received()}), so a JetStream consumer can {@code term()} or {@code nak()} it.
 */
public class NatsSealException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What the adapter was doing when it failed. */
  public enum Reason {
    /** Publish: the subject has no key and is not listed as plaintext ([NB-12]). */
    NO_KEY_FOR_SUBJECT,
    /** Publish: a secret header on a message that gets no envelope ([NB-8]). */
    SECRET_HEADER_WITHOUT_ENVELOPE,
    /** Publish: the codec refused to encrypt (key material, limits). */
    ENCRYPTION_FAILED,
    /** Receive: data without an envelope on a subject not allowed to carry plaintext ([NB-14]). */
    PLAINTEXT_REJECTED,
    /** Receive: a clear header with a secret name ([NB-9]). */
    SECRET_HEADER_IN_CLEAR,
    /** Receive: the envelope did not decrypt (wrong key, other subject, changed header, ...). */
    DECRYPTION_FAILED,
    /** Receive: the decrypted plaintext does not follow the inner framing ([NB-4]). */
    BAD_INNER_FRAMING,
    /** Key-Value: the bucket has no key configured. */
    NO_KEY_FOR_BUCKET,
    /** Key-Value: a stored key is not an encoded key envelope of this bucket ([NB-18]). */
    BAD_KV_KEY
  }

  private final Reason reason;
  private final ErrorCategory category;
  private final String subject;
  private final transient Message received;
  private final String detail;

  public NatsSealException(Reason reason, ErrorCategory category, String subject, String message, Throwable cause) {
    this(reason, category, subject, null, message, cause);
  }

  NatsSealException(
      Reason reason, ErrorCategory category, String subject, Message received, String message, Throwable cause) {
    super("sealpost: " + message + " [" + reason + ", " + category.id() + ", subject '" + LogSafe.escape(subject) + "']",
        cause);
    this.reason = Objects.requireNonNull(reason, "reason");
    this.category = Objects.requireNonNull(category, "category");
    this.subject = subject;
    this.received = received;
    this.detail = message;
  }

  /** The same failure, carrying the message it happened on. */
  NatsSealException with(Message m) {
    NatsSealException e = new NatsSealException(reason, category, subject, m, detail, getCause());
    e.setStackTrace(getStackTrace());
    return e;
  }

  public Reason reason() {
    return reason;
  }

  /** The SPEC.md section 9 category, e.g. {@code not-an-envelope} for rejected plaintext. */
  public ErrorCategory category() {
    return category;
  }

  /** The subject (for Key-Value, the bucket's subject {@code $KV.<bucket>...}), unescaped. */
  public String subject() {
    return subject;
  }

  /** The received message, when the failure happened while receiving one. */
  public Optional<Message> received() {
    return Optional.ofNullable(received);
  }
}
