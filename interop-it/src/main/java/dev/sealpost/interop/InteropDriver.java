package dev.sealpost.interop;

import dev.sealpost.kafka.SealpostDeserializer;
import dev.sealpost.kafka.SealpostSerializer;
import dev.sealpost.nats.NatsSealer;
import dev.sealpost.nats.NatsSealerConfig;
import dev.sealpost.nats.OpenedMessage;
import dev.sealpost.nats.SealedConnection;
import dev.sealpost.nats.SealedJetStream;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.impl.Headers;
import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The Java side of the cross-language tests: a separate process that the Python tests
 * (ports/python/tests/integration) start, which produces or consumes through the Java adapters.
 *
 * <p>Records and messages travel on standard input and output as one line each, five
 * tab-separated fields, all bytes in lowercase hex: topic or subject (UTF-8), key ({@code -} for
 * null), value or data ({@code -} for null), headers as comma-separated {@code name:value} pairs
 * ({@code name:-} for a null value, an empty field for none). Adapter settings come from a
 * properties file of {@code sealpost.*} keys, exactly as an application would configure them.
 *
 * <pre>
 * kafka-produce BOOTSTRAP PROPS              records on stdin; prints "produced N"
 * kafka-consume BOOTSTRAP PROPS TOPIC COUNT  prints COUNT opened records, or "error ..." (exit 2)
 * nats-publish  URL PROPS                    JetStream publish with acks; prints "published N"
 * nats-consume  URL PROPS SUBJECT COUNT      pull consumer on SUBJECT; prints COUNT opened messages
 * kv-put        URL PROPS BUCKET             Key-Value puts (key in the first field, value in the third)
 * kv-get        URL PROPS BUCKET             every key of the bucket (decrypted) and its value, sorted by key
 * </pre>
 */
public final class InteropDriver {
  private static final HexFormat HEX = HexFormat.of();
  private static final Duration WAIT = Duration.ofSeconds(30);

