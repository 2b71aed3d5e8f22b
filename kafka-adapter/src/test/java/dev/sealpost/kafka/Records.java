package dev.sealpost.kafka;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * One record through a key and a value (de)serializer the way KafkaProducer and KafkaConsumer
 * call them: key first, then value, on one thread, with one Headers object; the consumer skips
 * the key deserializer for a null key and the value deserializer for a null value.
 */
final class Records {
  private Records() {}

  /** A record as stored by the broker. */
  static final class Wire {
    final String topic;
    final byte[] key;
    final byte[] value;
    final Headers headers;

    Wire(String topic, byte[] key, byte[] value, Headers headers) {
      this.topic = topic;
      this.key = key;
      this.value = value;
      this.headers = headers;
    }

    /** The same record with other parts, as a broker operator could store it. */
    Wire with(String topic, byte[] key, byte[] value, Headers headers) {
      return new Wire(topic, key, value, headers);
    }

    /** A fresh copy of the headers, as a consumer gets for each fetch. */
    Headers copyHeaders() {
      RecordHeaders copy = new RecordHeaders();
      for (Header h : headers) {
        copy.add(h.key(), h.value() == null ? null : h.value().clone());
      }
      return copy;
    }
  }

  /** A consumed record. */
  static final class Read<K, V> {
    final K key;
    final V value;
    final Headers headers;

    Read(K key, V value, Headers headers) {
      this.key = key;
      this.value = value;
      this.headers = headers;
    }
  }

  static <K, V> Wire produce(Serializer<K> keys, Serializer<V> values, String topic, K key, V value, Headers headers) {
    byte[] k = keys.serialize(topic, headers, key);
    byte[] v = values.serialize(topic, headers, value);
    return new Wire(topic, k, v, headers);
  }

  static <K, V> Wire produce(Serializer<K> keys, Serializer<V> values, String topic, K key, V value) {
    return produce(keys, values, topic, key, value, new RecordHeaders());
  }

  static <K, V> Read<K, V> consume(Deserializer<K> keys, Deserializer<V> values, Wire w) {
    Headers headers = w.copyHeaders();
    K key = w.key == null ? null : keys.deserialize(w.topic, headers, w.key);
    V value = w.value == null ? null : values.deserialize(w.topic, headers, w.value);
    return new Read<>(key, value, headers);
  }
}
