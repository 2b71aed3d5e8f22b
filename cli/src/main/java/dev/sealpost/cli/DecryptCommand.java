package dev.sealpost.cli;

import dev.sealpost.codec.EncryptionContext;
import dev.sealpost.codec.Limits;
import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.Suite;
import dev.sealpost.codec.SignMode;
import dev.sealpost.codec.SignerRef;
import dev.sealpost.codec.TrustedWriter;
import dev.sealpost.codec.TrustedWriters;
import dev.sealpost.codec.keys.Ed25519PublicKey;
import dev.sealpost.codec.keys.PemKeys;
import dev.sealpost.codec.stream.DecryptingInputStream;
import dev.sealpost.codec.stream.SealpostStreamException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
      "      --context kafka.topic=payments --context kafka.record.part=value \\",
      "      --context kafka.record.key-sha256=<hex SHA-256 of the stored key> \\",
      "      --context kafka.record.headers-sha256=<hex SHA-256 of the authenticated headers>",
      "  (a Kafka record value, docs/bindings/kafka.md section 4; 'sealpost kafka consume' is simpler)",
      "",
      "  sealpost decrypt --keyring app.keyring --trust billing:1:billing.pub --in db.sp --out db.dump",
      "",
      "Any size is streamed; only authenticated segments are released. An --out file is created owner-only",
      "(0600) next to its target and renamed into place after the last segment is authenticated; on a",
      "failure it is removed. Standard output cannot be unwritten: a failure after plaintext was written",
      "there says how many bytes to discard. An existing file is replaced only with --force. Binary",
      "plaintext is not written to a terminal unless asked with -o - or --force.",
      "With --trust, unsigned envelopes and unknown or bad signatures fail (untrusted-writer,",
      "signature-invalid) and the verified signer is printed on stderr; without it no signer is claimed."
    })
