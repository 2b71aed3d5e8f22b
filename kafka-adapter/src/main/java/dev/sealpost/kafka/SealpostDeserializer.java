package dev.sealpost.kafka;

import dev.sealpost.codec.internal.LogSafe;
import dev.sealpost.codec.Decryptor;
import dev.sealpost.codec.EncryptionContext;
import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.TrustedWriters;
import dev.sealpost.codec.format.EnvelopeHeader;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.Locale;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * A Kafka {@link Deserializer} that decrypts Sealpost envelopes and hands the plaintext to the
 * application's deserializer.
 *
 * <ul>
 *   <li>The record is the external context (docs/bindings/kafka.md): an envelope copied from
 *       another topic, a value paired with another key, or changed authenticated headers fail
 *       with {@code authentication-failed}. The key digest comes from the key deserializer of the
 *       same record; Kafka skips it for a null key, so no digest means a null key.
 *   <li>A record without an envelope is rejected ({@code PLAINTEXT_REJECTED}, {@code
 *       not-an-envelope}) unless its topic is listed in {@code sealpost.plaintext.topics} or
 *       {@code sealpost.consume.plaintext.topics} [SEC-1]. Input that starts with the magic is
 *       always treated as an envelope [DET-2].
 *   <li>Secret headers found inside a value's envelope are put back on the record; a clear
 *       header with a secret name fails the record, as it was forged.
 *   <li>Null stays null.
 * </ul>
 *
 * Every failure is a {@link SealpostRecordException}; the consumer wraps it in a {@link
 * org.apache.kafka.common.errors.RecordDeserializationException} that adds partition and offset.
 */
public class SealpostDeserializer<T> implements Deserializer<T> {
  private Deserializer<T> inner;
  private boolean innerConfigured;
  private SealpostSettings settings;
  private boolean key;
  private volatile TopicBinding binding;
  private final ValueContexts valueContexts = new ValueContexts();

  /** For Kafka's reflection: everything comes from {@link #configure}. */
  public SealpostDeserializer() {}

  /** An inner deserializer given as an object; {@code sealpost.*} properties still come from {@link #configure}. */
  public SealpostDeserializer(Deserializer<T> inner) {
    this.inner = Objects.requireNonNull(inner, "inner");
  }

  /** An inner deserializer the caller already configured. */
  SealpostDeserializer(Deserializer<T> inner, boolean innerConfigured) {
    this.inner = Objects.requireNonNull(inner, "inner");
    this.innerConfigured = innerConfigured;
  }

  private SealpostDeserializer(Deserializer<T> inner, SealpostSettings settings, boolean key) {
    this.inner = Objects.requireNonNull(inner, "inner");
    this.innerConfigured = true;
    this.settings = Objects.requireNonNull(settings, "settings");
    this.key = key;
    requireKeys(settings, key);
  }

  public static <T> SealpostDeserializer<T> forValues(Deserializer<T> inner, SealpostSettings settings) {
    return new SealpostDeserializer<>(inner, settings, false);
  }

  public static <T> SealpostDeserializer<T> forKeys(Deserializer<T> inner, SealpostSettings settings) {
    return new SealpostDeserializer<>(inner, settings, true);
  }

  @Override
  @SuppressWarnings("unchecked")
  public void configure(Map<String, ?> configs, boolean isKey) {
    if (settings != null) {
      return; // configured programmatically
    }
    this.key = isKey;
    this.binding = null; // the record part may have changed
    String property = isKey ? SealpostKafkaConfig.KEY_INNER_DESERIALIZER : SealpostKafkaConfig.VALUE_INNER_DESERIALIZER;
    if (inner == null) {
      Class<?> cls = SealpostKafkaConfig.configuredClass(configs, property);
      inner = cls == null
          ? (Deserializer<T>) new ByteArrayDeserializer()
          : SealpostKafkaConfig.instantiate(cls, Deserializer.class, property);
    }
    if (!innerConfigured) {
      inner.configure(configs, isKey);
      innerConfigured = true;
    }
    this.settings = SealpostKafkaConfig.parse(configs);
    requireKeys(settings, isKey);
  }

