package dev.sealpost.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sealpost.codec.format.EnvelopeHeader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "consume", mixinStandardHelpOptions = true,
    description = {"Read an encrypted topic, like kcat -C: each record is decrypted by the adapter's deserializer "
        + "configured from the properties file, checked against its topic, key and authenticated headers.",
        "A record that fails is reported with its SPEC.md error category and the next one is read; the exit code "
            + "is then 1. No consumer group is joined and no offset is committed."},
    footerHeading = "%nExamples:%n",
    footer = {
      "  sealpost kafka consume -F client.properties -t payments --from-beginning -e",
      "  sealpost kafka consume -F client.properties -t payments -p 0 -o 42 -c 1 --format json",
      "  sealpost kafka consume -b kafka1:9092 -X sealpost.keyring.path=app.keyring -t payments -o -10 -e",
      "  sealpost kafka consume -F client.properties -t payments --from-beginning -e -K '\\t'",
      "",
      "JSON lines: {\"topic\", \"partition\", \"offset\", \"timestamp\", \"timestampType\", \"key\",",
      "  \"value\", \"headers\": [{\"name\", \"value\"}], \"envelope\": {\"key\", \"value\"} each",
      "  {\"suite\", \"recipients\": [{\"type\", \"keyId\", \"keyVersion\"}], \"signer\": {\"signerId\", \"version\",",
      "  \"mode\", \"verified\"}}, \"tombstone\": {\"authenticated\"}",
      "  (null values only), \"error\": {\"part\", \"category\", \"reason\", \"message\"}}.",
      "Bytes that are not UTF-8 appear as keyBase64 / valueBase64."
    })
final class KafkaConsumeCommand implements Callable<Integer> {
  enum Format { text, json }

  @Mixin KafkaClientOptions client;

  @Option(names = {"-t", "--topic"}, required = true, paramLabel = "TOPIC", description = "Topic to read.")
  String topic;

  @Option(names = {"-p", "--partition"}, paramLabel = "N", description = "Partition to read; repeatable (default: all).")
  List<Integer> partitions;

  @Option(names = {"-o", "--offset"}, paramLabel = "WHERE",
      description = "Where to start in each partition: beginning, end (the default), an offset N, or -N (N before the end).")
  String offset;

  @Option(names = "--from-beginning", description = "Same as -o beginning.")
  boolean fromBeginning;

  @Option(names = {"-c", "--count"}, paramLabel = "N", description = "Stop after N records (failed ones included).")
  Long count;

  @Option(names = {"-e", "--exit-at-end"}, description = "Stop at the end of the partitions (as they were at start).")
  boolean exitAtEnd;

  @Option(names = "--timeout", paramLabel = "SECONDS",
      description = "Stop when no record arrives for this long (default: wait for records until interrupted).")
  Double timeout;

  @Option(names = {"-f", "--format"}, paramLabel = "text|json", description = "text (the value, one per line) or json (one object per line).")
  Format format = Format.text;

  @Option(names = {"-K", "--key-delimiter"}, paramLabel = "DELIM",
      description = "text: print the key, this delimiter, then the value (\\t for a tab).")
  String keyDelimiter;

  @Override
  public Integer call() throws Exception {
    String where = fromBeginning ? "beginning" : offset == null ? "end" : offset;
    if (fromBeginning && offset != null) {
      throw CliException.usage("--from-beginning and --offset both say where to start; give one");
    }
    if (!where.matches("beginning|end|-?\\d+")) {
      throw CliException.usage("--offset must be beginning, end, N or -N, got '" + where + "'");
    }
    if (count != null && count < 1 || timeout != null && timeout <= 0) {
      throw CliException.usage("--count and --timeout must be positive");
    }
    String delimiter = keyDelimiter == null ? null : keyDelimiter.replace("\\t", "\t");
    Map<String, Object> props = client.load();
    Map<String, Object> consumerProps = KafkaCommand.clientOnly(props);
    consumerProps.put("enable.auto.commit", "false");
    consumerProps.put("allow.auto.create.topics", "false");
    consumerProps.remove("group.id"); // partitions are assigned, never joined: nothing to commit

    long seen = 0;
    long failed = 0;
    // Verified writers of the values, in first-seen order, for the summary (text lines carry values only).
    Map<String, Long> signers = new java.util.LinkedHashMap<>();
    try (RecordDecoder decoder = new RecordDecoder(props);
        KafkaConsumer<byte[], byte[]> consumer =
            new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> tps = partitions(consumer);
      consumer.assign(tps);
      Map<TopicPartition, Long> end = consumer.endOffsets(tps);
      seek(consumer, tps, where, end);
      OutputStream out = Session.get().out;
      long lastRecord = System.nanoTime();
      while (true) {
        if (exitAtEnd && atEnd(consumer, tps, end)) {
          break;
        }
        if (timeout != null && System.nanoTime() - lastRecord > (long) (timeout * 1e9)) {
          break;
        }
        var records = consumer.poll(Duration.ofMillis(200));
        if (!records.isEmpty()) {
          lastRecord = System.nanoTime();
        }
        for (ConsumerRecord<byte[], byte[]> r : records) {
          RecordDecoder.Decoded d = decoder.decode(r);
          if (d.failure != null) {
            failed++;
          } else if (d.valueSigner != null) {
            signers.merge(DecryptCommand.signer(d.valueSigner), 1L, Long::sum);
          }
          byte[] line = format == Format.json ? json(d) : text(d, delimiter);
          if (line != null) {
            out.write(line);
          }
          seen++;
          if (count != null && seen >= count) {
            break;
          }
        }
        out.flush();
        if (count != null && seen >= count) {
          break;
        }
      }
    }
    Session.get().err.println("sealpost: read " + seen + (seen == 1 ? " record" : " records") + " from " + topic
        + (failed == 0 ? "" : "; " + failed + " failed to decrypt (reported above)")
        + signers.entrySet().stream().map(e -> "; " + e.getValue() + " signed by " + e.getKey() + ", verified")
            .collect(java.util.stream.Collectors.joining()));
    return failed == 0 ? 0 : 1;
  }

