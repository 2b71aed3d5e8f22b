package dev.sealpost.cli;

import dev.sealpost.codec.keys.Keyring;
import picocli.CommandLine.Command;

@Command(name = "disable", mixinStandardHelpOptions = true,
    description = {"Disable a version: it is never current, and readers that refuse disabled versions (decrypt "
        + "--no-disabled, or a keyring loaded with that option) fail on envelopes under it with no-matching-key. Other "
        + "readers still decrypt with it. The KEK stays in the file: 'keys enable' undoes this.",
        "Use it before retiring, to find what still needs the version while it can still be read. The current version "
            + "cannot be disabled. The keyring is written in format v2 (docs/key-material.md 1.7)."},
    footerHeading = "%nExamples:%n",
    footer = {
      "  sealpost keys disable --keyring app.keyring --key-id orders --key-version 1",
      "  sealpost decrypt --keyring app.keyring --no-disabled --in old.sp > /dev/null   # fails if still under v1"
    })
final class KeysDisableCommand extends KeysVersionCommand {
  KeysDisableCommand() {
    super("disable");
  }

  @Override
  Outcome edit(KeyringOptions.Handle h, Keyring.Entry target) throws Exception {
    if (h.ring.currentVersion(keyId) == version) {
      // Disabling the current version would silently move writers to another one.
      throw new CliException("'" + keyId + "' version " + version + " is current; promote another version first");
    }
    Keyring after = target.disabled() ? h.ring
        : KeysCommand.copy(h.ring, keyId, e -> new KeysCommand.State(e.primary(), e.disabled() || e.version() == version)).build();
    return new Outcome(after, "'" + keyId + "' version " + version
        + (target.disabled() ? " was already disabled in " : " is now disabled in ") + h.path);
  }
}
