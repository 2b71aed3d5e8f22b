package dev.sealpost.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "promote", mixinStandardHelpOptions = true,
    description = "Make a version the current one of its key id (writers wrap new DEKs under it), by marking it primary.",
    footerHeading = "%nExamples:%n",
    footer = {"  sealpost keys promote --keyring app.keyring --key-id orders --key-version 2"})
final class KeysPromoteCommand implements Callable<Integer> {
  @Mixin KeyringOptions keyring;

  @Option(names = "--key-id", required = true, paramLabel = "ID", description = "Key id.")
  String keyId;

  @Option(names = "--key-version", required = true, paramLabel = "N", description = "The version to make current.")
  int version;

  @Override
  public Integer call() throws Exception {
    KeyringOptions.Handle h = keyring.open();
    try {
      KeysCommand.requireVersion(h, keyId, version);
      int was = h.ring.currentVersion(keyId);
      h.save(KeysCommand.copy(h.ring, keyId, e -> e.version() == version).build());
      Session.get().text.println("'" + keyId + "' version " + version + " is now current in " + h.path
          + (was == version ? " (it already was)" : " (was " + was + ")"));
      return 0;
    } finally {
      h.wipe();
    }
  }
}
