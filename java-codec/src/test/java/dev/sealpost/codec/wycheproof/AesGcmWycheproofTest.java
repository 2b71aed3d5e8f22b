package dev.sealpost.codec.wycheproof;

import static dev.sealpost.codec.wycheproof.WycheproofFiles.hex;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sealpost.codec.Suite;
import dev.sealpost.codec.internal.Bytes;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Wycheproof {@code aes_gcm_test.json} against the payload AEAD of suite {@code 0001},
 * AES-256-GCM through {@code PayloadKey} [SUITE-1], with the AAD passed as (header, external
 * context) [AUTH-1]; invalid bodies must be rejected [AUTH-2] without releasing plaintext
 * [AUTH-3].
 *
 * <p>Applicable: 256-bit key, 96-bit IV, 128-bit tag (SPEC.md section 4). Other sizes are
 * skipped and counted.
 */
class AesGcmWycheproofTest {
  private static final String FILE = "aes_gcm_test.json";
  private static final String ALGORITHM = "AES-GCM";

  @TestFactory
  Stream<DynamicNode> aesGcm() {
    return WycheproofFiles.dynamicTests(FILE, ALGORITHM, root -> {
      VectorTally tally = new VectorTally(FILE);
      for (JsonNode group : root.path("testGroups")) {
        String skip = skipReason(group);
        for (JsonNode test : group.path("tests")) {
          if (skip != null) {
            tally.skip(test, skip);
            continue;
          }
          tally.check(test, () -> PayloadKeyVectors.check(tally, test, Suite.AES_256_GCM,
              hex(test, "key"), hex(test, "iv"), hex(test, "aad"), hex(test, "msg"), body(test)));
        }
      }
      return tally.finish();
    });
  }

  /** The first valid applicable vector, encrypted and then decrypted twice on one thread. */
  @Test
  void validVectorOnOneThread() throws Exception {
    JsonNode test = firstValid(WycheproofFiles.load(FILE, ALGORITHM));
    PayloadKeyVectors.checkOnOneThread(Suite.AES_256_GCM,
        hex(test, "key"), hex(test, "iv"), hex(test, "aad"), hex(test, "msg"), body(test));
  }

  /** {@code ct || tag}, the body layout of the JCE AEAD suites. */
  static byte[] body(JsonNode test) {
    return Bytes.concat(hex(test, "ct"), hex(test, "tag"));
  }

  /** Why a group's parameters are not the codec's (256-bit key, 96-bit nonce, 128-bit tag). */
  static String skipReason(JsonNode group) {
    int keySize = group.path("keySize").asInt();
    int ivSize = group.path("ivSize").asInt();
    int tagSize = group.path("tagSize").asInt();
    if (keySize != 256) {
      return "keySize " + keySize + " (codec uses 256)";
    }
    if (ivSize != 96) {
      return "ivSize " + ivSize + " (codec uses 96)";
    }
    if (tagSize != 128) {
      return "tagSize " + tagSize + " (codec uses 128)";
    }
    return null;
  }

  static JsonNode firstValid(JsonNode root) {
    for (JsonNode group : root.path("testGroups")) {
      if (skipReason(group) == null) {
        for (JsonNode test : group.path("tests")) {
          if (VectorTally.result(test).equals("valid")) {
            return test;
          }
        }
      }
    }
    throw new AssertionError("no valid applicable vector");
  }
}
