package dev.sealpost.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/** A single-node KRaft broker (combined controller and broker) inside this JVM, from Kafka's test kit. */
final class EmbeddedBroker implements AutoCloseable {
  private final KafkaClusterTestKit kit;

  EmbeddedBroker() throws Exception {
    TestKitNodes nodes = new TestKitNodes.Builder()
        .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build();
    kit = new KafkaClusterTestKit.Builder(nodes)
        .setConfigProp("offsets.topic.replication.factor", "1")
        .setConfigProp("offsets.topic.num.partitions", "1")
        .setConfigProp("group.initial.rebalance.delay.ms", "0")
        .setConfigProp("num.network.threads", "2")
        .setConfigProp("num.io.threads", "2")
        .build();
    // The storage formatter prints to System.out; the demo has its own output.
    PrintStream stdout = System.out;
    System.setOut(new PrintStream(OutputStream.nullOutputStream()));
    try {
      kit.format();
    } finally {
      System.setOut(stdout);
    }
    kit.startup();
    kit.waitForReadyBrokers();
  }

  String bootstrapServers() {
    return kit.bootstrapServers();
  }

  /** The broker's data directory. */
  Path dataDirectory() {
    return Path.of(kit.nodes().baseDirectory());
  }

  /** Log segment files of a topic's partitions under {@code root}. */
  static List<Path> segmentFiles(Path root, String topic) throws IOException {
    List<Path> out = new ArrayList<>();
    String partitionDir = java.util.regex.Pattern.quote(topic) + "-\\d+";
    try (Stream<Path> files = Files.walk(root)) {
      files.filter(p -> p.getFileName().toString().endsWith(".log"))
          .filter(p -> p.getParent() != null && p.getParent().getFileName().toString().matches(partitionDir))
          .forEach(out::add);
    }
    return out;
  }

  @Override
  public void close() throws Exception {
    kit.close();
  }
}
