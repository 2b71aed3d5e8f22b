package dev.sealpost.kafka;

import dev.sealpost.codec.Decryptor;
import dev.sealpost.codec.TrustedWriters;
import dev.sealpost.codec.SealpostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumer policy for tombstones (records with a null value), which have no envelope of their
 * own: with {@code sealpost.tombstone.policy=drop-unauthenticated} (the default) a tombstone
 * reaches the application only when its {@code sealpost.tombstone} header is an envelope of the
 * empty plaintext bound to the topic and the record key [KB-11], [KB-12]; {@code accept} passes
 * every tombstone. Records with a value are never touched.
 *
 * <p>Install with {@code interceptor.classes=dev.sealpost.kafka.SealpostTombstoneInterceptor} and
 * {@link SealpostDeserializer} as key deserializer (it records the digest of the stored key
 * bytes, which the interceptor cannot see any more). An authenticated tombstone proves that a
 * holder of the topic's key wrote a tombstone for this key on this topic once; it can be replayed
 * later, and the broker can delete records without any tombstone. docs/kafka.md says more.
 *
 * <p>The consumer logs and ignores exceptions thrown by interceptors, so this class never throws
 * from {@link #onConsume}: a tombstone it cannot verify is dropped.
 */
public class SealpostTombstoneInterceptor<K, V> implements ConsumerInterceptor<K, V> {
  private static final Logger LOG = LoggerFactory.getLogger(SealpostTombstoneInterceptor.class);

  private boolean dropUnauthenticated = true;
  private Decryptor decryptor;
  /** The writers required per topic [KB-23]; none for an interceptor built in code. */
  private java.util.function.Function<String, TrustedWriters> trust = t -> TrustedWriters.none();
  private boolean configuredInCode;

  /** For Kafka's reflection: everything comes from {@link #configure}. */
  public SealpostTombstoneInterceptor() {}

  /** A configured interceptor, for code that builds its consumer by hand. */
  public SealpostTombstoneInterceptor(Decryptor decryptor, boolean dropUnauthenticated) {
    this.decryptor = dropUnauthenticated ? java.util.Objects.requireNonNull(decryptor, "decryptor") : decryptor;
    this.dropUnauthenticated = dropUnauthenticated;
    this.configuredInCode = true;
  }

  @Override
  public void configure(Map<String, ?> configs) {
    if (configuredInCode) {
      return;
    }
    dropUnauthenticated = SealpostKafkaConfig.dropUnauthenticatedTombstones(configs);
    if (dropUnauthenticated) {
      SealpostSettings settings = SealpostKafkaConfig.parse(configs);
      decryptor = settings.decryptor().orElseThrow(() -> new ConfigException(
          "sealpost: the tombstone policy drop-unauthenticated needs key material to check tombstones with"));
      trust = settings::trustFor;
    }
  }

  @Override
  public ConsumerRecords<K, V> onConsume(ConsumerRecords<K, V> records) {
    try {
      if (!dropUnauthenticated) {
        return records;
      }
      Map<TopicPartition, List<ConsumerRecord<K, V>>> kept = new HashMap<>();
      boolean dropped = false;
      for (TopicPartition tp : records.partitions()) {
        List<ConsumerRecord<K, V>> list = new ArrayList<>();
        for (ConsumerRecord<K, V> r : records.records(tp)) {
          if (r.value() != null || authenticated(r.topic(), r.headers(), r.key() == null)) {
            list.add(r);
          } else {
            dropped = true;
            LOG.warn("Dropped an unauthenticated tombstone at {}-{}@{} (sealpost.tombstone.policy=drop-unauthenticated)",
                r.topic(), r.partition(), r.offset());
          }
        }
        kept.put(tp, list);
      }
      if (!dropped) {
        return records;
      }
      Map<TopicPartition, OffsetAndMetadata> next = records.nextOffsets();
      return new ConsumerRecords<>(kept, next);
    } finally {
      KeyDigestChannel.clearTombstones();
    }
  }

  /** [KB-12]: exactly one authenticator, opening to the empty plaintext under this record's context. */
  boolean authenticated(String topic, Headers headers, boolean nullKey) {
    Header only = null;
    for (Header h : headers.headers(HeaderPolicy.TOMBSTONE_HEADER)) {
      if (only != null) {
        return false;
      }
      only = h;
    }
    if (only == null || only.value() == null) {
      return false;
    }
    // The key deserializer recorded the stored key's digest; Kafka skips it for a null key.
    Optional<String> key = KeyDigestChannel.tombstoneKey(headers, topic);
    if (key.isEmpty() && !nullKey) {
      return false;
    }
    try {
      byte[] authenticator = only.value();
      byte[] plain = decryptor.open(authenticator, 0, authenticator.length,
          RecordBinding.tombstoneContext(topic, key.orElse(RecordBinding.NULL_KEY)), trust.apply(topic)).plaintext();
      return plain.length == 0;
    } catch (SealpostException | RuntimeException e) {
      return false;
    }
  }

  @Override
  public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {}

  @Override
  public void close() {}
}
