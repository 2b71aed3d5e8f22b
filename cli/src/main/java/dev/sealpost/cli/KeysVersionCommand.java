package dev.sealpost.cli;

import dev.sealpost.codec.keys.Keyring;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The keys subcommands that change the state of one version (promote, disable, enable, retire):
 * the same options, the same open-check-save-report frame, and one JSON result shape; each says
 * only how its edit goes.
 */
abstract class KeysVersionCommand implements Callable<Integer> {
  @Mixin KeyringOptions keyring;

  @Option(names = "--key-id", required = true, paramLabel = "ID", description = "Key id.")
  String keyId;

  @Option(names = "--key-version", required = true, paramLabel = "N", description = "The version to ${COMMAND-NAME}.")
  int version;

  @Option(names = "--json", description = "JSON output.")
  boolean json;

  /** The {@code action} of the JSON result. */
  private final String action;

  KeysVersionCommand(String action) {
    this.action = action;
  }

  /** The keyring after the edit ({@code h.ring} itself when nothing changes) and the text to print. */
  record Outcome(Keyring after, String text) {}

  /** Checks and edits {@code target}, the entry of {@link #keyId} {@link #version}, which exists. */
  abstract Outcome edit(KeyringOptions.Handle h, Keyring.Entry target) throws Exception;

  @Override
  public final Integer call() throws Exception {
    KeyringOptions.Handle h = keyring.open();
    try {
      Outcome o = edit(h, KeysCommand.requireVersion(h, keyId, version));
      if (o.after() != h.ring) {
        // A command that changes nothing leaves the file as it is.
        h.save(o.after());
      }
      Session.get().text.println(json ? KeysCommand.json(h, action, keyId, version, o.after()) : o.text());
      return 0;
    } finally {
      h.wipe();
    }
  }
}
