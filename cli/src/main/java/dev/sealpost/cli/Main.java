package dev.sealpost.cli;

import dev.sealpost.codec.SealpostException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code sealpost} command. Every failure is one line on stderr and a non-zero exit: 2 for
 * bad usage, 1 for everything else (missing files, bad keys, envelopes that do not decrypt,
 * failed writes, standard output included).
 */
@Command(
    name = "sealpost",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Sealpost envelope encryption: keys, files and a Kafka demo.",
    footerHeading = "%nExit codes:%n",
    footer = {
      "  0  success",
      "  1  failure: I/O, keys, an envelope that does not decrypt",
      "  2  usage: unknown or missing option, a command line that cannot work",
      "",
      "Examples:",
      "  sealpost keygen kek --keyring app.keyring --key-id orders",
      "  sealpost encrypt --keyring app.keyring --kek orders --in db.dump --out db.sp",
      "  sealpost decrypt --keyring app.keyring --in db.sp --out db.dump",
      "  sealpost help keys"
    },
    subcommands = {
      CommandLine.HelpCommand.class,
      KeygenCommand.class,
      KeysCommand.class,
      EncryptCommand.class,
      DecryptCommand.class,
      RewrapCommand.class,
      InspectCommand.class,
      CompletionCommand.class,
      DemoCommand.class
    })
public final class Main implements Runnable {
  static final int EXIT_OK = 0;
  static final int EXIT_FAILURE = 1;
  static final int EXIT_USAGE = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (see 'sealpost --help')");
  }

  public static void main(String[] args) {
    System.exit(run(args, Session.process()));
  }

  /** Runs in-process without a terminal; for tests and embedding. */
  public static int run(String[] args, InputStream in, OutputStream out, PrintStream err) {
    return run(args, new Session(in, out, err, false, null, false));
  }

  static int run(String[] args, Session session) {
    Session.set(session);
    PrintStream err = session.err;
    try {
      int code;
      try {
        code = commandLine(session).execute(args);
      } catch (OutOfMemoryError e) {
        // The input checks keep this rare; it must still be one line, not a stack trace.
        err.println("sealpost: out of memory (heap " + (Runtime.getRuntime().maxMemory() >> 20)
            + " MiB): the input does not fit; raise the heap, e.g. SEALPOST_JAVA_OPTS=-Xmx4g");
        return EXIT_FAILURE;
      }
      session.text.flush();
      // PrintStream swallows write errors: help, version and text output are checked here.
      if (session.text.checkError() && code == EXIT_OK) {
        err.println("sealpost: cannot write standard output");
        return EXIT_FAILURE;
      }
      return code;
    } finally {
      Session.set(null);
    }
  }

  static CommandLine commandLine(Session session) {
    CommandLine cli = new CommandLine(new Main());
    cli.setUsageHelpWidth(100); // examples stay on one line each
    cli.setOut(new PrintWriter(session.text, true, StandardCharsets.UTF_8));
    cli.setErr(new PrintWriter(session.err, true, StandardCharsets.UTF_8));
    cli.setParameterExceptionHandler((e, a) -> {
      session.err.println("sealpost: " + oneLine(e.getMessage()) + " (see '"
          + e.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
      return EXIT_USAGE;
    });
    cli.setExecutionExceptionHandler((e, c, p) -> {
      int code = e instanceof CliException ? ((CliException) e).exitCode : EXIT_FAILURE;
      session.err.println("sealpost: " + describe(e)
          + (code == EXIT_USAGE ? " (see '" + c.getCommandSpec().qualifiedName() + " --help')" : ""));
      return code;
    });
    return cli;
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

  /** An I/O error's reason without the file name (the caller names it). */
  static String reason(Throwable e) {
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such file or directory";
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileSystemException && ((FileSystemException) e).getReason() != null) {
      return oneLine(((FileSystemException) e).getReason());
    }
    return oneLine(String.valueOf(e.getMessage()));
  }

  static String oneLine(String s) {
    return s.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
  }
}
