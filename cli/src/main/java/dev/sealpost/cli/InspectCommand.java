package dev.sealpost.cli;

import dev.sealpost.codec.Suite;
import dev.sealpost.codec.format.EnvelopeHeader;
import dev.sealpost.codec.format.RecipientEntry;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "inspect", mixinStandardHelpOptions = true,
    description = "Print an envelope's header as JSON, without decrypting (no key needed).")
final class InspectCommand implements Callable<Integer> {
  @Option(names = "--in", description = "Input file (default: stdin).") Path in;

  @Override
  public Integer call() throws Exception {
    byte[] envelope = Io.envelopeInput(Io.read(in));
    EnvelopeHeader h = EnvelopeHeader.parse(envelope);
    Main.STDOUT.get().println(json(h, envelope.length));
    return 0;
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
        .append(", \"plaintext\": ").append(Math.max(0, h.bodyLength() - Suite.TAG_LENGTH))
        .append(", \"overhead\": ").append(total - Math.max(0, h.bodyLength() - Suite.TAG_LENGTH)).append("}\n");
    return sb.append("}").toString();
  }

  static String str(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"': sb.append("\\\""); break;
        case '\\': sb.append("\\\\"); break;
        default:
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
      }
    }
    return sb.append('"').toString();
  }
}
