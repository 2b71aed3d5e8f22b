package dev.sealpost.cli;

import dev.sealpost.codec.keys.Keyring;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "add", mixinStandardHelpOptions = true,
    description = "Add the next version of a key id, with a random KEK. It does not become current unless --promote: "
        + "the current version is pinned as primary, so that the new one can reach every reader first.",
    footerHeading = "%nExamples:%n",
    footer = {
      "  sealpost keys add --keyring app.keyring --key-id orders",
      "  sealpost keys add --keyring app.keyring --key-id orders --promote    # rotate at once"
    })
final class KeysAddCommand implements Callable<Integer> {
  @Mixin KeyringOptions keyring;

  @Option(names = "--key-id", required = true, paramLabel = "ID", description = "An existing key id.")
  String keyId;

  @Option(names = "--promote", description = "Make the new version current at once.")
  boolean promote;

  @Option(names = "--json", description = "JSON output.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    KeyringOptions.Handle h = keyring.open();
    try {
      KeysCommand.requireKeyId(h, keyId);
      int was = h.ring.currentVersion(keyId);
      int highest = KeysCommand.highest(h.ring, keyId);
      if (highest == Integer.MAX_VALUE) {
        throw new CliException("'" + keyId + "' already has the highest possible version");
      }
      int version = highest + 1;
      // Without --promote the current version keeps its place by an explicit primary mark.
      Keyring.Builder b = KeysCommand.copy(h.ring, keyId, e -> !promote && e.version() == was);
      byte[] kek = new byte[Keyring.KEY_LENGTH];
      new SecureRandom().nextBytes(kek);
      b.add(keyId, version, kek, promote);
      Arrays.fill(kek, (byte) 0);
      h.save(b.build());
      int current = promote ? version : was;
      if (json) {
        Session.get().text.println("{\"keyring\": " + InspectCommand.str(h.path.toString()) + ", \"keyId\": "
            + InspectCommand.str(keyId) + ", \"version\": " + version + ", \"current\": " + current + "}");
      } else if (promote) {
        Session.get().text.println("added '" + keyId + "' version " + version + " to " + h.path + "; it is now current (was " + was + ")");
      } else {
        Session.get().text.println("added '" + keyId + "' version " + version + " to " + h.path + "; current stays version "
            + was + ". Once every reader has this keyring: sealpost keys promote --keyring " + h.path
            + " --key-id " + keyId + " --key-version " + version);
      }
      return 0;
    } finally {
      h.wipe();
    }
  }
}
