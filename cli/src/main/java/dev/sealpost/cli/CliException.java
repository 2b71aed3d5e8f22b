package dev.sealpost.cli;

/** A user-facing failure: its message is printed as is, on one line. */
final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  CliException(String message) {
    super(message);
  }
}
