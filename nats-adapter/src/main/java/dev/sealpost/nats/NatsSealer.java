package dev.sealpost.nats;

import dev.sealpost.codec.Decryptor;
import dev.sealpost.codec.EncryptionContext;
import dev.sealpost.codec.Encryptor;
import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.Recipient;
import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.Suite;
import dev.sealpost.codec.format.EnvelopeHeader;
import dev.sealpost.codec.internal.LogSafe;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Seals NATS messages into Sealpost envelopes and opens them again, following
 * docs/bindings/nats.md. Thread-safe; build one per application from {@link NatsSealerSettings}.
 *
 * <p>Wire format of a sealed message (subject, reply subject unchanged):
 *
 * <ul>
 *   <li><b>data</b> = envelope (SPEC.md) of {@code 01 || u16(n) || n * (u16(len name) || name ||
 *       u32(len value) || value) || application data}, the n entries being the secret headers'
 *       values [NB-3];
 *   <li><b>headers</b> = the clear headers: every header whose name is not secret [NB-7];
 *   <li><b>external context</b> (not stored) = {@code {"nats.headers-sha256": H, "nats.part":
 *       "data", "nats.subject": S}} with H the SHA-256 of the authenticated clear headers [NB-5],
 *       [NB-6].
 * </ul>
 *
 * Key-Value keys become {@code base64url(AES-256-SIV envelope(key))} without padding [NB-15];
 * values are envelopes bound to bucket and encoded key [NB-17].
 */
public final class NatsSealer {
  private static final Base64.Encoder KEY_ENCODER = Base64.getUrlEncoder().withoutPadding();

  private final NatsSealerSettings settings;
  private final Map<NatsSealerSettings.Target, Encryptor> encryptors = new HashMap<>();
  private final Map<String, Encryptor> kvKeyEncryptors = new HashMap<>();
  private final Map<String, Encryptor> kvValueEncryptors = new HashMap<>();

  /** Builds every encryptor now, so missing keys fail at startup, not at the first message. */
  public NatsSealer(NatsSealerSettings settings) {
    this(settings, name -> new SecureRandom());
  }

  /**
   * With the randomness of each encryptor named: a subject target's name, {@code kv-key:<bucket>}
   * or {@code kv-value:<bucket>}. For deterministic binding vectors only.
   */
  NatsSealer(NatsSealerSettings settings, Function<String, SecureRandom> random) {
    this.settings = Objects.requireNonNull(settings, "settings");
    try {
      for (NatsSealerSettings.Target t : settings.targets()) {
        // A compressed twin gets the compressed suite (04xx) [CMP-1]; Key-Value entries never do.
        encryptors.put(t, encryptor(settings.valueSuite(), t.recipients(), random.apply(t.name())).compression(t.compression()).build());
      }
      for (Map.Entry<String, NatsSealerSettings.Target> b : settings.kvBuckets().entrySet()) {
        kvKeyEncryptors.put(b.getKey(), encryptor(Suite.AES_256_SIV, b.getValue().symmetricRecipients(), random.apply("kv-key:" + b.getKey())).build());
        kvValueEncryptors.put(b.getKey(), encryptor(settings.valueSuite(), b.getValue().recipients(), random.apply("kv-value:" + b.getKey())).build());
      }
    } catch (SealpostException | IllegalStateException e) { // IllegalState: a compression library is missing
      throw new IllegalArgumentException("sealpost: cannot encrypt for the configured recipients: " + e.getMessage(), e);
    }
  }

  private Encryptor.Builder encryptor(Suite suite, List<Recipient> recipients, SecureRandom random) {
    return Encryptor.builder().suite(suite).recipients(recipients).dekPolicy(settings.dekPolicy()).random(random);
  }

  public NatsSealerSettings settings() {
    return settings;
  }

  /** {@link #seal(String, String, Headers, byte[])} of a message built by the application. */
  public Message seal(Message message) {
    return seal(message.getSubject(), message.getReplyTo(), message.getHeaders(), message.getData());
  }

  public Message seal(String subject, Headers headers, byte[] data) {
    return seal(subject, null, headers, data);
  }

