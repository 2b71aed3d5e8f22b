package dev.sealpost.bench;

import dev.sealpost.codec.Decryptor;
import dev.sealpost.codec.EncryptionContext;
import dev.sealpost.codec.Encryptor;
import dev.sealpost.codec.Recipient;
import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.Suite;
import dev.sealpost.codec.keys.Keyring;
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
 * The codec's randomized suites, one symmetric recipient, an external context of one entry (as
 * the Kafka adapter passes the topic). The DEK is reused across messages as the codec does by
 * default [DEK-2]; the decryptor's DEK cache is warm, as for a consumer in steady state.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class CodecBenchmark {
  @Param({"AES_256_GCM", "CHACHA20_POLY1305"})
  public Suite suite;

  @Param({"64", "1024", "16384", "1048576"})
  public int size;

  private byte[] plaintext;
  private Encryptor encryptor;
  private Decryptor decryptor;
  private EncryptionContext external;
  private byte[] envelope;

  @Setup
  public void setup() throws SealpostException {
    Codec c = new Codec(suite, size);
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

  /** Shared setup of the codec benchmarks. */
  static final class Codec {
    final byte[] plaintext;
    final Encryptor encryptor;
    final Decryptor decryptor;
    final EncryptionContext external;
    final byte[] envelope;

    Codec(Suite suite, int size) throws SealpostException {
      Keyring keyring = Keyring.builder().add("bench", 1, Payloads.key(2, 32)).build();
      plaintext = Payloads.random(size);
      encryptor = Encryptor.builder().suite(suite).recipient(Recipient.symmetric(keyring, "bench")).build();
      decryptor = Decryptor.builder().kekSource(keyring).build();
      external = EncryptionContext.of("topic", "orders");
      envelope = encryptor.encrypt(plaintext, external);
    }
  }
}
