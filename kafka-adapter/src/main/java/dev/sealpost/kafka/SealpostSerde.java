package dev.sealpost.kafka;

import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A {@link Serde} for Kafka Streams: a {@link SealpostSerializer} and a {@link
 * SealpostDeserializer} around the application's serde. Works as {@code default.value.serde} /
 * {@code default.key.serde} (inner serde from {@code sealpost.value.inner.serde} / {@code
 * sealpost.key.inner.serde}), or programmatically with {@link #forValues} / {@link #forKeys}.
 *
 * <p>State stores serialize with the headers of the record being processed, not of the stored
 * value, so values of the store's changelog topic are bound to that topic name only (the
 * {@code sealpost.store.topics} pattern, by default {@code <application.id>-.*-changelog}; in
 * code, {@link SealpostSettings.Builder#storeTopics}); secret headers do not apply there.
 * The store's changelog and repartition topics ({@code <application.id>-<store>-changelog},
 * {@code ...-repartition}) need a key too: map them with a rule pattern or the default.
 */
public class SealpostSerde<T> implements Serde<T> {
  private Serde<T> inner;
  private SealpostSerializer<T> serializer;
  private SealpostDeserializer<T> deserializer;

  /** For Kafka's reflection: everything comes from {@link #configure}. */
  public SealpostSerde() {}

  /** An inner serde given as an object; {@code sealpost.*} properties come from {@link #configure}. */
  public SealpostSerde(Serde<T> inner) {
    this.inner = Objects.requireNonNull(inner, "inner");
  }

  private SealpostSerde(SealpostSerializer<T> serializer, SealpostDeserializer<T> deserializer) {
    this.serializer = serializer;
    this.deserializer = deserializer;
  }

  public static <T> SealpostSerde<T> forValues(Serde<T> inner, SealpostSettings settings) {
    return new SealpostSerde<>(
        SealpostSerializer.forValues(inner.serializer(), settings),
        SealpostDeserializer.forValues(inner.deserializer(), settings));
  }

  public static <T> SealpostSerde<T> forKeys(Serde<T> inner, SealpostSettings settings) {
    return new SealpostSerde<>(
        SealpostSerializer.forKeys(inner.serializer(), settings),
        SealpostDeserializer.forKeys(inner.deserializer(), settings));
  }

  @Override
  @SuppressWarnings("unchecked")
  public void configure(Map<String, ?> configs, boolean isKey) {
    if (serializer != null) {
      return; // configured programmatically
    }
    if (inner == null) {
      String serdeProperty = isKey ? SealpostKafkaConfig.KEY_INNER_SERDE : SealpostKafkaConfig.VALUE_INNER_SERDE;
      Class<?> cls = SealpostKafkaConfig.configuredClass(configs, serdeProperty);
      if (cls != null) {
        inner = SealpostKafkaConfig.instantiate(cls, Serde.class, serdeProperty);
      } else if (SealpostKafkaConfig.configuredClass(configs, isKey
              ? SealpostKafkaConfig.KEY_INNER_SERIALIZER : SealpostKafkaConfig.VALUE_INNER_SERIALIZER) == null) {
        inner = (Serde<T>) Serdes.ByteArray();
      }
    }
    SealpostSerializer<T> ser;
    SealpostDeserializer<T> de;
    if (inner != null) {
      inner.configure(configs, isKey);
      ser = new SealpostSerializer<>(inner.serializer(), true);
      de = new SealpostDeserializer<>(inner.deserializer(), true);
    } else {
      ser = new SealpostSerializer<>();
      de = new SealpostDeserializer<>();
    }
    ser.configure(configs, isKey);
    de.configure(configs, isKey);
    serializer = ser;
    deserializer = de;
  }

  @Override
  public Serializer<T> serializer() {
    if (serializer == null) {
      throw new IllegalStateException("SealpostSerde used before configure()");
    }
    return serializer;
  }

  @Override
  public Deserializer<T> deserializer() {
    if (deserializer == null) {
      throw new IllegalStateException("SealpostSerde used before configure()");
    }
    return deserializer;
  }

  @Override
  public void close() {
    if (serializer != null) {
      serializer.close();
    }
    if (deserializer != null) {
      deserializer.close();
    }
  }

}
