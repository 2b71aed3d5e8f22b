package dev.sealpost.vectors;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sealpost.codec.Decryptor;
import dev.sealpost.codec.EncryptionContext;
import dev.sealpost.codec.Encryptor;
import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.format.EnvelopeHeader;
import java.io.InputStream;
import java.util.Map;

/**
 * The vectors' writer signatures and trusted writers through the codec (SPEC.md section 16).
 * Interim: the codec's signing API is not merged yet, so signed vectors fail here explicitly.
 */
final class SignerSupport {
  private SignerSupport() {}

  /** What a decryption gave: the plaintext, and the verified signer as "id vN", or null. */
  static final class Opened {
    final byte[] plaintext;
    final String verifiedSigner;

    Opened(byte[] plaintext, String verifiedSigner) {
      this.plaintext = plaintext;
      this.verifiedSigner = verifiedSigner;
    }
  }

  static void configure(Encryptor.Builder b, JsonNode t) {
    if (t.has("signer")) {
      fail("the codec's writer-signature API is not merged yet");
    }
  }

  static void checkIntermediates(JsonNode t, byte[] envelope, EnvelopeHeader h) {}

  static Opened open(Decryptor d, JsonNode t, byte[] envelope, EncryptionContext external, Map<String, String> required)
      throws SealpostException {
    if (t.has("trustedWriters")) {
      fail("the codec's trusted-writer API is not merged yet");
    }
    return new Opened(d.decrypt(envelope, 0, envelope.length, external, required), null);
  }

  static byte[] decryptBack(Decryptor d, JsonNode t, byte[] envelope, EncryptionContext external) throws SealpostException {
    return d.decrypt(envelope, external);
  }

  static InputStream decryptingStream(Decryptor d, JsonNode t, InputStream source, EncryptionContext external) {
    if (t.has("trustedWriters")) {
      fail("the codec's trusted-writer API is not merged yet");
    }
    return d.decryptingStream(source, external);
  }
}
