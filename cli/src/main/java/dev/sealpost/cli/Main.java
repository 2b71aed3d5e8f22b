package dev.sealpost.cli;

import dev.sealpost.codec.SealpostException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code sealpost} command. Every failure is one line on stderr and a non-zero exit: 2 for
 * bad usage, 1 for everything else (missing files, bad keys, envelopes that do not decrypt).
 */
@Command(
    name = "sealpost",
    mixinStandardHelpOptions = true,
    version = "sealpost 0.1.0",
    description = "Sealpost envelope encryption: keys, files and a Kafka demo.",
    subcommands = {
      KeygenCommand.class,
      EncryptCommand.class,
      DecryptCommand.class,
      InspectCommand.class,
      DemoCommand.class
    })
public final class Main implements Runnable {
  /** Standard input, replaceable for in-process runs. */
  static final ThreadLocal<InputStream> STDIN = ThreadLocal.withInitial(() -> System.in);
  static final ThreadLocal<PrintStream> STDOUT = ThreadLocal.withInitial(() -> System.out);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (keygen, encrypt, decrypt, inspect, demo)");
  }

  public static void main(String[] args) {
    System.exit(run(args, System.in, System.out, System.err));
  }

  /** Runs the command in-process and returns its exit code. */
  public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
    STDIN.set(in);
    STDOUT.set(out);
    try {
      CommandLine cli = new CommandLine(new Main());
      cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
      cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
      cli.setParameterExceptionHandler((e, a) -> {
        err.println("sealpost: " + e.getMessage() + " (see 'sealpost " + commandName(e.getCommandLine()) + "--help')");
        return 2;
      });
      cli.setExecutionExceptionHandler((e, c, p) -> {
        err.println("sealpost: " + describe(e));
        return 1;
      });
      return cli.execute(args);
    } finally {
      STDIN.remove();
      STDOUT.remove();
    }
  }

  private static String commandName(CommandLine c) {
    return c.getParent() == null ? "" : c.getCommandName() + " ";
  }

  static String describe(Throwable e) {
    if (e instanceof CliException || e instanceof SealpostException) {
      return oneLine(e.getMessage());
    }
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such file: " + e.getMessage();
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied: " + e.getMessage();
    }
    if (e instanceof java.io.IOException || e instanceof java.io.UncheckedIOException) {
      return "I/O error: " + oneLine(String.valueOf(e.getMessage()));
    }
    if (e instanceof org.apache.kafka.common.KafkaException) {
      return "Kafka: " + oneLine(e.getMessage() + (e.getCause() == null ? "" : ": " + e.getCause().getMessage()));
    }
    return e.getClass().getSimpleName() + ": " + oneLine(String.valueOf(e.getMessage()));
  }

  private static String oneLine(String s) {
    return s.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
  }
}
