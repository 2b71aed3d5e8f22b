package dev.sealpost.cli;

import dev.sealpost.codec.keys.Keyring;
import dev.sealpost.codec.keys.KeyringFile;
import dev.sealpost.codec.keys.PemKeys;
import dev.sealpost.codec.keys.X25519PrivateKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "keygen", mixinStandardHelpOptions = true,
    description = "Generate key material: a new KEK key id in a keyring, or an X25519 key pair.",
    subcommands = {KeygenCommand.Kek.class, KeygenCommand.X25519.class},
    footerHeading = "%nExamples:%n",
    footer = {
      "  sealpost keygen kek --keyring app.keyring --key-id orders",
      "  sealpost keygen x25519 --out analytics",
      "New versions of an existing key id (rotation) come from 'sealpost keys add'."
    })
final class KeygenCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "choose 'kek' or 'x25519'");
  }

  @Command(name = "kek", mixinStandardHelpOptions = true,
      description = "Create a key id with a random 32-byte KEK (version 1) in a keyring file, creating the file if "
          + "needed. An existing key id is refused: rotate with 'sealpost keys add'.",
      footerHeading = "%nExamples:%n",
      footer = {
        "  sealpost keygen kek --keyring app.keyring --key-id orders",
        "  sealpost keygen kek --keyring app.keyring --key-id billing --encrypt  # asks twice",
        "  sealpost keygen kek --keyring app.keyring --key-id orders --keyring-password-env SEALPOST_PW"
      })
  static final class Kek implements Callable<Integer> {
    @Mixin KeyringOptions keyring;

    @Option(names = "--key-id", required = true, paramLabel = "ID", description = "Key id, e.g. orders.")
    String keyId;

    @Option(names = "--encrypt", description = "Create the keyring file encrypted, asking for a new password on the "
        + "terminal (or taking it from --keyring-password-env/-file).")
    boolean encrypt;

    @Option(names = "--json", description = "JSON output.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      if (keyring.keyring == null) {
        throw CliException.usage("--keyring FILE is required");
      }
      Keyring.checkKeyId(keyId);
      Path path = keyring.keyring;
      boolean exists = Files.exists(path, LinkOption.NOFOLLOW_LINKS);
      Keyring.Builder b = Keyring.builder();
      char[] password;
      int iterations = 0;
      if (exists) {
        if (encrypt) {
          throw CliException.usage(path + " exists; --encrypt is for a new keyring (use 'sealpost keys passwd')");
        }
        KeyringOptions.Handle h = keyring.open();
        for (Keyring.Entry e : h.ring.entries()) {
          if (e.keyId().equals(keyId)) {
            throw new CliException(path + " already has key id '" + keyId + "' (current version "
                + h.ring.currentVersion(keyId) + "); keygen does not rotate: add a version with 'sealpost keys add --keyring "
                + path + " --key-id " + keyId + "'");
          }
          byte[] k = e.key();
          b.add(e.keyId(), e.version(), k, e.primary());
          Arrays.fill(k, (byte) 0);
        }
        password = h.password;
        iterations = h.iterations;
      } else {
        password = Io.password(keyring.passwordEnv, keyring.passwordFile);
        if (password == null && encrypt) {
          password = Io.promptNew("keyring " + path);
          if (password == null) {
            throw new CliException("--encrypt: no terminal to ask for the password on; give --keyring-password-env VAR or --keyring-password-file FILE");
          }
        }
      }
      byte[] kek = new byte[Keyring.KEY_LENGTH];
      new SecureRandom().nextBytes(kek);
      b.add(keyId, 1, kek);
      Arrays.fill(kek, (byte) 0);
      KeyringOptions.write(path, b.build(), password, iterations);
      if (password != null) {
        Arrays.fill(password, '\0');
      }
      if (json) {
        Session.get().text.println("{\"keyring\": " + InspectCommand.str(path.toString()) + ", \"keyId\": "
            + InspectCommand.str(keyId) + ", \"version\": 1, \"createdKeyring\": " + !exists
            + ", \"encrypted\": " + (password != null) + "}");
      } else {
        Session.get().text.println((exists ? "added" : "created " + path + (password != null ? " (encrypted)" : "") + " with")
            + " KEK '" + keyId + "' version 1" + (exists ? " to " + path : ""));
      }
      return 0;
    }
  }

  @Command(name = "x25519", mixinStandardHelpOptions = true,
      description = "Generate an X25519 key pair: <out>.key (private, PKCS#8 PEM, owner-only) and <out>.pub (public PEM). "
          + "Existing files are never overwritten.",
      footerHeading = "%nExamples:%n",
      footer = {
        "  sealpost keygen x25519 --out analytics",
        "  sealpost encrypt --recipient analytics=analytics.pub < report.csv > report.sp"
      })
  static final class X25519 implements Callable<Integer> {
    @Option(names = "--out", required = true, paramLabel = "PREFIX", description = "Path prefix of the two files.")
    String out;

    @Option(names = "--json", description = "JSON output.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      Path priv = Path.of(out + ".key");
      Path pub = Path.of(out + ".pub");
      for (Path p : new Path[] {priv, pub}) {
        if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
          throw new CliException(p + " already exists; refusing to overwrite key material");
        }
      }
      X25519PrivateKey key = X25519PrivateKey.generate(new SecureRandom());
      // Each file whole or not at all; the public key last, so a failure leaves no orphan .pub.
      try (Output o = Output.open(priv, false)) {
        o.write(PemKeys.toPem(key).getBytes(StandardCharsets.US_ASCII));
        o.commit();
      }
      try (Output o = Output.open(pub, false)) {
        o.write(PemKeys.toPem(key.publicKey()).getBytes(StandardCharsets.US_ASCII));
        o.commit();
      }
      Output.makeReadable(pub); // a public key is meant to be shared
      if (json) {
        Session.get().text.println("{\"privateKey\": " + InspectCommand.str(priv.toString()) + ", \"publicKey\": "
            + InspectCommand.str(pub.toString()) + "}");
      } else {
        Session.get().text.println("wrote " + priv + " and " + pub);
      }
      return 0;
    }
  }
}
