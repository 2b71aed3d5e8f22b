package dev.sealpost.cli;

import dev.sealpost.codec.Encryptor;
import dev.sealpost.codec.Limits;
import dev.sealpost.codec.Recipient;
import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.Suite;
import dev.sealpost.codec.keys.Keyring;
import dev.sealpost.codec.keys.PemKeys;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "encrypt", mixinStandardHelpOptions = true,
    description = "Encrypt stdin (or --in) into one envelope on stdout (or --out).",
    footerHeading = "%nExamples:%n",
    footer = {
      "  sealpost encrypt --keyring app.keyring --kek orders --in db.dump --out db.sp",
      "  echo -n 'a payment' | sealpost encrypt --keyring app.keyring --kek orders --base64",
      "  sealpost encrypt --recipient analytics=analytics.pub --stored-context tenant=acme \\",
      "      < report.csv > report.sp",
      "",
      "Binary output is not written to a terminal unless asked with -o - or --force.",
      "--out files are written whole or not at all; an existing one is replaced only with --force."
    })
final class EncryptCommand implements Callable<Integer> {
  enum SuiteName {
    gcm(Suite.AES_256_GCM), chacha(Suite.CHACHA20_POLY1305), siv(Suite.AES_256_SIV);

    final Suite suite;

    SuiteName(Suite suite) {
      this.suite = suite;
    }
  }

  @Option(names = {"-i", "--in"}, paramLabel = "FILE", description = "Input file (default: stdin).") Path in;
  @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "Output file; - for stdout (the default).") Path out;
  @Option(names = "--force", description = "Replace an existing --out file; write binary to a terminal.") boolean force;
  @Mixin KeyringOptions keyring;
  @Option(names = "--kek", paramLabel = "ID", description = "A keyring key id to encrypt for (current version); repeatable.") List<String> keks = new ArrayList<>();
  @Option(names = "--recipient", paramLabel = "LABEL[:VERSION]=PUBLIC.pem",
      description = "An X25519 public key to encrypt for; repeatable.") List<String> publics = new ArrayList<>();
  @Option(names = "--suite", description = "gcm (default), chacha or siv (deterministic, --kek only).") SuiteName suite = SuiteName.gcm;
  @Option(names = "--context", paramLabel = "KEY=VALUE",
      description = "External context entry (not stored; the reader must give the same); repeatable.") List<String> context;
  @Option(names = "--stored-context", paramLabel = "KEY=VALUE",
      description = "Stored context entry (in the header, visible); repeatable.") List<String> stored;
  @Option(names = "--base64", description = "Write the envelope as base64 text (one line).") boolean base64;

  /** Input-sized arrays held at once: the plaintext, and the envelope with the codec's working copy (measured). */
  private static final double COPIES = 3.3;

  @Override
  public Integer call() throws Exception {
    if (keks.isEmpty() && publics.isEmpty()) {
      throw CliException.usage("give at least one recipient: --kek ID (with --keyring) or --recipient LABEL=PUBLIC.pem");
    }
    if (!keks.isEmpty() && !keyring.given()) {
      throw CliException.usage("--kek needs --keyring");
    }
    Input input = Input.of(in);
    input.checkSize("encrypt", Limits.MAX_PLAINTEXT_LENGTH, COPIES);
    Encryptor encryptor = encryptor(suite.suite, Io.context(stored));
    try (Output output = Output.open(out, force)) {
      if (!base64) {
        output.refuseBinaryOnTerminal(force || out != null, "an envelope (binary)");
      }
      byte[] plaintext = input.readAll("encrypt", Limits.MAX_PLAINTEXT_LENGTH, COPIES);
      byte[] envelope;
      try {
        envelope = encryptor.encrypt(plaintext, Io.context(context));
      } catch (SealpostException e) {
        throw new CliException(input.name() + ": " + e.getMessage());
      } finally {
        Arrays.fill(plaintext, (byte) 0);
      }
      if (base64) {
        OutputStream text = Base64.getEncoder().wrap(output.stream());
        text.write(envelope);
        text.close(); // writes the padding; the Output stays open
        output.write(new byte[] {'\n'});
      } else {
        output.write(envelope);
      }
      output.commit();
    }
    return 0;
  }

  private Encryptor encryptor(Suite s, dev.sealpost.codec.EncryptionContext storedContext) throws Exception {
    Encryptor.Builder b = Encryptor.builder().suite(s);
    if (!keks.isEmpty()) {
      Keyring ring = keyring.load();
      for (String id : keks) {
        b.recipient(Recipient.symmetric(ring, id));
      }
    }
    for (String spec : publics) {
      Io.LabelledPath p = new Io.LabelledPath(spec);
      b.recipient(Recipient.x25519(p.label, p.version, PemKeys.loadPublicKey(p.path)));
    }
    return b.storedContext(storedContext).build();
  }
}
