package dev.sealpost.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.sealpost.codec.Decryptor;
import dev.sealpost.codec.SealpostException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * A broker may redeliver or duplicate an envelope (SPEC.md 13.2); each copy must decrypt, also
 * twice in a row on one thread, with and without the DEK cache. Found by
 * {@link DecryptFuzzTest}: on JDK 17 the second decryption of a ChaCha20-Poly1305 envelope failed
 * with authentication-failed, because the JDK's cipher refused the repeated key and nonce.
 */
class ReplayTest {
  @TestFactory
  Stream<DynamicTest> sameEnvelopeDecryptsTwiceInARow() throws SealpostException {
    Decryptor cached = FuzzKeys.INSTANCE.decryptor();
    List<DynamicTest> tests = new ArrayList<>();
    for (Envelopes.Case c : Envelopes.all()) {
      tests.add(DynamicTest.dynamicTest(c.name, () -> {
        Decryptor uncached = Decryptor.builder()
            .kekSource(FuzzKeys.INSTANCE.keyring)
            .x25519Key(FuzzKeys.CONSUMER, FuzzKeys.CONSUMER_VERSION, FuzzKeys.INSTANCE.consumer)
            .kmsClient(FuzzKeys.INSTANCE.kms).kmsKeyUri(FuzzKeys.KMS_URI)
            .dekCacheCapacity(0)
            .build();
        for (int i = 0; i < 3; i++) {
          assertArrayEquals(c.plaintext, c.decrypt(cached, c.envelope), "cached, copy " + i);
          assertArrayEquals(c.plaintext, c.decrypt(uncached, c.envelope), "uncached, copy " + i);
        }
      }));
    }
    return tests.stream();
  }
}
