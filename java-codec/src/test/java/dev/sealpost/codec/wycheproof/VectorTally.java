package dev.sealpost.codec.wycheproof;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.function.ThrowingSupplier;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * Builds the dynamic tests of one Wycheproof file, one per {@code tcId}, and keeps its counts.
 *
 * <p>A vector whose parameters the codec never uses is left out and counted by reason; it is
 * not reported as a skipped test, since nothing applicable was skipped. The last test of each file
 * prints the counts (run, skipped by reason, failed, and the outcome of every
 * {@code acceptable} vector) and fails when no applicable vector was run.
 *
 * <p>Result semantics: {@code valid} must succeed with the exact output; {@code invalid} must be
 * rejected, and a decryption or unwrap must return nothing; {@code acceptable} is recorded and
 * does not fail the test by itself (but an accepted vector must still give the right output).
 */
final class VectorTally {
  private final String file;
  private final List<DynamicNode> nodes = new ArrayList<>();
  private final Map<String, Integer> skippedByReason = new TreeMap<>();
  private final Map<String, List<Integer>> acceptableOutcomes = new TreeMap<>();
  private final List<Integer> failed = new ArrayList<>();
  private final AtomicInteger run = new AtomicInteger();
  private int skipped;
  private int applicable;

  VectorTally(String file) {
    this.file = file;
  }

  static int tcId(JsonNode test) {
    return test.path("tcId").asInt();
  }

  static String result(JsonNode test) {
    return test.path("result").asText();
  }

  static boolean hasFlag(JsonNode test, String flag) {
    for (JsonNode f : test.path("flags")) {
      if (f.asText().equals(flag)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Counts a vector whose parameters the codec never uses (another key or nonce size). It is
   * not a test: the summary prints how many were left out and why.
   */
  void skip(JsonNode test, String reason) {
    skipped++;
    skippedByReason.merge(reason, 1, Integer::sum);
  }

  /** Adds an applicable vector; {@code body} throws when the codec gets it wrong. */
  void check(JsonNode test, Executable body) {
    applicable++;
    int tcId = tcId(test);
    nodes.add(
        dynamicTest(
            name(test),
            () -> {
              run.incrementAndGet();
              try {
                body.execute();
              } catch (TestAbortedException e) {
                throw e;
              } catch (Throwable t) {
                synchronized (failed) {
                  failed.add(tcId);
                }
                // Build reports may name dynamic tests by index only: put the tcId in the message.
                throw new AssertionFailedError(file + " tcId " + tcId + " (" + result(test) + "): " + t, t);
              }
            }));
  }

  /** Records the outcome of an {@code acceptable} vector. */
  void acceptable(JsonNode test, String outcome) {
    String key = outcome + " " + test.path("flags");
    synchronized (acceptableOutcomes) {
      acceptableOutcomes.computeIfAbsent(key, k -> new ArrayList<>()).add(tcId(test));
    }
  }

  /** The file's tests followed by the summary, which requires at least one applicable run. */
  Stream<DynamicNode> finish() {
    nodes.add(
        dynamicTest(
            "summary: applicable vectors were run",
            () -> {
              StringBuilder s = new StringBuilder();
              s.append("Wycheproof ").append(file).append(": applicable=").append(applicable)
                  .append(" run=").append(run.get())
                  .append(" not applicable=").append(skipped).append(' ').append(skippedByReason)
                  .append(" failed=").append(failed.size());
              if (!failed.isEmpty()) {
                s.append(" tcIds ").append(failed);
              }
              for (Map.Entry<String, List<Integer>> e : acceptableOutcomes.entrySet()) {
                s.append(System.lineSeparator()).append("  acceptable, ").append(e.getKey())
                    .append(": ").append(e.getValue().size()).append(" tcIds ").append(e.getValue());
              }
              System.out.println(s);
              assertTrue(run.get() > 0, file + ": no applicable vector was run");
            }));
    return nodes.stream();
  }

  /**
   * Asserts that {@code operation} is rejected with a {@link GeneralSecurityException} and
   * returns nothing. Other exception types count as failures: the codec turns only
   * {@code GeneralSecurityException} into its error categories (unwrap-failed,
   * authentication-failed), so anything else would escape as an unexpected error.
   */
  static void assertRejected(String what, ThrowingSupplier<byte[]> operation) {
    byte[] output;
    try {
      output = operation.get();
    } catch (GeneralSecurityException expected) {
      return;
    } catch (Throwable t) {
      fail(what + " was rejected with " + t.getClass().getName() + " instead of a GeneralSecurityException", t);
      return;
    }
    fail(what + " accepted an invalid vector and returned "
        + (output == null ? "null" : WycheproofFiles.hex(output)));
  }

  /**
   * Runs {@code operation} for an {@code acceptable} vector and describes the outcome:
   * "accepted", or "rejected (ExceptionClass)". Only GeneralSecurityException counts as a
   * rejection (see {@link #assertRejected}).
   */
  static Attempt attempt(ThrowingSupplier<byte[]> operation) {
    try {
      return new Attempt(operation.get(), null);
    } catch (GeneralSecurityException e) {
      return new Attempt(null, e);
    } catch (Throwable t) {
      fail("rejected with " + t.getClass().getName() + " instead of a GeneralSecurityException", t);
      return null;
    }
  }

  static final class Attempt {
    final byte[] output;
    final GeneralSecurityException rejection;

    Attempt(byte[] output, GeneralSecurityException rejection) {
      this.output = output;
      this.rejection = rejection;
    }

    boolean accepted() {
      return rejection == null;
    }

    String outcome() {
      return accepted() ? "accepted" : "rejected (" + rejection.getClass().getSimpleName() + ")";
    }
  }

  private static String name(JsonNode test) {
    StringBuilder s = new StringBuilder("tcId ").append(tcId(test)).append(' ').append(result(test));
    JsonNode flags = test.path("flags");
    if (flags.size() > 0) {
      s.append(' ').append(flags);
    }
    String comment = test.path("comment").asText("");
    if (!comment.isEmpty()) {
      s.append(' ').append(comment.length() > 60 ? comment.substring(0, 57) + "..." : comment);
    }
    return s.toString();
  }
}
