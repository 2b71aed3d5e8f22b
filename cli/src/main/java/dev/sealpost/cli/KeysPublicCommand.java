package dev.sealpost.cli;

import dev.sealpost.codec.keys.PemKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "public", mixinStandardHelpOptions = true,
    description = "Print the public key (PEM) of an X25519 or Ed25519 private key (PKCS#8 PEM; X25519 also encrypted).",
    footerHeading = "%nExamples:%n",
    footer = {
      "  sealpost keys public --in analytics.key > analytics.pub",
      "  sealpost keys public --in signer.key --out signer.pub",
      "  KEY_PW=... sealpost keys public --in analytics.enc.key --password-env KEY_PW"
    })
final class KeysPublicCommand implements Callable<Integer> {
  @Option(names = {"-i", "--in"}, required = true, paramLabel = "FILE", description = "Private key, PEM.")
  Path in;

  @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "Output file; - for stdout (the default).")
  Path out;

  @Option(names = "--force", description = "Replace an existing --out file.")
  boolean force;

  @Option(names = "--password-env", paramLabel = "VAR", description = "Environment variable holding the password of an ENCRYPTED PRIVATE KEY.")
  String passwordEnv;

  @Override
  public Integer call() throws Exception {
    Io.warnIfShared(in, "private key");
    String pem = ed25519Public(in);
    if (pem == null) {
      pem = PemKeys.toPem(PemKeys.loadPrivateKey(in, Io.password(passwordEnv, null)).publicKey());
    }
    try (Output o = Output.open(out, force)) {
      o.write(pem.getBytes(StandardCharsets.US_ASCII));
      o.commit();
    }
    if (!Output.isStdout(out)) {
      Output.makeReadable(out);
    }
    return 0;
  }

  /** The public key PEM when {@code file} holds an unencrypted Ed25519 key; null for anything else. */
  static String ed25519Public(Path file) throws Exception {
    if (Files.size(file) > PemKeys.MAX_FILE_BYTES) {
      return null; // the X25519 reader reports the size
    }
    String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
    String begin = "-----BEGIN PRIVATE KEY-----";
    String end = "-----END PRIVATE KEY-----";
    if (!text.startsWith(begin) || !text.endsWith(end)) {
      return null;
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(text.substring(begin.length(), text.length() - end.length()));
    } catch (IllegalArgumentException e) {
      return null;
    }
    PrivateKey priv;
    try {
      priv = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      return null; // not Ed25519: the X25519 reader names what it is
    } finally {
      Arrays.fill(der, (byte) 0);
    }
    byte[] scalar = ((EdECPrivateKey) priv).getBytes().orElseThrow();
    // The JDK derives a public key only while generating: feed it this private key as the
    // "random" bytes, then prove the pair by a signature before trusting it.
    KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
    g.initialize(NamedParameterSpec.ED25519, new FixedRandom(scalar));
    KeyPair pair = g.generateKeyPair();
    Arrays.fill(scalar, (byte) 0);
    byte[] probe = "sealpost keys public".getBytes(StandardCharsets.US_ASCII);
    Signature s = Signature.getInstance("Ed25519");
    s.initSign(priv);
    s.update(probe);
    byte[] sig = s.sign();
    s.initVerify(pair.getPublic());
    s.update(probe);
    if (!s.verify(sig)) {
      throw new CliException(file + ": could not derive the Ed25519 public key");
    }
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(pair.getPublic().getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }

  /** Hands out one fixed byte string, once. */
  private static final class FixedRandom extends SecureRandom {
    private static final long serialVersionUID = 1L;
    private final byte[] bytes;

    FixedRandom(byte[] bytes) {
      this.bytes = bytes.clone();
    }

    @Override
    public void nextBytes(byte[] out) {
      if (out.length != bytes.length) {
        throw new IllegalStateException("unexpected request of " + out.length + " bytes");
      }
      System.arraycopy(bytes, 0, out, 0, out.length);
      Arrays.fill(bytes, (byte) 0);
    }
  }
}
