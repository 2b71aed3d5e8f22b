package dev.sealpost.cli;

import dev.sealpost.codec.Decryptor;
import dev.sealpost.codec.EncryptionContext;
import dev.sealpost.codec.Encryptor;
import dev.sealpost.codec.Recipient;
import dev.sealpost.codec.RecipientType;
import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.format.EnvelopeHeader;
import dev.sealpost.codec.format.RecipientEntry;
import dev.sealpost.codec.keys.Keyring;
import dev.sealpost.codec.keys.PemKeys;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "rewrap", mixinStandardHelpOptions = true,
    description = {"Re-encrypt envelopes for new recipients, so that an old KEK version can be retired.",
        "New recipients: --kek and --recipient, by default the current versions of the envelope's KEK key ids. "
            + "The plaintext stays in memory, never on disk or in a pipe; suite and stored context are kept."},
    footerHeading = "%nInput forms (--records):%n",
    footer = {
      "  envelope         the whole input is one envelope, binary or base64 (kept in the same form)",
      "  lines            one base64 envelope per line, as 'encrypt --base64' writes; blank lines kept",
      "  length-prefixed  each record is a 4-byte big-endian length, then that many envelope bytes",
      "",
      "With --out, the output appears whole or not at all. On standard output, a failing record stops",
      "the run after the records before it were written; the message names the record.",
      "",
      "Examples:",
      "  sealpost rewrap --keyring app.keyring --in db.sp --out db.v2.sp",
      "  sealpost rewrap --keyring app.keyring --records lines --in values.b64 --out values.v2.b64",
      "  sealpost rewrap --private-key old=old.key --recipient new=new.pub -i report.sp -o report2.sp"
    })
final class RewrapCommand implements Callable<Integer> {
  enum Records { envelope, lines, length_prefixed }

  enum SuiteChoice { keep, gcm, chacha, siv }

