package dev.sealpost.cli;

import dev.sealpost.codec.keys.Keyring;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "promote", mixinStandardHelpOptions = true,
    description = "Make a version the current one of its key id (writers wrap new DEKs under it), by marking it primary.",
    footerHeading = "%nExamples:%n",
    footer = {
      "  sealpost keys promote --keyring app.keyring --key-id orders --key-version 2",
      "  sealpost keys promote --keyring app.keyring --key-id orders --key-version 2 --json"
    })
final class KeysPromoteCommand implements Callable<Integer> {
  @Mixin KeyringOptions keyring;

  @Option(names = "--key-id", required = true, paramLabel = "ID", description = "Key id.")
  String keyId;

  @Option(names = "--key-version", required = true, paramLabel = "N", description = "The version to make current.")
  int version;

  @Option(names = "--json", description = "JSON output.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    KeyringOptions.Handle h = keyring.open();
    try {
      Keyring.Entry target = KeysCommand.requireVersion(h, keyId, version);
      if (target.disabled()) {
        throw new CliException("'" + keyId + "' version " + version + " is disabled; enable it first (sealpost keys enable)");
      }
      int was = h.ring.currentVersion(keyId);
      Keyring after = KeysCommand.copy(h.ring, keyId, e -> KeysCommand.primary(e, e.version() == version)).build();
      h.save(after);
      Session.get().text.println(json ? KeysCommand.json(h, "promote", keyId, version, after)
          : "'" + keyId + "' version " + version + " is now current in " + h.path
              + (was == version ? " (it already was)" : " (was " + was + ")"));
      return 0;
    } finally {
      h.wipe();
    }
  }
}
