package dev.sealpost.cli;

import dev.sealpost.codec.Decryptor;
import dev.sealpost.codec.keys.PemKeys;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "decrypt", mixinStandardHelpOptions = true,
    description = "Decrypt one envelope (binary, or base64 starting with 91NQ) from stdin (or --in) to stdout (or --out).")
final class DecryptCommand implements Callable<Integer> {
  @Option(names = "--in", description = "Input file (default: stdin).") Path in;
  @Option(names = "--out", description = "Output file (default: stdout).") Path out;
  @Option(names = "--keyring", description = "Keyring file with KEKs.") Path keyring;
  @Option(names = "--keyring-password-env", description = "Environment variable holding the keyring password.") String passwordEnv;
  @Option(names = "--keyring-password-file", description = "File whose first line is the keyring password.") Path passwordFile;
  @Option(names = "--private-key", paramLabel = "LABEL[:VERSION]=PRIVATE.pem",
      description = "An X25519 private key; repeatable.") List<String> privates = new ArrayList<>();
  @Option(names = "--private-key-password-env", description = "Environment variable holding the private keys' password.") String keyPasswordEnv;
  @Option(names = "--context", paramLabel = "KEY=VALUE", description = "External context entry, as given to encrypt; repeatable.") List<String> context;
  @Option(names = "--require", paramLabel = "KEY=VALUE", description = "Stored context entry that must be present; repeatable.") List<String> require;

  @Override
  public Integer call() throws Exception {
    if (keyring == null && privates.isEmpty()) {
      throw new CliException("give a key: --keyring FILE or --private-key LABEL=PRIVATE.pem");
    }
    Decryptor.Builder b = Decryptor.builder();
    if (keyring != null) {
      b.kekSource(Io.keyring(keyring, Io.password(passwordEnv, passwordFile)));
    }
    char[] keyPassword = Io.password(keyPasswordEnv, null);
    for (String spec : privates) {
      Io.LabelledPath p = new Io.LabelledPath(spec);
      b.x25519Key(p.label, p.version, PemKeys.loadPrivateKey(p.path, keyPassword));
    }
    byte[] envelope = Io.envelopeInput(Io.read(in));
    byte[] plaintext = b.build().decrypt(envelope, 0, envelope.length, Io.context(context), Io.context(require).asMap());
    Io.write(out, plaintext);
    return 0;
  }
}
