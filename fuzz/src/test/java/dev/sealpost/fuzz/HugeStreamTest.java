package dev.sealpost.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 10's bar for streaming: a 4 GiB payload is encrypted and decrypted as a stream under a
 * 64 MiB heap, in a JVM of its own so that the heap limit is real [SEG-3], [SEG-6]. The payload
 * is generated and piped; no byte of it touches the disk. 4 GiB is 65536 segments, beyond any
 * int-sized buffer, so the test also shows that nothing is sized by the payload.
 */
class HugeStreamTest {
  private static final long FOUR_GIB = 4L << 30;

  @Test
  void fourGibThroughA64MibHeap() throws Exception {
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path log = Files.createTempFile("huge-stream", ".log");
    Process p = new ProcessBuilder(List.of(
            java.toString(), "-Xmx64m", "-cp", classpath, HugeStreamMain.class.getName(), Long.toString(FOUR_GIB)))
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    String output;
    try {
      assertTrue(p.waitFor(10, TimeUnit.MINUTES), "the child did not finish");
      output = Files.readString(log, StandardCharsets.UTF_8);
    } finally {
      p.destroyForcibly();
      Files.deleteIfExists(log);
    }
    System.out.println(output.trim()); // bytes, CRCs and peak heap, for the build log
    assertEquals(0, p.exitValue(), output);
    Matcher m = Pattern.compile("bytes=(\\d+) sent=(\\d+) received=(\\d+) peakHeap=(\\d+)").matcher(output);
    assertTrue(m.find(), output);
    assertEquals(FOUR_GIB, Long.parseLong(m.group(1)), "every byte came out");
    assertEquals(m.group(2), m.group(3), "the CRC-32C of what came out is that of what went in");
    assertTrue(Long.parseLong(m.group(4)) <= 64L << 20, "peak heap " + m.group(4));
  }
}
