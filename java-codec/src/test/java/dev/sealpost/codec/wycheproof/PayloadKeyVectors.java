package dev.sealpost.codec.wycheproof;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sealpost.codec.Suite;
import dev.sealpost.codec.suite.PayloadKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.function.ThrowingSupplier;

/**
 * Runs one AEAD vector through {@link PayloadKey#create(Suite, byte[])}.
 *
 * <p>PayloadKey takes its AAD in two parts, (header, encoded external context) [AUTH-1]; the
 * Wycheproof {@code aad} is passed whole as the header part and the external-context part is
 * empty, so the AAD the cipher sees is exactly the vector's. Each operation is done twice: with
 * the inputs in arrays of their own, and embedded at non-zero offsets in larger arrays (as the
 * codec passes the header in place inside the envelope buffer), checking that encryption
 * writes nothing outside its output range.
 *
 * <p>Each operation of the vector checks runs on a thread of its own. The JCE ciphers behind
 * PayloadKey are kept per thread, and the JDK refuses to initialise one with the key and nonce
 * of its previous initialisation (for encryption always; for ChaCha20-Poly1305 on JDKs before
 * 21 also for decryption). Vectors, and the two runs of one vector, repeat key and nonce on
 * purpose, so a fresh thread gives each operation a fresh cipher and the vector checks test the
 * cipher alone. {@link #checkOnOneThread} covers the codec's per-thread reuse separately.
 */
final class PayloadKeyVectors {
  private static final byte[] NO_EXTERNAL_CONTEXT = new byte[0];
  private static final int HEADER_OFFSET = 3;
  private static final int INPUT_OFFSET = 7;
  private static final int OUTPUT_OFFSET = 11;
  private static final int TRAILER = 5;
  private static final byte FILL = (byte) 0xA5;

  private PayloadKeyVectors() {}

  /**
   * @param body the expected body: {@code ct || tag} for GCM and ChaCha20-Poly1305,
   *     {@code V || C} for AES-SIV
   */
  static void check(
      VectorTally tally, JsonNode test, Suite suite, byte[] key, byte[] nonce, byte[] aad, byte[] msg, byte[] body)
      throws Exception {
    PayloadKey payloadKey = PayloadKey.create(suite, key);
    switch (VectorTally.result(test)) {
      case "valid":
        assertArrayEquals(body, onFreshThread(() -> encrypt(payloadKey, nonce, aad, msg, body.length)),
            "encrypt: wrong body");
        assertArrayEquals(body, onFreshThread(() -> encryptEmbedded(payloadKey, nonce, aad, msg, body.length)),
            "encrypt with inputs at offsets: wrong body");
        assertArrayEquals(msg, onFreshThread(() -> decrypt(payloadKey, nonce, aad, body)),
            "decrypt: wrong plaintext");
        assertArrayEquals(msg, onFreshThread(() -> decryptEmbedded(payloadKey, nonce, aad, body)),
            "decrypt with inputs at offsets: wrong plaintext");
        break;
      case "invalid":
        VectorTally.assertRejected("decrypt", () -> onFreshThread(() -> decrypt(payloadKey, nonce, aad, body)));
        VectorTally.assertRejected("decrypt with inputs at offsets",
            () -> onFreshThread(() -> decryptEmbedded(payloadKey, nonce, aad, body)));
        break;
      case "acceptable":
        VectorTally.Attempt attempt = VectorTally.attempt(() -> onFreshThread(() -> decrypt(payloadKey, nonce, aad, body)));
        tally.acceptable(test, "decrypt " + attempt.outcome());
        if (attempt.accepted()) {
          assertArrayEquals(msg, attempt.output, "acceptable vector decrypted to a wrong plaintext");
        }
        break;
      default:
        fail("unknown result " + VectorTally.result(test));
    }
  }

