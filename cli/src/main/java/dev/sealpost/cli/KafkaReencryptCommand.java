package dev.sealpost.cli;

import dev.sealpost.kafka.SealpostSerializer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "reencrypt", mixinStandardHelpOptions = true,
    description = {"Copy a topic to a new topic under new keys: every record is decrypted by the adapter's "
        + "deserializer (--config) and encrypted again by its serializer (--to-config, default the same file) for the "
        + "new topic, with its partition, timestamp, key and headers. Record keys get new bytes under the new KEK, so "
        + "a compacted topic keeps one record per key (the compaction re-key of docs/kafka.md).",
        "The records present when it starts are copied; the target must be new or empty (a new one gets the source's "
            + "partition count, replication factor and topic settings). A record that does not decrypt stops the run. "
            + "At the end the target's record count must equal the number of records read, or it fails."},
    footerHeading = "%nExamples:%n",
    footer = {
      "  sealpost kafka reencrypt -F client.properties --from payments --to payments-v2",
      "  sealpost kafka reencrypt -F old.properties --to-config new.properties --from payments --to payments-v2",
      "",
      "Plaintext exists only in this process's memory. Producers and consumers then move to the new topic."
    })
final class KafkaReencryptCommand implements Callable<Integer> {
  @Mixin KafkaClientOptions client;

  @Option(names = "--from", required = true, paramLabel = "TOPIC", description = "Source topic.")
  String from;

  @Option(names = "--to", required = true, paramLabel = "TOPIC", description = "Target topic: new, or empty.")
  String to;

  @Option(names = "--to-config", paramLabel = "FILE",
      description = "Properties for writing the target (its sealpost.* keys and topic mapping); default: --config. "
          + "--bootstrap-servers and -X apply to both.")
  Path toConfig;

  @Option(names = "--timeout", paramLabel = "SECONDS", description = "Bound on waiting for the cluster (default 60).")
  int timeoutSeconds = 60;