  /**
   * The message to publish: data encrypted for the subject's recipients with the secret headers
   * inside, the other headers clear. On a plaintext subject, the message as given. {@code
   * headers} is not modified.
   *
   * @throws NatsSealException {@code NO_KEY_FOR_SUBJECT} for an unmapped subject [NB-12], {@code
   *     SECRET_HEADER_WITHOUT_ENVELOPE} for a secret header on a plaintext subject [NB-8], {@code
   *     ENCRYPTION_FAILED}
   * @throws IllegalArgumentException for a subject that is not a valid publish subject
   */
  public Message seal(String subject, String replyTo, Headers headers, byte[] data) {
    if (!SubjectPattern.isPublishable(subject)) {
      SubjectPattern.parse(subject); // names what is wrong
      throw new IllegalArgumentException("cannot publish to the wildcard subject '" + LogSafe.escape(subject) + "'");
    }
    byte[] payload = data == null ? new byte[0] : data;
    List<Map.Entry<String, String>> secret = NatsBinding.entries(headers, settings::isSecret);
    Optional<NatsSealerSettings.Target> target = settings.resolve(subject);
    if (target.isEmpty()) {
      if (!secret.isEmpty()) {
        throw new NatsSealException(NatsSealException.Reason.SECRET_HEADER_WITHOUT_ENVELOPE,
            ErrorCategory.NO_MATCHING_KEY, subject, "secret header '" + LogSafe.escape(secret.get(0).getKey())
                + "' on a plaintext subject: it would leave in the clear", null);
      }
      return new NatsMessage(subject, replyTo, headers == null ? null : new Headers(headers), payload);
    }
    Headers clear = new Headers();
    if (headers != null) {
      for (String name : headers.keySet()) {
        if (!settings.isSecret(name)) {
          clear.add(name, headers.get(name));
        }
      }
    }
    try {
      String digest = NatsBinding.headersDigest(NatsBinding.entries(clear, settings::isAuthenticated));
      byte[] envelope = encryptors.get(target.get())
          .encrypt(InnerFraming.encode(secret, payload), NatsBinding.messageContext(subject, digest));
      return new NatsMessage(subject, replyTo, clear.isEmpty() ? null : clear, envelope);
    } catch (SealpostException e) {
      throw new NatsSealException(NatsSealException.Reason.ENCRYPTION_FAILED, e.category(), subject,
          "cannot encrypt: " + e.getMessage(), e);
    }
  }

  /**
   * The received message's data and headers: decrypted, with the secret headers restored after
   * the clear ones; or as received, for data without an envelope on a subject that may carry
   * plaintext.
   *
   * @throws NatsSealException carrying the received message: {@code SECRET_HEADER_IN_CLEAR}
   *     [NB-9], {@code PLAINTEXT_REJECTED} [NB-14], {@code DECRYPTION_FAILED} (another subject,
   *     changed authenticated headers, no key, tampering) [NB-10], {@code BAD_INNER_FRAMING} [NB-4]
   */
  public OpenedMessage open(Message message) {
    try {
      return doOpen(message);
    } catch (NatsSealException e) {
      throw e.with(message);
    }
  }

  private OpenedMessage doOpen(Message message) {
    String subject = message.getSubject();
    Headers headers = message.getHeaders();
    if (headers != null) {
      for (String name : headers.keySet()) {
        if (settings.isSecret(name)) {
          throw new NatsSealException(NatsSealException.Reason.SECRET_HEADER_IN_CLEAR, ErrorCategory.AUTHENTICATION_FAILED,
              subject, "clear header '" + LogSafe.escape(name) + "' has a secret name; a writer never sends one", null);
        }
      }
    }
    byte[] data = message.getData() == null ? new byte[0] : message.getData();
    if (!EnvelopeHeader.hasMagic(data, 0, data.length)) {
      if (settings.acceptsPlaintext(subject)) {
        return new OpenedMessage(subject, message.getReplyTo(), headers == null ? new Headers() : headers, data, false,
            message);
      }
      throw new NatsSealException(NatsSealException.Reason.PLAINTEXT_REJECTED, ErrorCategory.NOT_AN_ENVELOPE, subject,
          "data has no Sealpost envelope and the subject is not allowed to carry plaintext", null);
    }
    Decryptor decryptor = decryptor(subject);
    byte[] plain;
    try {
      String digest = NatsBinding.headersDigest(NatsBinding.entries(headers, settings::isAuthenticated));
      plain = decryptor.decrypt(data, NatsBinding.messageContext(subject, digest));
    } catch (SealpostException e) {
      throw new NatsSealException(NatsSealException.Reason.DECRYPTION_FAILED, e.category(), subject,
          "cannot decrypt: " + e.getMessage(), e);
    }
    InnerFraming.Framed framed;
    try {
      framed = InnerFraming.decode(plain);
    } catch (InnerFraming.FramingException e) {
      throw badFraming(subject, e.getMessage());
    }
    Headers out = headers == null ? new Headers() : new Headers(headers);
    for (Map.Entry<String, String> h : framed.headers) {
      if (headers != null && headers.containsKeyIgnoreCase(h.getKey())) {
        throw new NatsSealException(NatsSealException.Reason.SECRET_HEADER_IN_CLEAR, ErrorCategory.AUTHENTICATION_FAILED,
            subject, "clear header '" + LogSafe.escape(h.getKey()) + "' has the name of an encrypted one", null);
      }
      try {
        out.add(h.getKey(), h.getValue());
      } catch (IllegalArgumentException e) {
        throw badFraming(subject, "framed header '" + LogSafe.escape(h.getKey()) + "' is not a valid NATS header");
      }
    }
    return new OpenedMessage(subject, message.getReplyTo(), out, framed.payload, true, message);
  }