  /** A reader without any key fails at startup, not at the first record. */
  private static void requireKeys(SealpostSettings settings, boolean isKey) {
    if (settings.kmsWithoutAllowList()) {
      throw new ConfigException("sealpost: " + SealpostKafkaConfig.KMS_CLIENT_CLASS + " is set, but no KMS key may be"
          + " called to decrypt: list the keys in " + SealpostKafkaConfig.KMS_KEY_URIS + " (an entry ending in '*' is a"
          + " prefix), or opt in to " + SealpostKafkaConfig.KMS_DISCOVERY + "=true [KMS-3]");
    }
    if (settings.decryptor().isEmpty() && !(isKey && settings.keyMode() == SealpostSettings.KeyMode.CLEAR)) {
      throw new ConfigException("sealpost: a deserializer needs key material to decrypt with: "
          + SealpostKafkaConfig.KEYRING_PATH + ", " + SealpostKafkaConfig.X25519_PRIVATE_PREFIX + "<label> or "
          + SealpostKafkaConfig.KMS_CLIENT_CLASS);
    }
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    return deserialize(topic, null, data);
  }

  @Override
  public T deserialize(String topic, Headers headers, byte[] data) {
    return data == null ? deserialize(topic, headers, (ByteBuffer) null) : deserialize(topic, headers, ByteBuffer.wrap(data));
  }

  /**
   * The consumer's own form (Kafka 3.6+): the record's bytes as a buffer over the fetched batch,
   * read in place; the default would copy them into an array first.
   */
  @Override
  public T deserialize(String topic, Headers headers, ByteBuffer data) {
    if (settings == null) {
      throw new IllegalStateException("SealpostDeserializer used before configure()");
    }
    // A state store passes the headers of the record being processed, not of the stored value
    // [KB-9]: they are not this value's, so nothing is bound to them or restored into them.
    Headers own = settings.isStoreTopic(topic) ? null : headers;
    return key ? deserializeKey(topic, headers, own, data) : deserializeValue(topic, headers, own, data);
  }

  private T deserializeKey(String topic, Headers headers, Headers own, ByteBuffer data) {
    if (own != null) {
      // [KB-16]: digest of the key bytes exactly as stored, for the value of this record.
      String digest = RecordBinding.keyDigest(data);
      KeyDigestChannel.put(own, topic, digest);
      if (own.lastHeader(HeaderPolicy.TOMBSTONE_HEADER) != null) {
        KeyDigestChannel.putTombstoneCandidate(own, topic, digest);
      }
    }
    if (data == null) {
      return null;
    }
    if (settings.keyMode() == SealpostSettings.KeyMode.CLEAR) {
      return passThrough(topic, headers, data);
    }
    byte[] plain = open(topic, headers, data, topicContext(topic));
    return plain == null ? passThrough(topic, headers, data) : inner.deserialize(topic, headers, plain);
  }

  private T deserializeValue(String topic, Headers headers, Headers own, ByteBuffer data) {
    if (data == null) {
      return null;
    }
    HeaderPolicy policy = settings.headerPolicy();
    EncryptionContext context;
    if (own == null) {
      context = topicContext(topic); // [KB-9]
    } else {
      // Kafka does not call the key deserializer for a null key: no digest means a null key.
      String k = KeyDigestChannel.take(own, topic).orElse(RecordBinding.NULL_KEY);
      String h = RecordBinding.headersDigest(policy.authenticatedHeaders(own));
      context = bind(topic, () -> valueContexts.of(topic, settings.bindValueToKey() ? k : null, h));
    }
    byte[] plain = open(topic, own, data, context);
    if (plain == null) {
      return passThrough(topic, headers, data);
    }
    InnerFraming.Framed framed;
    try {
      framed = InnerFraming.decode(plain);
    } catch (InnerFraming.FramingException e) {
      throw new SealpostRecordException(SealpostRecordException.Reason.BAD_INNER_FRAMING,
          ErrorCategory.MALFORMED_HEADER, topic, key, "decrypted value is not framed: " + e.getMessage(), null);
    }
    if (own != null) {
      restore(topic, own, framed, policy);
    }
    // A view of the payload: an inner deserializer with a ByteBuffer form (String, ByteBuffer...)
    // reads it in place; one with only the byte[] form gets exactly the payload, copied once.
    return inner.deserialize(topic, headers, framed.payloadView());
  }

