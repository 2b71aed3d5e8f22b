package dev.sealpost.cli;

import dev.sealpost.codec.keys.KeyringFile;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "passwd", mixinStandardHelpOptions = true,
    description = "Encrypt a keyring with a password, change its password, or (--remove-password) store it plain. "
        + "Passwords are asked on the terminal without echo, the new one twice, unless given by environment or file.",
    footerHeading = "%nExamples:%n",
    footer = {
      "  sealpost keys passwd --keyring app.keyring        # plain -> encrypted, or a new password",
      "  sealpost keys passwd --keyring app.keyring --remove-password",
      "  sealpost keys passwd --keyring app.keyring --keyring-password-env OLD --new-password-env NEW"
    })
final class KeysPasswdCommand implements Callable<Integer> {
  @Mixin KeyringOptions keyring;

  @Option(names = "--new-password-env", paramLabel = "VAR", description = "Environment variable holding the new password.")
  String newEnv;

  @Option(names = "--new-password-file", paramLabel = "FILE", description = "File whose first line is the new password.")
  Path newFile;

  @Option(names = "--remove-password", description = "Write the keyring plain (protected by file permissions only).")
  boolean remove;

  @Option(names = "--iterations", paramLabel = "N",
      description = "PBKDF2 iterations for the new file (default: the file's own, else 600000; 100000..10000000).")
  Integer iterations;

  @Override
  public Integer call() throws Exception {
    if (remove && (newEnv != null || newFile != null || iterations != null)) {
      throw CliException.usage("--remove-password takes no new password or iterations");
    }
    if (iterations != null && (iterations < KeyringFile.MIN_ITERATIONS || iterations > KeyringFile.MAX_ITERATIONS)) {
      throw CliException.usage("--iterations must be " + KeyringFile.MIN_ITERATIONS + ".." + KeyringFile.MAX_ITERATIONS);
    }
    KeyringOptions.Handle h = keyring.open();
    char[] password = null;
    try {
      if (remove) {
        if (!h.encrypted()) {
          throw new CliException(h.path + " is not encrypted");
        }
        KeyringOptions.write(h.path, h.ring, null, 0);
        Session.get().text.println(h.path + " is now plain: only its file permissions protect it");
        return 0;
      }
      password = Io.password(newEnv, newFile);
      if (password == null) {
        password = Io.promptNew("keyring " + h.path);
        if (password == null) {
          throw new CliException("no terminal to ask for the new password on; give --new-password-env VAR or --new-password-file FILE");
        }
      }
      int n = iterations != null ? iterations : h.encrypted() ? h.iterations : KeyringFile.DEFAULT_ITERATIONS;
      KeyringOptions.write(h.path, h.ring, password, n);
      Session.get().text.println(h.path + (h.encrypted() ? " has a new password" : " is now encrypted"));
      return 0;
    } finally {
      h.wipe();
      if (password != null) {
        Arrays.fill(password, '\0');
      }
    }
  }
}
