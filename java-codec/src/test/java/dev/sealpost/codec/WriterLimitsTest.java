package dev.sealpost.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sealpost.codec.format.EnvelopeHeader;
import dev.sealpost.codec.keys.Keyring;
import dev.sealpost.codec.kms.KmsClient;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** A writer refuses, with limit-exceeded, whatever breaks SPEC.md section 10 [LIM-4]. */
class WriterLimitsTest {

  private static void assertLimitExceeded(Executable e, String what) {
    SealpostException x = assertThrows(SealpostException.class, e, what);
    assertEquals(ErrorCategory.LIMIT_EXCEEDED, x.category(), what);
  }

  private static Encryptor.Builder orders() throws SealpostException {
    return Encryptor.builder().recipient(Recipient.symmetric(TestKeys.keyring(), "orders"));
  }

  /**
   * A stand-in KMS whose "ciphertext" is the DEK followed by zero padding to a chosen length,
   * so tests can size recipient entries precisely. Not encryption; for limits only.
   */
  static final class PaddingKms implements KmsClient {
    private final int blobLength;

    PaddingKms(int blobLength) {
      this.blobLength = blobLength;
    }

    @Override
    public boolean supports(String keyUri) {
      return keyUri.startsWith("pad-kms://");
    }

    @Override
    public byte[] wrapDek(String keyUri, byte[] dek) {
      return Arrays.copyOf(dek, blobLength);
    }

    @Override
    public byte[] unwrapDek(String keyUri, byte[] wrappedDek) {
      return Arrays.copyOf(wrappedDek, 32);
    }
  }

  /** A 255-byte key URI. */
  private static String uri(int i) {
    String prefix = "pad-kms://key-" + i + "/";
    return prefix + "u".repeat(255 - prefix.length());
  }

  // [LIM-4] plaintext: a configured limit is enforced in every API form; the limit itself is fine.
  @Test
  void lim4_plaintextBeyondConfiguredLimit() throws Exception {
    Encryptor enc = orders().maxPlaintextLength(100).build();
    enc.encrypt(new byte[100]);
    assertLimitExceeded(() -> enc.encrypt(new byte[101]), "array");
    assertLimitExceeded(() -> enc.encrypt(new byte[200], 50, 101, EncryptionContext.empty()), "offset form");
    assertLimitExceeded(() -> enc.encrypt(ByteBuffer.wrap(new byte[101]), EncryptionContext.empty()), "heap buffer");
    assertLimitExceeded(() -> enc.encrypt(ByteBuffer.allocateDirect(101), EncryptionContext.empty()), "direct buffer");
    enc.encrypt(new byte[300], 200, 100, EncryptionContext.empty());
    assertThrows(IllegalArgumentException.class, () -> orders().maxPlaintextLength((1 << 30) + 1));
    orders().maxPlaintextLength(1 << 30).build();
  }

  // [LIM-3]: a reader configured with a lower plaintext limit refuses longer bodies.
  @Test
  void lim3_readerConfiguredPlaintextLimit() throws Exception {
    byte[] env = orders().build().encrypt(new byte[100]);
    Decryptor at = Decryptor.builder().kekSource(TestKeys.keyring()).maxPlaintextLength(100).build();
    assertArrayEquals(new byte[100], at.decrypt(env));
    Decryptor below = Decryptor.builder().kekSource(TestKeys.keyring()).maxPlaintextLength(99).build();
    assertLimitExceeded(() -> below.decrypt(env), "reader limit 99");
  }

  // [RCP-1]: between 1 and 32 recipients; 32 is accepted and every one of them can decrypt.
  @Test
  void rcp1_recipientCount() throws Exception {
    // [ENC-2]: no recipient is what a reader calls malformed-header (checked in WriterRulesTest).
    Keyring.Builder kb = Keyring.builder();
    for (int i = 0; i < 33; i++) {
      kb.add("k" + i, 1, TestKeys.pattern(100 + i, 32));
    }
    Keyring keyring = kb.build();
    Encryptor.Builder b32 = Encryptor.builder();
    for (int i = 0; i < 32; i++) {
      b32.recipient(Recipient.symmetric(keyring, "k" + i));
    }
    byte[] env = b32.build().encrypt("for 32".getBytes());
    assertEquals(32, EnvelopeHeader.parse(env).recipients().size());
    Keyring last = Keyring.builder().add("k31", 1, TestKeys.pattern(131, 32)).build();
    assertArrayEquals("for 32".getBytes(), Decryptor.builder().kekSource(last).build().decrypt(env));

    b32.recipient(Recipient.symmetric(keyring, "k32"));
    assertLimitExceeded(b32::build, "33 recipients");
  }

