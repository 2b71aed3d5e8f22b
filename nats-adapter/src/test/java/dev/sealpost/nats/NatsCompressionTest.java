package dev.sealpost.nats;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealpost.codec.Compression;
import dev.sealpost.codec.Decryptor;
import dev.sealpost.codec.Recipient;
import dev.sealpost.codec.format.EnvelopeHeader;
import dev.sealpost.codec.keys.Keyring;
import dev.sealpost.codec.keys.KeyringFile;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compression inside the envelope without a server (SPEC.md 18): opt-in per subject or wildcard
 * pattern ({@code sealpost.compression.subjects|type}) [CMP-1], [NB-23]; receivers need no setting.
 */
class NatsCompressionTest {
  static final String LOG;

  static {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      sb.append("{\"level\":\"INFO\",\"service\":\"checkout\",\"msg\":\"request served\",\"n\":").append(i).append("}\n");
    }
    LOG = sb.toString();
  }

  private static NatsSealerSettings.Builder base(Keyring k) throws Exception {
    return NatsSealerSettings.builder()
        .subject("logs.>", Recipient.symmetric(k, "orders"))
        .subject("orders.*", Recipient.symmetric(k, "orders"))
        .plaintextSubjects("metrics.>")
        .secretHeaders(Pattern.compile("x-pii-.*"))
        .kvBucket("profiles", Recipient.symmetric(k, "orders"))
        .decryptor(Decryptor.builder().kekSource(k).build());
  }

  private static int suiteId(byte[] envelope) throws Exception {
    return EnvelopeHeader.parse(envelope).suite().id();
  }

  @Test
  void cmp1_nb23_onlyNamedSubjectsCompress() throws Exception {
    Keyring k = NatsSealerTest.keyring();
    NatsSealer writer = new NatsSealer(base(k).compressSubjects("logs.app.*", "orders.audit").build());
    NatsSealer reader = new NatsSealer(base(k).build()); // no compression setting
    Message app = writer.seal("logs.app.web", new Headers().add("x-pii-user", "ada"), LOG.getBytes(UTF_8));
    assertEquals(0x0401, suiteId(app.getData()));
    assertTrue(app.getData().length < LOG.length() / 2, app.getData().length + " bytes");
    assertFalse(app.getHeaders() != null && app.getHeaders().containsKeyIgnoreCase("x-pii-user"));
    OpenedMessage o = reader.open(app);
    assertEquals(LOG, new String(o.data(), UTF_8));
    assertEquals("ada", o.headers().getFirst("x-pii-user"));

    assertEquals(0x0401, suiteId(writer.seal("orders.audit", null, LOG.getBytes(UTF_8)).getData()));
    // Same key reference, not named: uncompressed.
    assertEquals(0x0001, suiteId(writer.seal("logs.db", null, LOG.getBytes(UTF_8)).getData()));
    assertEquals(0x0001, suiteId(writer.seal("logs.app.web.x", null, LOG.getBytes(UTF_8)).getData()), "'*' is one token");
    assertEquals(0x0001, suiteId(writer.seal("orders.eu", null, LOG.getBytes(UTF_8)).getData()));
    // Twice: the resolution cache keeps the compressed target.
    assertEquals(0x0401, suiteId(writer.seal("logs.app.web", null, LOG.getBytes(UTF_8)).getData()));
    // Key-Value entries never compress [NB-23].
    String key = writer.encodeKvKey("profiles", "ada");
    assertEquals(0x0003, suiteId(java.util.Base64.getUrlDecoder().decode(key)));
    assertEquals(0x0001, suiteId(writer.sealKvValue("profiles", key, LOG.getBytes(UTF_8))));
    assertEquals(Compression.ZSTD, writer.settings().compressionFor("logs.app.x"));
    assertEquals(Compression.NONE, reader.settings().compressionFor("logs.app.x"));
  }

  @Test
  void cmp1_nothingCompressesByDefault() throws Exception {
    NatsSealer s = new NatsSealer(base(NatsSealerTest.keyring()).compression(Compression.LZ4).build());
    assertEquals(0x0001, suiteId(s.seal("logs.app", null, LOG.getBytes(UTF_8)).getData()));
  }

  @Test
  void propertiesConfigureCompression(@TempDir Path dir) throws Exception {
    Path ring = dir.resolve("app.keyring");
    KeyringFile.write(ring, NatsSealerTest.keyring());
    Map<String, String> p = new HashMap<>();
    p.put("sealpost.keyring.path", ring.toString());
    p.put("sealpost.subject.logs.>", "kek:orders");
    p.put("sealpost.value.suite", "CHACHA20_POLY1305");
    p.put(NatsSealerConfig.COMPRESSION_SUBJECTS, "logs.app, logs.web.>");
    p.put(NatsSealerConfig.COMPRESSION_TYPE, "lz4");
    NatsSealer s = new NatsSealer(NatsSealerConfig.parse(p));
    Message m = s.seal("logs.web.eu", null, LOG.getBytes(UTF_8));
    assertEquals(0x0402, suiteId(m.getData()));
    assertEquals(LOG, new String(s.open(m).data(), UTF_8));
    assertEquals(0x0002, suiteId(s.seal("logs.db", null, LOG.getBytes(UTF_8)).getData()));
    assertEquals(Compression.LZ4, s.settings().compressionFor("logs.app"));

    Map<String, String> bad = new HashMap<>(p);
    bad.put(NatsSealerConfig.COMPRESSION_TYPE, "gzip");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> NatsSealerConfig.parse(bad)).getMessage()
        .contains(NatsSealerConfig.COMPRESSION_TYPE));
    Map<String, String> typo = new HashMap<>(p);
    typo.put("sealpost.compression.subject", "logs.app");
    String msg = assertThrows(IllegalArgumentException.class, () -> NatsSealerConfig.parse(typo)).getMessage();
    assertTrue(msg.contains("did you mean 'sealpost.compression.subjects'"), msg);
    Map<String, String> wildcard = new HashMap<>(p);
    wildcard.put(NatsSealerConfig.COMPRESSION_SUBJECTS, "logs..app");
    assertThrows(IllegalArgumentException.class, () -> NatsSealerConfig.parse(wildcard));
  }

  /** [CMP-7]: the user documentation says what compression reveals and when not to use it. */
  @Test
  void cmp7_docsWarnWhatTheLengthRevealsAndWhenNotToCompress() throws Exception {
    String doc = java.nio.file.Files.readString(VectorFiles.root().resolve("docs/nats.md"), UTF_8);
    int start = doc.indexOf("## Compression inside the envelope");
    assertTrue(start > 0, "docs/nats.md has the section");
    int end = doc.indexOf("\n## ", start + 3);
    String section = doc.substring(start, end < 0 ? doc.length() : end);
    for (String needle : new String[] {"**When not to compress**", "length", "CRIME", "BREACH", "Do not compress",
        "token", "password", "[CMP-7]", NatsSealerConfig.COMPRESSION_SUBJECTS, NatsSealerConfig.COMPRESSION_TYPE}) {
      assertTrue(section.contains(needle), "the section mentions " + needle);
    }
  }

  @Test
  void compressedAndPlaintextAtOnceIsRefused() throws Exception {
    NatsSealerSettings.Builder b = base(NatsSealerTest.keyring()).compressSubjects("metrics.>");
    assertTrue(assertThrows(IllegalArgumentException.class, b::build).getMessage().contains("metrics.>"));
    assertThrows(IllegalArgumentException.class, () -> NatsSealerSettings.builder().compression(Compression.NONE));
  }
}
