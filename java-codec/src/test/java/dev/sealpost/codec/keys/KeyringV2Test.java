package dev.sealpost.codec.keys;

import static dev.sealpost.codec.keys.KeyFixtures.assertInvalid;
import static dev.sealpost.codec.keys.KeyFixtures.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealpost.codec.ErrorCategory;
import dev.sealpost.codec.SealpostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Keyring format version 2, docs/key-material.md 1.7: disabled, created, retired; version 1 unchanged. */
class KeyringV2Test {
  private static final String K0 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="; // 00..1f
  private static final String K1 = "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8="; // 20..3f
  private static final String K2 = "QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl8="; // 40..5f

  private static final String V2 = "sealpost-keyring v2\n"
      + "key orders 2 " + K1 + " disabled created=2026-01-15T09:30:00Z\n"
      + "key orders 3 " + K2 + " created=2026-11-28T08:00:00Z\n"
      + "key billing 1 " + K0 + " primary\n"
      + "retired orders 1 retired=2026-11-01T00:00:00Z\n"
      + "retired billing 0\n";

  @Test
  void versionOneFilesReadAndWriteByteForByteAsBefore() throws Exception {
    String v1 = "sealpost-keyring v1\nkey orders 1 " + K0 + "\nkey orders 2 " + K1 + " primary\n";
    Keyring k = KeyringFile.parse(v1);
    assertFalse(k.usesLifecycle());
    assertEquals(v1, KeyringFile.format(k));
    assertEquals(2, k.currentVersion("orders"));
    // The committed fixtures of version 1 still load, with every entry enabled and without a time.
    Keyring fixture = KeyringFile.load(KeyFixtures.path("keyring-plain.txt"));
    assertTrue(fixture.entries().stream().noneMatch(e -> e.disabled() || e.created().isPresent()));
    assertTrue(fixture.retired().isEmpty());
    assertTrue(KeyringFile.format(fixture).startsWith("sealpost-keyring v1\n"));
  }

  @Test
  void versionTwoStatesAreRead() throws Exception {
    Keyring k = KeyringFile.parse(V2);
    assertTrue(k.usesLifecycle());
    Keyring.Entry v2 = k.entries().get(0);
    assertTrue(v2.disabled());
    assertEquals(Optional.of(Instant.parse("2026-01-15T09:30:00Z")), v2.created());
    assertEquals(Optional.of(Instant.parse("2026-11-28T08:00:00Z")), k.entries().get(1).created());
    assertEquals(Optional.empty(), k.entries().get(2).created());
    assertEquals(List.of(new Keyring.Retired("orders", 1, Optional.of(Instant.parse("2026-11-01T00:00:00Z"))),
        new Keyring.Retired("billing", 0, Optional.empty())), k.retired());
    assertEquals(3, k.currentVersion("orders"));
    assertEquals(1, k.currentVersion("billing"));
    // Disabled still decrypts by default; retired holds nothing.
    assertArrayEquals(hex("202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"), k.kek("orders", 2).orElseThrow());
    assertTrue(k.holds("orders", 2));
    assertFalse(k.holds("orders", 1));
    assertTrue(k.kek("orders", 1).isEmpty());
    // A reader that refuses disabled versions does not hold it.
    Keyring strict = k.withoutDisabled();
    assertFalse(strict.holds("orders", 2));
    assertTrue(strict.kek("orders", 2).isEmpty());
    assertTrue(strict.holds("orders", 3));
    assertEquals(3, k.highestIssued("orders"));
    assertEquals(1, k.highestIssued("billing"));
  }

  @Test
  void aDisabledVersionIsNeverCurrent() throws Exception {
    Keyring k = KeyringFile.parse("sealpost-keyring v2\nkey a 1 " + K0 + "\nkey a 2 " + K1 + " disabled\n");
    assertEquals(1, k.currentVersion("a"), "the highest version that is not disabled");
    Keyring none = KeyringFile.parse("sealpost-keyring v2\nkey a 1 " + K0 + " disabled\n");
    SealpostException e = assertThrows(SealpostException.class, () -> none.currentVersion("a"));
    assertEquals(ErrorCategory.NO_MATCHING_KEY, e.category());
    assertTrue(e.getMessage().contains("every version of key id 'a' is disabled"), e.getMessage());
    assertInvalid(() -> Keyring.builder().add("a", 1, new byte[32], true, true, null));
  }

  @Test
  void versionTwoIsWrittenInCanonicalFormOnlyWhenNeeded() throws Exception {
    Keyring k = Keyring.builder()
        .add("orders", 2, hex("20".repeat(32)), false, true, Instant.parse("2026-01-15T09:30:00.999Z"))
        .add("orders", 3, new byte[32], true, false, null)
        .retire("orders", 1, Instant.parse("2026-11-01T00:00:00Z"))
        .build();
    // Flags in the order primary, disabled, created; retired lines after the keys; times to the second.
    assertEquals("sealpost-keyring v2\n"
        + "key orders 2 ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICA= disabled created=2026-01-15T09:30:00Z\n"
        + "key orders 3 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= primary\n"
        + "retired orders 1 retired=2026-11-01T00:00:00Z\n", KeyringFile.format(k));
    // Flags in any order on reading; the canonical form sorts them.
    String shuffled = "sealpost-keyring v2\nkey x 1 " + K0 + " created=2026-01-01T00:00:00Z disabled\n";
    assertEquals("sealpost-keyring v2\nkey x 1 " + K0 + " disabled created=2026-01-01T00:00:00Z\n",
        KeyringFile.format(KeyringFile.parse(shuffled)));
    assertEquals(V2, KeyringFile.format(KeyringFile.parse(V2)));
  }

