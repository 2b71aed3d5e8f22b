package dev.sealpost.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The progress display's rules, without a terminal: a fake clock and a captured stderr. */
class ProgressTest {
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  private Progress progress(long total, boolean terminal) {
    return new Progress(new PrintStream(err, true, UTF_8), "encrypt db.dump", total, now::get, terminal);
  }

  @Test
  void nothingWithoutATerminal() {
    Progress p = progress(1L << 30, false);
    p.advance(1L << 29);
    now.addAndGet(5_000_000_000L);
    p.advance(1L << 29);
    p.done();
    assertEquals(0, err.size());
  }

  @Test
  void nothingForASmallInput() {
    Progress p = progress(10L << 20, true);
    for (int i = 0; i < 10; i++) {
      now.addAndGet(1_000_000_000L);
      p.advance(1L << 20);
    }
    p.done();
    assertEquals(0, err.size());
  }

  @Test
  void aLargeInputIsShownInPlaceAtMostFourTimesASecondAndClearedAtTheEnd() {
    Progress p = progress(1L << 30, true);
    now.addAndGet(2_000_000_000L);
    p.advance(256L << 20); // 256 MiB after 2 s
    String first = err.toString(UTF_8);
    assertEquals("\rsealpost: encrypt db.dump: 256.0 MiB of 1.0 GiB (25%), 128.0 MiB/s", first);
    now.addAndGet(100_000_000L);
    p.advance(1L << 20);
    assertEquals(first, err.toString(UTF_8), "not redrawn within 250 ms");
    now.addAndGet(200_000_000L);
    p.advance(1L << 20);
    assertTrue(err.toString(UTF_8).length() > first.length(), "redrawn after 250 ms");
    int before = err.size();
    p.done();
    String tail = err.toString(UTF_8).substring(before);
    assertTrue(tail.startsWith("\r") && tail.endsWith("\r") && tail.strip().isEmpty(), "the line is blanked: " + tail);
  }

  @Test
  void anInputOfUnknownSizeIsShownOnceItIsLarge() {
    Progress p = progress(-1, true);
    now.addAndGet(1_000_000_000L);
    p.advance(32L << 20);
    assertEquals(0, err.size(), "32 MiB: not yet");
    p.advance(32L << 20);
    assertEquals("\rsealpost: encrypt db.dump: 64.0 MiB, 64.0 MiB/s", err.toString(UTF_8));
  }
}
