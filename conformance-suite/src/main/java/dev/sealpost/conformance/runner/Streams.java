package dev.sealpost.conformance.runner;

import com.google.protobuf.ByteString;
import dev.sealpost.conformance.ReferenceCodec;
import dev.sealpost.conformance.proto.ConformanceRequest;
import dev.sealpost.conformance.proto.ConformanceResponse;
import dev.sealpost.conformance.proto.DecryptRequest;
import dev.sealpost.conformance.proto.HeaderInfo;
import dev.sealpost.conformance.proto.StreamDecryptRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * Streamed decryption tests (SPEC.md section 17): the envelope goes to the testee in chunks of
 * varying size; the expected outcome and the bytes that may be released come from the
 * reference's streaming reader, computed when the test runs [SEG-3], [SEG-4], [SEG-6].
 */
final class Streams {
  /** Sealed segment: 65536 plaintext bytes and a 16-byte tag. */
  static final int SEALED = 65552;
  static final int SEGMENT = 65536;

  /** Chunk sizes that straddle segment boundaries in every way: one byte, a segment minus, exactly, plus one. */
  static final int[] UNEVEN = {1, 7, 4096, 65551, 65552, 65553, 100003, 13};
  static final int[] WHOLE = {Integer.MAX_VALUE};

  private Streams() {}

  static List<ByteString> chunks(byte[] envelope, int[] schedule) {
    List<ByteString> out = new ArrayList<>();
    for (int off = 0, k = 0; off < envelope.length; k++) {
      int n = (int) Math.min((long) schedule[k % schedule.length], envelope.length - off);
      out.add(ByteString.copyFrom(envelope, off, n));
      off += n;
    }
    return out;
  }

  /**
   * For each chunk i, the plaintext bytes of the segments lying wholly in chunks 0..i-1: what a
   * reader may have released before it asks for chunk i. Unbounded once the whole envelope is in.
   */
  static long[] bounds(byte[] envelope, List<ByteString> chunks) {
    HeaderInfo h = ReferenceCodec.inspectOrNull(envelope);
    long headerLength = h == null ? envelope.length : h.getHeaderLength();
    long[] out = new long[chunks.size() + 1];
    long delivered = 0;
    for (int i = 0; i <= chunks.size(); i++) {
      out[i] = delivered >= envelope.length ? Long.MAX_VALUE
          : Math.max(0, delivered - headerLength) / SEALED * SEGMENT;
      if (i < chunks.size()) {
        delivered += chunks.get(i).size();
      }
    }
    return out;
  }

  static ConformanceRequest request(DecryptRequest reader, List<ByteString> chunks) {
    return ConformanceRequest.newBuilder()
        .setStreamDecrypt(StreamDecryptRequest.newBuilder()
            .setReader(reader.toBuilder().clearEnvelope().clearRequiredContext().clearMaxPlaintextLength())
            .addAllChunks(chunks))
        .build();
  }

  /** A streamed decryption of {@code envelope}; the reference's streaming reader gives the expectation. */
  static ConformanceTest test(Level level, String group, String id, DecryptRequest reader, byte[] envelope, int[] schedule) {
    return test(level, group, id, reader, envelope, schedule, null);
  }

  /**
   * As above; with {@code vector} (an outcome a vector fixes: its category, or null for valid),
   * the outcome must be the vector's, and the reference only bounds what may be released.
   */
  static ConformanceTest test(Level level, String group, String id, DecryptRequest reader, byte[] envelope, int[] schedule,
      java.util.Optional<String> vector) {
    List<ByteString> chunks = chunks(envelope, schedule);
    ConformanceRequest r = request(reader, chunks);
    long[] bounds = bounds(envelope, chunks);
    return new ConformanceTest(level, group, id, t -> {
      ReferenceCodec.Released ref = reference(reader, envelope);
      String category = vector == null ? ref.category : vector.orElse(null);
      if (vector != null && !java.util.Objects.equals(category, ref.category)) {
        return Verdict.fail("the reference's streaming reader disagrees with the vector: " + ref.category,
            "the vector expects " + (category == null ? "the plaintext" : category));
      }
      ConformanceResponse got = t.call(r);
      Verdict v = Expect.stream(got, ref.plaintext, category, bounds);
      return v.passed() && category == null ? Expect.signer(got, ref.signer) : v;
    });
  }

  /** The reference's streaming reader, on a fresh thread (see {@code GeneratedTests.reference}). */
  static ReferenceCodec.Released reference(DecryptRequest reader, byte[] envelope) {
    ReferenceCodec.Released[] out = new ReferenceCodec.Released[1];
    RuntimeException[] failure = new RuntimeException[1];
    Thread th = new Thread(() -> {
      try {
        out[0] = ReferenceCodec.releasedByStream(reader, envelope);
      } catch (dev.sealpost.codec.SealpostException e) {
        failure[0] = new IllegalStateException("the reference cannot build the reader: " + e.getMessage(), e);
      } catch (RuntimeException e) {
        failure[0] = e;
      }
    }, "reference-stream");
    th.start();
    try {
      th.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    if (failure[0] != null) {
      throw failure[0];
    }
    return out[0];
  }
}
