package dev.sealpost.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealpost.codec.Decryptor;
import dev.sealpost.codec.EncryptionContext;
import dev.sealpost.codec.Encryptor;
import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.SealpostException;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Crafted inputs that declare huge lengths or counts must fail fast with {@code limit-exceeded}
 * before anything is allocated for them [LIM-1], [LIM-2], [LIM-3], [LIM-4].
 *
 * <p>Runs in its own surefire execution with a 32 MiB heap (tag {@code small-heap}), and measures
 * the bytes each call allocates with {@link com.sun.management.ThreadMXBean}: the bound is a
 * property of the code (allocation), not of the machine's speed.
 */
@Tag("small-heap")
class ResourceSafetyTest {
  /** Allocation budget of one rejected call: an exception with its stack trace and a few small objects. */
  private static final long SMALL_CALL_BUDGET = 16 * 1024;

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private final Decryptor decryptor = FuzzKeys.INSTANCE.decryptor();

  interface Call {
    void run() throws SealpostException;
  }

  /** Average bytes allocated by one call that must fail with {@code limit-exceeded}, after warm-up. */
  private static long allocatedPerRejectedCall(Call call) {
    assertTrue(THREADS.isThreadAllocatedMemorySupported() && THREADS.isThreadAllocatedMemoryEnabled());
    for (int i = 0; i < 2_000; i++) {
      expectLimit(call); // warm up: class loading and JIT allocate once
    }
    int runs = 2_000;
    long before = THREADS.getThreadAllocatedBytes(Thread.currentThread().getId());
    for (int i = 0; i < runs; i++) {
      expectLimit(call);
    }
    long after = THREADS.getThreadAllocatedBytes(Thread.currentThread().getId());
    return (after - before) / runs;
  }

  private static void expectLimit(Call call) {
    SealpostException e = assertThrows(SealpostException.class, call::run);
    Checks.expectCategory(ErrorCategory.LIMIT_EXCEEDED, e, "crafted input");
  }

  private void assertFailsSmall(String what, byte[] input, long budget) {
    long perCall = allocatedPerRejectedCall(() -> decryptor.decrypt(input));
    System.out.println("resource safety: " + what + ": " + perCall + " bytes allocated per call");
    assertTrue(perCall <= budget, what + ": " + perCall + " bytes allocated per call, budget " + budget);
  }

