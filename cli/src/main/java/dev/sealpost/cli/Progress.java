package dev.sealpost.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A one-line progress display for long encrypt/decrypt runs, redrawn in place on standard error.
 * Drawn only when stderr is a terminal and the input is large (known size at least
 * {@link #THRESHOLD}, or that much read of an input of unknown size), at most every
 * {@link #INTERVAL_NANOS}; {@link #done()} clears the line so messages that follow start clean.
 */
final class Progress {
  /** Smaller inputs finish in about a second: no display. */
  static final long THRESHOLD = 64L << 20;
  static final long INTERVAL_NANOS = 250_000_000L;

  private final PrintStream err;
  private final String label;
  private final long total; // -1: unknown
  private final LongSupplier clock;
  private final boolean enabled;
  private final long started;
  private long done;
  private long lastDraw = Long.MIN_VALUE;
  private int drawnWidth;

  Progress(PrintStream err, String label, long total, LongSupplier clock, boolean enabled) {
    this.err = err;
    this.label = label;
    this.total = total;
    this.clock = clock;
    this.enabled = enabled;
    this.started = clock.getAsLong();
  }

  /** For a command of this session: enabled only when its stderr is a terminal. */
  static Progress of(String label, long total) {
    Session s = Session.get();
    return new Progress(s.err, label, total, System::nanoTime, s.errTerminal);
  }

  /** Records {@code n} more bytes processed, redrawing when due. */
  void advance(long n) {
    done += n;
    if (!enabled || (total < THRESHOLD && done < THRESHOLD)) {
      return;
    }
    long now = clock.getAsLong();
    if (lastDraw != Long.MIN_VALUE && now - lastDraw < INTERVAL_NANOS) {
      return;
    }
    lastDraw = now;
    String line = line(now);
    // Pad over a longer previous line; \r returns to its start.
    String pad = " ".repeat(Math.max(0, drawnWidth - line.length()));
    err.print("\r" + line + pad);
    err.flush();
    drawnWidth = line.length();
  }

  /** Clears the line, if one was drawn. */
  void done() {
    if (drawnWidth > 0) {
      err.print("\r" + " ".repeat(drawnWidth) + "\r");
      err.flush();
      drawnWidth = 0;
    }
  }

  String line(long now) {
    double seconds = Math.max(1e-9, (now - started) / 1e9);
    StringBuilder sb = new StringBuilder("sealpost: ").append(label).append(": ").append(size(done));
    if (total >= 0) {
      sb.append(" of ").append(size(total));
      if (total > 0) {
        sb.append(String.format(Locale.ROOT, " (%d%%)", Math.min(100, done * 100 / total)));
      }
    }
    sb.append(", ").append(size((long) (done / seconds))).append("/s");
    return sb.toString();
  }

  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
