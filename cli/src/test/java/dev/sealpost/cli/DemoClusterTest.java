package dev.sealpost.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealpost.codec.keys.KeyringFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 11, item 7: the demo against a cluster (here a broker the test starts) says so, cleans up, keeps what it is asked to. */
class DemoClusterTest {
  private static EmbeddedBroker broker;
  private static String bootstrap;

  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    broker = new EmbeddedBroker();
    bootstrap = broker.bootstrapServers();
  }

  @AfterAll
  static void stop() throws Exception {
    broker.close();
  }

  private static Set<String> topics() throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      return admin.listTopics().names().get();
    }
  }

  private static boolean eventuallyGone(String topic) throws Exception {
    for (int i = 0; i < 50; i++) {
      if (!topics().contains(topic)) {
        return true;
      }
      Thread.sleep(200);
    }
    return false;
  }

  private Path clientProperties(String text) throws Exception {
    Path p = dir.resolve("client.properties");
    Files.writeString(p, text);
    return p;
  }

  @Test
  void saysItUsesTheClusterAndDeletesItsTopic() throws Exception {
    Path props = clientProperties("client.id=sealpost-demo-test\n");
    CliTest.Result r = CliTest.run("demo", "--bootstrap-servers", bootstrap, "--client-properties", props.toString(),
        "--records", "50", "--topic", "demo-deleted");
    String out = r.outText();
    assertEquals(0, r.code(), r.err() + out);
    assertTrue(out.contains("Using the cluster at " + bootstrap + " (no embedded broker), client properties from " + props), out);
    assertFalse(out.contains("broker in this JVM"), out);
    assertTrue(out.contains("cluster at " + bootstrap + ";"), out);
    assertTrue(out.contains("Deleted topic demo-deleted"), out);
    assertTrue(eventuallyGone("demo-deleted"));
  }

  @Test
  void keepsTheTopicAndTheKeyringWhenAsked() throws Exception {
    Path ring = dir.resolve("demo.keyring");
    CliTest.Result r = CliTest.run("demo", "--bootstrap-servers", bootstrap, "--records", "50", "--topic", "demo-kept",
        "--keep-keyring", ring.toString());
    String out = r.outText();
    assertEquals(0, r.code(), r.err() + out);
    assertTrue(out.contains("Kept topic demo-kept."), out);
    assertTrue(out.contains("Kept the keyring in " + ring), out);
    assertTrue(topics().contains("demo-kept"));
    assertTrue(KeyringFile.load(ring).holds("payments", 1));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(ring)));
    // The keyring is never overwritten.
    CliTest.assertOneLineError(CliTest.run("demo", "--bootstrap-servers", bootstrap, "--keep-keyring", ring.toString()), 1,
        "already exists");
  }

  @Test
  void neverDeletesATopicItDidNotCreate() throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin.createTopics(List.of(new NewTopic("demo-existing", 3, (short) 1))).all().get();
    }
    CliTest.Result r = CliTest.run("demo", "--bootstrap-servers", bootstrap, "--records", "20", "--topic", "demo-existing");
    assertEquals(0, r.code(), r.err() + r.outText());
    assertTrue(r.outText().contains("Kept topic demo-existing: it existed before the demo."), r.outText());
    assertTrue(topics().contains("demo-existing"));
  }

  @Test
  void clientPropertiesAreUsed() throws Exception {
    // A setting the clients reject proves the file reaches them.
    Path props = clientProperties("security.protocol=NOT_A_PROTOCOL\n");
    CliTest.Result r = CliTest.run("demo", "--bootstrap-servers", bootstrap, "--client-properties", props.toString(),
        "--records", "10", "--timeout-seconds", "5");
    CliTest.assertOneLineError(r, 1, "NOT_A_PROTOCOL");
    CliTest.assertOneLineError(CliTest.run("demo", "--client-properties", props.toString()), 2, "--bootstrap-servers");
  }
}
