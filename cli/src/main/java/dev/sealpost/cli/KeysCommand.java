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
      KeysDisableCommand.class,
      KeysEnableCommand.class,
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
      "Versions can be disabled (never current; decrypt still works unless the reader refuses disabled",
      "versions, e.g. decrypt --no-disabled) and retired (the KEK is deleted, the number stays used).",
      "Creation times and these states are kept in keyring format v2 (docs/key-material.md 1.7). A",
      "keyring is rewritten atomically in canonical form (comments are not kept)."
    })
final class KeysCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "choose a subcommand: list, add, promote, disable, enable, retire, passwd or public");
  }

  /** Highest version of a key id that holds a key, or -1 when the keyring has none. */
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

  static Keyring.Entry requireVersion(KeyringOptions.Handle h, String keyId, int version) {
    requireKeyId(h, keyId);
    for (Keyring.Entry e : h.ring.entries()) {
      if (e.keyId().equals(keyId) && e.version() == version) {
        return e;
      }
    }
    boolean retired = h.ring.retired().stream().anyMatch(r -> r.keyId().equals(keyId) && r.version() == version);
    throw new CliException(h.path + " has no version " + version + " of '" + keyId + "'" + (retired ? " (it is retired)" : ""));
  }

  /** The state of an entry after an edit; null drops the entry. */
  record State(boolean primary, boolean disabled) {}

  /** Edits of a keyring: every entry copied, with changes for one key id. */
  interface Edit {
    State apply(Keyring.Entry e);
  }

  /** A copy with {@code edit} applied to the entries of {@code keyId}; creation times and retired records are kept. */
  static Keyring.Builder copy(Keyring ring, String keyId, Edit edit) throws Exception {
    Keyring.Builder b = Keyring.builder();
    for (Keyring.Entry e : ring.entries()) {
      State s = e.keyId().equals(keyId) ? edit.apply(e) : new State(e.primary(), e.disabled());
      if (s != null) {
        byte[] k = e.key();
        try {
          b.add(e.keyId(), e.version(), k, s.primary(), s.disabled(), e.created().orElse(null));
        } finally {
          Arrays.fill(k, (byte) 0);
        }
      }
    }
    for (Keyring.Retired r : ring.retired()) {
      b.retire(r.keyId(), r.version(), r.retired().orElse(null));
    }
    return b;
  }

  /** The state with only the primary mark changed. */
  static State primary(Keyring.Entry e, boolean primary) {
    return new State(primary, e.disabled());
  }

  /** A one-line JSON result of a keyring edit. */
  static String json(KeyringOptions.Handle h, String action, String keyId, int version, Keyring after) {
    String current;
    try {
      current = Integer.toString(after.currentVersion(keyId));
    } catch (Exception e) {
      current = "null";
    }
    return "{\"keyring\": " + InspectCommand.str(h.path.toString()) + ", \"action\": " + InspectCommand.str(action)
        + ", \"keyId\": " + InspectCommand.str(keyId) + ", \"version\": " + version + ", \"current\": " + current + "}";
  }
}
