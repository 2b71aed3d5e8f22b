package dev.sealpost.cli;

import dev.sealpost.codec.keys.Keyring;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "list", mixinStandardHelpOptions = true,
    description = "List a keyring's key ids and versions, and which version is current. Never shows key bytes.",
    footerHeading = "%nExamples:%n",
    footer = {
      "  sealpost keys list --keyring app.keyring",
      "  sealpost keys list --keyring app.keyring --json | jq '.keys[] | select(.current)'"
    })
final class KeysListCommand implements Callable<Integer> {
  @Mixin KeyringOptions keyring;

  @Option(names = "--json", description = "JSON output.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    KeyringOptions.Handle h = keyring.open();
    h.wipe();
    List<Keyring.Entry> entries = new ArrayList<>(h.ring.entries());
    entries.sort(Comparator.comparing(Keyring.Entry::keyId).thenComparingInt(Keyring.Entry::version));
    PrintStream out = Session.get().text;
    if (json) {
      StringBuilder sb = new StringBuilder("{\"keyring\": ").append(InspectCommand.str(h.path.toString()))
          .append(", \"encrypted\": ").append(h.encrypted()).append(", \"keys\": [");
      String sep = "";
      for (Keyring.Entry e : entries) {
        sb.append(sep).append("\n  {\"keyId\": ").append(InspectCommand.str(e.keyId()))
            .append(", \"version\": ").append(e.version())
            .append(", \"current\": ").append(current(h.ring, e))
            .append(", \"primary\": ").append(e.primary()).append('}');
        sep = ",";
      }
      out.println(sb.append(entries.isEmpty() ? "]}" : "\n]}"));
      return 0;
    }
    out.println(h.path + ": " + (h.encrypted() ? "encrypted" : "plain") + " keyring, " + entries.size()
        + (entries.size() == 1 ? " key" : " keys"));
    if (entries.isEmpty()) {
      return 0;
    }
    int width = "KEY ID".length();
    for (Keyring.Entry e : entries) {
      width = Math.max(width, e.keyId().length());
    }
    String row = "%-" + width + "s  %7s  %s%n";
    out.printf(Locale.ROOT, row, "KEY ID", "VERSION", "CURRENT");
    for (Keyring.Entry e : entries) {
      String state = !current(h.ring, e) ? "" : e.primary() ? "yes (marked primary)" : "yes (highest version)";
      out.printf(Locale.ROOT, row, e.keyId(), e.version(), state);
    }
    return 0;
  }

  private static boolean current(Keyring ring, Keyring.Entry e) {
    try {
      return ring.currentVersion(e.keyId()) == e.version();
    } catch (Exception ex) {
      return false;
    }
  }
}
