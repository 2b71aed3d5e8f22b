package dev.sealpost.codec.wycheproof;

import static dev.sealpost.codec.wycheproof.WycheproofFiles.hex;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.keys.Ed25519PublicKey;
import java.nio.ByteBuffer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/**
 * Wycheproof {@code ed25519_test.json} through {@link Ed25519PublicKey#verify}, the call the
 * decryptor makes for step 10a [SIG-6]: every {@code valid} signature verifies, every
 * {@code invalid} one (malleable {@code S >= L}, bad encodings, truncated, with garbage) is
 * refused. The file has no {@code acceptable} cases. A public key that the codec refuses to load
 * counts as a rejection, which only an {@code invalid} case may get.
 */
class Ed25519WycheproofTest {
  private static final String FILE = "ed25519_test.json";

  @TestFactory
  Stream<DynamicNode> ed25519() {
    return WycheproofFiles.dynamicTests(FILE, "EDDSA", root -> {
      VectorTally tally = new VectorTally(FILE);
      for (JsonNode group : root.path("testGroups")) {
        JsonNode key = group.path("publicKey");
        for (JsonNode test : group.path("tests")) {
          if (!key.path("curve").asText().equals("edwards25519")) {
            tally.skip(test, "curve " + key.path("curve").asText());
            continue;
          }
          tally.check(test, () -> run(hex(key, "pk"), test));
        }
      }
      return tally.finish();
    });
  }

  private static void run(byte[] pk, JsonNode test) {
    byte[] msg = hex(test, "msg");
    byte[] sig = hex(test, "sig");
    String result = VectorTally.result(test);
    boolean verified;
    try {
      verified = Ed25519PublicKey.fromBytes(pk).verify(sig, ByteBuffer.wrap(msg));
    } catch (SealpostException e) {
      verified = false;
    }
    switch (result) {
      case "valid":
        assertTrue(verified, "a valid signature was refused");
        break;
      case "invalid":
        assertFalse(verified, "an invalid signature verified");
        break;
      default:
        fail("unexpected result " + result + " in " + FILE);
    }
  }
}