  @Override
  public Integer call() throws Exception {
    if (from.equals(to)) {
      throw CliException.usage("--from and --to are the same topic; re-encryption writes a new topic");
    }
    Map<String, Object> readProps = client.load();
    Map<String, Object> writeProps = toConfig == null ? readProps : client.load(toConfig, readProps.get("bootstrap.servers"));
    boolean acceptForgedTombstones = "accept".equals(readProps.get("sealpost.tombstone.policy"));
    Map<String, Object> adminProps = KafkaCommand.clientOnly(readProps);
    try (Admin admin = Admin.create(adminProps)) {
      int partitions = prepareTarget(admin);
      long read;
      AtomicLong acked = new AtomicLong();
      AtomicReference<Exception> sendFailure = new AtomicReference<>();
      Map<String, Object> consumerProps = KafkaCommand.clientOnly(readProps);
      consumerProps.put("enable.auto.commit", "false");
      consumerProps.remove("group.id");
      Map<String, Object> producerProps = KafkaCommand.clientOnly(writeProps);
      producerProps.put("acks", "all");
      producerProps.put("enable.idempotence", "true"); // no duplicates from retries: the count must be exact
      SealpostSerializer<byte[]> keys = new SealpostSerializer<>(new ByteArraySerializer());
      SealpostSerializer<byte[]> values = new SealpostSerializer<>(new ByteArraySerializer());
      keys.configure(writeProps, true);
      values.configure(writeProps, false);
      Progress progress = new Progress();
      try (RecordDecoder decoder = new RecordDecoder(readProps);
          KafkaConsumer<byte[], byte[]> consumer =
              new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer());
          KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps, keys, values)) {
        List<TopicPartition> tps = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
          tps.add(new TopicPartition(from, p));
        }
        consumer.assign(tps);
        consumer.seekToBeginning(tps);
        Map<TopicPartition, Long> end = consumer.endOffsets(tps);
        Map<TopicPartition, Long> begin = consumer.beginningOffsets(tps);
        long upTo = 0;
        for (TopicPartition tp : tps) {
          upTo += end.get(tp) - begin.get(tp);
        }
        read = 0;
        while (!done(consumer, tps, end)) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            if (r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
              continue; // written after the start: not part of this copy
            }
            RecordDecoder.Decoded d = decoder.decode(r);
            String at = from + " partition " + r.partition() + " offset " + r.offset();
            if (d.failure != null) {
              throw new CliException(at + ": record " + d.failure.part() + ": "
                  + (d.failure.category() == null ? d.failure.reason() : d.failure.category()) + ": " + d.failure.message()
                  + partial(read));
            }
            if (Boolean.FALSE.equals(d.tombstoneAuthenticated) && !acceptForgedTombstones) {
              throw new CliException(at + ": tombstone without a valid sealpost.tombstone authenticator: copying it would "
                  + "authenticate it under the new key (set sealpost.tombstone.policy=accept to copy such tombstones)" + partial(read));
            }
            ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(to, r.partition(),
                r.timestamp() >= 0 ? r.timestamp() : null, d.key, d.value, d.headers);
            try {
              producer.send(out, (meta, e) -> {
                if (e != null) {
                  sendFailure.compareAndSet(null, e);
                } else {
                  acked.incrementAndGet();
                }
              });
            } catch (RuntimeException e) {
              throw new CliException(at + ": cannot encrypt for " + to + ": " + Main.describe(e) + partial(read));
            }
            read++;
            progress.show(read, upTo);
          }
          if (sendFailure.get() != null) {
            break;
          }
        }
        producer.flush();
        progress.done();
      }
      if (sendFailure.get() != null) {
        throw new CliException("writing " + to + " failed: " + Main.describe(sendFailure.get()) + partial(acked.get()));
      }
      long held = count(admin, to);
      if (held != read || acked.get() != read) {
        throw new CliException("count mismatch: read " + read + " records from " + from + ", " + acked.get()
            + " acknowledged, but " + to + " holds " + held + "; do not switch to " + to);
      }
      Session.get().text.println("re-encrypted " + read + (read == 1 ? " record" : " records") + " from " + from + " to " + to
          + " (" + partitions + (partitions == 1 ? " partition" : " partitions") + "); " + to + " holds " + held
          + " records: count checked");
      return 0;
    }
  }

  private String partial(long written) {
    return written == 0 ? "; nothing was written to " + to
        : "; " + written + " records were already written to " + to + ": delete it before trying again";
  }

  /** Checks the source, creates the target or checks it is empty; returns the source's partition count. */
  private int prepareTarget(Admin admin) throws Exception {
    Map<String, TopicDescription> described;
    try {
      described = admin.describeTopics(List.of(from)).allTopicNames().get(timeoutSeconds, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new CliException("cannot describe source topic '" + from + "': " + Main.describe(e.getCause()));
    }
    TopicDescription source = described.get(from);
    int partitions = source.partitions().size();
    if (admin.listTopics().names().get(timeoutSeconds, TimeUnit.SECONDS).contains(to)) {
      TopicDescription target = admin.describeTopics(List.of(to)).allTopicNames().get(timeoutSeconds, TimeUnit.SECONDS).get(to);
      if (target.partitions().size() < partitions) {
        throw new CliException("target topic '" + to + "' has " + target.partitions().size() + " partitions, fewer than the "
            + partitions + " of '" + from + "': records keep their partition");
      }
      long held = count(admin, to);
      if (held != 0) {
        throw new CliException("target topic '" + to + "' is not empty (" + held + " records): give a new topic");
      }
      return partitions;
    }
    ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, from);
    Config config = admin.describeConfigs(List.of(res)).all().get(timeoutSeconds, TimeUnit.SECONDS).get(res);
    Map<String, String> settings = new HashMap<>();
    for (ConfigEntry e : config.entries()) {
      // Only what was set on the source topic itself (cleanup.policy, retention, ...).
      if (e.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG && e.value() != null) {
        settings.put(e.name(), e.value());
      }
    }
    short replication = (short) source.partitions().get(0).replicas().size();
    admin.createTopics(List.of(new NewTopic(to, partitions, replication).configs(settings)))
        .all().get(timeoutSeconds, TimeUnit.SECONDS);
    return partitions;
  }

  /** Records a topic holds: the sum over its partitions of end minus beginning offsets. */
  private long count(Admin admin, String topic) throws Exception {
    TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(timeoutSeconds, TimeUnit.SECONDS).get(topic);
    Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> earliest = new HashMap<>();
    Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new HashMap<>();
    d.partitions().forEach(p -> {
      earliest.put(new TopicPartition(topic, p.partition()), org.apache.kafka.clients.admin.OffsetSpec.earliest());
      latest.put(new TopicPartition(topic, p.partition()), org.apache.kafka.clients.admin.OffsetSpec.latest());
    });
    long n = 0;
    var b = admin.listOffsets(earliest).all().get(timeoutSeconds, TimeUnit.SECONDS);
    var e = admin.listOffsets(latest).all().get(timeoutSeconds, TimeUnit.SECONDS);
    for (TopicPartition tp : e.keySet()) {
      n += e.get(tp).offset() - b.get(tp).offset();
    }
    return n;
  }

  private static boolean done(KafkaConsumer<byte[], byte[]> consumer, Collection<TopicPartition> tps, Map<TopicPartition, Long> end) {
    for (TopicPartition tp : tps) {
      if (consumer.position(tp) < end.get(tp)) {
        return false;
      }
    }
    return true;
  }

  /** A progress line on the terminal's stderr, at most twice a second; nothing when not on a terminal. */
  private static final class Progress {
    private final boolean on = Session.get().prompter != null; // a terminal is attached
    private long last;

    void show(long n, long total) {
      long now = System.nanoTime();
      if (on && now - last > 500_000_000L) {
        last = now;
        Session.get().err.printf(Locale.ROOT, "\rsealpost: %,d of at most %,d records", n, total);
      }
    }

    void done() {
      if (on && last != 0) {
        Session.get().err.print("\r\033[K");
      }
    }
  }
}
