package dev.sealpost.kafka;

import dev.sealpost.codec.Decryptor;
import dev.sealpost.codec.EncryptionContext;
import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.format.EnvelopeHeader;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * A Kafka {@link Deserializer} that decrypts Sealpost envelopes and hands the plaintext to the
 * application's deserializer.
 *
 * <ul>
 *   <li>The topic is the external context: an envelope copied from another topic fails with
 *       {@code authentication-failed} [CTX-5].
 *   <li>A record without an envelope is rejected ({@code PLAINTEXT_REJECTED}, {@code
 *       not-an-envelope}) unless its topic is listed in {@code sealpost.plaintext.topics} or
 *       {@code sealpost.consume.plaintext.topics} [SEC-1]. Input that starts with the magic is
 *       always treated as an envelope [DET-2].
 *   <li>Secret headers found inside a value's envelope are put back on the record (after
 *       removing any clear header of the same name, or matching {@code sealpost.secret.headers},
 *       so a forged clear header cannot stand in for an authenticated one).
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
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    return deserialize(topic, null, data);
  }

  @Override
  public T deserialize(String topic, Headers headers, byte[] data) {
    if (settings == null) {
      throw new IllegalStateException("SealpostDeserializer used before configure()");
    }
    if (data == null) {
      return null;
    }
    if (!EnvelopeHeader.hasMagic(data, 0, data.length)) {
      if (settings.acceptsPlaintextOnConsume(topic)) {
        return inner.deserialize(topic, headers, data);
      }
      throw new SealpostRecordException(SealpostRecordException.Reason.PLAINTEXT_REJECTED,
          ErrorCategory.NOT_AN_ENVELOPE, topic, key,
          "record has no Sealpost envelope and the topic is not allowed to carry plaintext", null);
    }
    Decryptor decryptor = settings.decryptor().orElseThrow(() -> new SealpostRecordException(
        SealpostRecordException.Reason.DECRYPTION_FAILED, ErrorCategory.NO_MATCHING_KEY, topic, key,
        "no key to decrypt with is configured", null));
    byte[] plain;
    try {
      plain = decryptor.decrypt(data, context(topic));
    } catch (SealpostException e) {
      throw new SealpostRecordException(SealpostRecordException.Reason.DECRYPTION_FAILED, e.category(), topic, key,
          "cannot decrypt: " + e.getMessage(), e);
    }
    if (key) {
      return inner.deserialize(topic, headers, plain);
    }
    InnerFraming.Framed framed;
    try {
      framed = InnerFraming.decode(plain);
    } catch (InnerFraming.FramingException e) {
      throw new SealpostRecordException(SealpostRecordException.Reason.BAD_INNER_FRAMING,
          ErrorCategory.MALFORMED_HEADER, topic, key, "decrypted value is not framed: " + e.getMessage(), null);
    }
    if (headers != null) {
      restore(headers, framed);
    }
    return inner.deserialize(topic, headers, framed.payload());
  }

  private void restore(Headers headers, InnerFraming.Framed framed) {
    Pattern secret = settings.secretHeaders().orElse(null);
    Set<String> names = new HashSet<>();
    framed.headers().forEach(h -> names.add(h.key()));
    Set<String> forged = new HashSet<>();
    for (Header h : headers) {
      if (names.contains(h.key()) || (secret != null && secret.matcher(h.key()).matches())) {
        forged.add(h.key());
      }
    }
    forged.forEach(headers::remove);
    for (Header h : framed.headers()) {
      headers.add(h);
    }
  }

  private EncryptionContext context(String topic) {
    if (binding == null) {
      binding = new TopicBinding(key);
    }
    try {
      return binding.context(topic);
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
