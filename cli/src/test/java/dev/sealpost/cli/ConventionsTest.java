package dev.sealpost.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Issue 11, item 6: help with examples, exit codes, version, completion, launcher, hints, names. */
class ConventionsTest {
  @TempDir Path dir;

  private static List<List<String>> commands(CommandLine c, List<String> path) {
    List<List<String>> all = new ArrayList<>();
    all.add(path);
    for (var e : c.getSubcommands().entrySet()) {
      if (!e.getKey().equals("help")) {
        List<String> p = new ArrayList<>(path);
        p.add(e.getKey());
        all.addAll(commands(e.getValue(), p));
      }
    }
    return all;
  }

  @Test
  void everyCommandHasHelpWithExamples() {
    Session s = new Session(System.in, new ByteArrayOutputStream(), new PrintStream(new ByteArrayOutputStream()), false, null, false);
    List<List<String>> all = commands(Main.commandLine(s), List.of());
    assertTrue(all.size() >= 16, "the command tree: " + all);
    for (List<String> cmd : all) {
      List<String> args = new ArrayList<>(cmd);
      args.add("--help");
      CliTest.Result r = CliTest.run(args.toArray(String[]::new));
      assertEquals(0, r.code(), cmd + ": " + r.err());
      String help = r.outText();
      assertTrue(help.startsWith("Usage: sealpost"), cmd + ": " + help);
      assertTrue(help.contains("Examples") || help.contains("Example"), cmd + " has no examples:\n" + help);
      for (String line : help.lines().toList()) {
        assertTrue(line.length() <= 100, cmd + ": line over 100 columns: " + line);
      }
    }
    CliTest.Result viaHelp = CliTest.run("help", "encrypt");
    assertEquals(0, viaHelp.code(), viaHelp.err());
    assertTrue(viaHelp.outText().startsWith("Usage: sealpost encrypt"), viaHelp.outText());
  }

  @Test
  void exitCodes() {
    assertEquals(0, CliTest.run("--version").code());
    CliTest.assertOneLineError(CliTest.run("inspect", "--in", dir.resolve("missing.sp").toString()), 1, "missing.sp");
    CliTest.assertOneLineError(CliTest.run("inspect", "--no-such-option"), 2, "--no-such-option");
    // The hint names the real command, not just its last word.
    CliTest.assertOneLineError(CliTest.run("keygen", "kek", "--key-id", "x"), 2, "(see 'sealpost keygen kek --help')");
    CliTest.assertOneLineError(CliTest.run("keys"), 2, "list, add");
  }

  @Test
  void versionIsTheBuildVersion() {
    String expected = System.getProperty("sealpost.expected.version");
    assertNotNull(expected, "set by the POM");
    CliTest.Result r = CliTest.run("--version");
    assertTrue(r.outText().startsWith("sealpost " + expected + " "), r.outText());
  }

