package dev.sealpost.cli;

import dev.sealpost.codec.keys.Ed25519PrivateKey;
import dev.sealpost.codec.keys.EncryptedPemWriter;
import dev.sealpost.codec.keys.Keyring;
import dev.sealpost.codec.keys.KeyringFile;
import dev.sealpost.codec.keys.PemKeys;
import dev.sealpost.codec.keys.X25519PrivateKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "keygen", mixinStandardHelpOptions = true,
    description = "Generate key material: a new KEK key id in a keyring, an X25519 key pair, or an Ed25519 writer key pair.",
    subcommands = {KeygenCommand.Kek.class, KeygenCommand.X25519.class, KeygenCommand.Ed25519.class},
    footerHeading = "%nExamples:%n",
    footer = {
      "  sealpost keygen kek --keyring app.keyring --key-id orders",
      "  sealpost keygen x25519 --out analytics",
      "  sealpost keygen ed25519 --out billing",
      "New versions of an existing key id (rotation) come from 'sealpost keys add'."
    })
final class KeygenCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "choose 'kek', 'x25519' or 'ed25519'");
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
        if (h.ring.highestIssued(keyId) >= 0) {
          throw new CliException(path + " already has key id '" + keyId + "'; keygen does not rotate: add a version with"
              + " 'sealpost keys add --keyring " + path + " --key-id " + keyId + "'");
        }
        b = KeysCommand.copy(h.ring, keyId, e -> KeysCommand.primary(e, e.primary()));
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
      b.add(keyId, 1, kek, false, false, Instant.now());
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
          + "Existing files are never overwritten. --encrypt writes the private key password-protected (ENCRYPTED "
          + "PRIVATE KEY: PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC), as openssl pkcs8 -topk8 -v2 aes-256-cbc does.",
      footerHeading = "%nExamples:%n",
      footer = {
        "  sealpost keygen x25519 --out analytics",
        "  sealpost keygen x25519 --out analytics --encrypt                  # asks twice",
        "  sealpost keygen x25519 --out analytics --encrypt --password-env KEY_PW",
        "  sealpost encrypt --recipient analytics=analytics.pub < report.csv > report.sp",
        "  KEY_PW=... sealpost decrypt --private-key analytics=analytics.key --private-key-password-env KEY_PW < report.sp"
      })
  static final class X25519 extends KeyPair {
    @Override
    String[] pems(char[] password, int iterations) throws Exception {
      X25519PrivateKey key = X25519PrivateKey.generate(new SecureRandom());
      return new String[] {
        password == null ? PemKeys.toPem(key) : EncryptedPemWriter.toEncryptedPem(key, password, new SecureRandom(), iterations),
        PemKeys.toPem(key.publicKey())
      };
    }

    @Override
    String describe() {
      return "";
    }

    @Override
    String jsonExtra() {
      return "";
    }
  }

  @Command(name = "ed25519", mixinStandardHelpOptions = true,
      description = "Generate an Ed25519 writer key pair for signed envelopes (SPEC.md 16): <out>.key (private, PKCS#8 "
          + "PEM, owner-only) and <out>.pub (public, SPKI PEM). Existing files are never overwritten. --encrypt "
          + "writes the private key password-protected, as for x25519.",
      footerHeading = "%nExamples:%n",
      footer = {
        "  sealpost keygen ed25519 --out billing",
        "  sealpost keygen ed25519 --out billing --encrypt --password-env SIGN_PW",
        "  sealpost encrypt --keyring app.keyring --kek orders --sign billing.key --signer-id billing < in > out.sp",
        "  sealpost decrypt --keyring app.keyring --trust billing:1:billing.pub < out.sp"
      })
  static final class Ed25519 extends KeyPair {
    @Override
    String[] pems(char[] password, int iterations) throws Exception {
      Ed25519PrivateKey key = Ed25519PrivateKey.generate();
      return new String[] {
        password == null ? PemKeys.toPem(key) : EncryptedPemWriter.toEncryptedPem(key, password, new SecureRandom(), iterations),
        PemKeys.toPem(key.publicKey())
      };
    }

    @Override
    String describe() {
      return " (Ed25519 writer key)";
    }

    @Override
    String jsonExtra() {
      return ", \"algorithm\": \"Ed25519\"";
    }
  }
  /**
   * A key pair written as two PEM files, the private one owner-only and optionally
   * password-protected, the public one last so that a failure leaves no orphan public key.
   */
  abstract static class KeyPair implements Callable<Integer> {
    @Option(names = "--out", required = true, paramLabel = "PREFIX", description = "Path prefix of the two files.")
    String out;

    @Option(names = "--encrypt", description = "Protect the private key with a password, asked twice on the terminal "
        + "unless --password-env or --password-file gives it.")
    boolean encrypt;

    @Option(names = "--password-env", paramLabel = "VAR", description = "Environment variable holding the new password (with --encrypt).")
    String passwordEnv;

    @Option(names = "--password-file", paramLabel = "FILE", description = "File whose first line is the new password (with --encrypt).")
    Path passwordFile;

    @Option(names = "--iterations", paramLabel = "N",
        description = "PBKDF2 iterations (with --encrypt; default 600000; 100000..5000000).")
    Integer iterations;

    @Option(names = "--json", description = "JSON output.")
    boolean json;

    /** The private key PEM (encrypted when a password is given) and the public key PEM. */
    abstract String[] pems(char[] passwordOrNull, int iterations) throws Exception;

    /** What follows the file names in the text output, and extra JSON fields. */
    abstract String describe();

    abstract String jsonExtra();

    @Override
    public Integer call() throws Exception {
      Path priv = Path.of(out + ".key");
      Path pub = Path.of(out + ".pub");
      for (Path p : new Path[] {priv, pub}) {
        if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
          throw new CliException(p + " already exists; refusing to overwrite key material");
        }
      }
      if (!encrypt && (passwordEnv != null || passwordFile != null || iterations != null)) {
        throw CliException.usage("--password-env, --password-file and --iterations go with --encrypt");
      }
      if (iterations != null
          && (iterations < EncryptedPemWriter.MIN_ITERATIONS || iterations > EncryptedPemWriter.MAX_ITERATIONS)) {
        throw CliException.usage("--iterations must be " + EncryptedPemWriter.MIN_ITERATIONS + ".."
            + EncryptedPemWriter.MAX_ITERATIONS);
      }
      char[] password = null;
      if (encrypt) {
        password = Io.password(passwordEnv, passwordFile);
        if (password == null) {
          password = Io.promptNew("private key " + priv);
          if (password == null) {
            throw new CliException("--encrypt: no terminal to ask for the password on; give --password-env VAR or --password-file FILE");
          }
        }
        if (password.length == 0) {
          throw new CliException("an empty password is not allowed; nothing was written");
        }
      }
      String[] pems;
      try {
        pems = pems(password, iterations == null ? EncryptedPemWriter.DEFAULT_ITERATIONS : iterations);
      } finally {
        if (password != null) {
          Arrays.fill(password, '\0');
        }
      }
      try (Output o = Output.open(priv, false)) {
        o.write(pems[0].getBytes(StandardCharsets.US_ASCII));
        o.commit();
      }
      try (Output o = Output.open(pub, false)) {
        o.write(pems[1].getBytes(StandardCharsets.US_ASCII));
        o.commit();
      }
      Output.makeReadable(pub); // a public key is meant to be shared
      if (json) {
        Session.get().text.println("{\"privateKey\": " + InspectCommand.str(priv.toString()) + ", \"publicKey\": "
            + InspectCommand.str(pub.toString()) + jsonExtra() + ", \"encrypted\": " + encrypt + "}");
      } else {
        Session.get().text.println("wrote " + priv + (encrypt ? " (encrypted)" : "") + " and " + pub + describe());
      }
      return 0;
    }
  }
}