  private static NatsSealException badFraming(String subject, String why) {
    return new NatsSealException(NatsSealException.Reason.BAD_INNER_FRAMING, ErrorCategory.MALFORMED_HEADER, subject,
        "decrypted data is not framed: " + why, null);
  }

  private Decryptor decryptor(String subject) {
    return settings.decryptor().orElseThrow(() -> new NatsSealException(NatsSealException.Reason.DECRYPTION_FAILED,
        ErrorCategory.NO_MATCHING_KEY, subject, "no key to decrypt with is configured", null));
  }

  // ---- Key-Value -------------------------------------------------------------------------------

  private static String kvSubject(String bucket) {
    return "$KV." + bucket;
  }

  private Encryptor kv(Map<String, Encryptor> map, String bucket) {
    Encryptor e = map.get(bucket);
    if (e == null) {
      throw new NatsSealException(NatsSealException.Reason.NO_KEY_FOR_BUCKET, ErrorCategory.NO_MATCHING_KEY,
          kvSubject(bucket), "no key is configured for this Key-Value bucket", null);
    }
    return e;
  }

  /** The stored form of an application key: base64url, no padding, of its deterministic envelope [NB-15]. */
  public String encodeKvKey(String bucket, String key) {
    Encryptor e = kv(kvKeyEncryptors, bucket);
    try {
      return KEY_ENCODER.encodeToString(e.encrypt(key.getBytes(StandardCharsets.UTF_8), NatsBinding.kvKeyContext(bucket)));
    } catch (SealpostException ex) {
      throw new NatsSealException(NatsSealException.Reason.ENCRYPTION_FAILED, ex.category(), kvSubject(bucket),
          "cannot encrypt a key: " + ex.getMessage(), ex);
    }
  }

  /** The application key of a stored key of {@code bucket} [NB-18]. */
  public String decodeKvKey(String bucket, String encoded) {
    kv(kvKeyEncryptors, bucket);
    byte[] envelope;
    try {
      if (!encoded.matches("[A-Za-z0-9_-]+")) {
        throw new IllegalArgumentException("not base64url without padding");
      }
      envelope = Base64.getUrlDecoder().decode(encoded);
    } catch (IllegalArgumentException e) {
      throw badKey(bucket, ErrorCategory.NOT_AN_ENVELOPE, "stored key '" + LogSafe.escape(encoded) + "' is not base64url", null);
    }
    if (!EnvelopeHeader.hasMagic(envelope, 0, envelope.length)) {
      throw badKey(bucket, ErrorCategory.NOT_AN_ENVELOPE, "stored key '" + LogSafe.escape(encoded) + "' is not an envelope", null);
    }
    try {
      byte[] key = decryptor(kvSubject(bucket)).decrypt(envelope, NatsBinding.kvKeyContext(bucket));
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(key)).toString();
    } catch (SealpostException e) {
      throw badKey(bucket, e.category(), "stored key does not decrypt: " + e.getMessage(), e);
    } catch (CharacterCodingException e) {
      throw badKey(bucket, ErrorCategory.MALFORMED_HEADER, "decrypted key is not UTF-8", null);
    }
  }

  private static NatsSealException badKey(String bucket, ErrorCategory c, String message, Throwable cause) {
    return new NatsSealException(NatsSealException.Reason.BAD_KV_KEY, c, kvSubject(bucket), message, cause);
  }

  /** The stored value for {@code value} under {@code encodedKey} [NB-17]. */
  public byte[] sealKvValue(String bucket, String encodedKey, byte[] value) {
    try {
      return kv(kvValueEncryptors, bucket).encrypt(value, NatsBinding.kvValueContext(bucket, encodedKey));
    } catch (SealpostException e) {
      throw new NatsSealException(NatsSealException.Reason.ENCRYPTION_FAILED, e.category(), kvSubject(bucket),
          "cannot encrypt a value: " + e.getMessage(), e);
    }
  }

  /** The application value of a stored value; stored values without an envelope are refused [NB-19]. */
  public byte[] openKvValue(String bucket, String encodedKey, byte[] stored) {
    kv(kvValueEncryptors, bucket);
    byte[] data = stored == null ? new byte[0] : stored;
    if (!EnvelopeHeader.hasMagic(data, 0, data.length)) {
      throw new NatsSealException(NatsSealException.Reason.PLAINTEXT_REJECTED, ErrorCategory.NOT_AN_ENVELOPE,
          kvSubject(bucket), "stored value has no Sealpost envelope", null);
    }
    try {
      return decryptor(kvSubject(bucket)).decrypt(data, NatsBinding.kvValueContext(bucket, encodedKey));
    } catch (SealpostException e) {
      throw new NatsSealException(NatsSealException.Reason.DECRYPTION_FAILED, e.category(), kvSubject(bucket),
          "cannot decrypt a value: " + e.getMessage(), e);
    }
  }
}
