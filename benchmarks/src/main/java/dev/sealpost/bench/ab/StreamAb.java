package dev.sealpost.bench.ab;

import dev.sealpost.codec.Decryptor;
import dev.sealpost.codec.EncryptionContext;
import dev.sealpost.codec.Encryptor;
import dev.sealpost.codec.Recipient;
import dev.sealpost.codec.keys.Keyring;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Streamed payloads (issue 10, part 2): {@code Encryptor.encryptingStream} and
 * {@code Decryptor.decryptingStream} (suite AES_256_GCM_SEGMENTED) against raw JCE AES-256-GCM
 * over the same bytes, interleaved in one JVM. Target: the streams at 0.9x of raw JCE or better,
 * with heap use independent of the payload size.
 *
 * <p>Raw JCE baselines, both with one {@code Cipher} and no framing:
 * <ul>
 *   <li>{@code jce-64k}: one AES-GCM call per 64 KiB, nonce from a counter, as the segmented
 *       body does it but without header, key derivation or stream plumbing; encrypt and decrypt.
 *   <li>{@code jce-one}: one AES-GCM over the whole payload through {@code update} (encrypt
 *       only: JCE decryption of one AEAD buffers all of it before releasing a byte).
 * </ul>
 * The plaintext is a 1 MiB buffer written again and again; ciphertexts to decrypt are made once
 * and kept off the heap, so the heap holds only what the code under test needs. Per size the
 * report also gives the bytes each operation allocates and the peak heap use, which must not
 * grow with the payload.
 *
 * <pre>
 * benchmarks/ab.sh stream                                  # 1 GiB, 10 rounds
 * benchmarks/ab.sh stream --sizes 1048576,1073741824 --rounds 20
 * </pre>
 */
public final class StreamAb {
  private static final int SEGMENT = 65536;
  private static final int CHUNK = 1 << 20;

  private StreamAb() {}

  public static void main(String[] argv) throws Exception {
    Map<String, String> defaults = new LinkedHashMap<>();
    defaults.put("sizes", "1073741824");
    defaults.put("ops", "encrypt,decrypt");
    defaults.put("rounds", "10");
    defaults.put("slice-ms", "1");
    defaults.put("warmup-ms", "10000");
    Args args = new Args(argv, defaults);
    Interleaver il = new Interleaver(args.longValue("slice-ms"), args.integer("rounds"), args.longValue("warmup-ms"));

    System.out.println("# Streamed payloads vs raw JCE AES-256-GCM, interleaved");
    System.out.println();
    System.out.println(Env.describe());
    System.out.println(il.describe() + "; one operation = the whole payload");
    System.out.println();
    System.out.println("| size | op | stream MB/s | jce-64k MB/s | jce-one MB/s | stream / jce-64k, median (IQR, min-max) | stream / jce-one | bytes allocated per op: stream / jce-64k | peak heap used |");
    System.out.println("|---|---|---:|---:|---:|---|---|---:|---:|");
    Fixture f = new Fixture();
    for (int size : args.ints("sizes")) {
      for (String op : args.list("ops")) {
        List<Interleaver.Variant> variants = new ArrayList<>();
        long allocated;
        long allocatedJce;
        if (op.equals("encrypt")) {
          variants.add(new Interleaver.Variant("stream", n -> loop(n, () -> f.streamEncrypt(size))));
          variants.add(new Interleaver.Variant("jce-64k", n -> loop(n, () -> f.jceSegmentsEncrypt(size))));
          variants.add(new Interleaver.Variant("jce-one", n -> loop(n, () -> f.jceOneEncrypt(size))));
          allocated = allocatedBy(() -> f.streamEncrypt(size));
          allocatedJce = allocatedBy(() -> f.jceSegmentsEncrypt(size));
        } else if (op.equals("decrypt")) {
          ByteBuffer envelope = f.envelope(size);
          ByteBuffer segments = f.jceSegments(size);
          variants.add(new Interleaver.Variant("stream", n -> loop(n, () -> f.streamDecrypt(envelope))));
          variants.add(new Interleaver.Variant("jce-64k", n -> loop(n, () -> f.jceSegmentsDecrypt(segments))));
          allocated = allocatedBy(() -> f.streamDecrypt(envelope));
          allocatedJce = allocatedBy(() -> f.jceSegmentsDecrypt(segments));
        } else {
          throw new IllegalArgumentException("op is encrypt or decrypt: " + op);
        }
        resetPeaks();
        double[][] t = il.run(variants);
        double mb = size / 1e6;
        boolean one = variants.size() > 2;
        System.out.printf(Locale.ROOT, "| %d B | %s | %.0f | %.0f | %s | %s | %s | %d / %d | %d MiB |%n", size, op,
            Spread.of(t[0]).median * mb, Spread.of(t[1]).median * mb,
            one ? String.format(Locale.ROOT, "%.0f", Spread.of(t[2]).median * mb) : "-",
            Spread.of(Spread.ratios(t[0], t[1])).ratio(),
            one ? Spread.of(Spread.ratios(t[0], t[2])).ratio() : "-",
            allocated, allocatedJce, peakHeap() >> 20);
      }
    }
    System.out.println();
    System.out.println("- jce-one decrypt is absent: JCE buffers a whole AEAD's ciphertext before releasing any"
        + " plaintext, so it cannot stream; jce-64k is the like-for-like baseline.");
    System.out.println("- Allocation: one operation on the calling thread (ThreadMXBean), after warm-up; JDK 17's"
        + " AES-GCM allocates on every Cipher.init, in both columns alike. Peak heap: the"
        + " heap pools' peak use during the measured rounds, garbage included; run with a small -Xmx to see it bounded.");
    System.out.println();
    System.out.println("(sink " + il.sink() + ")");
  }

