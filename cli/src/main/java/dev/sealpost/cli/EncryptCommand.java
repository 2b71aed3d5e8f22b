package dev.sealpost.cli;

import dev.sealpost.codec.Encryptor;
import dev.sealpost.codec.Recipient;
import dev.sealpost.codec.Suite;
import dev.sealpost.codec.keys.Keyring;
import dev.sealpost.codec.keys.PemKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "encrypt", mixinStandardHelpOptions = true,
    description = "Encrypt stdin (or --in) into one envelope on stdout (or --out).")
final class EncryptCommand implements Callable<Integer> {
  enum SuiteName {
    gcm(Suite.AES_256_GCM), chacha(Suite.CHACHA20_POLY1305), siv(Suite.AES_256_SIV);

    final Suite suite;

    SuiteName(Suite suite) {
      this.suite = suite;
    }
  }

  @Option(names = "--in", description = "Input file (default: stdin).") Path in;
  @Option(names = "--out", description = "Output file (default: stdout).") Path out;
  @Option(names = "--keyring", description = "Keyring file, for --kek.") Path keyring;
  @Option(names = "--keyring-password-env", description = "Environment variable holding the keyring password.") String passwordEnv;
  @Option(names = "--keyring-password-file", description = "File whose first line is the keyring password.") Path passwordFile;
  @Option(names = "--kek", description = "A keyring key id to encrypt for (current version); repeatable.") List<String> keks = new ArrayList<>();
  @Option(names = "--recipient", paramLabel = "LABEL[:VERSION]=PUBLIC.pem",
      description = "An X25519 public key to encrypt for; repeatable.") List<String> publics = new ArrayList<>();
  @Option(names = "--suite", description = "gcm (default), chacha or siv (deterministic, --kek only).") SuiteName suite = SuiteName.gcm;
  @Option(names = "--context", paramLabel = "KEY=VALUE",
      description = "External context entry (not stored; the reader must give the same); repeatable.") List<String> context;
  @Option(names = "--stored-context", paramLabel = "KEY=VALUE",
      description = "Stored context entry (in the header, visible); repeatable.") List<String> stored;
  @Option(names = "--base64", description = "Write the envelope as base64 text.") boolean base64;

  @Override
  public Integer call() throws Exception {
    if (keks.isEmpty() && publics.isEmpty()) {
      throw new CliException("give at least one recipient: --kek ID (with --keyring) or --recipient LABEL=PUBLIC.pem");
    }
    Encryptor.Builder b = Encryptor.builder().suite(suite.suite);
    if (!keks.isEmpty()) {
      if (keyring == null) {
        throw new CliException("--kek needs --keyring");
      }
      Keyring ring = Io.keyring(keyring, Io.password(passwordEnv, passwordFile));
      for (String id : keks) {
        b.recipient(Recipient.symmetric(ring, id));
      }
    }
    for (String spec : publics) {
      Io.LabelledPath p = new Io.LabelledPath(spec);
      b.recipient(Recipient.x25519(p.label, p.version, PemKeys.loadPublicKey(p.path)));
    }
    b.storedContext(Io.context(stored));
    byte[] plaintext = Io.read(in);
    byte[] envelope = b.build().encrypt(plaintext, Io.context(context));
    Io.write(out, base64 ? (Base64.getEncoder().encodeToString(envelope) + "\n").getBytes(StandardCharsets.US_ASCII) : envelope);
    return 0;
  }
}
