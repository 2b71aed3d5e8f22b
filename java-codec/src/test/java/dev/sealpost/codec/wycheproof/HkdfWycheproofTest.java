package dev.sealpost.codec.wycheproof;

import static dev.sealpost.codec.wycheproof.WycheproofFiles.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sealpost.codec.internal.Hkdf;
import java.security.GeneralSecurityException;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/**
 * Wycheproof {@code hkdf_sha256_test.json} against {@link Hkdf} (RFC 5869 with HMAC-SHA256,
 * extract then expand), the function behind K_msg and the commitment [KDF-1], the
 * deterministic suite's DEK [SIV-1] and HPKE's key schedule [HPKE-1].
 *
 * <p>Every vector applies (any IKM, salt, including empty, and info) except output sizes above
 * 255 * 32 bytes, which RFC 5869 forbids and {@code Hkdf.expand} refuses by argument check;
 * those are skipped and counted.
 */
class HkdfWycheproofTest {
  private static final String FILE = "hkdf_sha256_test.json";
  private static final int MAX_OUTPUT = 255 * 32;

  @TestFactory
  Stream<DynamicNode> hkdfSha256() {
    return WycheproofFiles.dynamicTests(FILE, "HKDF-SHA-256", root -> {
      VectorTally tally = new VectorTally(FILE);
      for (JsonNode group : root.path("testGroups")) {
        for (JsonNode test : group.path("tests")) {
          int size = test.path("size").asInt();
          if (size > MAX_OUTPUT) {
            tally.skip(test, "size above 255*32");
            continue;
          }
          tally.check(test, () -> run(tally, test, size));
        }
      }
      return tally.finish();
    });
  }

  private static void run(VectorTally tally, JsonNode test, int size) throws Exception {
    byte[] ikm = hex(test, "ikm");
    byte[] salt = hex(test, "salt");
    byte[] info = hex(test, "info");
    byte[] okm = hex(test, "okm");
    switch (VectorTally.result(test)) {
      case "valid":
        assertArrayEquals(okm, derive(salt, ikm, info, size), "wrong output key material");
        break;
      case "invalid":
        VectorTally.assertRejected("HKDF", () -> derive(salt, ikm, info, size));
        break;
      case "acceptable":
        VectorTally.Attempt attempt = VectorTally.attempt(() -> derive(salt, ikm, info, size));
        tally.acceptable(test, attempt.outcome());
        if (attempt.accepted()) {
          assertArrayEquals(okm, attempt.output, "acceptable vector gave wrong output key material");
        }
        break;
      default:
        fail("unknown result " + VectorTally.result(test));
    }
  }

  private static byte[] derive(byte[] salt, byte[] ikm, byte[] info, int size) throws GeneralSecurityException {
    return Hkdf.expand(Hkdf.extract(salt, ikm), info, size);
  }
}