  private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer) {
    // Listing answers at once; asking for an unknown topic's partitions waits out the timeout.
    List<PartitionInfo> infos = consumer.listTopics(Duration.ofSeconds(30)).get(topic);
    if (infos == null || infos.isEmpty()) {
      throw new CliException("no topic '" + topic + "' on " + client.describe());
    }
    List<TopicPartition> all = new ArrayList<>();
    infos.forEach(i -> all.add(new TopicPartition(topic, i.partition())));
    all.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
    if (partitions == null) {
      return all;
    }
    List<TopicPartition> chosen = new ArrayList<>();
    for (int p : partitions) {
      TopicPartition tp = new TopicPartition(topic, p);
      if (!all.contains(tp)) {
        throw CliException.usage("topic '" + topic + "' has no partition " + p + " (it has " + all.size() + ")");
      }
      chosen.add(tp);
    }
    return chosen;
  }

  private static void seek(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> tps, String where,
      Map<TopicPartition, Long> end) {
    if (where.equals("beginning")) {
      consumer.seekToBeginning(tps);
    } else if (where.equals("end")) {
      consumer.seekToEnd(tps);
    } else {
      long n = Long.parseLong(where);
      Map<TopicPartition, Long> begin = consumer.beginningOffsets(tps);
      for (TopicPartition tp : tps) {
        long target = n >= 0 ? n : end.get(tp) + n;
        consumer.seek(tp, Math.max(begin.get(tp), Math.min(target, end.get(tp))));
      }
    }
  }

  private static boolean atEnd(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> tps, Map<TopicPartition, Long> end) {
    for (TopicPartition tp : tps) {
      if (consumer.position(tp) < end.get(tp)) {
        return false;
      }
    }
    return true;
  }

  /** The value (and key), one line; a failure or a forged tombstone goes to stderr. */
  private byte[] text(RecordDecoder.Decoded d, String delimiter) {
    ConsumerRecord<byte[], byte[]> r = d.raw;
    String at = r.topic() + " partition " + r.partition() + " offset " + r.offset();
    if (d.failure != null) {
      RecordDecoder.Failure f = d.failure;
      Session.get().err.println("sealpost: " + at + ": record " + f.part() + ": "
          + (f.category() == null ? f.reason() : f.category()) + ": " + f.message());
      return null;
    }
    if (Boolean.FALSE.equals(d.tombstoneAuthenticated)) {
      Session.get().warn(at + ": tombstone without a valid sealpost.tombstone authenticator (not written by a holder of the topic's key for this key)");
    }
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    if (delimiter != null) {
      b.writeBytes(d.key == null ? new byte[0] : d.key);
      b.writeBytes(delimiter.getBytes(StandardCharsets.UTF_8));
    }
    b.writeBytes(d.value == null ? new byte[0] : d.value);
    b.write('\n');
    return b.toByteArray();
  }

  static byte[] json(RecordDecoder.Decoded d) throws Exception {
    ConsumerRecord<byte[], byte[]> r = d.raw;
    ObjectNode o = KafkaJson.MAPPER.createObjectNode();
    o.put("topic", r.topic()).put("partition", r.partition()).put("offset", r.offset())
        .put("timestamp", r.timestamp()).put("timestampType", r.timestampType().toString());
    KafkaJson.putBytes(o, "key", d.key);
    KafkaJson.putBytes(o, "value", d.value);
    o.set("headers", KafkaJson.headers(d.headers));
    ObjectNode env = o.putObject("envelope");
    EnvelopeHeader kh = RecordDecoder.header(r.key());
    EnvelopeHeader vh = RecordDecoder.header(r.value());
    if (kh != null) {
      env.set("key", KafkaJson.envelope(kh, d.keySigner));
    }
    if (vh != null) {
      env.set("value", KafkaJson.envelope(vh, d.valueSigner));
    }
    if (d.tombstoneAuthenticated != null) {
      o.putObject("tombstone").put("authenticated", d.tombstoneAuthenticated);
    }
    if (d.failure != null) {
      RecordDecoder.Failure f = d.failure;
      ObjectNode e = o.putObject("error").put("part", f.part());
      if (f.category() == null) {
        e.putNull("category");
      } else {
        e.put("category", f.category());
      }
      e.put("reason", f.reason()).put("message", f.message());
    }
    return (KafkaJson.MAPPER.writeValueAsString(o) + "\n").getBytes(StandardCharsets.UTF_8);
  }
}
