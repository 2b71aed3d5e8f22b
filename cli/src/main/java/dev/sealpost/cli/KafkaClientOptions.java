package dev.sealpost.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * Where a Kafka command gets its client and {@code sealpost.*} properties: one properties file
 * (the same a producer or consumer would use, so SASL, TLS and the keys come from one place),
 * then {@code -X} overrides, then {@code --bootstrap-servers}.
 */
final class KafkaClientOptions {
  @Option(names = {"-b", "--bootstrap-servers"}, paramLabel = "HOST:PORT[,...]",
      description = "Brokers; overrides bootstrap.servers of --config.")
  String bootstrapServers;

  @Option(names = {"-F", "--config"}, paramLabel = "FILE",
      description = "Properties file: Kafka client properties (SASL, TLS, ...) and the sealpost.* properties "
          + "of the serializer and deserializer (keyring, topics, headers).")
  Path config;

  @Option(names = "-X", paramLabel = "PROP=VALUE", description = "A client or sealpost.* property; repeatable; overrides --config.")
  List<String> overrides;

  /** The merged properties; every run needs bootstrap servers and a configuration file or overrides. */
  Map<String, Object> load() throws IOException {
    return load(config, null);
  }

  /**
   * The properties of {@code file} (may be null) with the command line's overrides;
   * {@code fallbackBootstrap} serves when neither gives bootstrap servers.
   */
  Map<String, Object> load(Path file, Object fallbackBootstrap) throws IOException {
    Map<String, Object> props = new LinkedHashMap<>();
    if (file != null) {
      props.putAll(read(file));
    }
    if (overrides != null) {
      for (String o : overrides) {
        int eq = o.indexOf('=');
        if (eq <= 0) {
          throw CliException.usage("-X expects PROP=VALUE, got '" + o + "'");
        }
        props.put(o.substring(0, eq).trim(), o.substring(eq + 1));
      }
    }
    if (bootstrapServers != null) {
      props.put("bootstrap.servers", bootstrapServers);
    }
    if (!props.containsKey("bootstrap.servers") && fallbackBootstrap != null) {
      props.put("bootstrap.servers", fallbackBootstrap);
    }
    if (!props.containsKey("bootstrap.servers")) {
      throw CliException.usage("no brokers: give --bootstrap-servers or bootstrap.servers in --config");
    }
    return props;
  }

  static Map<String, Object> read(Path file) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (NoSuchFileException e) {
      throw new CliException("no such properties file: " + file);
    } catch (IOException e) {
      throw new CliException("cannot read properties file " + file + ": " + Main.reason(e));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
    // Only a file holding secrets is worth a warning; most client files are not.
    if (out.keySet().stream().anyMatch(k -> k.contains("password") || k.equals("sasl.jaas.config"))) {
      Io.warnIfShared(file, "client properties file (it holds a password)");
    }
    return out;
  }

  /** What names the configuration in messages. */
  String describe() {
    return config != null ? config.toString() : "the command line";
  }
}