  @Test
  void encryptedFormCarriesVersionTwo(@TempDir Path dir) throws Exception {
    Path p = dir.resolve("ring");
    char[] pw = "correct horse".toCharArray();
    KeyringFile.write(p, KeyringFile.parse(V2), pw, new SecureRandom(), KeyringFile.MIN_ITERATIONS);
    assertTrue(Files.readString(p).startsWith(KeyringFile.ENCRYPTED_HEADER + "\n"), "the outer header stays v1");
    Keyring back = KeyringFile.load(p, pw);
    assertEquals(V2, KeyringFile.format(back));
    Keyring strict = KeyringFile.load(p, pw, KeyringFile.DisabledVersions.REFUSE);
    assertTrue(strict.refusesDisabled());
    assertFalse(strict.holds("orders", 2));
  }

  @Test
  void loadOptionRefusesDisabledVersions(@TempDir Path dir) throws Exception {
    Path p = dir.resolve("ring");
    Files.writeString(p, V2, StandardCharsets.UTF_8);
    assertTrue(KeyringFile.load(p).holds("orders", 2));
    assertTrue(KeyringFile.load(p, null, KeyringFile.DisabledVersions.DECRYPT).holds("orders", 2));
    assertFalse(KeyringFile.load(p, null, KeyringFile.DisabledVersions.REFUSE).holds("orders", 2));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    // version 1 knows none of it
    "sealpost-keyring v1\\nkey a 1 " + K0 + " disabled|line 2: unexpected field after the key; only 'primary' may follow",
    "sealpost-keyring v1\\nretired a 1|line 2: unknown directive; expected 'key', a comment",
    "sealpost-keyring v3\\nkey a 1 " + K0 + "|line 1: unsupported keyring header",
    // flags
    "sealpost-keyring v2\\nkey a 1 " + K0 + " primary disabled|line 2: a version cannot be both primary and disabled",
    "sealpost-keyring v2\\nkey a 1 " + K0 + " disabled disabled|line 2: 'disabled' given twice",
    "sealpost-keyring v2\\nkey a 1 " + K0 + " created=2026-01-01T00:00:00Z created=2026-01-01T00:00:00Z|line 2: 'created' given twice",
    "sealpost-keyring v2\\nkey a 1 " + K0 + " enabled|line 2: unexpected field after the key",
    "sealpost-keyring v2\\nkey a 1 " + K0 + " Disabled|line 2: unexpected field after the key",
    // times: RFC 3339 UTC to the second, a real date
    "sealpost-keyring v2\\nkey a 1 " + K0 + " created=2026-02-29T00:00:00Z|line 2: not a valid date and time",
    "sealpost-keyring v2\\nkey a 1 " + K0 + " created=2026-01-01T24:00:00Z|line 2: not a valid date and time",
    "sealpost-keyring v2\\nkey a 1 " + K0 + " created=2026-01-01T00:00:60Z|line 2: not a valid date and time",
    "sealpost-keyring v2\\nkey a 1 " + K0 + " created=2026-01-01T00:00:00z|line 2: time must be RFC 3339 UTC",
    "sealpost-keyring v2\\nkey a 1 " + K0 + " created=2026-01-01t00:00:00Z|line 2: time must be RFC 3339 UTC",
    "sealpost-keyring v2\\nkey a 1 " + K0 + " created=2026-01-01T00:00:00.5Z|line 2: time must be RFC 3339 UTC",
    "sealpost-keyring v2\\nkey a 1 " + K0 + " created=2026-01-01T01:00:00+01:00|line 2: time must be RFC 3339 UTC",
    "sealpost-keyring v2\\nkey a 1 " + K0 + " created=|line 2: time must be RFC 3339 UTC",
    "sealpost-keyring v2\\nkey a 1 " + K0 + " created|line 2: unexpected field after the key",
    // retired lines
    "sealpost-keyring v2\\nretired a 1 " + K0 + "|line 2: unexpected field after the version; only 'retired=<time>' may follow",
    "sealpost-keyring v2\\nretired a|line 2: expected 'retired <key-id> <version> [retired=<time>]', found 2 fields",
    "sealpost-keyring v2\\nretired a 1 retired=2026-01-01T00:00:00Z x|line 2: expected 'retired <key-id>",
    "sealpost-keyring v2\\nretired a 01|line 2: version must be a decimal integer",
    "sealpost-keyring v2\\nkey a 1 " + K0 + "\\nretired a 1|line 3: duplicate key 'a' version 1 (first on line 2)",
    "sealpost-keyring v2\\nretired a 1\\nkey a 1 " + K0 + "|line 3: duplicate key 'a' version 1 (first on line 2)",
  })
  void syntaxErrorsNameTheLine(String text, String expected) {
    String m = assertInvalid(() -> KeyringFile.parse(text.replace("\\n", "\n")));
    assertTrue(m.contains(expected), m);
  }

  @Test
  void writeErrorsKeepTheReason(@TempDir Path dir) throws Exception {
    Path p = dir.resolve("no-such-dir").resolve("ring");
    String m = assertInvalid(() -> KeyringFile.write(p, Keyring.builder().build()));
    assertTrue(m.contains("cannot write keyring file " + p + ": no such file or directory"), m);
    Path file = dir.resolve("a-file");
    Files.writeString(file, "x");
    String m2 = assertInvalid(() -> KeyringFile.write(file.resolve("ring"), Keyring.builder().build()));
    assertTrue(m2.contains("Not a directory"), m2);
  }
}