  /** Bytes the inner deserializer gets as they came: the caller's own array when it gave one. */
  private T passThrough(String topic, Headers headers, ByteBuffer data) {
    if (data.hasArray() && data.arrayOffset() == 0 && data.position() == 0 && data.remaining() == data.array().length) {
      return inner.deserialize(topic, headers, data.array());
    }
    return inner.deserialize(topic, headers, data);
  }

  /**
   * The plaintext of an envelope; null for a record without one that the topic may carry [KB-13], [KB-22].
   * Reads {@code data}'s remaining bytes without moving its position.
   */
  private byte[] open(String topic, Headers headers, ByteBuffer data, EncryptionContext context) {
    byte[] array;
    int offset;
    int length = data.remaining();
    if (data.hasArray()) {
      array = data.array();
      offset = data.arrayOffset() + data.position();
    } else {
      array = new byte[length]; // a direct buffer: the codec reads arrays
      data.duplicate().get(array);
      offset = 0;
    }
    TrustedWriters trust = settings.trustFor(topic);
    if (!EnvelopeHeader.hasMagic(array, offset, length)) {
      // [KB-23]: a topic with trusted writers takes only their envelopes, whatever the plaintext lists say.
      if (settings.acceptsPlaintextOnConsume(topic) && !trust.requiresTrustedWriter()) {
        return null;
      }
      throw new SealpostRecordException(SealpostRecordException.Reason.PLAINTEXT_REJECTED,
          ErrorCategory.NOT_AN_ENVELOPE, topic, key,
          "record has no Sealpost envelope and the topic is not allowed to carry plaintext", null);
    }
    Decryptor decryptor = settings.decryptor().orElseThrow(() -> new SealpostRecordException(
        SealpostRecordException.Reason.DECRYPTION_FAILED, ErrorCategory.NO_MATCHING_KEY, topic, key,
        "no key to decrypt with is configured", null));
    try {
      return decryptor.open(array, offset, length, context, trust).plaintext();
    } catch (SealpostException e) {
      String hint = !key && headers != null && e.category() == ErrorCategory.AUTHENTICATION_FAILED
          ? " (the value is bound to topic, record key and authenticated headers: the record was moved, spliced"
              + " or re-headered, or the key deserializer is not a SealpostDeserializer)"
          : "";
      throw new SealpostRecordException(SealpostRecordException.Reason.DECRYPTION_FAILED, e.category(), topic, key,
          "cannot decrypt: " + e.getMessage() + hint, e);
    }
  }

  /**
   * Puts the envelope's secret headers back. A clear header with a secret name is refused
   * [KB-14]: the writer never sends one, so it was added on the way.
   */
  private void restore(String topic, Headers headers, InnerFraming.Framed framed, HeaderPolicy policy) {
    List<Header> inside = framed.headers();
    if (inside.isEmpty()) {
      // Nothing framed: only the pattern can flag a clear header, and nothing is added.
      for (Header h : headers) {
        if (policy.isSecret(h.key())) {
          throw forgedSecret(topic, h);
        }
      }
      return;
    }
    Set<String> names = new HashSet<>();
    inside.forEach(h -> names.add(h.key().toLowerCase(Locale.ROOT)));
    for (Header h : headers) {
      if (names.contains(h.key().toLowerCase(Locale.ROOT)) || policy.isSecret(h.key())) {
        throw forgedSecret(topic, h);
      }
    }
    for (Header h : inside) {
      headers.add(h);
    }
  }

  private SealpostRecordException forgedSecret(String topic, Header h) {
    return new SealpostRecordException(SealpostRecordException.Reason.SECRET_HEADERS_IN_CLEAR,
        ErrorCategory.AUTHENTICATION_FAILED, topic, key,
        "a clear header '" + LogSafe.escape(h.key()) + "' has the name of a secret header; it was not written by Sealpost", null);
  }

  private EncryptionContext topicContext(String topic) {
    if (binding == null) {
      binding = new TopicBinding(key);
    }
    TopicBinding b = binding;
    return bind(topic, () -> b.context(topic));
  }

  private interface ContextSupplier {
    EncryptionContext get() throws SealpostException;
  }

  private EncryptionContext bind(String topic, ContextSupplier s) {
    try {
      return s.get();
    } catch (SealpostException e) {
      throw new SealpostRecordException(SealpostRecordException.Reason.DECRYPTION_FAILED, e.category(), topic, key,
          e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    if (inner != null) {
      inner.close();
    }
  }
}