  @Option(names = {"-i", "--in"}, paramLabel = "FILE", description = "Input file (default: stdin).") Path in;
  @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "Output file; - for stdout (the default).") Path out;
  @Option(names = "--force", description = "Replace an existing --out file; write binary to a terminal.") boolean force;
  @Mixin DecryptKeys keys;
  @Option(names = "--context", paramLabel = "KEY=VALUE",
      description = "External context entry, as given to encrypt; kept for the new envelope; repeatable.") List<String> context;
  @Option(names = "--kek", paramLabel = "ID", description = "New recipient: a keyring key id (current version); repeatable.") List<String> keks = new ArrayList<>();
  @Option(names = "--recipient", paramLabel = "LABEL[:VERSION]=PUBLIC.pem",
      description = "New recipient: an X25519 public key; repeatable.") List<String> publics = new ArrayList<>();
  @Option(names = "--suite", description = "keep (default), gcm, chacha or siv.") SuiteChoice suite = SuiteChoice.keep;
  @Option(names = "--records", paramLabel = "FORM", converter = RecordsConverter.class,
      description = "envelope (default), lines or length-prefixed.") Records records = Records.envelope;
  @Option(names = "--base64", description = "With --records envelope: write base64 even for a binary input.") boolean base64;

  private Decryptor decryptor;
  private EncryptionContext external;
  private final Map<String, Encryptor> encryptors = new HashMap<>();
  private final Map<String, Integer> from = new TreeMap<>();
  private final Set<String> to = new LinkedHashSet<>();
  private long count;

  @Override
  public Integer call() throws Exception {
    if (!keks.isEmpty() && !keys.keyring.given()) {
      throw CliException.usage("--kek needs --keyring");
    }
    if (base64 && records != Records.envelope) {
      throw CliException.usage("--base64 is for --records envelope; the other forms keep theirs");
    }
    external = Io.context(context);
    decryptor = keys.decryptor();
    Input input = Input.of(in);
    try (Output output = Output.open(out, force)) {
      switch (records) {
        case envelope: one(input, output); break;
        case lines: lines(input, output); break;
        default: lengthPrefixed(input, output); break;
      }
      output.commit();
      Session.get().err.println("sealpost: rewrapped " + count + (count == 1 ? " envelope" : " envelopes") + " from "
          + input.name() + " to " + output.name() + (count == 0 ? "" : "; they were under " + summary() + "; now under " + String.join(", ", to)));
    }
    return 0;
  }

  private void one(Input input, Output output) throws Exception {
    // Held at once: the input, its decoded form, the plaintext and the new envelope, with the codec's copies.
    byte[] raw = input.readAll("rewrap", DecryptCommand.MAX_ENVELOPE_TEXT, 5.0);
    boolean text = Io.isBase64(raw);
    byte[] envelope = rewrap(Io.envelopeInput(raw, input.name()), input.name(), text ? null : raw);
    if (text || base64) {
      writeBase64(output.stream(), envelope);
    } else {
      output.refuseBinaryOnTerminal(force || out != null, "an envelope (binary)");
      output.write(envelope);
    }
  }

  private void lines(Input input, Output output) throws Exception {
    long limit = Math.min(DecryptCommand.MAX_ENVELOPE_TEXT, Input.memoryLimit(5.0));
    try (InputStream s = new BufferedInputStream(input.open(), 1 << 16)) {
      long line = 0;
      byte[] b;
      while ((b = readLine(s, limit, input.name(), line + 1)) != null) {
        line++;
        String name = input.name() + " line " + line;
        int end = b.length;
        while (end > 0 && (b[end - 1] == '\r' || b[end - 1] == ' ' || b[end - 1] == '\t')) {
          end--;
        }
        if (end == 0) {
          output.write(new byte[] {'\n'});
          continue;
        }
        byte[] raw = Arrays.copyOf(b, end);
        if (!Io.isBase64(raw)) {
          throw new CliException(name + ": not a base64 envelope (those start with 91NQ)");
        }
        writeBase64(output.stream(), rewrap(Io.envelopeInput(raw, name), name, null));
      }
    }
  }

  private void lengthPrefixed(Input input, Output output) throws Exception {
    output.refuseBinaryOnTerminal(force || out != null, "length-prefixed envelopes (binary)");
    long limit = Math.min(DecryptCommand.MAX_ENVELOPE, Input.memoryLimit(5.0));
    try (InputStream s = new BufferedInputStream(input.open(), 1 << 16)) {
      long record = 0;
      while (true) {
        byte[] prefix = s.readNBytes(4);
        if (prefix.length == 0) {
          break;
        }
        record++;
        String name = input.name() + " record " + record;
        if (prefix.length < 4) {
          throw new CliException(name + ": the input ends inside a 4-byte length prefix");
        }
        long length = ((prefix[0] & 0xffL) << 24) | ((prefix[1] & 0xff) << 16) | ((prefix[2] & 0xff) << 8) | (prefix[3] & 0xff);
        if (length > limit) {
          throw new CliException(name + ": length " + length + " is more than " + limit + " bytes (one envelope, or this heap)");
        }
        byte[] envelope = s.readNBytes((int) length);
        if (envelope.length < length) {
          throw new CliException(name + ": the input ends after " + envelope.length + " of " + length + " bytes");
        }
        byte[] rewrapped = rewrap(envelope, name, envelope);
        int n = rewrapped.length;
        output.write(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
        output.write(rewrapped);
      }
    }
  }

  /** One envelope decrypted and encrypted again; the plaintext is wiped. */
  private byte[] rewrap(byte[] envelope, String name, byte[] raw) throws Exception {
    EnvelopeHeader header;
    byte[] plaintext;
    try {
      header = EnvelopeHeader.parse(envelope);
      plaintext = decryptor.decrypt(envelope, 0, envelope.length, external, Map.of());
    } catch (SealpostException e) {
      throw DecryptKeys.failure(name, e, raw, external);
    }
    try {
      byte[] result = encryptor(header, name).encrypt(plaintext, external);
      count++;
      for (RecipientEntry r : header.recipients()) {
        from.merge(ref(r), 1, Integer::sum);
      }
      for (RecipientEntry r : EnvelopeHeader.parse(result).recipients()) {
        to.add(ref(r));
      }
      return result;
    } catch (SealpostException e) {
      throw new CliException(name + ": " + e.getMessage());
    } finally {
      Arrays.fill(plaintext, (byte) 0);
    }
  }

  /** One encryptor per suite, stored context and recipient set, so that envelopes share DEKs as the codec allows. */
  private Encryptor encryptor(EnvelopeHeader header, String name) throws Exception {
    if (header.suite().signed()) {
      // rewrap holds no writer key: re-encrypting would silently drop who wrote the envelope.
      throw new CliException(name + ": a signed envelope (" + header.suite().name() + "); rewrap would drop the writer's"
          + " signature: decrypt it and encrypt it again with --sign");
    }
    dev.sealpost.codec.Suite s = switch (suite) {
      case keep -> header.suite();
      case gcm -> dev.sealpost.codec.Suite.AES_256_GCM;
      case chacha -> dev.sealpost.codec.Suite.CHACHA20_POLY1305;
      case siv -> dev.sealpost.codec.Suite.AES_256_SIV;
    };
    List<String> kekIds = new ArrayList<>(keks);
    if (keks.isEmpty() && publics.isEmpty()) {
      for (RecipientEntry r : header.recipients()) {
        if (r.type().orElse(null) != RecipientType.SYMMETRIC) {
          throw CliException.usage(name + ": the envelope has a recipient of type "
              + r.type().map(Enum::name).orElse(String.valueOf(r.typeId())) + " ('" + InspectCommand.safe(r.keyId())
              + "'); name all new recipients with --kek and --recipient");
        }
        if (!kekIds.contains(r.keyId())) {
          kekIds.add(r.keyId());
        }
      }
    }
    String cacheKey = s.id() + "|" + header.storedContext() + "|" + kekIds;
    Encryptor e = encryptors.get(cacheKey);
    if (e == null) {
      if (encryptors.size() >= 256) {
        encryptors.clear(); // bounded: stored contexts may differ per record
      }
      Encryptor.Builder b = Encryptor.builder().suite(s).storedContext(header.storedContext());
      Keyring ring = keys.keyring();
      for (String id : kekIds) {
        if (ring == null) {
          throw CliException.usage("--kek needs --keyring");
        }
        b.recipient(Recipient.symmetric(ring, id));
      }
      for (String spec : publics) {
        Io.LabelledPath p = new Io.LabelledPath(spec);
        b.recipient(Recipient.x25519(p.label, p.version, PemKeys.loadPublicKey(p.path)));
      }
      e = b.build();
      encryptors.put(cacheKey, e);
    }
    return e;
  }

  private static String ref(RecipientEntry r) {
    return InspectCommand.safe(r.keyId()) + " v" + r.keyVersionUnsigned();
  }

  private String summary() {
    List<String> parts = new ArrayList<>();
    from.forEach((k, n) -> parts.add(k + " (" + n + ")"));
    return String.join(", ", parts);
  }

  private static void writeBase64(OutputStream out, byte[] envelope) throws IOException {
    OutputStream b64 = Base64.getEncoder().wrap(out);
    b64.write(envelope);
    b64.close(); // padding; the underlying Output stays open
    out.write('\n');
  }

  /** A line without its LF; null at the end. Longer than {@code limit}: one-line failure. */
  private static byte[] readLine(InputStream in, long limit, String input, long line) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      if (buf.size() >= limit) {
        throw new CliException(input + " line " + line + ": longer than " + limit + " bytes (one envelope, or this heap)");
      }
      buf.write(c);
    }
    return c < 0 && buf.size() == 0 ? null : buf.toByteArray();
  }

  static final class RecordsConverter implements picocli.CommandLine.ITypeConverter<Records> {
    @Override
    public Records convert(String value) {
      switch (value) {
        case "envelope": return Records.envelope;
        case "lines": return Records.lines;
        case "length-prefixed": return Records.length_prefixed;
        default: throw new picocli.CommandLine.TypeConversionException("expected envelope, lines or length-prefixed, got '" + value + "'");
      }
    }
  }
}