  @FunctionalInterface
  interface LongOp {
    long call() throws Exception;
  }

  static long loop(int n, LongOp op) throws Exception {
    long s = 0;
    for (int i = 0; i < n; i++) {
      s += op.call();
    }
    return s;
  }

  static long allocatedBy(LongOp op) throws Exception {
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    op.call(); // warm
    long id = Thread.currentThread().getId();
    long before = mx.getThreadAllocatedBytes(id);
    op.call();
    return mx.getThreadAllocatedBytes(id) - before;
  }

  static void resetPeaks() {
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        p.resetPeakUsage();
      }
    }
  }

  static long peakHeap() {
    long peak = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        peak += p.getPeakUsage().getUsed();
      }
    }
    return peak;
  }

  /** Keys, plaintext and reusable buffers shared by every variant. */
  static final class Fixture {
    final byte[] plaintext = new byte[CHUNK];
    final Encryptor encryptor;
    final Decryptor decryptor;
    final EncryptionContext ext;
    final SecretKeySpec key;
    final Cipher jce;
    final byte[] sealed = new byte[SEGMENT + 16];
    final byte[] opened = new byte[SEGMENT];
    final byte[] readBuffer = new byte[SEGMENT];
    final byte[] oneOut = new byte[CHUNK + 16];
    long counter;

    Fixture() throws Exception {
      new SplittableRandom(1).nextBytes(plaintext);
      byte[] kek = new byte[32];
      new SplittableRandom(2).nextBytes(kek);
      Keyring ring = Keyring.builder().add("bench", 1, kek).build();
      encryptor = Encryptor.builder().recipient(Recipient.symmetric(ring, "bench")).build();
      decryptor = Decryptor.builder().kekSource(ring).build();
      ext = EncryptionContext.of("object", "bench");
      byte[] k = new byte[32];
      new SecureRandom().nextBytes(k);
      key = new SecretKeySpec(k, "AES");
      jce = Cipher.getInstance("AES/GCM/NoPadding");
    }

    private static void writePayload(OutputStream out, byte[] plaintext, long size) throws IOException {
      for (long left = size; left > 0; left -= plaintext.length) {
        out.write(plaintext, 0, (int) Math.min(plaintext.length, left));
      }
    }

    long streamEncrypt(long size) throws Exception {
      Sink sink = new Sink(null);
      try (dev.sealpost.codec.stream.EncryptingOutputStream out = encryptor.encryptingStream(sink, ext)) {
        writePayload(out, plaintext, size);
        out.finish();
      }
      return sink.count + sink.last;
    }

    long streamDecrypt(ByteBuffer envelope) throws Exception {
      long n = 0;
      int last = 0;
      try (InputStream in = decryptor.decryptingStream(new BufferInput(envelope.duplicate()), ext)) {
        for (int r; (r = in.read(readBuffer)) >= 0; ) {
          n += r;
          last = readBuffer[0];
        }
      }
      return n + last;
    }

    private GCMParameterSpec nextNonce() {
      byte[] nonce = new byte[12];
      long c = counter++;
      for (int i = 0; i < 8; i++) {
        nonce[4 + i] = (byte) (c >>> (56 - 8 * i));
      }
      return new GCMParameterSpec(128, nonce);
    }

    long jceSegmentsEncrypt(long size) throws Exception {
      return jceSegmentsEncrypt(size, null);
    }

    /** One GCM per 64 KiB; with {@code keep}, the segments also go there (the decrypt input). */
    long jceSegmentsEncrypt(long size, ByteBuffer keep) throws Exception {
      long s = 0;
      for (long done = 0; done < size; ) {
        int off = (int) (done % CHUNK);
        int n = (int) Math.min(SEGMENT, Math.min(size - done, CHUNK - off));
        jce.init(Cipher.ENCRYPT_MODE, key, nextNonce());
        // 16 KiB updates, as the codec does: on JDK 17 they reach the intrinsics, one doFinal may not.
        int m = 0;
        int p = off;
        for (; off + n - p > 16384; p += 16384) {
          m += jce.update(plaintext, p, 16384, sealed, m);
        }
        m += jce.doFinal(plaintext, p, off + n - p, sealed, m);
        if (keep != null) {
          keep.put(sealed, 0, m);
        }
        s += m + sealed[0];
        done += n;
      }
      return s;
    }

    long jceSegmentsDecrypt(ByteBuffer segments) throws Exception {
      ByteBuffer b = segments.duplicate();
      long s = 0;
      long c = 0;
      while (b.hasRemaining()) {
        int m = Math.min(SEGMENT + 16, b.remaining());
        b.get(sealed, 0, m);
        byte[] nonce = new byte[12];
        for (int i = 0; i < 8; i++) {
          nonce[4 + i] = (byte) (c >>> (56 - 8 * i));
        }
        c++;
        jce.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, nonce));
        s += jce.doFinal(sealed, 0, m, opened, 0) + opened[0];
      }
      return s;
    }

    long jceOneEncrypt(long size) throws Exception {
      jce.init(Cipher.ENCRYPT_MODE, key, nextNonce());
      long s = 0;
      for (long left = size; left > 0; left -= CHUNK) {
        int n = (int) Math.min(CHUNK, left);
        for (int off = 0; off < n; off += 16384) { // chunked updates reach the intrinsics on JDK 17
          s += jce.update(plaintext, off, Math.min(16384, n - off), oneOut, 0);
        }
      }
      s += jce.doFinal(oneOut, 0);
      return s + oneOut[0];
    }

    /** A streamed envelope of {@code size} plaintext bytes, off the heap. */
    ByteBuffer envelope(long size) throws Exception {
      ByteBuffer b = ByteBuffer.allocateDirect(Math.toIntExact(size + 16 * (size / SEGMENT + 1) + 4096));
      try (dev.sealpost.codec.stream.EncryptingOutputStream out = encryptor.encryptingStream(new Sink(b), ext)) {
        writePayload(out, plaintext, size);
        out.finish();
      }
      return b.flip();
    }

    ByteBuffer jceSegments(long size) throws Exception {
      counter = 0;
      ByteBuffer b = ByteBuffer.allocateDirect(Math.toIntExact(size + 16 * (size / SEGMENT + 1)));
      jceSegmentsEncrypt(size, b);
      return b.flip();
    }
  }

  /** Counts, and optionally keeps, what is written. */
  static final class Sink extends OutputStream {
    final ByteBuffer keep;
    long count;
    int last;

    Sink(ByteBuffer keep) {
      this.keep = keep;
    }

    @Override
    public void write(int b) {
      count++;
      last = b;
      if (keep != null) {
        keep.put((byte) b);
      }
    }

    @Override
    public void write(byte[] b, int off, int len) {
      count += len;
      last = len > 0 ? b[off + len - 1] : last;
      if (keep != null) {
        keep.put(b, off, len);
      }
    }
  }

  /** An InputStream over a buffer. */
  static final class BufferInput extends InputStream {
    private final ByteBuffer b;

    BufferInput(ByteBuffer b) {
      this.b = b;
    }

    @Override
    public int read() {
      return b.hasRemaining() ? b.get() & 0xFF : -1;
    }

    @Override
    public int read(byte[] out, int off, int len) {
      if (!b.hasRemaining()) {
        return -1;
      }
      int n = Math.min(len, b.remaining());
      b.get(out, off, n);
      return n;
    }
  }
}
