package dev.sealpost.codec.wycheproof;

import static dev.sealpost.codec.wycheproof.WycheproofFiles.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sealpost.codec.recipient.AesKeyWrap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/**
 * Wycheproof {@code aes_wrap_test.json} against {@link AesKeyWrap}, the symmetric recipient's
 * RFC 3394 key wrap with the default IV and a 256-bit KEK, giving 40 bytes for a 32-byte DEK
 * [SYM-1]; a failed integrity check must be rejected [SYM-2].
 *
 * <p>Applicable: 256-bit KEKs, and of those the vectors the codec can meet: wrapping applies to
 * 32-byte inputs (the DEK), unwrapping to 40-byte ciphertexts (the only {@code wrapped-len} a
 * type 01 entry may have, [RCP-3]). A {@code valid} vector with both is wrapped and unwrapped;
 * every {@code invalid} vector with a 40-byte ciphertext must fail to unwrap. Other key sizes
 * and other input sizes are skipped and counted.
 */
class AesKeyWrapWycheproofTest {
  private static final String FILE = "aes_wrap_test.json";

  @TestFactory
  Stream<DynamicNode> aesKeyWrap() {
    return WycheproofFiles.dynamicTests(FILE, "AES-WRAP", root -> {
      VectorTally tally = new VectorTally(FILE);
      for (JsonNode group : root.path("testGroups")) {
        int keySize = group.path("keySize").asInt();
        for (JsonNode test : group.path("tests")) {
          if (keySize != 256) {
            tally.skip(test, "keySize " + keySize + " (codec uses 256)");
            continue;
          }
          byte[] msg = hex(test, "msg");
          byte[] ct = hex(test, "ct");
          boolean unwrapApplies = ct.length == AesKeyWrap.WRAPPED_LENGTH;
          boolean wrapApplies = msg.length == 32 && VectorTally.result(test).equals("valid");
          if (!unwrapApplies && !wrapApplies) {
            tally.skip(test, "neither a 32-byte input to wrap nor a 40-byte ciphertext to unwrap");
            continue;
          }
          tally.check(test, () -> run(tally, test, hex(test, "key"), msg, ct, wrapApplies, unwrapApplies));
        }
      }
      return tally.finish();
    });
  }

  private static void run(
      VectorTally tally, JsonNode test, byte[] kek, byte[] msg, byte[] ct, boolean wrapApplies, boolean unwrapApplies)
      throws Exception {
    switch (VectorTally.result(test)) {
      case "valid":
        if (wrapApplies) {
          assertArrayEquals(ct, AesKeyWrap.wrap(kek, msg), "wrap: wrong ciphertext");
        }
        if (unwrapApplies) {
          assertArrayEquals(msg, AesKeyWrap.unwrap(kek, ct), "unwrap: wrong key");
        }
        break;
      case "invalid":
        VectorTally.assertRejected("unwrap", () -> AesKeyWrap.unwrap(kek, ct));
        break;
      case "acceptable":
        VectorTally.Attempt attempt = VectorTally.attempt(() -> AesKeyWrap.unwrap(kek, ct));
        tally.acceptable(test, "unwrap " + attempt.outcome());
        if (attempt.accepted()) {
          assertArrayEquals(msg, attempt.output, "acceptable vector unwrapped to a wrong key");
        }
        break;
      default:
        fail("unknown result " + VectorTally.result(test));
    }
  }
}
