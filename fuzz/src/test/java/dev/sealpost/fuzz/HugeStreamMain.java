package dev.sealpost.fuzz;

import dev.sealpost.codec.Decryptor;
import dev.sealpost.codec.EncryptionContext;
import dev.sealpost.codec.Encryptor;
import dev.sealpost.codec.Recipient;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32C;

/**
 * Run by {@link HugeStreamTest} in its own JVM under a small heap: encrypts a generated
 * plaintext of {@code args[0]} bytes through {@code Encryptor.encryptingStream} into a pipe, and
 * decrypts it on the other end through {@code Decryptor.decryptingStream}; nothing is stored.
 * Prints one line: {@code bytes=<n> sent=<crc32c> received=<crc32c> peakHeap=<bytes>}.
 */
public final class HugeStreamMain {
  private HugeStreamMain() {}

  public static void main(String[] args) throws Exception {
    long total = Long.parseLong(args[0]);
    Encryptor enc = Encryptor.builder().recipient(Recipient.symmetric(FuzzKeys.INSTANCE.keyring, FuzzKeys.ORDERS)).build();
    Decryptor dec = FuzzKeys.INSTANCE.decryptor();
    EncryptionContext ext = EncryptionContext.of("object", "backup-2026-11-28");
    PipedInputStream pipeIn = new PipedInputStream(1 << 20);
    PipedOutputStream pipeOut = new PipedOutputStream(pipeIn);
    AtomicLong sentCrc = new AtomicLong();
    AtomicReference<Throwable> writerFailure = new AtomicReference<>();
    Thread writer = new Thread(() -> {
      // Byte i of the plaintext is i mod 251; one block of 251 * 4096 bytes repeats exactly.
      byte[] block = new byte[251 * 4096];
      for (int i = 0; i < block.length; i++) {
        block[i] = (byte) (i % 251);
      }
      CRC32C crc = new CRC32C();
      try (dev.sealpost.codec.stream.EncryptingOutputStream out = enc.encryptingStream(pipeOut, ext)) {
        long left = total;
        while (left > 0) {
          int n = (int) Math.min(block.length, left);
          crc.update(block, 0, n);
          out.write(block, 0, n);
          left -= n;
        }
        out.finish();
      } catch (Throwable t) {
        writerFailure.set(t);
      }
      sentCrc.set(crc.getValue());
    }, "writer");
    writer.start();
    CRC32C crc = new CRC32C();
    long received = 0;
    try (InputStream in = dec.decryptingStream(pipeIn, ext)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) >= 0; ) {
        crc.update(buf, 0, n);
        received += n;
      }
    }
    writer.join();
    if (writerFailure.get() != null) {
      throw new IllegalStateException("writer failed", writerFailure.get());
    }
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    System.out.println("bytes=" + received + " sent=" + sentCrc.get() + " received=" + crc.getValue() + " peakHeap=" + peak);
  }
}
