package dev.sealpost.bench.kafka;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The floor no encrypting client can beat on the same cores (issue 9): the plaintext
 * {@code byte[]} serializer and deserializer plus one raw JCE AES-256-GCM call per record on
 * as many bytes, its result discarded. Encryption: one cached {@code Cipher}, re-initialised per
 * record with a counter nonce, one {@code doFinal} over the record's bytes, no associated data
 * (as {@code JceAesGcmBenchmark.encrypt}). Decryption: one {@code doFinal} that opens a valid
 * ciphertext as long as the record (made once per length; GCM's cost depends on the length, not
 * on the bytes), as {@code JceAesGcmBenchmark.decrypt}. What goes on the wire is the plaintext,
 * so the floor's bytes on disk are the plaintext topic's.
 */
final class Floor {
  private Floor() {}

  private static SecretKeySpec key() {
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    return new SecretKeySpec(k, "AES");
  }

  /** Plaintext out, one AES-GCM seal of it discarded. */
  public static final class FloorSerializer implements Serializer<byte[]> {
    private final SecretKeySpec key = key();
    private final byte[] nonce = new byte[12];
    private final Cipher cipher;
    private long counter;
    /** Read by nobody; keeps the sealed bytes observable to the JIT. */
    public volatile int sink;

    public FloorSerializer() {
      try {
        cipher = Cipher.getInstance("AES/GCM/NoPadding");
      } catch (GeneralSecurityException e) {
        throw new KafkaException(e);
      }
    }

    @Override
    public byte[] serialize(String topic, byte[] data) {
      if (data == null) {
        return null;
      }
      try {
        ByteBuffer.wrap(nonce).putLong(4, ++counter);
        cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
        byte[] sealed = cipher.doFinal(data);
        sink = sealed[sealed.length - 1];
      } catch (GeneralSecurityException e) {
        throw new KafkaException(e);
      }
      return data;
    }
  }

  /** Plaintext in and out, one AES-GCM open of a ciphertext of the same length discarded. */
  public static final class FloorDeserializer implements Deserializer<byte[]> {
    private final SecretKeySpec key = key();
    private final GCMParameterSpec spec = new GCMParameterSpec(128, new byte[12]);
    private final Cipher cipher;
    private final Map<Integer, byte[]> ciphertexts = new HashMap<>();
    public volatile int sink;

    public FloorDeserializer() {
      try {
        cipher = Cipher.getInstance("AES/GCM/NoPadding");
      } catch (GeneralSecurityException e) {
        throw new KafkaException(e);
      }
    }

    @Override
    public byte[] deserialize(String topic, byte[] data) {
      if (data == null) {
        return null;
      }
      try {
        byte[] ct = ciphertexts.get(data.length);
        if (ct == null) {
          Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
          c.init(Cipher.ENCRYPT_MODE, key, spec);
          ct = c.doFinal(new byte[data.length]);
          ciphertexts.put(data.length, ct);
        }
        cipher.init(Cipher.DECRYPT_MODE, key, spec);
        byte[] opened = cipher.doFinal(ct);
        sink = opened.length;
      } catch (GeneralSecurityException e) {
        throw new KafkaException(e);
      }
      return data;
    }
  }
}
