package dev.sealpost.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "kafka", mixinStandardHelpOptions = true,
    description = "Read, write and re-key encrypted Kafka topics through the adapter's serializer and deserializer, "
        + "configured by the same properties file as an application's clients.",
    subcommands = {KafkaConsumeCommand.class, KafkaProduceCommand.class, KafkaReencryptCommand.class},
    footerHeading = "%nExamples:%n",
    footer = {
      "  sealpost kafka consume -F client.properties -t payments --from-beginning -e --format json",
      "  echo 'a payment' | sealpost kafka produce -F client.properties -t payments",
      "  sealpost kafka reencrypt -F client.properties --from payments --to payments-v2",
      "",
      "The properties file holds Kafka client settings (bootstrap.servers, SASL, TLS) and the sealpost.*",
      "properties of docs/kafka.md; serializer, deserializer and interceptor settings in it are ignored."
    })
final class KafkaCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "choose a subcommand: consume, produce or reencrypt");
  }

  /**
   * The client's own properties: without sealpost.* (read by the serializers, unknown to the
   * client) and without serializer, deserializer and interceptor classes, which the command
   * supplies itself; a consumer's interceptor list would not load in a producer anyway.
   */
  static Map<String, Object> clientOnly(Map<String, Object> props) {
    Map<String, Object> out = new LinkedHashMap<>();
    props.forEach((k, v) -> {
      if (!k.startsWith("sealpost.") && !k.equals("key.serializer") && !k.equals("value.serializer")
          && !k.equals("key.deserializer") && !k.equals("value.deserializer") && !k.equals("interceptor.classes")) {
        out.put(k, v);
      }
    });
    return out;
  }
}
