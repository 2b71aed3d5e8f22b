package dev.sealpost.cli;

/** A user-facing failure: its message is printed as is, on one line, and the run exits with its code. */
final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** 1: the work failed (I/O, crypto, bad input data); 2: the command line was wrong. */
  final int exitCode;

  CliException(String message) {
    this(message, Main.EXIT_FAILURE);
  }

  CliException(String message, int exitCode) {
    super(message);
    this.exitCode = exitCode;
  }

  /** A command line that cannot work as given: exit code 2, like picocli's own usage errors. */
  static CliException usage(String message) {
    return new CliException(message, Main.EXIT_USAGE);
  }
}
