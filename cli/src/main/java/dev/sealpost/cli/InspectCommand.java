package dev.sealpost.cli;

import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.Suite;
import dev.sealpost.codec.format.EnvelopeHeader;
import dev.sealpost.codec.format.RecipientEntry;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "inspect", mixinStandardHelpOptions = true,
    description = "Show an envelope's header without decrypting (no key needed).",
    footerHeading = "%nExamples:%n",
    footer = {
      "  sealpost inspect --in db.sp",
      "  sealpost inspect --json < db.sp | jq .recipients",
      "  kcat -C -t payments -o 0 -c 1 -e -f '%%s' | sealpost inspect"
    })
final class InspectCommand implements Callable<Integer> {
  @Option(names = {"-i", "--in"}, paramLabel = "FILE", description = "Input file (default: stdin).") Path in;
  @Option(names = "--json", description = "JSON output.") boolean json;

  @Override
  public Integer call() throws Exception {
    Input input = Input.of(in);
    // Held at once: the input and its decoded form when base64.
    byte[] envelope = Io.envelopeInput(input.readAll("inspect", DecryptCommand.MAX_ENVELOPE_TEXT, 2.2), input.name());
    EnvelopeHeader h;
    try {
      h = EnvelopeHeader.parse(envelope);
    } catch (SealpostException e) {
      throw new CliException(input.name() + ": " + e.getMessage());
    }
    PrintStream out = Session.get().text;
    out.println(json ? json(h, envelope.length) : text(input.name(), h, envelope.length));
    return 0;
  }

  static long plaintext(EnvelopeHeader h) {
    return Math.max(0, h.bodyLength() - Suite.TAG_LENGTH);
  }

  static String text(String name, EnvelopeHeader h, int total) {
    StringBuilder sb = new StringBuilder();
    sb.append(name).append(": Sealpost envelope v").append(h.version()).append(", ").append(total).append(" bytes\n");
    sb.append("  suite           ").append(h.suite().name()).append(h.suite().randomized() ? "" : " (deterministic)").append('\n');
    for (RecipientEntry r : h.recipients()) {
      sb.append("  recipient       ").append(r.type().map(Enum::name).orElse("type " + r.typeId())).append(' ')
          .append(safe(r.keyId())).append(" v").append(r.keyVersionUnsigned())
          .append(" (wrapped DEK ").append(r.wrappedDek().length).append(" bytes)\n");
    }
    StringJoiner ctx = new StringJoiner(", ");
    h.storedContext().asMap().forEach((k, v) -> ctx.add(safe(k) + "=" + safe(v)));
    sb.append("  stored context  ").append(ctx.length() == 0 ? "(none)" : ctx.toString()).append('\n');
    sb.append("  sizes           header ").append(h.headerLength()).append(", body ").append(h.bodyLength())
        .append(", plaintext ").append(plaintext(h)).append(", overhead ").append(total - plaintext(h));
    return sb.toString();
  }

  /** Header text comes from the input: control characters are escaped, not sent to a terminal. */
  static String safe(String s) {
    String q = str(s);
    return q.substring(1, q.length() - 1);
  }

  static String json(EnvelopeHeader h, int total) {
    StringBuilder sb = new StringBuilder("{\n");
    sb.append("  \"version\": ").append(h.version()).append(",\n");
    sb.append("  \"suite\": {\"id\": ").append(h.suite().id()).append(", \"name\": ").append(str(h.suite().name()))
        .append(", \"deterministic\": ").append(!h.suite().randomized()).append("},\n");
    sb.append("  \"recipients\": [");
    String sep = "\n";
    for (RecipientEntry r : h.recipients()) {
      sb.append(sep).append("    {\"type\": ").append(r.typeId())
          .append(", \"typeName\": ").append(r.type().map(t -> str(t.name())).orElse("null"))
          .append(", \"keyId\": ").append(str(r.keyId()))
          .append(", \"keyVersion\": ").append(r.keyVersionUnsigned())
          .append(", \"wrappedDekBytes\": ").append(r.wrappedDek().length).append("}");
      sep = ",\n";
    }
    sb.append("\n  ],\n");
    sb.append("  \"storedContext\": {");
    sep = "";
    for (Map.Entry<String, String> e : h.storedContext().asMap().entrySet()) {
      sb.append(sep).append(str(e.getKey())).append(": ").append(str(e.getValue()));
      sep = ", ";
    }
    sb.append("},\n");
    sb.append("  \"commitment\": ").append(str(HexFormat.of().formatHex(h.commitment()))).append(",\n");
    sb.append("  \"nonce\": ").append(str(HexFormat.of().formatHex(h.nonce()))).append(",\n");
    sb.append("  \"sizes\": {\"envelope\": ").append(total)
        .append(", \"header\": ").append(h.headerLength())
        .append(", \"body\": ").append(h.bodyLength())
        .append(", \"plaintext\": ").append(plaintext(h))
        .append(", \"overhead\": ").append(total - plaintext(h)).append("}\n");
    return sb.append("}").toString();
  }

  /** A JSON string literal. */
  static String str(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"': sb.append("\\\""); break;
        case '\\': sb.append("\\\\"); break;
        default:
          if (c < 0x20 || (c >= 0x7f && c < 0xa0)) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
      }
    }
    return sb.append('"').toString();
  }
}
