package dev.sealpost.kafka;

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
import java.util.regex.Pattern;
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
 *   <li>The topic is bound as external context (SPEC.md 7): a record copied to another topic
 *       fails to decrypt [CTX-5].
 *   <li>A topic with no key that is not listed as plaintext fails with {@link
 *       SealpostRecordException} ({@code NO_KEY_FOR_TOPIC}): nothing is sent in plaintext by
 *       mistake. Null (tombstones) stay null.
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
      } catch (SealpostException e) {
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
        e = Encryptor.builder()
            .suite(key ? Suite.AES_256_SIV : settings.valueSuite())
            .recipients(recipients)
            .dekPolicy(settings.dekPolicy())
            .build();
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
    Pattern secret = key ? null : settings.secretHeaders().orElse(null);
    if (data == null) {
      if (secret != null && headers != null && !secretHeaders(headers, secret).isEmpty()) {
        throw new SealpostRecordException(SealpostRecordException.Reason.SECRET_HEADERS_ON_TOMBSTONE,
            ErrorCategory.INVALID_KEY_MATERIAL, topic, key,
            "a tombstone has no envelope to carry its secret headers; remove them", null);
      }
      return inner.serialize(topic, headers, null);
    }
    Optional<SealpostSettings.Target> target = settings.resolve(topic, key);
    byte[] plain = inner.serialize(topic, headers, data);
    if (target.isEmpty() || plain == null) {
      return plain;
    }
    try {
      Encryptor encryptor = encryptor(target.get());
      if (key) {
        return encryptor.encrypt(plain, context(topic));
      }
      List<Header> moved = secret == null || headers == null ? List.of() : secretHeaders(headers, secret);
      byte[] framed = InnerFraming.encode(moved, plain);
      byte[] envelope = encryptor.encrypt(framed, context(topic));
      for (Header h : moved) {
        headers.remove(h.key());
      }
      return envelope;
    } catch (SealpostException e) {
      throw new SealpostRecordException(SealpostRecordException.Reason.ENCRYPTION_FAILED, e.category(), topic, key,
          "cannot encrypt: " + e.getMessage(), e);
    }
  }

  private static List<Header> secretHeaders(Headers headers, Pattern secret) {
    List<Header> out = new ArrayList<>();
    for (Header h : headers) {
      if (secret.matcher(h.key()).matches()) {
        out.add(h);
      }
    }
    return out;
  }

  private EncryptionContext context(String topic) throws SealpostException {
    if (binding == null) {
      binding = new TopicBinding(key);
    }
    return binding.context(topic);
  }

  /** The external context a record of {@code topic} is bound to (SPEC.md 7, [CTX-5]). */
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
