package dev.sealpost.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealpost.codec.format.EnvelopeHeader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sealpost encrypt --compress zstd|lz4}: compressed suites (SPEC.md 18), only when asked [CMP-1]. */
class CompressTest {
  @TempDir Path dir;

  /** 200 near-identical log lines: any compressor takes them well under a quarter. */
  private static byte[] log() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      sb.append("2026-11-28T10:00:").append(i % 60).append("Z INFO checkout request served in 12 ms\n");
    }
    return sb.toString().getBytes(UTF_8);
  }

  private Path keyring() {
    Path ring = dir.resolve("app.keyring");
    assertEquals(0, CliTest.run("keygen", "kek", "--keyring", ring.toString(), "--key-id", "logs").code());
    return ring;
  }

  @Test
  void cmp1_compressOnlyWhenAskedAndDecryptNeedsNoOption() throws Exception {
    String ring = keyring().toString();
    byte[] plain = log();
    CliTest.Result none = CliTest.run(plain, "encrypt", "--keyring", ring, "--kek", "logs", "-o", "-");
    assertEquals(0, none.code(), none.err());
    assertEquals(0x0201, EnvelopeHeader.parse(none.out()).suite().id(), "default: segmented, uncompressed");
    assertTrue(none.out().length > plain.length);

    for (String method : new String[] {"zstd", "lz4"}) {
      CliTest.Result enc = CliTest.run(plain, "encrypt", "--keyring", ring, "--kek", "logs", "--compress", method, "-o", "-");
      assertEquals(0, enc.code(), enc.err());
      assertEquals(0x0401, EnvelopeHeader.parse(enc.out()).suite().id(), method);
      assertTrue(enc.out().length < plain.length / 4, method + ": " + enc.out().length + " of " + plain.length);
      CliTest.Result dec = CliTest.run(enc.out(), "decrypt", "--keyring", ring);
      assertEquals(0, dec.code(), dec.err());
      assertArrayEquals(plain, dec.out());
      CliTest.Result inspect = CliTest.run(enc.out(), "inspect", "--json");
      assertEquals(0, inspect.code(), inspect.err());
      assertTrue(inspect.outText().contains("\"compressed\": true"), inspect.outText());
      assertTrue(inspect.outText().contains("\"plaintext\": null"), "the plaintext length is encrypted");
    }
    CliTest.Result chacha = CliTest.run(plain, "encrypt", "--keyring", ring, "--kek", "logs", "--compress", "lz4",
        "--suite", "chacha", "-o", "-");
    assertEquals(0x0402, EnvelopeHeader.parse(chacha.out()).suite().id());
  }

  /** [CMP-7]: the command's help says what --compress reveals. */
  @Test
  void cmp7_helpWarnsAboutSecretsNextToChosenText() {
    CliTest.Result help = CliTest.run("encrypt", "--help");
    assertEquals(0, help.code(), help.err());
    String text = help.outText() + help.err();
    assertTrue(text.contains("--compress"), text);
    assertTrue(text.contains("length depend on the content"), text);
    assertTrue(text.contains("secret next to text someone else chose"), text);
  }

  @Test
  void compressWithSivOrAnUnknownMethodIsAUsageError() {
    String ring = keyring().toString();
    CliTest.assertOneLineError(CliTest.run(log(), "encrypt", "--keyring", ring, "--kek", "logs", "--compress", "zstd",
        "--suite", "siv", "-o", "-"), 2, "--compress does not go with --suite siv");
    CliTest.Result gzip = CliTest.run(log(), "encrypt", "--keyring", ring, "--kek", "logs", "--compress", "gzip", "-o", "-");
    assertEquals(2, gzip.code(), gzip.err());
    assertTrue(gzip.err().contains("gzip"), gzip.err());
  }
}
