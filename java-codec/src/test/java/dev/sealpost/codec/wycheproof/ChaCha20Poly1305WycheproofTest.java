package dev.sealpost.codec.wycheproof;

import static dev.sealpost.codec.wycheproof.WycheproofFiles.hex;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sealpost.codec.Suite;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Wycheproof {@code chacha20_poly1305_test.json} against the payload AEAD of suite
 * {@code 0002}, ChaCha20-Poly1305 (RFC 8439) through {@code PayloadKey} [SUITE-1], with the AAD
 * passed as (header, external context) [AUTH-1]; invalid bodies must be rejected [AUTH-2]
 * without releasing plaintext [AUTH-3].
 *
 * <p>Applicable: 256-bit key, 96-bit nonce, 128-bit tag (SPEC.md section 4). The groups with
 * other nonce sizes (flag {@code InvalidNonceSize}) are skipped and counted.
 */
class ChaCha20Poly1305WycheproofTest {
  private static final String FILE = "chacha20_poly1305_test.json";
  private static final String ALGORITHM = "CHACHA20-POLY1305";

  @TestFactory
  Stream<DynamicNode> chaCha20Poly1305() {
    return WycheproofFiles.dynamicTests(FILE, ALGORITHM, root -> {
      VectorTally tally = new VectorTally(FILE);
      for (JsonNode group : root.path("testGroups")) {
        String skip = AesGcmWycheproofTest.skipReason(group);
        for (JsonNode test : group.path("tests")) {
          if (skip != null) {
            tally.skip(test, skip);
            continue;
          }
          tally.check(test, () -> PayloadKeyVectors.check(tally, test, Suite.CHACHA20_POLY1305,
              hex(test, "key"), hex(test, "iv"), hex(test, "aad"), hex(test, "msg"),
              AesGcmWycheproofTest.body(test)));
        }
      }
      return tally.finish();
    });
  }

  /**
   * The first valid applicable vector, encrypted and then decrypted twice on one thread. The
   * JDK's ChaCha20-Poly1305 before JDK 21 refuses to initialise a cipher with the key and nonce
   * of its previous initialisation even for decryption, and the codec keeps one cipher per
   * thread, so this fails on such JDKs.
   */
  @Test
  void validVectorOnOneThread() throws Exception {
    JsonNode test = AesGcmWycheproofTest.firstValid(WycheproofFiles.load(FILE, ALGORITHM));
    PayloadKeyVectors.checkOnOneThread(Suite.CHACHA20_POLY1305,
        hex(test, "key"), hex(test, "iv"), hex(test, "aad"), hex(test, "msg"), AesGcmWycheproofTest.body(test));
  }
}
