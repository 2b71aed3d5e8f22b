package dev.sealpost.bench;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
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
 * The ceiling: raw JCE AES-256-GCM with one cached Cipher, re-initialised per message with a
 * counter nonce (GCM refuses a repeated key and IV on encryption). No envelope, no AAD.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class JceAesGcmBenchmark {
  private static final int CHUNK = 16 * 1024;

  @Param({"64", "1024", "16384", "1048576"})
  public int size;

  private byte[] plaintext;
  private SecretKeySpec key;
  private Cipher enc;
  private Cipher dec;
  private final byte[] nonce = new byte[12];
  private long counter;
  private byte[] ciphertext;
  private final byte[] fixedNonce = new byte[12];

  @Setup
  public void setup() throws GeneralSecurityException {
    plaintext = Payloads.random(size);
    key = new SecretKeySpec(Payloads.key(1, 32), "AES");
    enc = Cipher.getInstance("AES/GCM/NoPadding");
    dec = Cipher.getInstance("AES/GCM/NoPadding");
    enc.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, fixedNonce));
    ciphertext = enc.doFinal(plaintext);
  }

  @Benchmark
  public byte[] encrypt() throws GeneralSecurityException {
    ByteBuffer.wrap(nonce).putLong(4, ++counter);
    enc.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
    return enc.doFinal(plaintext);
  }

  /**
   * The same with the plaintext fed in 16 KiB update() calls: on JDK 17 a single large doFinal
   * stays on a slow path, so this is the real ceiling for large messages there.
   */
  @Benchmark
  public byte[] encryptChunked() throws GeneralSecurityException {
    ByteBuffer.wrap(nonce).putLong(4, ++counter);
    enc.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
    byte[] out = new byte[size + 16];
    int o = 0;
    int p = 0;
    while (size - p > CHUNK) {
      o += enc.update(plaintext, p, CHUNK, out, o);
      p += CHUNK;
    }
    enc.doFinal(plaintext, p, size - p, out, o);
    return out;
  }

  @Benchmark
  public byte[] decrypt() throws GeneralSecurityException {
    dec.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, fixedNonce));
    return dec.doFinal(ciphertext);
  }
}
