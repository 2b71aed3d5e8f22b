package dev.sealpost.bench;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.AesGcmParameters;
import com.google.crypto.tink.aead.KmsEnvelopeAead;
import java.security.GeneralSecurityException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Tink's KmsEnvelopeAead with a local KEK (an AES256_GCM Aead standing in for the KMS): a new
 * DEK per message, wrapped by the KEK, the DEK's AEAD re-created on decryption. Up to 16 KiB:
 * the targets compare with it at 1 KiB, and at 1 MiB the payload AEAD dominates anyway.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class TinkEnvelopeBenchmark {
  private static final byte[] AAD = new byte[0];

  @Param({"64", "1024", "16384"})
  public int size;

  private byte[] plaintext;
  private Aead envelope;
  private byte[] ciphertext;

  @Setup
  public void setup() throws GeneralSecurityException {
    AeadConfig.register();
    plaintext = Payloads.random(size);
    AesGcmParameters aes256 =
        AesGcmParameters.builder()
            .setKeySizeBytes(32)
            .setIvSizeBytes(12)
            .setTagSizeBytes(16)
            .setVariant(AesGcmParameters.Variant.NO_PREFIX)
            .build();
    Aead kek = KeysetHandle.generateNew(aes256).getPrimitive(RegistryConfiguration.get(), Aead.class);
    envelope = KmsEnvelopeAead.create(aes256, kek);
    ciphertext = envelope.encrypt(plaintext, AAD);
  }

  @Benchmark
  public byte[] encrypt() throws GeneralSecurityException {
    return envelope.encrypt(plaintext, AAD);
  }

  @Benchmark
  public byte[] decrypt() throws GeneralSecurityException {
    return envelope.decrypt(ciphertext, AAD);
  }
}
