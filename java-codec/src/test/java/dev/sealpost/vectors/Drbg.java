package dev.sealpost.vectors;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The generator's only source of "randomness": HMAC-SHA256 of a fixed seed over a label, so
 * each value depends on its label alone and adding a vector never shifts the others.
 */
final class Drbg {
  private static final byte[] SEED = "sealpost v1 test vectors".getBytes(StandardCharsets.US_ASCII);

  private Drbg() {}

  static byte[] bytes(String label, int n) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(SEED, "HmacSHA256"));
      byte[] out = new byte[n];
      int done = 0;
      for (int block = 0; done < n; block++) {
        mac.update(label.getBytes(StandardCharsets.UTF_8));
        mac.update(new byte[] {0, (byte) (block >>> 8), (byte) block});
        byte[] t = mac.doFinal();
        int k = Math.min(t.length, n - done);
        System.arraycopy(t, 0, out, done, k);
        done += k;
      }
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
