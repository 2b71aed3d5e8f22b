package dev.sealpost.codec.wycheproof;

import static dev.sealpost.codec.wycheproof.WycheproofFiles.hex;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sealpost.codec.Suite;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Wycheproof {@code aes_siv_cmac_test.json} against the payload cipher of the deterministic
 * suite {@code 0003}, AES-SIV-CMAC with a 64-byte key through {@code PayloadKey} [SIV-2]:
 * the body is {@code V || C} with exactly one associated-data component, the AAD of section 8
 * [AUTH-1]; equal inputs give equal bodies [SIV-3]; invalid bodies must be rejected [AUTH-2]
 * without releasing plaintext [AUTH-3].
 *
 * <p>Which Wycheproof file matches: the suite computes {@code S2V(K, AAD, P)}, the RFC 5297
 * deterministic form with a single AD component and no nonce. {@code aes_siv_cmac_test.json}
 * ({@code DaeadTest}) is exactly that: its {@code aad} is the one AD component and its
 * {@code ct} is {@code V || C}. {@code aead_aes_siv_cmac_test.json} is the nonce-based
 * AEAD_AES_SIV_CMAC_* form of RFC 5297 section 6 (RFC 5116 interface), where S2V takes the
 * nonce as a second component, {@code S2V(K, AD, N, P)}, and V is given separately as
 * {@code tag}; its vectors all have a non-empty nonce, which the suite never has, so that file
 * does not apply.
 *
 * <p>Applicable: keySize 512 (the suite's 64-byte K_msg). 256- and 384-bit keys are skipped and
 * counted.
 */
class AesSivWycheproofTest {
  private static final String FILE = "aes_siv_cmac_test.json";
  private static final String ALGORITHM = "AES-SIV-CMAC";

  @TestFactory
  Stream<DynamicNode> aesSiv() {
    return WycheproofFiles.dynamicTests(FILE, ALGORITHM, root -> {
      VectorTally tally = new VectorTally(FILE);
      for (JsonNode group : root.path("testGroups")) {
        int keySize = group.path("keySize").asInt();
        for (JsonNode test : group.path("tests")) {
          if (keySize != 512) {
            tally.skip(test, "keySize " + keySize + " (codec uses 512)");
            continue;
          }
          tally.check(test, () -> PayloadKeyVectors.check(tally, test, Suite.AES_256_SIV,
              hex(test, "key"), new byte[0], hex(test, "aad"), hex(test, "msg"), hex(test, "ct")));
        }
      }
      return tally.finish();
    });
  }

  /** The first valid 512-bit vector, encrypted and then decrypted twice on one thread. */
  @Test
  void validVectorOnOneThread() throws Exception {
    JsonNode root = WycheproofFiles.load(FILE, ALGORITHM);
    for (JsonNode group : root.path("testGroups")) {
      if (group.path("keySize").asInt() == 512) {
        for (JsonNode test : group.path("tests")) {
          if (VectorTally.result(test).equals("valid")) {
            PayloadKeyVectors.checkOnOneThread(Suite.AES_256_SIV,
                hex(test, "key"), new byte[0], hex(test, "aad"), hex(test, "msg"), hex(test, "ct"));
            return;
          }
        }
      }
    }
    throw new AssertionError("no valid 512-bit vector");
  }
}