  /** Magic, version 1, suite AES-256-GCM. */
  private static ByteArrayOutputStream start() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0xF7, 0x53, 0x50, 0x01, 0x00, 0x01});
    return out;
  }

  private static void u16(ByteArrayOutputStream out, int v) {
    out.write(v >>> 8);
    out.write(v);
  }

  /** A KMS entry with a {@code wrapped}-byte DEK whose bytes are not written (the input ends). */
  private static void kmsEntryHead(ByteArrayOutputStream out, int wrapped) {
    kmsEntryHead(out, wrapped, 'k');
  }

  /** The same, with key URI {@code uri}: distinct URIs, since a repeated one is malformed [RCP-7]. */
  private static void kmsEntryHead(ByteArrayOutputStream out, int wrapped, char uri) {
    out.write(0x03);
    out.write(1);
    out.write(uri);
    out.writeBytes(new byte[4]);
    u16(out, wrapped);
  }

  /** One complete symmetric entry, then the commitment. */
  private static ByteArrayOutputStream throughCommitment() {
    ByteArrayOutputStream out = start();
    out.write(1);
    out.write(0x01);
    out.write(6);
    out.writeBytes("orders".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    out.writeBytes(new byte[] {0, 0, 0, 2});
    u16(out, 40);
    out.writeBytes(new byte[40]);
    out.writeBytes(new byte[32]);
    return out;
  }

  @Test
  void recipientCountAboveLimit() {
    ByteArrayOutputStream out = start();
    out.write(255); // [LIM-1]: > 32
    assertFailsSmall("recipient-count 255", out.toByteArray(), SMALL_CALL_BUDGET);
  }

  @Test
  void wrappedLengthAboveLimit() {
    ByteArrayOutputStream out = start();
    out.write(1);
    kmsEntryHead(out, 0xFFFF); // [LIM-1]: > 4096, and the 65535 bytes are not there
    assertFailsSmall("wrapped-len 65535", out.toByteArray(), SMALL_CALL_BUDGET);
  }

  @Test
  void headerBeyond16KiB() {
    // 32 recipients declared, each with a 4096-byte wrapped DEK: the fourth crosses 16384 [LIM-2],
    // so it fails with limit-exceeded although the input ends long before.
    ByteArrayOutputStream out = start();
    out.write(32);
    for (int i = 0; i < 3; i++) {
      kmsEntryHead(out, 4096, (char) ('a' + i));
      out.writeBytes(new byte[4096]);
    }
    kmsEntryHead(out, 4096, 'd');
    // Three 4 KiB entries are read (and may be copied) before the limit is met.
    assertFailsSmall("header past 16384 bytes", out.toByteArray(), 3 * 4096 * 3 + SMALL_CALL_BUDGET);
  }

  @Test
  void contextCountAboveLimit() {
    ByteArrayOutputStream out = throughCommitment();
    out.write(255); // [LIM-1]: entry-count > 32
    assertFailsSmall("context entry-count 255", out.toByteArray(), SMALL_CALL_BUDGET);
  }

  @Test
  void contextValueAboveLimit() {
    ByteArrayOutputStream out = throughCommitment();
    out.write(1);
    out.write(1);
    out.write('k');
    u16(out, 0xFFFF); // [LIM-1]: entry-value-len > 1024
    assertFailsSmall("context value-len 65535", out.toByteArray(), SMALL_CALL_BUDGET);
  }

  @Test
  void bodyBeyondThePlaintextLimitIsNotCopied() throws SealpostException {
    // A valid header followed by a 16 MiB body, with a reader limited to 1 KiB [LIM-3]: the body
    // must not be copied or decrypted. The input itself is half of the 32 MiB heap.
    Decryptor small = Decryptor.builder().kekSource(FuzzKeys.INSTANCE.keyring).maxPlaintextLength(1024).build();
    byte[] envelope = Encryptor.builder().recipient(FuzzKeys.INSTANCE.symOrders()).build().encrypt(new byte[0]);
    byte[] big = new byte[16 << 20];
    System.arraycopy(envelope, 0, big, 0, envelope.length - 16);
    long perCall = allocatedPerRejectedCall(() -> small.decrypt(big));
    System.out.println("resource safety: 16 MiB body over a 1 KiB limit: " + perCall + " bytes allocated per call");
    assertTrue(perCall <= SMALL_CALL_BUDGET, perCall + " bytes allocated per call");
  }

  @Test
  void writerRefusesOversizedPlaintextWithoutCopying() throws SealpostException {
    // [LIM-4]: the writer checks before allocating the envelope.
    Encryptor enc =
        Encryptor.builder().recipient(FuzzKeys.INSTANCE.symOrders()).maxPlaintextLength(1024).build();
    byte[] big = new byte[16 << 20];
    long perCall = allocatedPerRejectedCall(() -> enc.encrypt(big));
    System.out.println("resource safety: writer, 16 MiB over a 1 KiB limit: " + perCall + " bytes allocated per call");
    assertTrue(perCall <= SMALL_CALL_BUDGET, perCall + " bytes allocated per call");
  }

  @Test
  void externalContextBeyondLimitsIsRefused() {
    // [CTX-3], [LIM-4]: 33 entries, or a value over 1024 bytes.
    Map<String, String> many = new HashMap<>();
    for (int i = 0; i < 33; i++) {
      many.put("k" + i, "v");
    }
    expectLimit(() -> EncryptionContext.of(many));
    expectLimit(() -> EncryptionContext.of("k", "v".repeat(1025)));
    assertEquals(32, Map.copyOf(many).size() - 1);
  }
}
