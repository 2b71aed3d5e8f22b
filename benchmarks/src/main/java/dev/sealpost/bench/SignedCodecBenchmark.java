package dev.sealpost.bench;

import dev.sealpost.codec.Decryptor;
import dev.sealpost.codec.EncryptionContext;
import dev.sealpost.codec.Encryptor;
import dev.sealpost.codec.Recipient;
import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.SignMode;
import dev.sealpost.codec.TrustedWriter;
import dev.sealpost.codec.TrustedWriters;
import dev.sealpost.codec.WriterKey;
import dev.sealpost.codec.keys.Ed25519PrivateKey;
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
 * Writer signatures (SPEC.md 16, issue 10): {@link CodecBenchmark}'s setup (AES-256-GCM, one
 * symmetric recipient, external context {@code topic=orders}), unsigned or signed per DEK or per
 * message. Signed envelopes are read by a reader that trusts the writer, so decrypt includes step
 * 10a: a cached per-DEK verification, or one Ed25519 verification per message. Targets:
 * {@code PER_DEK / none >= 0.9} for encrypt and decrypt at 1 KiB; {@code PER_MESSAGE / none} is
 * reported as a ratio.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class SignedCodecBenchmark {
  @Param({"none", "PER_DEK", "PER_MESSAGE"})
  public String signing;

  @Param({"1024"})
  public int size;

  private Signed s;

  @Setup
  public void setup() throws SealpostException {
    s = new Signed(signing, size);
  }

  @Benchmark
  public byte[] encrypt() throws SealpostException {
    return s.encrypt();
  }

  @Benchmark
  public byte[] decrypt() throws SealpostException {
    return s.decrypt();
  }

  /** Shared setup: also used by the interleaved harness {@code ab.SignedAb}. */
  public static final class Signed {
    final byte[] plaintext;
    final Encryptor encryptor;
    final Decryptor decryptor;
    final EncryptionContext external;
    final TrustedWriters trust;
    final byte[] envelope;

    /** {@code signing}: {@code none}, {@code PER_DEK} or {@code PER_MESSAGE}. */
    public Signed(String signing, int size) throws SealpostException {
      Keyring keyring = Keyring.builder().add("bench", 1, Payloads.key(2, 32)).build();
      plaintext = Payloads.random(size);
      Encryptor.Builder b = Encryptor.builder().recipient(Recipient.symmetric(keyring, "bench"));
      if (signing.equals("none")) {
        trust = TrustedWriters.none();
      } else {
        Ed25519PrivateKey key = Ed25519PrivateKey.fromSeed(Payloads.key(3, 32));
        b.signer(WriterKey.ed25519("bench-writer", 1, key), SignMode.valueOf(signing));
        trust = TrustedWriters.of(TrustedWriter.ed25519("bench-writer", 1, key.publicKey()));
      }
      encryptor = b.build();
      decryptor = Decryptor.builder().kekSource(keyring).trustedWriters(trust).build();
      external = EncryptionContext.of("topic", "orders");
      envelope = encryptor.encrypt(plaintext, external);
    }

    public byte[] encrypt() throws SealpostException {
      return encryptor.encrypt(plaintext, external);
    }

    public byte[] decrypt() throws SealpostException {
      return decryptor.decrypt(envelope, external);
    }
  }
}
