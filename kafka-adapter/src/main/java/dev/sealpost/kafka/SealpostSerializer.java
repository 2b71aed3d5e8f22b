package dev.sealpost.kafka;

import dev.sealpost.codec.internal.LogSafe;
import dev.sealpost.codec.EncryptionContext;
import dev.sealpost.codec.Encryptor;
import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.Recipient;
import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.Suite;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka {@link Serializer} that wraps the application's serializer and encrypts its output
 * into a Sealpost envelope.
 *
 * <ul>
 *   <li>Record values are encrypted with the configured randomized suite (AES-256-GCM by
 *       default); the plaintext is {@link InnerFraming}: secret headers, then the inner bytes.
 *       Matching headers are removed from the record, so they never reach the broker in clear.
 *   <li>Record keys (when this class is the {@code key.serializer}) are encrypted with the
 *       deterministic suite AES_256_SIV for the topic's symmetric recipients, so equal keys give
 *       equal bytes: compaction and the default partitioner keep working (SPEC.md 4.1, 13.4).
 *   <li>The record is bound as external context (SPEC.md 7, docs/bindings/kafka.md): keys to
 *       topic and part; values also to the digest of the stored key and of the authenticated
 *       headers ({@link RecordBinding}), which the key serializer of the same record hands over
 *       through {@link KeyDigestChannel}. Values serialized without headers, or for a state-store
 *       topic, are bound to topic and part only.
 *   <li>A topic with no key that is not listed as plaintext fails with {@link
 *       SealpostRecordException} ({@code NO_KEY_FOR_TOPIC}): nothing is sent in plaintext by
 *       mistake; nor is a secret header without an envelope, or inner bytes for a null value.
 *       Null (tombstones) stay null and carry a {@code sealpost.tombstone} authenticator.
 * </ul>
 *
 * <p>Configured by properties ({@code value.serializer=dev.sealpost.kafka.SealpostSerializer}
 * plus {@code sealpost.*}, see {@link SealpostKafkaConfig}), or programmatically with {@link
 * #forValues} / {@link #forKeys}. Thread-safe, as KafkaProducer requires.
 */
public class SealpostSerializer<T> implements Serializer<T> {
  /** External-context entry naming the topic. */
  public static final String CONTEXT_TOPIC = "kafka.topic";
  /** External-context entry naming the record part, {@code key} or {@code value}. */
  public static final String CONTEXT_PART = "kafka.record.part";

  private Serializer<T> inner;
  private boolean innerConfigured;
  private SealpostSettings settings;
  private boolean key;
  private final Map<SealpostSettings.Target, Encryptor> encryptors = new ConcurrentHashMap<>();
  private volatile TopicBinding binding;
  private final ValueContexts valueContexts = new ValueContexts();

  /** For Kafka's reflection: everything comes from {@link #configure}. */
  public SealpostSerializer() {}

  /** An inner serializer given as an object; {@code sealpost.*} properties still come from {@link #configure}. */
  public SealpostSerializer(Serializer<T> inner) {
    this.inner = Objects.requireNonNull(inner, "inner");
  }

  /** An inner serializer the caller already configured. */
  SealpostSerializer(Serializer<T> inner, boolean innerConfigured) {
    this.inner = Objects.requireNonNull(inner, "inner");
    this.innerConfigured = innerConfigured;
  }

  private SealpostSerializer(Serializer<T> inner, SealpostSettings settings, boolean key) {
    this.inner = Objects.requireNonNull(inner, "inner");
    this.innerConfigured = true;
    this.settings = Objects.requireNonNull(settings, "settings");
    this.key = key;
    prepare();
  }

  /** A configured value serializer; {@link #configure} is then not needed. */
  public static <T> SealpostSerializer<T> forValues(Serializer<T> inner, SealpostSettings settings) {
    return new SealpostSerializer<>(inner, settings, false);
  }

  /** A configured record-key serializer (deterministic suite). */
  public static <T> SealpostSerializer<T> forKeys(Serializer<T> inner, SealpostSettings settings) {
    return new SealpostSerializer<>(inner, settings, true);
  }

  @Override
  @SuppressWarnings("unchecked")
  public void configure(Map<String, ?> configs, boolean isKey) {
    if (settings != null) {
      return; // configured programmatically
    }
    this.key = isKey;
    this.binding = null; // the record part may have changed
    if (inner == null) {
      Class<?> cls = SealpostKafkaConfig.configuredClass(
          configs, isKey ? SealpostKafkaConfig.KEY_INNER_SERIALIZER : SealpostKafkaConfig.VALUE_INNER_SERIALIZER);
      inner = cls == null
          ? (Serializer<T>) new ByteArraySerializer()
          : SealpostKafkaConfig.instantiate(cls, Serializer.class, isKey
              ? SealpostKafkaConfig.KEY_INNER_SERIALIZER : SealpostKafkaConfig.VALUE_INNER_SERIALIZER);
    }
    if (!innerConfigured) {
      inner.configure(configs, isKey);
      innerConfigured = true;
    }
    this.settings = SealpostKafkaConfig.parse(configs);
    prepare();
  }

  /** Builds every encryptor now, so missing keys fail at startup, not on the first record. */
  private void prepare() {
    for (SealpostSettings.Target t : settings.targets()) {
      try {
        encryptor(t);
      } catch (SealpostException | IllegalStateException | IllegalArgumentException e) {
        // IllegalState: a compression library missing from the class path [CMP-5].
        throw new ConfigException("sealpost: cannot encrypt for key reference " + t.name() + ": " + e.getMessage());
      }
    }
  }

  private Encryptor encryptor(SealpostSettings.Target t) throws SealpostException {
    Encryptor e = encryptors.get(t);
    if (e != null) {
      return e;
    }
    synchronized (encryptors) {
      e = encryptors.get(t);
      if (e == null) {
        List<Recipient> recipients = key ? t.symmetricRecipients() : t.recipients();
        if (recipients.isEmpty()) {
          throw new SealpostException(ErrorCategory.INVALID_KEY_MATERIAL,
              "record keys use the deterministic suite, which needs a kek: recipient [SUITE-3]");
        }
        Encryptor.Builder builder = Encryptor.builder()
            .suite(key ? Suite.AES_256_SIV : settings.valueSuite())
            .recipients(recipients)
            .dekPolicy(settings.dekPolicy());
        if (settings.random() != null) {
          builder.random(settings.random());
        }
        if (settings.signer().isPresent()) {
          builder.signer(settings.signer().get(), settings.signMode()); // keys too: 0103, still deterministic
        }
        if (!key) {
          builder.compression(t.compression()); // 04xx/05xx for topics that opted in [CMP-1]; keys never [KB-24]
        }
        e = builder.build();
        encryptors.put(t, e);
      }
      return e;
    }
  }

  @Override
  public byte[] serialize(String topic, T data) {
    return serialize(topic, null, data);
  }

  @Override
  public byte[] serialize(String topic, Headers headers, T data) {
    if (settings == null) {
      throw new IllegalStateException("SealpostSerializer used before configure()");
    }
    // A state store passes the headers of the record being processed, not of the stored value:
    // they are not this value's, so they are neither bound, moved nor changed [KB-9].
    Headers own = settings.isStoreTopic(topic) ? null : headers;
    return key ? serializeKey(topic, headers, own, data) : serializeValue(topic, headers, own, data);
  }

  private byte[] serializeKey(String topic, Headers headers, Headers own, T data) {
    byte[] plain = inner.serialize(topic, headers, data);
    byte[] stored = plain;
    if (plain != null && settings.keyMode() == SealpostSettings.KeyMode.ENCRYPT) {
      Optional<SealpostSettings.Target> target = settings.resolve(topic, true);
      if (target.isPresent()) {
        if (data == null) {
          throw innerBytesForNull(topic);
        }
        stored = encrypt(target.get(), plain, topicContext(topic), topic);
      }
    }
    if (own != null) {
      // [KB-16]: the value serializer of this record finds the digest by the Headers object.
      KeyDigestChannel.put(own, topic, RecordBinding.keyDigest(stored));
    }
    return stored;
  }

  private byte[] serializeValue(String topic, Headers headers, Headers own, T data) {
    HeaderPolicy policy = settings.headerPolicy();
    if (own != null && own.lastHeader(HeaderPolicy.TOMBSTONE_HEADER) != null) {
      // [KB-21]: a forwarded record's authenticator belongs to its old record.
      own.remove(HeaderPolicy.TOMBSTONE_HEADER);
    }
    List<Header> secret = policy.secretHeaders(own);
    byte[] plain = inner.serialize(topic, headers, data);
    Optional<SealpostSettings.Target> target = plain == null ? tombstoneTarget(topic) : settings.resolve(topic, false);
    if (plain == null) {
      if (!secret.isEmpty()) {
        // [KB-20]: no envelope, so nowhere to carry them.
        throw new SealpostRecordException(SealpostRecordException.Reason.SECRET_HEADERS_ON_TOMBSTONE,
            ErrorCategory.INVALID_KEY_MATERIAL, topic, false,
            "a tombstone has no envelope to carry its secret headers " + names(secret) + "; remove them", null);
      }
      if (target.isPresent() && own != null && settings.bindValueToKey()) {
        // [KB-11]: an authenticator a consumer's tombstone policy can check.
        EncryptionContext c = context(() -> RecordBinding.tombstoneContext(topic, keyDigest(own, topic)), topic);
        own.add(HeaderPolicy.TOMBSTONE_HEADER, encrypt(target.get(), new byte[0], c, topic));
      }
      return null;
    }
    if (target.isEmpty()) {
      if (!secret.isEmpty()) {
        throw new SealpostRecordException(SealpostRecordException.Reason.SECRET_HEADERS_IN_CLEAR,
            ErrorCategory.INVALID_KEY_MATERIAL, topic, false,
            "the topic is not encrypted, so its secret headers " + names(secret) + " would go out in the clear [KB-20]",
            null);
      }
      return plain;
    }
    if (data == null) {
      throw innerBytesForNull(topic);
    }
    EncryptionContext context;
    if (own == null) {
      context = topicContext(topic); // [KB-9]
    } else {
      String k = settings.bindValueToKey() ? keyDigest(own, topic) : null;
      String h = RecordBinding.headersDigest(policy.authenticatedHeaders(own));
      context = context(() -> valueContexts.of(topic, k, h), topic);
    }
    // [KB-1], [KB-10]: secret headers travel in the frame and leave the record.
    // The frame's head and the payload go to the cipher one after the other, never joined.
    byte[] envelope = encrypt(target.get(), InnerFraming.head(secret), plain, context, topic);
    for (Header h : secret) {
      own.remove(h.key());
    }
    return envelope;
  }

  /** Where a tombstone would go: an unmapped topic is fine for a tombstone, it carries no data. */
  private Optional<SealpostSettings.Target> tombstoneTarget(String topic) {
    try {
      // The empty plaintext has nothing to compress [KB-24].
      return settings.resolve(topic, false).map(SealpostSettings.Target::uncompressed);
    } catch (SealpostRecordException e) {
      return Optional.empty();
    }
  }

  /** [KB-16]: from the key serializer of this very record, never from a header. */
  private String keyDigest(Headers headers, String topic) {
    return KeyDigestChannel.take(headers, topic).orElseThrow(() -> new SealpostRecordException(
        SealpostRecordException.Reason.NO_KEY_BINDING, ErrorCategory.INVALID_KEY_MATERIAL, topic, false,
        "the value is bound to the record key, but the key serializer is not a SealpostSerializer: use it as"
            + " key.serializer (" + SealpostKafkaConfig.KEY_MODE + "=clear keeps keys in the clear and only binds them),"
            + " or set " + SealpostKafkaConfig.VALUE_BIND_KEY + "=false on producers and consumers", null));
  }

  private byte[] encrypt(SealpostSettings.Target target, byte[] plain, EncryptionContext context, String topic) {
    try {
      return encryptor(target).encrypt(plain, context);
    } catch (SealpostException e) {
      throw new SealpostRecordException(SealpostRecordException.Reason.ENCRYPTION_FAILED, e.category(), topic, key,
          "cannot encrypt: " + e.getMessage(), e);
    }
  }

  /** As above, the plaintext being {@code head || plain}. */
  private byte[] encrypt(SealpostSettings.Target target, byte[] head, byte[] plain, EncryptionContext context, String topic) {
    try {
      return encryptor(target).encrypt(head, plain, 0, plain.length, context);
    } catch (SealpostException e) {
      throw new SealpostRecordException(SealpostRecordException.Reason.ENCRYPTION_FAILED, e.category(), topic, key,
          "cannot encrypt: " + e.getMessage(), e);
    }
  }

  private interface ContextSupplier {
    EncryptionContext get() throws SealpostException;
  }

  private EncryptionContext context(ContextSupplier s, String topic) {
    try {
      return s.get();
    } catch (SealpostException e) {
      throw new SealpostRecordException(SealpostRecordException.Reason.ENCRYPTION_FAILED, e.category(), topic, key,
          "cannot bind the record: " + e.getMessage(), e);
    }
  }

  /** Topic and part only, cached per topic: the key context [KB-3] or a header-less value [KB-9]. */
  private EncryptionContext topicContext(String topic) {
    if (binding == null) {
      binding = new TopicBinding(key);
    }
    TopicBinding b = binding;
    return context(() -> b.context(topic), topic);
  }

  private SealpostRecordException innerBytesForNull(String topic) {
    return new SealpostRecordException(SealpostRecordException.Reason.INNER_BYTES_FOR_NULL,
        ErrorCategory.INVALID_KEY_MATERIAL, topic, key,
        "the inner serializer returned bytes for a null " + (key ? "key" : "value")
            + " on an encrypted topic; they would be sent unencrypted", null);
  }

  private static String names(List<Header> headers) {
    List<String> out = new ArrayList<>();
    headers.forEach(h -> out.add(LogSafe.escape(h.key())));
    return out.toString();
  }

  /**
   * The topic-only external context (SPEC.md 7, [CTX-5]): that of record keys, and of values
   * serialized without headers. Values of records are bound to the whole record instead.
   */
  public static EncryptionContext externalContext(String topic, boolean key) throws SealpostException {
    return TopicBinding.of(topic, key);
  }

  @Override
  public void close() {
    if (inner != null) {
      inner.close();
    }
  }
}
