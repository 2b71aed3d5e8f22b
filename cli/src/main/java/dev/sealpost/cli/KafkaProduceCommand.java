package dev.sealpost.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sealpost.kafka.SealpostSerializer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "produce", mixinStandardHelpOptions = true,
    description = {"Write records from standard input (or --in) to a topic, encrypted by the adapter's serializer "
        + "configured from the properties file, exactly as an application's producer with the same file would.",
        "Input: one value per line (text), or one JSON object per line: {\"key\", \"value\", \"headers\"} "
            + "(bytes as keyBase64 / valueBase64; a null value is a tombstone). A record the serializer refuses "
            + "stops the run with its line number; the lines before it have been sent."},
    footerHeading = "%nExamples:%n",
    footer = {
      "  echo 'a payment' | sealpost kafka produce -F client.properties -t payments",
      "  printf 'order-1\\t12.50 EUR\\n' | sealpost kafka produce -F client.properties -t payments -K '\\t'",
      "  echo '{\"key\": \"order-1\", \"value\": \"12.50 EUR\", \"headers\": {\"x-tenant\": \"acme\"}}' \\",
      "      | sealpost kafka produce -F client.properties -t payments --format json",
      "",
      "Kafka's console producer cannot do this: it always sends with ByteArraySerializer, ignoring",
      "key.serializer and value.serializer in its configuration, so its records go out in plaintext."
    })
final class KafkaProduceCommand implements Callable<Integer> {
  enum Format { text, json }

  @Mixin KafkaClientOptions client;

  @Option(names = {"-t", "--topic"}, required = true, paramLabel = "TOPIC", description = "Topic to write to.")
  String topic;

  @Option(names = {"-p", "--partition"}, paramLabel = "N", description = "Partition (default: the producer's partitioner).")
  Integer partition;

  @Option(names = {"-f", "--format"}, paramLabel = "text|json", description = "text: one value per line; json: one {key, value, headers} per line.")
  Format format = Format.text;

  @Option(names = {"-K", "--key-delimiter"}, paramLabel = "DELIM",
      description = "text: each line is a key, this delimiter, then the value (\\t for a tab).")
  String keyDelimiter;

  @Option(names = {"-i", "--in"}, paramLabel = "FILE", description = "Input file (default: stdin).")
  Path in;

  @Override
  public Integer call() throws Exception {
    if (keyDelimiter != null && format == Format.json) {
      throw CliException.usage("--key-delimiter is for --format text; JSON lines carry their key");
    }
    String delimiter = keyDelimiter == null ? null : keyDelimiter.replace("\\t", "\t");
    if (delimiter != null && delimiter.isEmpty()) {
      throw CliException.usage("--key-delimiter must not be empty");
    }
    Map<String, Object> props = client.load();
    Map<String, Object> producerProps = KafkaCommand.clientOnly(props);
    producerProps.putIfAbsent("acks", "all");
    // The inner serializers are byte arrays: the input is bytes (UTF-8 text, or base64 in JSON).
    SealpostSerializer<byte[]> keys = new SealpostSerializer<>(new ByteArraySerializer());
    SealpostSerializer<byte[]> values = new SealpostSerializer<>(new ByteArraySerializer());
    keys.configure(props, true);
    values.configure(props, false);
    String name = in == null || in.toString().equals("-") ? "standard input" : in.toString();
    AtomicReference<Exception> sendFailure = new AtomicReference<>();
    AtomicLong acked = new AtomicLong();
    long sent = 0;
    long lineNo = 0;
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(
            in == null || in.toString().equals("-") ? Session.get().in : Files.newInputStream(in), StandardCharsets.UTF_8));
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps, keys, values)) {
      String line;
      while ((line = reader.readLine()) != null) {
        lineNo++;
        String where = name + " line " + lineNo;
        ProducerRecord<byte[], byte[]> record = format == Format.json ? fromJson(line, where) : fromText(line, delimiter, where);
        if (record == null) {
          continue;
        }
        try {
          producer.send(record, (meta, e) -> {
            if (e != null) {
              sendFailure.compareAndSet(null, e);
            } else {
              acked.incrementAndGet();
            }
          });
        } catch (RuntimeException e) {
          throw new CliException(where + ": " + Main.describe(e) + sentBefore(sent));
        }
        sent++;
        if (sendFailure.get() != null) {
          break;
        }
      }
      producer.flush();
    }
    if (sendFailure.get() != null) {
      throw new CliException("sending to " + topic + " failed: " + Main.describe(sendFailure.get())
          + "; " + acked.get() + " of " + sent + " records were acknowledged");
    }
    Session.get().err.println("sealpost: produced " + sent + (sent == 1 ? " record" : " records") + " from " + name + " to " + topic);
    return 0;
  }

  private static String sentBefore(long sent) {
    return sent == 0 ? "; nothing was sent" : "; the " + sent + " records before it were sent";
  }

  private ProducerRecord<byte[], byte[]> fromText(String line, String delimiter, String where) {
    byte[] key = null;
    String value = line;
    if (delimiter != null) {
      int cut = line.indexOf(delimiter);
      if (cut < 0) {
        throw new CliException(where + ": no key delimiter; every line is KEY" + delimiter.replace("\t", "\\t") + "VALUE");
      }
      key = line.substring(0, cut).getBytes(StandardCharsets.UTF_8);
      value = line.substring(cut + delimiter.length());
    }
    return new ProducerRecord<>(topic, partition, key, value.getBytes(StandardCharsets.UTF_8), new RecordHeaders());
  }

  /** A JSON line, or null for a blank one. */
  private ProducerRecord<byte[], byte[]> fromJson(String line, String where) {
    if (line.isBlank()) {
      return null;
    }
    JsonNode node;
    try {
      node = KafkaJson.MAPPER.readTree(line);
    } catch (JsonProcessingException e) {
      throw new CliException(where + ": not JSON: " + Main.oneLine(e.getOriginalMessage()));
    }
    if (node == null || !node.isObject()) {
      throw new CliException(where + ": expected a JSON object {\"key\", \"value\", \"headers\"}");
    }
    Headers headers = KafkaJson.readHeaders(node, where);
    Integer p = partition;
    if (node.hasNonNull("partition")) {
      p = node.get("partition").asInt();
    }
    return new ProducerRecord<>(topic, p, KafkaJson.bytes(node, "key", where), KafkaJson.bytes(node, "value", where), headers);
  }
}
