package dev.sealpost.bench;

import dev.sealpost.codec.Decryptor;
import dev.sealpost.codec.EncryptionContext;
import dev.sealpost.codec.Encryptor;
import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.Suite;
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

/** The deterministic suite AES_256_SIV, at the small sizes it is meant for (record keys). */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class CodecSivBenchmark {
  @Param({"64", "1024"})
  public int size;

  private byte[] plaintext;
  private Encryptor encryptor;
  private Decryptor decryptor;
  private EncryptionContext external;
  private byte[] envelope;

  @Setup
  public void setup() throws SealpostException {
    CodecBenchmark.Codec c = new CodecBenchmark.Codec(Suite.AES_256_SIV, size);
    plaintext = c.plaintext;
    encryptor = c.encryptor;
    decryptor = c.decryptor;
    external = c.external;
    envelope = c.envelope;
  }

  @Benchmark
  public byte[] encrypt() throws SealpostException {
    return encryptor.encrypt(plaintext, external);
  }

  @Benchmark
  public byte[] decrypt() throws SealpostException {
    return decryptor.decrypt(envelope, external);
  }
}
