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

/** Tink's AEAD primitive, AES256_GCM from a keyset (5-byte prefix, random 12-byte IV). */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class TinkAeadBenchmark {
  private static final byte[] AAD = new byte[0];

  @Param({"64", "1024", "16384", "1048576"})
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
