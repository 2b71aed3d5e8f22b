package dev.sealpost.cli;

import dev.sealpost.codec.keys.Keyring;
import picocli.CommandLine.Command;

@Command(name = "enable", mixinStandardHelpOptions = true,
    description = "Enable a disabled version again. It does not become current: when no version is marked primary "
        + "and the enabled one is higher than the current one, the current one is pinned as primary first.",
    footerHeading = "%nExamples:%n",
    footer = {"  sealpost keys enable --keyring app.keyring --key-id orders --key-version 1"})
final class KeysEnableCommand extends KeysVersionCommand {
  KeysEnableCommand() {
    super("enable");
  }

  @Override
  Outcome edit(KeyringOptions.Handle h, Keyring.Entry target) throws Exception {
    Keyring after = h.ring;
    if (target.disabled()) {
      Integer was = current(h.ring);
      // Without a pin, the highest enabled version is current: enabling a higher one would move writers to it.
      boolean pin = was != null && version > was && h.ring.entries().stream()
          .noneMatch(e -> e.keyId().equals(keyId) && e.primary());
      after = KeysCommand.copy(h.ring, keyId, e -> new KeysCommand.State(e.primary() || pin && e.version() == was,
          e.disabled() && e.version() != version)).build();
    }
    return new Outcome(after, "'" + keyId + "' version " + version
        + (target.disabled() ? " is enabled again in " : " was not disabled in ") + h.path + "; current is " + current(after));
  }

  private Integer current(Keyring ring) {
    try {
      return ring.currentVersion(keyId);
    } catch (Exception e) {
      return null; // every version disabled
    }
  }
}
