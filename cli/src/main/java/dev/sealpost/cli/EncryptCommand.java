package dev.sealpost.cli;

import dev.sealpost.codec.Compression;
import dev.sealpost.codec.Encryptor;
import dev.sealpost.codec.Limits;
import dev.sealpost.codec.Recipient;
import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.SignMode;
import dev.sealpost.codec.Suite;
import dev.sealpost.codec.WriterKey;
import dev.sealpost.codec.keys.Ed25519PrivateKey;
import dev.sealpost.codec.stream.EncryptingOutputStream;
import dev.sealpost.codec.stream.SealpostStreamException;
import java.io.InputStream;
import dev.sealpost.codec.keys.Keyring;
import dev.sealpost.codec.keys.PemKeys;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "encrypt", mixinStandardHelpOptions = true,
    description = {"Encrypt stdin (or --in) into one envelope on stdout (or --out).",
        "Streamed in 64 KiB segments (any size, constant memory) unless --suite siv, --sign-mode per-message,",
        "--compress or --no-segments asks for the one-shot form (whole input in memory, at most 1 GiB)."},
    footerHeading = "%nExamples:%n",
    footer = {
      "  sealpost encrypt --keyring app.keyring --kek orders --in db.dump --out db.sp",
      "  echo -n 'a payment' | sealpost encrypt --keyring app.keyring --kek orders --base64",
      "  sealpost encrypt --recipient analytics=analytics.pub --stored-context tenant=acme \\",
      "      < report.csv > report.sp",
      "  sealpost encrypt --keyring app.keyring --kek orders --sign billing.key --signer-id billing \\",
      "      --in db.dump --out db.sp",
      "  sealpost encrypt --keyring app.keyring --kek logs --compress zstd --in app.log --out app.log.sp",
      "",
      "Binary output is not written to a terminal unless asked with -o - or --force.",
      "--out files are written whole or not at all; an existing one is replaced only with --force.",
      "--compress makes the envelope's length depend on the content: do not use it on data that holds a",
      "secret next to text someone else chose (SPEC.md 18.1)."
    })
final class EncryptCommand implements Callable<Integer> {
  enum CompressName {
    zstd(Compression.ZSTD), lz4(Compression.LZ4);

    final Compression compression;

    CompressName(Compression compression) {
      this.compression = compression;
    }
  }

  enum SuiteName {
    gcm(Suite.AES_256_GCM), chacha(Suite.CHACHA20_POLY1305), siv(Suite.AES_256_SIV);

    final Suite suite;

    SuiteName(Suite suite) {
      this.suite = suite;
    }
  }

