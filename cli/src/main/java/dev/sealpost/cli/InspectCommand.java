package dev.sealpost.cli;

import dev.sealpost.codec.Limits;
import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.SignMode;
import dev.sealpost.codec.SignerRef;
import dev.sealpost.codec.keys.Ed25519PublicKey;
import java.io.BufferedInputStream;
import java.io.InputStream;
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

  /** A sealed segment of a segmented suite: 65536 plaintext bytes and the tag (SPEC.md 17). */
  private static final long SEALED_SEGMENT = 65536 + Suite.TAG_LENGTH;

  @Override
  public Integer call() throws Exception {
    Input input = Input.of(in);
    // Only the header is kept; the rest is counted, so an envelope of any size is inspected in
    // constant memory.
    byte[] prefix;
    long total;
    try (InputStream raw = input.open()) {
      BufferedInputStream peek = new BufferedInputStream(new TrackedInput(raw, input.name(), null), 1 << 16);
      peek.mark(4);
      boolean text = Io.isBase64(peek.readNBytes(4));
      peek.reset();
      InputStream envelope = text ? Base64Input.decoding(peek, input.name()) : peek;
      prefix = envelope.readNBytes(Limits.MAX_HEADER_LENGTH);
      total = prefix.length;
      byte[] skip = new byte[1 << 16];
      int n;
      while ((n = envelope.read(skip, 0, skip.length)) > 0) {
        total += n;
      }
    }
    EnvelopeHeader h;
    try {
      h = EnvelopeHeader.parse(prefix);
    } catch (SealpostException e) {
      throw new CliException(input.name() + ": " + e.getMessage());
    }
    PrintStream out = Session.get().text;
    out.println(json ? json(h, total) : text(input.name(), h, total));
    return 0;
  }

  /** Body bytes: after the header, without a per-message signature (the envelope's last 64 bytes). */
  static long body(EnvelopeHeader h, long total) {
    boolean messageSignature = h.signer().map(s -> s.mode() == SignMode.PER_MESSAGE).orElse(false);
    return Math.max(0, total - h.headerLength() - (messageSignature ? Ed25519PublicKey.SIGNATURE_LENGTH : 0));
  }

  /** Plaintext bytes: the body without its tag, or without one tag per 65552-byte segment. */
  static long plaintext(EnvelopeHeader h, long total) {
    long body = body(h, total);
    if (!h.suite().segmented()) {
      return Math.max(0, body - Suite.TAG_LENGTH);
    }
    long segments = Math.max(1, (body + SEALED_SEGMENT - 1) / SEALED_SEGMENT);
    return Math.max(0, body - segments * Suite.TAG_LENGTH);
  }

  /** The signer field as the header states it; nothing here checks the signature. */
  static String signer(SignerRef s) {
    return DecryptCommand.signer(s);
  }

  static String text(String name, EnvelopeHeader h, long total) {
    StringBuilder sb = new StringBuilder();
    sb.append(name).append(": Sealpost envelope v").append(h.version()).append(", ").append(total).append(" bytes\n");
    sb.append("  suite           ").append(h.suite().name()).append(h.suite().randomized() ? "" : " (deterministic)")
        .append(h.suite().segmented() ? " (segmented)" : "").append(h.suite().compressed() ? " (compressed)" : "").append('\n');
    for (RecipientEntry r : h.recipients()) {
      sb.append("  recipient       ").append(r.type().map(Enum::name).orElse("type " + r.typeId())).append(' ')
          .append(safe(r.keyId())).append(" v").append(r.keyVersionUnsigned())
          .append(" (wrapped DEK ").append(r.wrappedDek().length).append(" bytes)\n");
    }
    h.signer().ifPresent(s -> sb.append("  signer          ").append(signer(s))
        .append(", unverified: as the header states it; decrypt --trust checks it\n"));
    StringJoiner ctx = new StringJoiner(", ");
    h.storedContext().asMap().forEach((k, v) -> ctx.add(safe(k) + "=" + safe(v)));
    sb.append("  stored context  ").append(ctx.length() == 0 ? "(none)" : ctx.toString()).append('\n');
    sb.append("  sizes           header ").append(h.headerLength()).append(", body ").append(body(h, total));
    if (h.suite().compressed()) {
      // The plaintext's length is in the packed payload, encrypted (SPEC.md 18).
      sb.append(", packed payload ").append(plaintext(h, total)).append(" (plaintext length encrypted)");
    } else {
      sb.append(", plaintext ").append(plaintext(h, total)).append(", overhead ").append(total - plaintext(h, total));
    }
    return sb.toString();
  }

  /** Header text comes from the input: control characters are escaped, not sent to a terminal. */
  static String safe(String s) {
    String q = str(s);
    return q.substring(1, q.length() - 1);
  }

  static String json(EnvelopeHeader h, long total) {
    StringBuilder sb = new StringBuilder("{\n");
    sb.append("  \"version\": ").append(h.version()).append(",\n");
    sb.append("  \"suite\": {\"id\": ").append(h.suite().id()).append(", \"name\": ").append(str(h.suite().name()))
        .append(", \"deterministic\": ").append(!h.suite().randomized())
        .append(", \"signed\": ").append(h.suite().signed())
        .append(", \"segmented\": ").append(h.suite().segmented())
        .append(", \"compressed\": ").append(h.suite().compressed()).append("},\n");
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
    // Header data, not a verified writer: only decrypt --trust verifies it.
    sb.append("  \"signer\": ").append(h.signer().map(sg -> "{\"signerId\": " + str(sg.signerId()) + ", \"version\": "
        + sg.versionUnsigned() + ", \"mode\": " + str(sg.mode() == SignMode.PER_DEK ? "per-dek" : "per-message")
        + ", \"verified\": false}").orElse("null")).append(",\n");
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
        .append(", \"body\": ").append(body(h, total))
        // Compressed suites: the plaintext's length is encrypted, the body holds the packed payload.
        .append(", \"plaintext\": ").append(h.suite().compressed() ? "null" : String.valueOf(plaintext(h, total)))
        .append(", \"overhead\": ").append(h.suite().compressed() ? "null" : String.valueOf(total - plaintext(h, total)))
        .append("}\n");
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
