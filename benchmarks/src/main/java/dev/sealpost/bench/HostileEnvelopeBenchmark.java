package dev.sealpost.bench;

import dev.sealpost.codec.Decryptor;
import dev.sealpost.codec.EncryptionContext;
import dev.sealpost.codec.Encryptor;
import dev.sealpost.codec.Recipient;
import dev.sealpost.codec.RecipientType;
import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.Suite;
import dev.sealpost.codec.dek.DekKeys;
import dev.sealpost.codec.format.HeaderWriter;
import dev.sealpost.codec.format.RecipientEntry;
import dev.sealpost.codec.internal.EnvelopeSealer;
import dev.sealpost.codec.keys.X25519PrivateKey;
import dev.sealpost.codec.kms.TestKms;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * Issue 8, finding 2: what a keyless attacker's envelope costs a reader, against an honest
 * envelope of the same recipient type. The attacker writes 32 recipient entries that the reader
 * holds (X25519: the reader's label under 32 versions, all held; KMS: 32 URIs under the
 * reader's allowed prefix, all served) with junk wrapped bytes. Both decryptors run with their
 * caches off ({@code dekCacheCapacity(0)}, which also turns off the failure cache), so every
 * call pays the full price: the honest decrypt unwraps once, the hostile one stops after its
 * first verdict [RCP-8]. {@code duplicates} is the other shape, 32 copies of one reference,
 * refused while parsing [RCP-7]. The ratio {@code hostile / honest} is the number to report
 * (SPEC bound: at most 2).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class HostileEnvelopeBenchmark {
  @Param({"x25519", "kms"})
  public String recipientType;

  private static final int ENTRIES = 32;
  private static final String LABEL = "consumer";
  private static final String PREFIX = "test-kms://acct/";

  private Decryptor reader;
  private byte[] honest;
  private byte[] hostile;
  private byte[] duplicates;

  @Setup
  public void setup() throws GeneralSecurityException {
    byte[] plaintext = Payloads.random(64);
    SecureRandom random = new SecureRandom();
    Decryptor.Builder b = Decryptor.builder().dekCacheCapacity(0);
    List<RecipientEntry> hostileEntries = new ArrayList<>();
    List<RecipientEntry> duplicateEntries = new ArrayList<>();
    Recipient honestRecipient;
    if (recipientType.equals("x25519")) {
      X25519PrivateKey key = X25519PrivateKey.fromBytes(Payloads.key(7, 32));
      for (int v = 1; v <= ENTRIES; v++) {
        b.x25519Key(LABEL, v, key); // the reader holds every version the attacker names
        hostileEntries.add(new RecipientEntry(RecipientType.X25519_HPKE, LABEL, v, junk(random, 80)));
        duplicateEntries.add(new RecipientEntry(RecipientType.X25519_HPKE, LABEL, 1, junk(random, 80)));
      }
      honestRecipient = Recipient.x25519(LABEL, 1, key.publicKey());
    } else {
      Map<String, byte[]> keys = new HashMap<>();
      for (int i = 0; i < ENTRIES; i++) {
        keys.put(PREFIX + i, Payloads.key(100 + i, 32));
        hostileEntries.add(new RecipientEntry(RecipientType.KMS, PREFIX + i, 0, junk(random, TestKms.BLOB_LENGTH)));
        duplicateEntries.add(new RecipientEntry(RecipientType.KMS, PREFIX + 0, i, junk(random, TestKms.BLOB_LENGTH)));
      }
      TestKms kms = TestKms.of(keys, random);
      b.kmsClient(kms).kmsKeyUriPrefix(PREFIX);
      honestRecipient = Recipient.kms(kms, PREFIX + 0);
    }
    reader = b.build();
    honest = Encryptor.builder().recipient(honestRecipient).build().encrypt(plaintext);
    hostile = craft(hostileEntries, plaintext, random);
    duplicates = craft(duplicateEntries, plaintext, random);
  }

  private static byte[] junk(SecureRandom random, int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  /** An envelope whose commitment and body are right for a DEK none of the entries wraps. */
  private static byte[] craft(List<RecipientEntry> entries, byte[] plaintext, SecureRandom random)
      throws GeneralSecurityException {
    DekKeys keys = DekKeys.derive(Suite.AES_256_GCM, junk(random, 32));
    byte[] prefix = HeaderWriter.prefix(Suite.AES_256_GCM, entries, keys.commitment(), EncryptionContext.empty());
    return EnvelopeSealer.seal(keys, prefix, junk(random, 12), new byte[] {0}, plaintext, 0, plaintext.length);
  }

  @Benchmark
  public byte[] honest() throws SealpostException {
    return reader.decrypt(honest);
  }

  @Benchmark
  public Object hostile() {
    try {
      return reader.decrypt(hostile);
    } catch (SealpostException e) {
      return e.category(); // unwrap-failed
    }
  }

  @Benchmark
  public Object duplicates() {
    try {
      return reader.decrypt(duplicates);
    } catch (SealpostException e) {
      return e.category(); // malformed-header
    }
  }
}