  @Test
  void completionScript() throws Exception {
    CliTest.Result r = CliTest.run("completion", "bash");
    assertEquals(0, r.code(), r.err());
    String script = r.outText();
    assertTrue(script.contains("complete -F"), script.substring(0, Math.min(300, script.length())));
    for (String word : new String[] {"keygen", "keys", "promote", "rewrap", "--keyring-password-env"}) {
      assertTrue(script.contains(word), word);
    }
    Path file = dir.resolve("sealpost.bash");
    Files.writeString(file, script);
    if (Files.isExecutable(Path.of("/bin/bash"))) {
      Process p = new ProcessBuilder("/bin/bash", "-n", file.toString()).redirectErrorStream(true).start();
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
      assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes(), UTF_8));
    }
    CliTest.assertOneLineError(CliTest.run("completion", "fish"), 2, "fish");
  }

  @Test
  void launcherHonoursJavaHome() throws Exception {
    // The launcher in a copy of the layout, with a fake java that reports how it was called.
    Path root = Path.of(System.getProperty("sealpost.root"));
    Path copy = dir.resolve("sealpost");
    Files.createDirectories(copy.resolve("bin"));
    Files.createDirectories(copy.resolve("cli/target"));
    Files.copy(root.resolve("bin/sealpost"), copy.resolve("bin/sealpost"));
    Files.write(copy.resolve("cli/target/sealpost.jar"), new byte[0]);
    Path javaHome = dir.resolve("jdk");
    Files.createDirectories(javaHome.resolve("bin"));
    Path fakeJava = javaHome.resolve("bin/java");
    Files.writeString(fakeJava, "#!/bin/sh\necho \"fake java $*\"\n");
    Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwx------"));

    ProcessBuilder pb = new ProcessBuilder("sh", copy.resolve("bin/sealpost").toString(), "--version").redirectErrorStream(true);
    pb.environment().put("JAVA_HOME", javaHome.toString());
    pb.environment().put("SEALPOST_JAVA_OPTS", "-Xmx1g");
    Process p = pb.start();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    String out = new String(p.getInputStream().readAllBytes(), UTF_8);
    assertEquals(0, p.exitValue(), out);
    // The launcher also tells the JVM whether stderr is a terminal (here it is not), for progress.
    assertEquals("fake java -Xmx1g -Dsealpost.stderr.terminal=false -jar " + copy.resolve("cli/target/sealpost.jar")
        + " --version", out.strip());

    pb.environment().put("JAVA_HOME", dir.resolve("no-such-jdk").toString());
    p = pb.start();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    out = new String(p.getInputStream().readAllBytes(), UTF_8);
    assertEquals(1, p.exitValue(), out);
    assertTrue(out.startsWith("sealpost: JAVA_HOME is "), out);
  }

  @Test
  void decryptHintsForTheTwoCommonestFailures() {
    String ring = dir.resolve("app.keyring").toString();
    assertEquals(0, CliTest.run("keygen", "kek", "--keyring", ring, "--key-id", "orders").code());
    byte[] record = CliTest.run("value".getBytes(UTF_8), "encrypt", "--keyring", ring, "--kek", "orders",
        "--context", "kafka.topic=payments", "--context", "kafka.record.part=value").out();
    // 1. No --context for an envelope that has one.
    CliTest.assertOneLineError(CliTest.run(record, "decrypt", "--keyring", ring), 1, "hint: no --context was given");
    CliTest.assertOneLineError(CliTest.run(record, "decrypt", "--keyring", ring), 1, "kafka.record.key-sha256");
    // 1b. The record binding's two digests missing: topic and part alone do not open a record value.
    byte[] bound = CliTest.run("value".getBytes(UTF_8), "encrypt", "--keyring", ring, "--kek", "orders",
        "--context", "kafka.topic=payments", "--context", "kafka.record.part=value",
        "--context", "kafka.record.key-sha256=null", "--context", "kafka.record.headers-sha256=x").out();
    CliTest.assertOneLineError(CliTest.run(bound, "decrypt", "--keyring", ring, "--context", "kafka.topic=payments",
        "--context", "kafka.record.part=value"), 1, "also bound to kafka.record.key-sha256 and kafka.record.headers-sha256");
    // 2. kcat's newline after the record.
    byte[] withNewline = java.util.Arrays.copyOf(record, record.length + 1);
    withNewline[record.length] = '\n';
    CliTest.Result r = CliTest.run(withNewline, "decrypt", "--keyring", ring, "--context", "kafka.topic=payments",
        "--context", "kafka.record.part=value");
    CliTest.assertOneLineError(r, 1, "kcat prints one after each record unless run with -f '%s'");
    assertTrue(r.err().startsWith("sealpost: standard input: "), r.err());
  }

  @Test
  void messagesNameTheirInput() throws Exception {
    Path junk = dir.resolve("junk.sp");
    Files.writeString(junk, "hello, world");
    CliTest.assertOneLineError(CliTest.run("inspect", "--in", junk.toString()), 1, junk + ": not-an-envelope");
    CliTest.assertOneLineError(CliTest.run("hello".getBytes(UTF_8), "inspect"), 1, "standard input: not-an-envelope");
    assertFalse(CliTest.run("hello".getBytes(UTF_8), "inspect").err().contains("Exception"));
  }
}
