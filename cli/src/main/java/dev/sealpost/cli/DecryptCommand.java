package dev.sealpost.cli;

import dev.sealpost.codec.EncryptionContext;
import dev.sealpost.codec.Limits;
import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.Suite;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "decrypt", mixinStandardHelpOptions = true,
    description = {"Decrypt one envelope from stdin (or --in) to stdout (or --out).",
        "The envelope may be binary or base64 (which starts with 91NQ)."},
    footerHeading = "%nExamples:%n",
    footer = {
      "  sealpost decrypt --keyring app.keyring --in db.sp --out db.dump",
      "  sealpost decrypt --private-key analytics=analytics.key < report.sp > report.csv",
      "  kcat -C -t payments -o 0 -c 1 -e -f '%%s' | sealpost decrypt --keyring app.keyring \\",
      "      --context kafka.topic=payments --context kafka.record.part=value",
      "",
      "Plaintext is written only after the whole envelope is authenticated. An --out file is created",
      "owner-only (0600) next to its target and renamed into place; an existing file is replaced only",
      "with --force. Binary plaintext is not written to a terminal unless asked with -o - or --force."
    })
final class DecryptCommand implements Callable<Integer> {
  @Option(names = {"-i", "--in"}, paramLabel = "FILE", description = "Input file (default: stdin).") Path in;
  @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "Output file; - for stdout (the default).") Path out;
  @Option(names = "--force", description = "Replace an existing --out file; write binary to a terminal.") boolean force;
  @Mixin DecryptKeys keys;
  @Option(names = "--context", paramLabel = "KEY=VALUE", description = "External context entry, as given to encrypt; repeatable.") List<String> context;
  @Option(names = "--require", paramLabel = "KEY=VALUE", description = "Stored context entry that must be present; repeatable.") List<String> require;

  /** One envelope's bytes at most; its base64 form takes 4/3 of that, plus line breaks. */
  static final long MAX_ENVELOPE = Limits.MAX_HEADER_LENGTH + (long) Limits.MAX_PLAINTEXT_LENGTH + Suite.TAG_LENGTH;
  static final long MAX_ENVELOPE_TEXT = MAX_ENVELOPE / 3 * 4 + 8 + MAX_ENVELOPE / 32;

  /** Input-sized arrays held at once: the input, its decoded form when base64, the plaintext, the codec's copy. */
  private static final double COPIES = 3.6;

  @Override
  public Integer call() throws Exception {
    EncryptionContext external = Io.context(context);
    EncryptionContext required = Io.context(require);
    Input input = Input.of(in);
    input.checkSize("decrypt", MAX_ENVELOPE_TEXT, COPIES);
    var decryptor = keys.decryptor();
    try (Output output = Output.open(out, force)) {
      byte[] raw = input.readAll("decrypt", MAX_ENVELOPE_TEXT, COPIES);
      boolean text = Io.isBase64(raw);
      if (!text && raw.length > MAX_ENVELOPE) {
        throw new CliException(input.name() + ": " + raw.length + " bytes is more than one envelope holds");
      }
      byte[] envelope = Io.envelopeInput(raw, input.name());
      byte[] plaintext;
      try {
        plaintext = decryptor.decrypt(envelope, 0, envelope.length, external, required.asMap());
      } catch (SealpostException e) {
        throw DecryptKeys.failure(input.name(), e, text ? null : raw, external);
      }
      try {
        // Only on a terminal: the check decodes the whole plaintext.
        if (output.isStdout() && Session.get().terminal && !looksLikeText(plaintext)) {
          output.refuseBinaryOnTerminal(force || out != null, "binary plaintext");
        }
        output.write(plaintext);
        output.commit();
      } finally {
        Arrays.fill(plaintext, (byte) 0);
      }
    }
    return 0;
  }

  /** UTF-8 without control characters other than tab, line ends and form feed. */
  static boolean looksLikeText(byte[] b) {
    for (byte c : b) {
      if ((c >= 0 && c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7f) {
        return false;
      }
    }
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
