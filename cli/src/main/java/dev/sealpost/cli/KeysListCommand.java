package dev.sealpost.cli;

import dev.sealpost.codec.keys.Keyring;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "list", mixinStandardHelpOptions = true,
    description = "List a keyring's key ids and versions: which is current and why, which are disabled or retired, and "
        + "when each was created (when the file records it). Never shows key bytes.",
    footerHeading = "%nExamples:%n",
    footer = {
      "  sealpost keys list --keyring app.keyring",
      "  sealpost keys list --keyring app.keyring --json | jq '.keys[] | select(.current)'"
    })
final class KeysListCommand implements Callable<Integer> {
  @Mixin KeyringOptions keyring;

  @Option(names = "--json", description = "JSON output.")
  boolean json;

  /** One row: a version with a key, or a retired one. */
  private record Row(String keyId, int version, boolean current, boolean primary, boolean disabled, boolean retired,
      Optional<Instant> time) {}

  @Override
  public Integer call() throws Exception {
    KeyringOptions.Handle h = keyring.open();
    h.wipe();
    List<Row> rows = new ArrayList<>();
    for (Keyring.Entry e : h.ring.entries()) {
      rows.add(new Row(e.keyId(), e.version(), current(h.ring, e), e.primary(), e.disabled(), false, e.created()));
    }
    for (Keyring.Retired r : h.ring.retired()) {
      rows.add(new Row(r.keyId(), r.version(), false, false, false, true, r.retired()));
    }
    rows.sort(Comparator.comparing(Row::keyId).thenComparingInt(Row::version));
    long keys = h.ring.entries().size();
    PrintStream out = Session.get().text;
    if (json) {
      StringBuilder sb = new StringBuilder("{\"keyring\": ").append(InspectCommand.str(h.path.toString()))
          .append(", \"encrypted\": ").append(h.encrypted()).append(", \"keys\": [");
      String sep = "";
      for (Row r : rows) {
        sb.append(sep).append("\n  {\"keyId\": ").append(InspectCommand.str(r.keyId()))
            .append(", \"version\": ").append(r.version())
            .append(", \"current\": ").append(r.current())
            .append(", \"primary\": ").append(r.primary())
            .append(", \"disabled\": ").append(r.disabled())
            .append(", \"retired\": ").append(r.retired())
            .append(r.retired() ? ", \"retiredAt\": " : ", \"created\": ")
            .append(r.time().map(t -> InspectCommand.str(t.toString())).orElse("null")).append('}');
        sep = ",";
      }
      out.println(sb.append(rows.isEmpty() ? "]}" : "\n]}"));
      return 0;
    }
    out.println(h.path + ": " + (h.encrypted() ? "encrypted" : "plain") + " keyring, " + keys + (keys == 1 ? " key" : " keys")
        + (h.ring.retired().isEmpty() ? "" : ", " + h.ring.retired().size() + " retired"));
    if (rows.isEmpty()) {
      return 0;
    }
    int width = "KEY ID".length();
    for (Row r : rows) {
      width = Math.max(width, InspectCommand.safe(r.keyId()).length());
    }
    String row = "%-" + width + "s  %7s  %-20s  %-28s  %s%n";
    out.printf(Locale.ROOT, row, "KEY ID", "VERSION", "CREATED", "STATE", "CURRENT");
    for (Row r : rows) {
      String state = r.retired() ? "retired" + r.time().map(t -> " " + t).orElse("") : r.disabled() ? "disabled" : "enabled";
      String created = r.retired() ? "" : r.time().map(Instant::toString).orElse("-");
      String current = !r.current() ? "" : r.primary() ? "yes (marked primary)" : "yes (highest enabled version)";
      out.printf(Locale.ROOT, row, InspectCommand.safe(r.keyId()), r.version(), created, state, current);
    }
    return 0;
  }

  private static boolean current(Keyring ring, Keyring.Entry e) {
    try {
      return ring.currentVersion(e.keyId()) == e.version();
    } catch (Exception ex) {
      return false; // every version disabled: none is current
    }
  }
}
