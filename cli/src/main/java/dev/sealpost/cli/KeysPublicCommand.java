package dev.sealpost.cli;

import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.keys.PemKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "public", mixinStandardHelpOptions = true,
    description = "Print the public key (PEM) of an X25519 or Ed25519 private key (PKCS#8 PEM, plain or encrypted).",
    footerHeading = "%nExamples:%n",
    footer = {
      "  sealpost keys public --in analytics.key > analytics.pub",
      "  sealpost keys public --in signer.key --out signer.pub",
      "  KEY_PW=... sealpost keys public --in analytics.enc.key --password-env KEY_PW",
      "  sealpost keys public --in analytics.key --json | jq -r .publicKey"
    })
final class KeysPublicCommand implements Callable<Integer> {
  @Option(names = {"-i", "--in"}, required = true, paramLabel = "FILE", description = "Private key, PEM.")
  Path in;

  @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "Output file; - for stdout (the default).")
  Path out;

  @Option(names = "--force", description = "Replace an existing --out file.")
  boolean force;

  @Option(names = "--password-env", paramLabel = "VAR", description = "Environment variable holding the password of an ENCRYPTED PRIVATE KEY.")
  String passwordEnv;

  @Option(names = "--json", description = "JSON output: the algorithm and the PEM (and the file written, with --out).")
  boolean json;

  @Override
  public Integer call() throws Exception {
    Io.warnIfShared(in, "private key");
    char[] password = Io.password(passwordEnv, null);
    String pem = ed25519Public(in, password);
    String algorithm = "Ed25519";
    if (pem == null) {
      pem = PemKeys.toPem(PemKeys.loadPrivateKey(in, password).publicKey());
      algorithm = "X25519";
    }
    boolean toFile = !Output.isStdout(out);
    if (!json || toFile) {
      try (Output o = Output.open(out, force)) {
        o.write(pem.getBytes(StandardCharsets.US_ASCII));
        o.commit();
      }
      if (toFile) {
        Output.makeReadable(out);
      }
    }
    if (json) {
      Session.get().text.println("{\"privateKey\": " + InspectCommand.str(in.toString()) + ", \"algorithm\": "
          + InspectCommand.str(algorithm) + ", \"publicKey\": " + InspectCommand.str(pem)
          + ", \"out\": " + (toFile ? InspectCommand.str(out.toString()) : "null") + "}");
    }
    return 0;
  }

  /**
   * The public key PEM when {@code file} holds an Ed25519 private key (plain or encrypted
   * PKCS#8); null when it holds another kind of key, which the X25519 reader then names.
   */
  static String ed25519Public(Path file, char[] password) throws Exception {
    try {
      return PemKeys.toPem(PemKeys.loadEd25519PrivateKey(file, password).publicKey());
    } catch (SealpostException e) {
      // Not Ed25519 (or unreadable): the X25519 reader gives the precise message.
      return null;
    }
  }
}
