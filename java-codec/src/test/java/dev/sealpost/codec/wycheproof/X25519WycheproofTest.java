package dev.sealpost.codec.wycheproof;

import static dev.sealpost.codec.wycheproof.WycheproofFiles.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.crypto.tink.subtle.X25519;
import dev.sealpost.codec.recipient.HpkeDekSeal;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/**
 * Wycheproof {@code x25519_test.json} against the X25519 the X25519 recipient relies on
 * (Tink's {@code X25519.computeSharedSecret}, used by the codec's HPKE [HPKE-1]) and against the
 * codec's rejection of an all-zero shared secret [HPKE-3].
 *
 * <p>Every vector applies. A vector whose shared secret is not all zeros, {@code valid} or
 * {@code acceptable}, must give exactly that shared secret. A vector whose shared secret is all
 * zeros (a low-order public key) is the case of RFC 9180 section 7.1.4: how X25519 alone treats
 * it is recorded, and {@link HpkeDekSeal#open} must throw a {@link GeneralSecurityException} when
 * {@code enc} is that public key.
 *
 * <p>So that the rejection is not merely a failed tag check, the 48 bytes after {@code enc} are
 * the sealing of a DEK under the key schedule that an all-zero DH output would give (computed
 * here from RFC 9180 independently of the codec): a codec that skipped the zero check would open
 * them. The same construction with the vector's real shared secret must open, which shows the
 * construction is right.
 */
class X25519WycheproofTest {
  private static final String FILE = "x25519_test.json";
  private static final byte[] INFO = "sealpost/v1 x25519-hpke".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DEK = new byte[32];

  static {
    for (int i = 0; i < DEK.length; i++) {
      DEK[i] = (byte) (0x40 + i);
    }
  }

  @TestFactory
  Stream<DynamicNode> x25519() {
    return WycheproofFiles.dynamicTests(FILE, "XDH", root -> {
      VectorTally tally = new VectorTally(FILE);
      for (JsonNode group : root.path("testGroups")) {
        String curve = group.path("curve").asText();
        for (JsonNode test : group.path("tests")) {
          if (!curve.equals("curve25519")) {
            tally.skip(test, "curve " + curve);
            continue;
          }
          tally.check(test, () -> run(tally, test));
        }
      }
      return tally.finish();
    });
  }

  private static void run(VectorTally tally, JsonNode test) throws Exception {
    byte[] privateKey = hex(test, "private");
    byte[] publicKey = hex(test, "public");
    byte[] shared = hex(test, "shared");
    String result = VectorTally.result(test);
    if (!result.equals("valid") && !result.equals("acceptable")) {
      fail("unexpected result " + result + " in " + FILE);
    }
    boolean zeroShared = Arrays.equals(shared, new byte[shared.length]);

    if (!zeroShared) {
      assertArrayEquals(shared, X25519.computeSharedSecret(privateKey, publicKey), "wrong shared secret");
      byte[] wrapped = sealWithDh(shared, publicKey, X25519.publicFromPrivate(privateKey));
      assertArrayEquals(DEK, HpkeDekSeal.open(privateKey, wrapped), "HPKE open with enc = the vector's public key");
      if (result.equals("acceptable")) {
        tally.acceptable(test, "shared secret computed");
      }
      return;
    }

    // All-zero shared secret: X25519 alone may refuse the public key or return zeros.
    String x25519Outcome;
    try {
      byte[] out = X25519.computeSharedSecret(privateKey, publicKey);
      assertArrayEquals(shared, out, "X25519 returned a non-zero secret for a low-order public key");
      x25519Outcome = "X25519 returned zeros";
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      x25519Outcome = "X25519 refused (" + e.getClass().getSimpleName() + ")";
    }
    byte[] wrapped = sealWithDh(shared, publicKey, X25519.publicFromPrivate(privateKey));
    GeneralSecurityException e =
        assertThrows(GeneralSecurityException.class, () -> HpkeDekSeal.open(privateKey, wrapped),
            "HPKE open must reject enc with an all-zero shared secret");
    tally.acceptable(test, x25519Outcome + "; HPKE open rejected: " + e.getMessage());
  }

  // --- RFC 9180 SealBase with a given DH output, for DHKEM(X25519, HKDF-SHA256), HKDF-SHA256,
  // AES-256-GCM, mode_base, info "sealpost/v1 x25519-hpke", empty aad [HPKE-1]. Returns enc || ct.

  private static byte[] sealWithDh(byte[] dh, byte[] enc, byte[] pkR) throws GeneralSecurityException {
    byte[] kemSuite = concat(ascii("KEM"), u16(0x0020));
    byte[] eaePrk = labeledExtract(kemSuite, new byte[0], "eae_prk", dh);
    byte[] sharedSecret = labeledExpand(kemSuite, eaePrk, "shared_secret", concat(enc, pkR), 32);

    byte[] hpkeSuite = concat(ascii("HPKE"), u16(0x0020), u16(0x0001), u16(0x0002));
    byte[] pskIdHash = labeledExtract(hpkeSuite, new byte[0], "psk_id_hash", new byte[0]);
    byte[] infoHash = labeledExtract(hpkeSuite, new byte[0], "info_hash", INFO);
    byte[] context = concat(new byte[] {0x00}, pskIdHash, infoHash);
    byte[] secret = labeledExtract(hpkeSuite, sharedSecret, "secret", new byte[0]);
    byte[] key = labeledExpand(hpkeSuite, secret, "key", context, 32);
    byte[] baseNonce = labeledExpand(hpkeSuite, secret, "base_nonce", context, 12);

    Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
    gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, baseNonce));
    byte[] ct = gcm.doFinal(DEK);
    assertEquals(48, ct.length);
    return concat(enc, ct);
  }

  private static byte[] labeledExtract(byte[] suite, byte[] salt, String label, byte[] ikm)
      throws GeneralSecurityException {
    return hmac(salt.length == 0 ? new byte[32] : salt, concat(ascii("HPKE-v1"), suite, ascii(label), ikm));
  }

  private static byte[] labeledExpand(byte[] suite, byte[] prk, String label, byte[] info, int length)
      throws GeneralSecurityException {
    // length <= 32 here, so HKDF-Expand is the first block T(1) = HMAC(prk, info || 0x01), truncated.
    byte[] labeledInfo = concat(u16(length), ascii("HPKE-v1"), suite, ascii(label), info, new byte[] {0x01});
    return Arrays.copyOf(hmac(prk, labeledInfo), length);
  }

  private static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] u16(int v) {
    return new byte[] {(byte) (v >>> 8), (byte) v};
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