final class DecryptCommand implements Callable<Integer> {
  @Option(names = {"-i", "--in"}, paramLabel = "FILE", description = "Input file (default: stdin).") Path in;
  @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "Output file; - for stdout (the default).") Path out;
  @Option(names = "--force", description = "Replace an existing --out file; write binary to a terminal.") boolean force;
  @Mixin DecryptKeys keys;
  @Option(names = "--context", paramLabel = "KEY=VALUE", description = "External context entry, as given to encrypt; repeatable.") List<String> context;
  @Option(names = "--require", paramLabel = "KEY=VALUE", description = "Stored context entry that must be present; repeatable.") List<String> require;

  @Option(names = "--trust", paramLabel = "ID:VERSION:PUBLIC.pem",
      description = "A trusted writer: signer id, key version and Ed25519 public key (SPKI PEM); repeatable. With any, "
          + "only envelopes signed by one of them decrypt (SPEC.md 16).") List<String> trust;

  /**
   * One envelope's bytes at most (a compressed suite's packed payload adds its 5-byte header,
   * [LIM-3]); its base64 form takes 4/3 of that, plus line breaks.
   */
  static final long MAX_ENVELOPE = Limits.MAX_HEADER_LENGTH + (long) Limits.MAX_PLAINTEXT_LENGTH
      + dev.sealpost.codec.compress.Packing.OVERHEAD + Suite.TAG_LENGTH;
  static final long MAX_ENVELOPE_TEXT = MAX_ENVELOPE / 3 * 4 + 8 + MAX_ENVELOPE / 32;

  private static final Pattern TRUST = Pattern.compile("(.+?):(\\d+):(.+)");

  @Override
  public Integer call() throws Exception {
    EncryptionContext external = Io.context(context);
    EncryptionContext required = Io.context(require);
    TrustedWriters trusted = trustedWriters(trust);
    Input input = Input.of(in);
    var decryptor = keys.decryptor();
    Progress progress = Progress.of("decrypt " + input.name(), input.knownSize());
    long written = 0;
    boolean text = false;
    TrackedInput src = null;
    try (Output output = Output.open(out, force); InputStream raw = input.open()) {
      src = new TrackedInput(raw, input.name(), progress);
      BufferedInputStream peek = new BufferedInputStream(src, 1 << 16);
      peek.mark(4);
      text = Io.isBase64(peek.readNBytes(4));
      peek.reset();
      InputStream envelope = text ? Base64Input.decoding(peek, input.name()) : peek;
      DecryptingInputStream plain = decryptor.decryptingStream(envelope, external, required.asMap(), trusted);
      byte[] buf = new byte[1 << 16];
      try {
        int n;
        while ((n = plain.read(buf, 0, buf.length)) >= 0) { // -1 only at the authenticated end
          if (written == 0 && n > 0 && output.isStdout() && Session.get().terminal && !looksLikeText(buf, n)) {
            // Only the first segment is looked at: the rest is not yet authenticated.
            output.refuseBinaryOnTerminal(force || out != null, "binary plaintext");
          }
          output.stream().write(buf, 0, n);
          written += n;
        }
      } finally {
        Arrays.fill(buf, (byte) 0);
        progress.done();
      }
      // The last segment is authenticated: only now does an --out file replace its target.
      output.commit();
      if (trusted.requiresTrustedWriter()) {
        SignerRef s = plain.verifiedSigner().orElseThrow(); // the codec fails closed without one
        Session.get().err.println("sealpost: " + input.name() + ": signed by " + signer(s) + ", verified");
      }
    } catch (SealpostStreamException e) {
      // The hints are about a wrong context or a stray newline, which fail before any release.
      CliException failure = e.releasedBytes() > 0
          ? new CliException(input.name() + ": " + e.sealpostException().getMessage())
          : DecryptKeys.failure(input.name(), e.sealpostException(), lastByte(src, text), external);
      throw released(failure, written);
    } catch (CliException e) {
      throw released(e, written);
    } catch (IOException e) {
      if (e.getCause() instanceof CliException) {
        throw released((CliException) e.getCause(), written); // a read error, passed through the codec's stream
      }
      throw released(new CliException("cannot read " + input.name() + ": " + Main.reason(e)), written);
    }
    return 0;
  }

  /** The kcat hint needs the input's last byte; only a binary input has one that matters. */
  private static byte[] lastByte(TrackedInput src, boolean text) {
    if (src == null || text || src.last() < 0) {
      return null;
    }
    return new byte[] {(byte) src.last()};
  }

  /**
   * Standard output cannot be unwritten: a failure after plaintext reached it says how much, so
   * that the reader of the output discards it. A file target is removed instead, so no note.
   */
  private CliException released(CliException e, long written) {
    if (written == 0 || !Output.isStdout(out)) {
      return e;
    }
    return new CliException(e.getMessage() + "; " + String.format(Locale.ROOT, "%,d", written)
        + " bytes of plaintext were already written to standard output before the failure: discard them", e.exitCode);
  }

  static String signer(SignerRef s) {
    return "'" + InspectCommand.safe(s.signerId()) + "' v" + s.versionUnsigned() + " ("
        + (s.mode() == SignMode.PER_DEK ? "per-dek" : "per-message") + ")";
  }

  static TrustedWriters trustedWriters(List<String> specs) throws Exception {
    if (specs == null || specs.isEmpty()) {
      return TrustedWriters.none();
    }
    List<TrustedWriter> list = new ArrayList<>();
    for (String spec : specs) {
      Matcher m = TRUST.matcher(spec);
      if (!m.matches()) {
        throw CliException.usage("--trust is ID:VERSION:PUBLIC.pem, got '" + spec + "'");
      }
      int version;
      try {
        version = Integer.parseUnsignedInt(m.group(2));
      } catch (NumberFormatException e) {
        throw CliException.usage("bad key version in --trust '" + spec + "'");
      }
      Path file = Path.of(m.group(3));
      Ed25519PublicKey key;
      try {
        key = PemKeys.loadEd25519PublicKey(file);
      } catch (SealpostException e) {
        throw new CliException(file + ": " + e.getMessage());
      }
      list.add(TrustedWriter.ed25519(m.group(1), version, key));
    }
    return TrustedWriters.of(list);
  }

  static boolean looksLikeText(byte[] b) {
    return looksLikeText(b, b.length);
  }

  /**
   * UTF-8 without control characters other than tab, line ends and form feed, in the first
   * {@code n} bytes; a character cut at the end of them counts as text.
   */
  static boolean looksLikeText(byte[] b, int n) {
    for (int i = 0; i < n; i++) {
      byte c = b[i];
      if ((c >= 0 && c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7f) {
        return false;
      }
    }
    CoderResult r = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(b, 0, n), CharBuffer.allocate(n), false); // false: a cut character underflows
    return !r.isError();
  }
}
