package dev.sealpost.bench;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
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
 * Tink's AEAD as in {@link TinkAeadBenchmark}, but with associated data as long as the codec's
 * (the envelope header is its AAD [AUTH-1]): the like-for-like comparison at 1 KiB.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class TinkAeadAadBenchmark {
  /** As long as the codec's AAD here: its 105-byte header (one symmetric recipient, key id "bench") plus the 15-byte encoded external context. */
  private static final byte[] AAD = Payloads.random(120);

  @Param({"1024"})
  public int size;

  private byte[] plaintext;
  private Aead aead;
  private byte[] ciphertext;

  @Setup
  public void setup() throws GeneralSecurityException {
    AeadConfig.register();
    plaintext = Payloads.random(size);
    aead = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM)
        .getPrimitive(RegistryConfiguration.get(), Aead.class);
    ciphertext = aead.encrypt(plaintext, AAD);
  }

  @Benchmark
  public byte[] encrypt() throws GeneralSecurityException {
    return aead.encrypt(plaintext, AAD);
  }

  @Benchmark
  public byte[] decrypt() throws GeneralSecurityException {
    return aead.decrypt(ciphertext, AAD);
  }
}
