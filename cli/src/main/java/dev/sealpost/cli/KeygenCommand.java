package dev.sealpost.cli;

import dev.sealpost.codec.keys.Keyring;
import dev.sealpost.codec.keys.KeyringFile;
import dev.sealpost.codec.keys.PemKeys;
import dev.sealpost.codec.keys.X25519PrivateKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "keygen", mixinStandardHelpOptions = true,
    description = "Generate key material.",
    subcommands = {KeygenCommand.Kek.class, KeygenCommand.X25519.class})
final class KeygenCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "choose 'kek' or 'x25519'");
  }

  @Command(name = "kek", mixinStandardHelpOptions = true,
      description = "Add a new 32-byte KEK version to a keyring file (created if missing). "
          + "The new version becomes the current one.")
  static final class Kek implements Callable<Integer> {
    @Option(names = "--keyring", required = true, description = "Keyring file.")
    Path keyring;

    @Option(names = "--key-id", required = true, description = "Key id, e.g. orders.")
    String keyId;

    @Option(names = "--password-env", description = "Encrypt the keyring with the password in this environment variable.")
    String passwordEnv;

    @Option(names = "--password-file", description = "Encrypt the keyring with the password on this file's first line.")
    Path passwordFile;

    @Override
    public Integer call() throws Exception {
      char[] password = Io.password(passwordEnv, passwordFile);
      Keyring.Builder b = Keyring.builder();
      int version = 1;
      if (Files.exists(keyring)) {
        Keyring old = KeyringFile.load(keyring, password);
        for (Keyring.Entry e : old.entries()) {
          // The new version is current: it is the highest, and no older one stays primary.
          boolean primary = e.primary() && !e.keyId().equals(keyId);
          byte[] k = e.key();
          b.add(e.keyId(), e.version(), k, primary);
          Arrays.fill(k, (byte) 0);
          if (e.keyId().equals(keyId)) {
            version = Math.max(version, e.version() + 1);
          }
        }
      }
      byte[] kek = new byte[Keyring.KEY_LENGTH];
      SecureRandom random = new SecureRandom();
      random.nextBytes(kek);
      b.add(keyId, version, kek);
      Arrays.fill(kek, (byte) 0);
      if (password == null) {
        KeyringFile.write(keyring, b.build());
      } else {
        KeyringFile.write(keyring, b.build(), password, random);
      }
      Main.STDOUT.get().println("added KEK '" + keyId + "' version " + version + " to " + keyring);
      return 0;
    }
  }

  @Command(name = "x25519", mixinStandardHelpOptions = true,
      description = "Generate an X25519 key pair: <out>.key (private, PKCS#8 PEM, owner-only) and <out>.pub (public PEM).")
  static final class X25519 implements Callable<Integer> {
    @Option(names = "--out", required = true, description = "Path prefix of the two files.")
    String out;

    @Override
    public Integer call() throws Exception {
      Path priv = Path.of(out + ".key");
      Path pub = Path.of(out + ".pub");
      for (Path p : new Path[] {priv, pub}) {
        if (Files.exists(p)) {
          throw new CliException(p + " already exists; refusing to overwrite key material");
        }
      }
      X25519PrivateKey key = X25519PrivateKey.generate(new SecureRandom());
      writeOwnerOnly(priv, PemKeys.toPem(key));
      Files.writeString(pub, PemKeys.toPem(key.publicKey()), StandardCharsets.US_ASCII, StandardOpenOption.CREATE_NEW);
      Main.STDOUT.get().println("wrote " + priv + " and " + pub);
      return 0;
    }

    private static void writeOwnerOnly(Path p, String text) throws IOException {
      try {
        Files.createFile(p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException e) {
        Files.createFile(p);
      } catch (FileAlreadyExistsException e) {
        throw new CliException(p + " already exists");
      }
      Files.writeString(p, text, StandardCharsets.US_ASCII);
    }
  }
}
