package dev.sealpost.cli;

import dev.sealpost.codec.Decryptor;
import dev.sealpost.codec.EncryptionContext;
import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.keys.Keyring;
import dev.sealpost.codec.keys.PemKeys;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The keys an envelope is opened with, and the hints for the two commonest failures. */
final class DecryptKeys {
  @Mixin KeyringOptions keyring;

  @Option(names = "--private-key", paramLabel = "LABEL[:VERSION]=PRIVATE.pem",
      description = "An X25519 private key; repeatable.")
  List<String> privates = new ArrayList<>();

  @Option(names = "--private-key-password-env", paramLabel = "VAR",
      description = "Environment variable holding the private keys' password (for ENCRYPTED PRIVATE KEY files).")
  String keyPasswordEnv;

  private Keyring ring;

  /** The keyring, loaded (and its password asked) once; null without --keyring. */
  Keyring keyring() throws Exception {
    if (ring == null && keyring.given()) {
      ring = keyring.load();
    }
    return ring;
  }

  Decryptor decryptor() throws Exception {
    if (!keyring.given() && privates.isEmpty()) {
      throw CliException.usage("give a key: --keyring FILE or --private-key LABEL=PRIVATE.pem");
    }
    Decryptor.Builder b = Decryptor.builder();
    if (keyring.given()) {
      b.kekSource(keyring());
    }
    char[] keyPassword = Io.password(keyPasswordEnv, null);
    for (String spec : privates) {
      Io.LabelledPath p = new Io.LabelledPath(spec);
      Io.warnIfShared(p.path, "private key");
      b.x25519Key(p.label, p.version, PemKeys.loadPrivateKey(p.path, keyPassword));
    }
    return b.build();
  }

  /**
   * The failure as one line naming the input, with a hint for the two commonest causes: a
   * missing external context (Kafka records have one), and the newline kcat prints after each
   * record.
   */
  static CliException failure(String input, SealpostException e, byte[] raw, EncryptionContext context) {
    String hint = "";
    boolean authentication = e.category() == ErrorCategory.AUTHENTICATION_FAILED;
    if ((authentication || e.category() == ErrorCategory.MALFORMED_HEADER)
        && raw != null && raw.length > 0 && raw[raw.length - 1] == '\n' && !Io.isBase64(raw)) {
      hint = " (hint: the input ends with a newline byte; kcat prints one after each record unless run with -f '%s')";
    } else if (authentication && context.isEmpty()) {
      hint = " (hint: no --context was given; envelopes written with an external context, such as Kafka records, need the same,"
          + " e.g. --context kafka.topic=TOPIC --context kafka.record.part=value, see docs/kafka.md)";
    }
    return new CliException(input + ": " + e.getMessage() + hint);
  }
}