  // [CTX-3], [LIM-4]: entry count, key and value lengths, counted in UTF-8 bytes, not chars.
  @Test
  void ctx3_contextLimits() throws Exception {
    Map<String, String> entries = new HashMap<>();
    for (int i = 0; i < 32; i++) {
      entries.put("key" + i, "v");
    }
    EncryptionContext thirtyTwo = EncryptionContext.of(entries);
    assertEquals(32, thirtyTwo.asMap().size());
    entries.put("key32", "v");
    assertLimitExceeded(() -> EncryptionContext.of(entries), "33 entries");

    EncryptionContext.of("k", "x".repeat(1024));
    EncryptionContext.of("k", "é".repeat(512)); // 1024 bytes
    assertLimitExceeded(() -> EncryptionContext.of("k", "x".repeat(1025)), "1025-byte value");
    assertLimitExceeded(() -> EncryptionContext.of("k", "é".repeat(513)), "513 chars, 1026 bytes");
    assertLimitExceeded(() -> EncryptionContext.of("k", "😀".repeat(257)), "257 chars, 1028 bytes");

    EncryptionContext.of("k".repeat(255), "v");
    EncryptionContext.of("é".repeat(127) + "a", "v"); // 255 bytes
    assertLimitExceeded(() -> EncryptionContext.of("é".repeat(128), "v"), "256-byte key");

    // Used as external context, a maximal context round-trips.
    Map<String, String> max = new HashMap<>();
    for (int i = 0; i < 32; i++) {
      max.put(("k" + i + "-").repeat(100).substring(0, 255), "é".repeat(512));
    }
    EncryptionContext external = EncryptionContext.of(max);
    byte[] env = orders().build().encrypt("x".getBytes(), external);
    assertArrayEquals("x".getBytes(), Decryptor.builder().kekSource(TestKeys.keyring()).build().decrypt(env, external));
  }

  // [LIM-4]: a stored context that fits section 7 but makes the header exceed 16384 bytes.
  @Test
  void lim4_storedContextBeyondHeaderLimit() throws Exception {
    Map<String, String> big = new HashMap<>();
    for (int i = 0; i < 16; i++) {
      big.put("k" + i, "v".repeat(1024));
    }
    assertLimitExceeded(() -> orders().storedContext(EncryptionContext.of(big)).build(), "16 x 1 KiB stored");
  }

  // [LIM-4], [LIM-2]: a header of exactly 16384 bytes is written and read; one byte more is
  // refused. 52 fixed bytes + 4 KMS entries of 8 + 255 + w bytes each.
  @Test
  void lim4_headerSizeBoundary() throws Exception {
    int w = (16384 - 52) / 4 - 8 - 255;
    assertEquals(3820, w);
    Encryptor.Builder exact = Encryptor.builder();
    for (int i = 0; i < 4; i++) {
      exact.recipient(Recipient.kms(new PaddingKms(w), uri(i)));
    }
    byte[] env = exact.build().encrypt("edge".getBytes());
    EnvelopeHeader h = EnvelopeHeader.parse(env);
    assertEquals(16384, h.headerLength());
    assertEquals(env.length, h.headerLength() + h.bodyLength());
    assertArrayEquals("edge".getBytes(), Decryptor.builder().kmsClient(new PaddingKms(w)).kmsKeyUriPrefix("pad-kms://").build().decrypt(env));

    Encryptor.Builder over = Encryptor.builder();
    for (int i = 0; i < 3; i++) {
      over.recipient(Recipient.kms(new PaddingKms(w), uri(i)));
    }
    over.recipient(Recipient.kms(new PaddingKms(w + 1), uri(3)));
    assertLimitExceeded(over::build, "16385-byte header");
  }

  // [LIM-4]: many KMS recipients with long URIs and large blobs, far beyond the header limit.
  @Test
  void lim4_manyLargeKmsRecipients() throws Exception {
    Encryptor.Builder b = Encryptor.builder();
    for (int i = 0; i < 8; i++) {
      b.recipient(Recipient.kms(new PaddingKms(4000), uri(i)));
    }
    assertLimitExceeded(b::build, "8 x 4 KB entries");
  }

  // [LIM-4], [LIM-1]: a KMS ciphertext over 4096 bytes cannot be written; 4096 can.
  @Test
  void lim4_wrappedDekLength() throws Exception {
    byte[] env = Encryptor.builder().recipient(Recipient.kms(new PaddingKms(4096), "pad-kms://a")).build().encrypt(new byte[1]);
    assertEquals(4096, EnvelopeHeader.parse(env).recipients().get(0).wrappedDek().length);
    assertLimitExceeded(
        () -> Encryptor.builder().recipient(Recipient.kms(new PaddingKms(4097), "pad-kms://a")).build(), "4097-byte blob");
  }
}
