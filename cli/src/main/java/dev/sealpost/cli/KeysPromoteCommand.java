package dev.sealpost.cli;

import dev.sealpost.codec.keys.Keyring;
import picocli.CommandLine.Command;

@Command(name = "promote", mixinStandardHelpOptions = true,
    description = "Make a version the current one of its key id (writers wrap new DEKs under it), by marking it primary.",
    footerHeading = "%nExamples:%n",
    footer = {
      "  sealpost keys promote --keyring app.keyring --key-id orders --key-version 2",
      "  sealpost keys promote --keyring app.keyring --key-id orders --key-version 2 --json"
    })
final class KeysPromoteCommand extends KeysVersionCommand {
  KeysPromoteCommand() {
    super("promote");
  }

  @Override
  Outcome edit(KeyringOptions.Handle h, Keyring.Entry target) throws Exception {
    if (target.disabled()) {
      throw new CliException("'" + keyId + "' version " + version + " is disabled; enable it first (sealpost keys enable)");
    }
    int was = h.ring.currentVersion(keyId);
    Keyring after = KeysCommand.copy(h.ring, keyId, e -> KeysCommand.primary(e, e.version() == version)).build();
    return new Outcome(after, "'" + keyId + "' version " + version + " is now current in " + h.path
        + (was == version ? " (it already was)" : " (was " + was + ")"));
  }
}
