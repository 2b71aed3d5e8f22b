package dev.sealpost.cli;

import dev.sealpost.codec.keys.Keyring;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "retire", mixinStandardHelpOptions = true,
    description = "Delete a version's KEK for good: envelopes still under it can no longer be decrypted, so rewrap "
        + "them first (and 'keys disable' it before, to find what still needs it). The keyring keeps a 'retired' record "
        + "(format v2) so that the number is never issued again. The current version cannot be retired.",
    footerHeading = "%nExamples:%n",
    footer = {"  sealpost keys retire --keyring app.keyring --key-id orders --key-version 1 --yes"})
final class KeysRetireCommand extends KeysVersionCommand {
  @Option(names = "--yes", description = "Confirm: the KEK is destroyed.")
  boolean yes;

  KeysRetireCommand() {
    super("retire");
  }

  @Override
  Outcome edit(KeyringOptions.Handle h, Keyring.Entry target) throws Exception {
    if (h.ring.currentVersion(keyId) == version) {
      throw new CliException("'" + keyId + "' version " + version + " is current; promote another version first");
    }
    if (!yes) {
      throw CliException.usage("retiring destroys '" + keyId + "' version " + version + " in " + h.path
          + ": envelopes still under it can no longer be decrypted (rewrap them first); repeat with --yes");
    }
    Keyring after = KeysCommand.copy(h.ring, keyId, e -> e.version() == version ? null : KeysCommand.primary(e, e.primary()))
        .retire(keyId, version, Instant.now()).build();
    return new Outcome(after, "retired '" + keyId + "' version " + version + " in " + h.path
        + ": its KEK is deleted, its number stays used");
  }
}
