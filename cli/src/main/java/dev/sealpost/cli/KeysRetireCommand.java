package dev.sealpost.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "retire", mixinStandardHelpOptions = true,
    description = "Remove a version's KEK from the keyring for good: envelopes still under it can no longer be "
        + "decrypted, so rewrap them first. The current and the highest version cannot be retired (the keyring "
        + "format keeps no record of retired versions, and the highest must stay so that no version number is reused).",
    footerHeading = "%nExamples:%n",
    footer = {"  sealpost keys retire --keyring app.keyring --key-id orders --key-version 1 --yes"})
final class KeysRetireCommand implements Callable<Integer> {
  @Mixin KeyringOptions keyring;

  @Option(names = "--key-id", required = true, paramLabel = "ID", description = "Key id.")
  String keyId;

  @Option(names = "--key-version", required = true, paramLabel = "N", description = "The version to remove.")
  int version;

  @Option(names = "--yes", description = "Confirm: the KEK is destroyed.")
  boolean yes;

  @Override
  public Integer call() throws Exception {
    KeyringOptions.Handle h = keyring.open();
    try {
      KeysCommand.requireVersion(h, keyId, version);
      if (h.ring.currentVersion(keyId) == version) {
        throw new CliException("'" + keyId + "' version " + version + " is current; promote another version first");
      }
      if (KeysCommand.highest(h.ring, keyId) == version) {
        throw new CliException("'" + keyId + "' version " + version + " is the highest; a later 'keys add' would reuse "
            + "its number for another key, so it stays (add and promote a newer version first)");
      }
      if (!yes) {
        throw CliException.usage("retiring destroys '" + keyId + "' version " + version + " in " + h.path
            + ": envelopes still under it can no longer be decrypted (rewrap them first); repeat with --yes");
      }
      h.save(KeysCommand.copy(h.ring, keyId, e -> e.version() == version ? null : e.primary()).build());
      Session.get().text.println("retired '" + keyId + "' version " + version + " from " + h.path);
      return 0;
    } finally {
      h.wipe();
    }
  }
}
