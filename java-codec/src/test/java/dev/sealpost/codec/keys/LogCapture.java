package dev.sealpost.codec.keys;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Collects what the keys package logs. The codec logs through {@link System.Logger}, which the
 * JDK routes to java.util.logging when no other LoggerFinder is installed (none is on the test
 * class path), so a handler on the documented logger name sees every record.
 */
final class LogCapture implements AutoCloseable {
  /** The name docs/key-material.md 4.1 gives operators; spelled out, not taken from the code. */
  static final String LOGGER = "dev.sealpost.codec.keys";

  // Held strongly: java.util.logging keeps loggers only weakly, and the handler must stay attached.
  private final Logger logger = Logger.getLogger(LOGGER);
  private final List<LogRecord> records = new CopyOnWriteArrayList<>();
  private final Handler handler =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          records.add(r);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  LogCapture() {
    handler.setLevel(Level.ALL);
    logger.addHandler(handler);
  }

  /** The messages of the WARNING records that mention {@code text} (a file name, say). */
  List<String> warningsAbout(String text) {
    return records.stream()
        .filter(r -> r.getLevel() == Level.WARNING)
        .map(LogRecord::getMessage)
        .filter(m -> m.contains(text))
        .collect(Collectors.toList());
  }

  /** Every message logged, at any level. */
  List<String> all() {
    return records.stream().map(LogRecord::getMessage).collect(Collectors.toList());
  }

  @Override
  public void close() {
    logger.removeHandler(handler);
  }
}
