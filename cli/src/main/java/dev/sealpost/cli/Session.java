package dev.sealpost.cli;

import java.io.Console;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * What one run reads and writes: standard streams, whether standard output is a terminal, and
 * the password prompt. Held per thread so that tests run the CLI in-process with their own.
 */
final class Session {
  /** Reads a password without echo; null when there is no terminal to ask on. */
  interface Prompter {
    char[] readPassword(String prompt);
  }

  private static final ThreadLocal<Session> CURRENT = new ThreadLocal<>();

  final InputStream in;
  /** Binary standard output: writes throw on failure, unlike a PrintStream. */
  final OutputStream out;
  /** Text standard output; its swallowed errors are checked once the command ends. */
  final PrintStream text;
  final PrintStream err;
  /** Standard output is a terminal: binary output there is refused unless asked for. */
  final boolean terminal;
  final Prompter prompter;
  /** {@link #in} is the process's standard input, so its size can be asked of the OS. */
  final boolean processStdin;
  /** Standard error is a terminal: long runs show progress there. */
  final boolean errTerminal;

  Session(InputStream in, OutputStream out, PrintStream err, boolean terminal, Prompter prompter, boolean processStdin) {
    this(in, out, err, terminal, prompter, processStdin, false);
  }

  Session(InputStream in, OutputStream out, PrintStream err, boolean terminal, Prompter prompter, boolean processStdin,
      boolean errTerminal) {
    this.in = in;
    this.out = out;
    this.text = new PrintStream(out, true, StandardCharsets.UTF_8);
    this.err = err;
    this.terminal = terminal;
    this.prompter = prompter;
    this.processStdin = processStdin;
    this.errTerminal = errTerminal;
  }

  /** The process's own streams; stdout through its file descriptor so that write errors surface. */
  static Session process() {
    Console console = System.console();
    boolean terminal = console != null && isTerminal(console);
    Prompter prompter = terminal ? p -> console.readPassword("%s", p) : null;
    // Java cannot ask whether stderr is a terminal; the launcher can, and says so in this property.
    boolean errTerminal = Boolean.getBoolean("sealpost.stderr.terminal");
    return new Session(System.in, new FileOutputStream(FileDescriptor.out), System.err, terminal, prompter, true, errTerminal);
  }

  // Java 22+ returns a console even when redirected; Console.isTerminal() then tells.
  private static boolean isTerminal(Console console) {
    try {
      return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException e) {
      return true; // before Java 22, a console exists only for a terminal
    }
  }

  static Session get() {
    Session s = CURRENT.get();
    if (s == null) {
      throw new IllegalStateException("no session");
    }
    return s;
  }

  static void set(Session s) {
    if (s == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(s);
    }
  }

  void warn(String message) {
    err.println("sealpost: warning: " + message);
  }
}