  @Option(names = {"-i", "--in"}, paramLabel = "FILE", description = "Input file (default: stdin).") Path in;
  @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "Output file; - for stdout (the default).") Path out;
  @Option(names = "--force", description = "Replace an existing --out file; write binary to a terminal.") boolean force;
  @Mixin KeyringOptions keyring;
  @Option(names = "--kek", paramLabel = "ID", description = "A keyring key id to encrypt for (current version); repeatable.") List<String> keks = new ArrayList<>();
  @Option(names = "--recipient", paramLabel = "LABEL[:VERSION]=PUBLIC.pem",
      description = "An X25519 public key to encrypt for; repeatable.") List<String> publics = new ArrayList<>();
  @Option(names = "--suite", description = "gcm (default), chacha or siv (deterministic, --kek only).") SuiteName suite = SuiteName.gcm;
  @Option(names = "--context", paramLabel = "KEY=VALUE",
      description = "External context entry (not stored; the reader must give the same); repeatable.") List<String> context;
  @Option(names = "--stored-context", paramLabel = "KEY=VALUE",
      description = "Stored context entry (in the header, visible); repeatable.") List<String> stored;
  @Option(names = "--compress", paramLabel = "METHOD", description = "Compress before encrypting: zstd or lz4 (default: "
      + "none). One-shot form; not with --suite siv. The length then reveals how repetitive the input is: not for "
      + "secrets mixed with text others chose.") CompressName compress;
  @Option(names = "--base64", description = "Write the envelope as base64 text (one line).") boolean base64;
  @Option(names = "--no-segments", description = "Write the one-shot form (the whole input in memory, at most 1 GiB) "
      + "instead of the segmented one; for readers older than the segmented suites.") boolean noSegments;
  @Option(names = "--sign", paramLabel = "KEYFILE", description = "Sign with this Ed25519 private key (PKCS#8 PEM).") Path sign;
  @Option(names = "--signer-id", paramLabel = "ID", description = "The signer id readers trust the key under (with --sign).") String signerId;
  @Option(names = "--signer-version", paramLabel = "N", description = "The signer key's version (with --sign; default 1).") Integer signerVersion;
  @Option(names = "--sign-mode", paramLabel = "MODE", description = "per-dek (default: one signature per DEK, streams) or "
      + "per-message (every envelope and its context; one-shot form).") String signMode;
  @Option(names = "--sign-password-env", paramLabel = "VAR",
      description = "Environment variable holding the password of an ENCRYPTED PRIVATE KEY given to --sign.") String signPasswordEnv;

  /** --sign-mode as given: per-dek or per-message (null: not given). */
  private SignMode mode() {
    if (signMode == null) {
      return SignMode.PER_DEK;
    }
    switch (signMode) {
      case "per-dek": return SignMode.PER_DEK;
      case "per-message": return SignMode.PER_MESSAGE;
      default: throw CliException.usage("--sign-mode is per-dek or per-message, got '" + signMode + "'");
    }
  }

  /** Input-sized arrays held at once by the one-shot form: the plaintext, and the envelope with the codec's working copy (measured). */
  private static final double COPIES = 3.3;

  @Override
  public Integer call() throws Exception {
    if (keks.isEmpty() && publics.isEmpty()) {
      throw CliException.usage("give at least one recipient: --kek ID (with --keyring) or --recipient LABEL=PUBLIC.pem");
    }
    if (!keks.isEmpty() && !keyring.given()) {
      throw CliException.usage("--kek needs --keyring");
    }
    if (sign == null && (signerId != null || signerVersion != null || signMode != null || signPasswordEnv != null)) {
      throw CliException.usage("--signer-id, --signer-version, --sign-mode and --sign-password-env go with --sign");
    }
    if (sign != null && signerId == null) {
      throw CliException.usage("--sign needs --signer-id ID, the id readers trust the key under");
    }
    if (compress != null && suite == SuiteName.siv) {
      throw CliException.usage("--compress does not go with --suite siv: no deterministic suite compresses (SPEC.md 18)");
    }
    // Segmented unless the suite has no segmented form (siv, compressed suites), the signature
    // covers the whole message (mode 02 cannot be streamed, SPEC.md 16), or the user asks for the
    // one-shot form.
    boolean oneShot = noSegments || suite == SuiteName.siv || mode() == SignMode.PER_MESSAGE || compress != null;
    Input input = Input.of(in);
    if (oneShot) {
      input.checkSize("encrypt", Limits.MAX_PLAINTEXT_LENGTH, COPIES);
    }
    Encryptor encryptor = encryptor(suite.suite, Io.context(stored));
    try (Output output = Output.open(out, force)) {
      if (!base64) {
        output.refuseBinaryOnTerminal(force || out != null, "an envelope (binary)");
      }
      // The base64 encoder's close writes the padding; the Output's stream ignores close.
      OutputStream sink = base64 ? Base64.getEncoder().wrap(output.stream()) : output.stream();
      if (oneShot) {
        byte[] plaintext = input.readAll("encrypt", Limits.MAX_PLAINTEXT_LENGTH, COPIES);
        byte[] envelope;
        try {
          envelope = encryptor.encrypt(plaintext, Io.context(context));
        } catch (SealpostException e) {
          throw new CliException(input.name() + ": " + e.getMessage());
        } finally {
          Arrays.fill(plaintext, (byte) 0);
        }
        sink.write(envelope);
      } else {
        stream(encryptor, input, sink);
      }
      if (base64) {
        sink.close();
        output.write(new byte[] {'\n'});
      }
      output.commit();
    }
    return 0;
  }

  /** The segmented form: constant memory, whatever the input size (SPEC.md 17). */
  private void stream(Encryptor encryptor, Input input, OutputStream sink) throws Exception {
    Progress progress = Progress.of("encrypt " + input.name(), input.knownSize());
    EncryptingOutputStream enc;
    try {
      enc = encryptor.encryptingStream(sink, Io.context(context));
    } catch (SealpostException e) {
      throw new CliException(input.name() + ": " + e.getMessage());
    }
    boolean ok = false;
    try (InputStream raw = input.open()) {
      TrackedInput src = new TrackedInput(raw, input.name(), progress);
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = src.read(buf, 0, buf.length)) > 0) {
        enc.write(buf, 0, n);
      }
      Arrays.fill(buf, (byte) 0);
      enc.finish(); // the last segment: the payload is complete
      ok = true;
    } catch (SealpostStreamException e) {
      throw new CliException(input.name() + ": " + e.sealpostException().getMessage());
    } finally {
      progress.done();
      if (!ok) {
        enc.abort(); // never a complete-looking envelope of part of the input
      }
    }
  }

  private Encryptor encryptor(Suite s, dev.sealpost.codec.EncryptionContext storedContext) throws Exception {
    Encryptor.Builder b = Encryptor.builder().suite(s);
    if (compress != null) {
      b.compression(compress.compression); // 0401/0402, 0501/0502 when signed
    }
    if (sign != null) {
      Io.warnIfShared(sign, "private key");
      Ed25519PrivateKey key = PemKeys.loadEd25519PrivateKey(sign, Io.password(signPasswordEnv, null));
      b.signer(WriterKey.ed25519(signerId, signerVersion == null ? 1 : signerVersion, key),
          mode());
    }
    if (!keks.isEmpty()) {
      Keyring ring = keyring.load();
      for (String id : keks) {
        b.recipient(Recipient.symmetric(ring, id));
      }
    }
    for (String spec : publics) {
      Io.LabelledPath p = new Io.LabelledPath(spec);
      b.recipient(Recipient.x25519(p.label, p.version, PemKeys.loadPublicKey(p.path)));
    }
    return b.storedContext(storedContext).build();
  }
}
