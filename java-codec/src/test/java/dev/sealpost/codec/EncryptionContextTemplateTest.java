package dev.sealpost.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A context filled from a template must be the context {@link EncryptionContext#of(Map)} makes of
 * the same entries: the same canonical encoding [CTX-1] (so the same AAD), the same entries, and
 * the same failure for a value {@code of} refuses [CTX-3], [ENC-3].
 */
class EncryptionContextTemplateTest {
  private static final String[] ALPHABET = {"a", "b", "z", "A", "0", "-", ".", "~", "é", "ß", "中", "\uD83D\uDE00", "\u0000", "\u007F"};

  private static String randomString(Random r, int max) {
    StringBuilder sb = new StringBuilder();
    int n = r.nextInt(max + 1);
    for (int i = 0; i < n; i++) {
      // Mostly ASCII (the fast path), sometimes not (the fallback).
      sb.append(r.nextInt(4) == 0 ? ALPHABET[r.nextInt(ALPHABET.length)] : String.valueOf((char) (0x20 + r.nextInt(0x5F))));
    }
    return sb.toString();
  }

  private static String randomKey(Random r) {
    String k = randomString(r, 12);
    return k.isEmpty() ? "k" : k;
  }

  private static void assertSame(EncryptionContext expected, EncryptionContext actual) {
    assertArrayEquals(expected.encode(), actual.encode());
    assertEquals(expected, actual);
    assertEquals(expected.hashCode(), actual.hashCode());
    assertEquals(expected.asMap(), actual.asMap());
    assertEquals(new java.util.ArrayList<>(expected.asMap().keySet()), new java.util.ArrayList<>(actual.asMap().keySet()));
    assertEquals(expected.isEmpty(), actual.isEmpty());
    assertEquals(expected.toString(), actual.toString());
  }

  // [CTX-1]: many random key sets, fixed values and slot values, byte-identical to of().
  @Test
  void ctx1_templateEqualsOfForRandomInputs() throws Exception {
    Random r = new Random(20261128L);
    for (int round = 0; round < 3000; round++) {
      Map<String, String> fixed = new HashMap<>();
      int nFixed = r.nextInt(4);
      for (int i = 0; i < nFixed; i++) {
        fixed.put(randomKey(r), randomString(r, 20));
      }
      int nSlots = 1 + r.nextInt(3);
      String[] slotKeys = new String[nSlots];
      for (int i = 0; i < nSlots; i++) {
        String k;
        do {
          k = randomKey(r);
        } while (fixed.containsKey(k) || java.util.Arrays.asList(slotKeys).contains(k));
        slotKeys[i] = k;
      }
      EncryptionContext.Template t = EncryptionContext.template(fixed, slotKeys);
      for (int use = 0; use < 5; use++) {
        String[] values = new String[nSlots];
        Map<String, String> all = new LinkedHashMap<>(fixed);
        for (int i = 0; i < nSlots; i++) {
          values[i] = randomString(r, 70);
          all.put(slotKeys[i], values[i]);
        }
        assertSame(EncryptionContext.of(all), t.with(values));
      }
    }
  }

  // The Kafka value context's shape [CTX-1]: topic fixed, digests per record, checked against a
  // hand-written canonical encoding (keys in unsigned byte order: headers, key, part, topic).
  @Test
  void ctx1_kafkaShapeMatchesHandEncoding() throws Exception {
    EncryptionContext.Template t = EncryptionContext.template(
        Map.of("kafka.topic", "orders", "kafka.record.part", "value"),
        "kafka.record.key-sha256", "kafka.record.headers-sha256");
    String key = "ab".repeat(32);
    String headers = "cd".repeat(32);
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    b.write(4);
    for (String[] e : new String[][] {
        {"kafka.record.headers-sha256", headers}, {"kafka.record.key-sha256", key},
        {"kafka.record.part", "value"}, {"kafka.topic", "orders"}}) {
      b.write(e[0].length());
      b.writeBytes(e[0].getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      b.write(e[1].length() >>> 8);
      b.write(e[1].length());
      b.writeBytes(e[1].getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
    assertArrayEquals(b.toByteArray(), t.with(key, headers).encode());
  }

  // [CTX-3], [LIM-4], [ENC-3]: a value of()-refuses is refused with the same category; at the
  // length limit it is accepted, one byte over it is limit-exceeded; an unpaired surrogate is
  // malformed-header.
  @Test
  void ctx3_sameFailuresAsOf() throws Exception {
    EncryptionContext.Template t = EncryptionContext.template(Map.of("topic", "t"), "v");
    String atLimit = "x".repeat(Limits.MAX_CONTEXT_VALUE_LENGTH);
    assertSame(EncryptionContext.of(Map.of("topic", "t", "v", atLimit)), t.with(atLimit));
    SealpostException over = assertThrows(SealpostException.class, () -> t.with(atLimit + "x"));
    assertEquals(ErrorCategory.LIMIT_EXCEEDED, over.category());
    String multiByteOver = "é".repeat(Limits.MAX_CONTEXT_VALUE_LENGTH / 2 + 1); // within the limit in chars, over it in UTF-8 bytes
    assertEquals(ErrorCategory.LIMIT_EXCEEDED, assertThrows(SealpostException.class, () -> t.with(multiByteOver)).category());
    assertEquals(ErrorCategory.MALFORMED_HEADER, assertThrows(SealpostException.class, () -> t.with("a\uD800b")).category());
    assertThrows(NullPointerException.class, () -> t.with((String) null));
    assertThrows(IllegalArgumentException.class, () -> t.with("a", "b"));
    // The template's own keys are checked once, as of() checks them.
    assertEquals(ErrorCategory.MALFORMED_HEADER,
        assertThrows(SealpostException.class, () -> EncryptionContext.template(Map.of("", "x"), "v")).category());
    assertEquals(ErrorCategory.LIMIT_EXCEEDED,
        assertThrows(SealpostException.class, () -> EncryptionContext.template(Map.of("k".repeat(256), "x"), "v")).category());
    assertThrows(IllegalArgumentException.class, () -> EncryptionContext.template(Map.of("v", "x"), "v"));
    assertThrows(IllegalArgumentException.class, () -> EncryptionContext.template(Map.of(), "v", "v"));
  }
}