  /**
   * Uses one valid vector the way a process does: on one thread, encrypt, then decrypt the body
   * twice (a writer checking its output, a redelivered message). A reader must accept a valid
   * body every time [AUTH-2]; the steps share the thread's cipher, as in the codec.
   */
  static void checkOnOneThread(Suite suite, byte[] key, byte[] nonce, byte[] aad, byte[] msg, byte[] body)
      throws Exception {
    PayloadKey payloadKey = PayloadKey.create(suite, key);
    List<String> problems = new ArrayList<>();
    onFreshThread(
        () -> {
          step(problems, "encrypt", body, () -> encrypt(payloadKey, nonce, aad, msg, body.length));
          step(problems, "first decrypt after the encrypt", msg, () -> decrypt(payloadKey, nonce, aad, body));
          step(problems, "second decrypt of the same body", msg, () -> decrypt(payloadKey, nonce, aad, body));
          return null;
        });
    if (!problems.isEmpty()) {
      fail(suite + ", one valid vector used on one thread: " + String.join("; ", problems));
    }
  }

  private static void step(List<String> problems, String what, byte[] expected, ThrowingSupplier<byte[]> operation) {
    try {
      if (!Arrays.equals(expected, operation.get())) {
        problems.add(what + " gave a wrong result");
      }
    } catch (Throwable t) {
      problems.add(what + " threw " + t);
    }
  }

  private static byte[] encrypt(PayloadKey k, byte[] nonce, byte[] aad, byte[] msg, int bodyLength)
      throws Exception {
    byte[] out = new byte[bodyLength];
    k.encrypt(nonce, aad, 0, aad.length, NO_EXTERNAL_CONTEXT, msg, 0, msg.length, out, 0);
    return out;
  }

  private static byte[] encryptEmbedded(PayloadKey k, byte[] nonce, byte[] aad, byte[] msg, int bodyLength)
      throws Exception {
    byte[] header = embed(aad, HEADER_OFFSET);
    byte[] plaintext = embed(msg, INPUT_OFFSET);
    byte[] out = new byte[OUTPUT_OFFSET + bodyLength + TRAILER];
    Arrays.fill(out, FILL);
    k.encrypt(nonce, header, HEADER_OFFSET, aad.length, NO_EXTERNAL_CONTEXT, plaintext, INPUT_OFFSET, msg.length,
        out, OUTPUT_OFFSET);
    for (int i = 0; i < out.length; i++) {
      if ((i < OUTPUT_OFFSET || i >= OUTPUT_OFFSET + bodyLength) && out[i] != FILL) {
        fail("encrypt wrote outside its output range, at index " + i);
      }
    }
    return Arrays.copyOfRange(out, OUTPUT_OFFSET, OUTPUT_OFFSET + bodyLength);
  }

  private static byte[] decrypt(PayloadKey k, byte[] nonce, byte[] aad, byte[] body) throws Exception {
    return k.decrypt(nonce, aad, 0, aad.length, NO_EXTERNAL_CONTEXT, body, 0, body.length);
  }

  private static byte[] decryptEmbedded(PayloadKey k, byte[] nonce, byte[] aad, byte[] body) throws Exception {
    return k.decrypt(nonce, embed(aad, HEADER_OFFSET), HEADER_OFFSET, aad.length, NO_EXTERNAL_CONTEXT,
        embed(body, INPUT_OFFSET), INPUT_OFFSET, body.length);
  }

  private static byte[] embed(byte[] data, int offset) {
    byte[] out = new byte[offset + data.length + TRAILER];
    Arrays.fill(out, FILL);
    System.arraycopy(data, 0, out, offset, data.length);
    return out;
  }

  private static byte[] onFreshThread(ThrowingSupplier<byte[]> operation) throws Exception {
    AtomicReference<byte[]> result = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                result.set(operation.get());
              } catch (Throwable t) {
                failure.set(t);
              }
            },
            "payload-key-vector");
    thread.start();
    thread.join();
    Throwable t = failure.get();
    if (t instanceof Exception) {
      throw (Exception) t;
    }
    if (t instanceof Error) {
      throw (Error) t;
    }
    if (t != null) {
      throw new IllegalStateException(t);
    }
    return result.get();
  }
}
