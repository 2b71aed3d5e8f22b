package dev.sealpost.vectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sealpost.codec.Decrypted;
import dev.sealpost.codec.Decryptor;
import dev.sealpost.codec.EncryptionContext;
import dev.sealpost.codec.Encryptor;
import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.SignMode;
import dev.sealpost.codec.TrustedWriter;
import dev.sealpost.codec.TrustedWriters;
import dev.sealpost.codec.WriterKey;
import dev.sealpost.codec.format.EnvelopeHeader;
import dev.sealpost.codec.keys.Ed25519PrivateKey;
import dev.sealpost.codec.keys.Ed25519PublicKey;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The vectors' writer signatures and trusted writers through the codec (SPEC.md section 16):
 * {@code signer} configures the encryptor, {@code trustedWriters} the reader's trust for the
 * test; absent trust means none is required.
 */
final class SignerSupport {
  private static final HexFormat HEX = HexFormat.of();

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

  static void configure(Encryptor.Builder b, JsonNode t) throws SealpostException {
    JsonNode s = t.get("signer");
    if (s == null) {
      return;
    }
    Ed25519PrivateKey key = Ed25519PrivateKey.fromSeed(HEX.parseHex(s.get("privateKey").asText()));
    assertEquals(s.get("publicKey").asText(), HEX.formatHex(key.publicKey().toBytes()), "the seed's public key");
    b.signer(WriterKey.ed25519(s.get("signerId").asText(), (int) s.get("version").asLong(), key),
        SignMode.valueOf(s.get("mode").asText()));
  }

  /**
   * [SIG-1]: the signed message and the signature the vector gives are those in the envelope:
   * the header signature after {@code P} in mode 01, the last 64 bytes in mode 02.
   */
  static void checkIntermediates(JsonNode t, byte[] envelope, EnvelopeHeader h) {
    JsonNode im = t.get("intermediates");
    if (!t.has("signer") || im == null || !im.has("signature")) {
      return;
    }
    byte[] sig = HEX.parseHex(im.get("signature").asText());
    byte[] signed = HEX.parseHex(im.get("signedMessage").asText());
    if (h.signer().orElseThrow().mode() == SignMode.PER_DEK) {
      assertArrayEquals(sig, h.headerSignature().orElseThrow());
      byte[] label = "sealpost/v1 signed header".getBytes(StandardCharsets.US_ASCII);
      assertArrayEquals(signed, concat(label, Arrays.copyOf(envelope, h.signedPrefixLength())));
    } else {
      assertArrayEquals(sig, Arrays.copyOfRange(envelope, envelope.length - 64, envelope.length));
      byte[] label = "sealpost/v1 signed message".getBytes(StandardCharsets.US_ASCII);
      assertArrayEquals(Arrays.copyOf(envelope, envelope.length - 64), Arrays.copyOfRange(signed, label.length, label.length + envelope.length - 64));
    }
  }

  static Opened open(Decryptor d, JsonNode t, byte[] envelope, EncryptionContext external, Map<String, String> required)
      throws SealpostException {
    Decrypted r = d.open(envelope, 0, envelope.length, external, required, trust(t));
    return new Opened(r.plaintext(),
        r.verifiedSigner().map(s -> s.signerId() + " v" + s.versionUnsigned()).orElse(null));
  }

  /** An encryption vector's envelope read back, trusting its signer when it has one. */
  static byte[] decryptBack(Decryptor d, JsonNode t, byte[] envelope, EncryptionContext external) throws SealpostException {
    JsonNode s = t.get("signer");
    if (s == null) {
      return d.decrypt(envelope, external);
    }
    TrustedWriters trust = TrustedWriters.of(TrustedWriter.ed25519(s.get("signerId").asText(), (int) s.get("version").asLong(),
        Ed25519PublicKey.fromBytes(HEX.parseHex(s.get("publicKey").asText()))));
    Decrypted r = d.open(envelope, 0, envelope.length, external, Map.of(), trust);
    assertEquals(s.get("signerId").asText(), r.verifiedSigner().orElseThrow().signerId());
    return r.plaintext();
  }

  static InputStream decryptingStream(Decryptor d, JsonNode t, InputStream source, EncryptionContext external)
      throws SealpostException {
    return d.decryptingStream(source, external, trust(t));
  }

  private static TrustedWriters trust(JsonNode t) throws SealpostException {
    JsonNode list = t.get("trustedWriters");
    if (list == null) {
      return TrustedWriters.none();
    }
    List<TrustedWriter> out = new ArrayList<>();
    for (JsonNode w : list) {
      out.add(TrustedWriter.ed25519(w.get("signerId").asText(), (int) w.get("version").asLong(),
          Ed25519PublicKey.fromBytes(HEX.parseHex(w.get("publicKey").asText()))));
    }
    return TrustedWriters.of(out);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
