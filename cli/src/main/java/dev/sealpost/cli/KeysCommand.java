package dev.sealpost.cli;

import dev.sealpost.codec.keys.Keyring;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "keys", mixinStandardHelpOptions = true,
    description = "Manage a keyring's KEKs and derive public keys.",
    subcommands = {
      KeysListCommand.class,
      KeysAddCommand.class,
      KeysPromoteCommand.class,
      KeysRetireCommand.class,
      KeysPasswdCommand.class,
      KeysPublicCommand.class
    },
    footerHeading = "%nExamples (rotating the KEK 'orders', then retiring its old version):%n",
    footer = {
      "  sealpost keys list --keyring app.keyring",
      "  sealpost keys add --keyring app.keyring --key-id orders          # v2, not yet current",
      "  # ...copy app.keyring to every reader, then:",
      "  sealpost keys promote --keyring app.keyring --key-id orders --key-version 2",
      "  sealpost rewrap --keyring app.keyring --in old.sp --out new.sp",
      "  sealpost keys retire --keyring app.keyring --key-id orders --key-version 1 --yes",
      "",
      "The keyring format records key ids, versions and the primary mark only: no creation time and",
      "no disabled state. A keyring is rewritten atomically in canonical form (comments are not kept)."
    })
final class KeysCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "choose a subcommand: list, add, promote, retire, passwd or public");
  }

  /** Highest version of a key id, or -1 when the keyring lacks it. */
  static int highest(Keyring ring, String keyId) {
    int max = -1;
    for (Keyring.Entry e : ring.entries()) {
      if (e.keyId().equals(keyId)) {
        max = Math.max(max, e.version());
      }
    }
    return max;
  }

  static void requireKeyId(KeyringOptions.Handle h, String keyId) {
    if (highest(h.ring, keyId) < 0) {
      throw new CliException(h.path + " has no key id '" + keyId + "'; create one with 'sealpost keygen kek'");
    }
  }

  static void requireVersion(KeyringOptions.Handle h, String keyId, int version) {
    requireKeyId(h, keyId);
    if (!h.ring.holds(keyId, version)) {
      throw new CliException(h.path + " has no version " + version + " of '" + keyId + "'");
    }
  }

  /** Edits of a keyring: every entry copied, with changes for one key id. */
  interface Edit {
    /** Null drops the entry; else whether it is marked primary. */
    Boolean primary(Keyring.Entry e);
  }

  static Keyring.Builder copy(Keyring ring, String keyId, Edit edit) throws Exception {
    Keyring.Builder b = Keyring.builder();
    for (Keyring.Entry e : ring.entries()) {
      Boolean primary = e.keyId().equals(keyId) ? edit.primary(e) : Boolean.valueOf(e.primary());
      if (primary != null) {
        byte[] k = e.key();
        b.add(e.keyId(), e.version(), k, primary);
        Arrays.fill(k, (byte) 0);
      }
    }
    return b;
  }
}