  private InteropDriver() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    try {
      switch (args[0]) {
        case "kafka-produce" -> kafkaProduce(args[1], load(args[2]), out);
        case "kafka-consume" -> kafkaConsume(args[1], load(args[2]), args[3], Integer.parseInt(args[4]), out);
        case "nats-publish" -> natsPublish(args[1], load(args[2]), out);
        case "nats-consume" -> natsConsume(args[1], load(args[2]), args[3], Integer.parseInt(args[4]), out);
        case "kv-put" -> kvPut(args[1], load(args[2]), args[3], out);
        case "kv-get" -> kvGet(args[1], load(args[2]), args[3], out);
        default -> throw new IllegalArgumentException("unknown command " + args[0]);
      }
    } catch (Exception e) {
      out.println("error " + e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage()).replace('\n', ' '));
      System.exit(2);
    }
    System.exit(0);
  }

  static Properties load(String path) throws Exception {
    Properties p = new Properties();
    try (InputStream in = new FileInputStream(path)) {
      p.load(in);
    }
    return p;
  }

  record Line(String name, byte[] key, byte[] value, List<Map.Entry<String, byte[]>> headers) {}

  static byte[] hexOrNull(String s) {
    return s.equals("-") ? null : HEX.parseHex(s);
  }

  static String hexOf(byte[] b) {
    return b == null ? "-" : HEX.formatHex(b);
  }

  static List<Line> readLines() throws Exception {
    List<Line> lines = new ArrayList<>();
    BufferedReader r = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String s; (s = r.readLine()) != null; ) {
      if (s.isEmpty()) {
        continue;
      }
      String[] f = s.split("\t", -1);
      List<Map.Entry<String, byte[]>> headers = new ArrayList<>();
      if (!f[3].isEmpty()) {
        for (String h : f[3].split(",")) {
          String[] nv = h.split(":", 2);
          headers.add(new java.util.AbstractMap.SimpleEntry<>(
              new String(HEX.parseHex(nv[0]), StandardCharsets.UTF_8), hexOrNull(nv[1])));
        }
      }
      lines.add(new Line(new String(HEX.parseHex(f[0]), StandardCharsets.UTF_8), hexOrNull(f[1]), hexOrNull(f[2]), headers));
    }
    return lines;
  }

  static String format(String name, byte[] key, byte[] value, List<Map.Entry<String, byte[]>> headers) {
    StringBuilder hs = new StringBuilder();
    for (Map.Entry<String, byte[]> h : headers) {
      if (hs.length() > 0) {
        hs.append(',');
      }
      hs.append(HEX.formatHex(h.getKey().getBytes(StandardCharsets.UTF_8))).append(':').append(hexOf(h.getValue()));
    }
    return HEX.formatHex(name.getBytes(StandardCharsets.UTF_8)) + "\t" + hexOf(key) + "\t" + hexOf(value) + "\t" + hs;
  }

  static void kafkaProduce(String bootstrap, Properties props, PrintStream out) throws Exception {
    Properties p = new Properties();
    p.putAll(props);
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, SealpostSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, SealpostSerializer.class.getName());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    List<Line> lines = readLines();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      for (Line l : lines) {
        RecordHeaders headers = new RecordHeaders();
        for (Map.Entry<String, byte[]> h : l.headers()) {
          headers.add(h.getKey(), h.getValue());
        }
        producer.send(new ProducerRecord<>(l.name(), null, l.key(), l.value(), headers)).get();
      }
    }
    out.println("produced " + lines.size());
  }

  static void kafkaConsume(String bootstrap, Properties props, String topic, int count, PrintStream out) {
    Properties p = new Properties();
    p.putAll(props);
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "interop-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, SealpostDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, SealpostDeserializer.class.getName());
    int seen = 0;
    long deadline = System.nanoTime() + WAIT.toNanos();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      consumer.subscribe(List.of(topic));
      while (seen < count && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          List<Map.Entry<String, byte[]>> headers = new ArrayList<>();
          for (Header h : r.headers()) {
            headers.add(new java.util.AbstractMap.SimpleEntry<>(h.key(), h.value()));
          }
          out.println(format(r.topic(), r.key(), r.value(), headers));
          seen++;
        }
      }
    }
    if (seen < count) {
      throw new IllegalStateException("timed out with " + seen + " of " + count + " records");
    }
  }

  static SealedConnection natsConnect(String url, Properties props) throws Exception {
    Map<String, Object> m = new HashMap<>();
    props.forEach((k, v) -> m.put(String.valueOf(k), v));
    NatsSealer sealer = new NatsSealer(NatsSealerConfig.parse(m));
    Connection nc = Nats.connect(Options.builder().server(url).connectionTimeout(WAIT).build());
    return new SealedConnection(nc, sealer);
  }

  static void natsPublish(String url, Properties props, PrintStream out) throws Exception {
    List<Line> lines = readLines();
    SealedConnection sc = natsConnect(url, props);
    try {
      SealedJetStream js = sc.jetStream();
      for (Line l : lines) {
        Headers headers = new Headers();
        for (Map.Entry<String, byte[]> h : l.headers()) {
          headers.add(h.getKey(), new String(h.getValue(), StandardCharsets.UTF_8));
        }
        js.publish(l.name(), headers, l.value());
      }
    } finally {
      sc.connection().close();
    }
    out.println("published " + lines.size());
  }

  static void natsConsume(String url, Properties props, String subject, int count, PrintStream out) throws Exception {
    SealedConnection sc = natsConnect(url, props);
    try {
      SealedJetStream.SealedPullSubscription sub = sc.jetStream().subscribePull(subject,
          PullSubscribeOptions.builder().configuration(ConsumerConfiguration.builder().filterSubject(subject).build()).build());
      int seen = 0;
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (seen < count && System.nanoTime() < deadline) {
        List<RuntimeException> errors = new ArrayList<>();
        for (OpenedMessage m : sub.fetch(count - seen, Duration.ofSeconds(2), errors::add)) {
          List<Map.Entry<String, byte[]>> headers = new ArrayList<>();
          Headers h = m.headers();
          if (h != null) {
            for (String name : new java.util.TreeSet<>(h.keySet())) {
              for (String v : h.get(name)) {
                headers.add(new java.util.AbstractMap.SimpleEntry<>(name, v.getBytes(StandardCharsets.UTF_8)));
              }
            }
          }
          out.println(format(m.subject(), null, m.data(), headers));
          m.ack();
          seen++;
        }
        if (!errors.isEmpty()) {
          throw errors.get(0);
        }
      }
      if (seen < count) {
        throw new IllegalStateException("timed out with " + seen + " of " + count + " messages");
      }
    } finally {
      sc.connection().close();
    }
  }

  static void kvPut(String url, Properties props, String bucket, PrintStream out) throws Exception {
    List<Line> lines = readLines();
    SealedConnection sc = natsConnect(url, props);
    try {
      var kv = sc.keyValue(bucket);
      for (Line l : lines) {
        kv.put(l.name(), l.value());
      }
    } finally {
      sc.connection().close();
    }
    out.println("put " + lines.size());
  }

  static void kvGet(String url, Properties props, String bucket, PrintStream out) throws Exception {
    SealedConnection sc = natsConnect(url, props);
    try {
      var kv = sc.keyValue(bucket);
      for (String key : new java.util.TreeSet<>(kv.keys())) {
        out.println(format(key, null, kv.get(key).value(), List.of()));
      }
    } finally {
      sc.connection().close();
    }
  }
}
