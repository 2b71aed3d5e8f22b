package dev.sealpost.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sealpost.codec.Decryptor;
import dev.sealpost.codec.EncryptionContext;
import dev.sealpost.codec.Encryptor;
import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.Suite;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Round trips around the sizes where the encryptor switches from one AEAD call to chunked
 * updates (16 KiB), and a single-bit flip in the last byte of a large body.
 */
class LargeMessageTest {
  @ParameterizedTest
  @CsvSource({
    "AES_256_GCM, 16383", "AES_256_GCM, 16384", "AES_256_GCM, 16385", "AES_256_GCM, 49152",
    "AES_256_GCM, 1048583", "CHACHA20_POLY1305, 16385", "CHACHA20_POLY1305, 1048583", "AES_256_SIV, 65537"
  })
  void roundTripAcrossChunkBoundaries(Suite suite, int size) throws SealpostException {
    FuzzKeys k = FuzzKeys.INSTANCE;
    Encryptor enc = Encryptor.builder().suite(suite).recipient(k.symOrders()).build();
    Decryptor dec = k.decryptor();
    byte[] plaintext = new byte[size + 5];
    new SplittableRandom(size).nextBytes(plaintext);
    EncryptionContext ext = EncryptionContext.of("topic", "large");
    byte[] envelope = enc.encrypt(plaintext, 3, size, ext);
    byte[] expected = java.util.Arrays.copyOfRange(plaintext, 3, 3 + size);
    assertArrayEquals(expected, dec.decrypt(envelope, ext));
    envelope[envelope.length - 1] ^= 0x40;
    SealpostException e = org.junit.jupiter.api.Assertions.assertThrows(
        SealpostException.class, () -> dec.decrypt(envelope, ext));
    assertEquals(dev.sealpost.codec.ErrorCategory.AUTHENTICATION_FAILED, e.category(), "[AUTH-2]");
  }
}
