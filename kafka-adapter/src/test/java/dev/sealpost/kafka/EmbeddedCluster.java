package dev.sealpost.kafka;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/** One in-JVM KRaft broker (combined controller and broker) from Kafka's own test kit. */
final class EmbeddedCluster implements AutoCloseable {
  private final KafkaClusterTestKit kit;

  EmbeddedCluster() throws Exception {
    TestKitNodes nodes = new TestKitNodes.Builder()
        .setCombined(true)
        .setNumBrokerNodes(1)
        .setNumControllerNodes(1)
        .build();
    kit = new KafkaClusterTestKit.Builder(nodes)
        .setConfigProp("log.cleaner.backoff.ms", "100")
        .setConfigProp("log.cleaner.threads", "1")
        .setConfigProp("log.cleaner.dedupe.buffer.size", String.valueOf(4 * 1024 * 1024))
        .setConfigProp("offsets.topic.replication.factor", "1")
        .setConfigProp("offsets.topic.num.partitions", "1")
        .setConfigProp("transaction.state.log.replication.factor", "1")
        .setConfigProp("group.initial.rebalance.delay.ms", "0")
        .setConfigProp("num.network.threads", "2")
        .setConfigProp("num.io.threads", "2")
        .build();
    kit.format();
    kit.startup();
    kit.waitForReadyBrokers();
  }

  String bootstrapServers() {
    return kit.bootstrapServers();
  }

  void createTopic(String name, int partitions, Map<String, String> config) throws Exception {
    try (Admin admin = kit.admin()) {
      admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(config))).all().get();
    }
  }

  /** Every log segment file ({@code *.log}) of the topic's partitions on the broker's disks. */
  List<Path> segmentFiles(String topic) throws IOException {
    List<Path> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(Path.of(kit.nodes().baseDirectory()))) {
      files.filter(p -> p.getFileName().toString().endsWith(".log"))
          .filter(p -> p.getParent().getFileName().toString().matches(java.util.regex.Pattern.quote(topic) + "-\\d+"))
          .forEach(out::add);
    }
    return out;
  }

  @Override
  public void close() throws Exception {
    kit.close();
  }
}
