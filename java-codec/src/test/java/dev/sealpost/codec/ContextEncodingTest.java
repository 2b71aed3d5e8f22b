package dev.sealpost.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sealpost.codec.format.EnvelopeHeader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The canonical context encoding of SPEC.md section 7. */
class ContextEncodingTest {
  private static final HexFormat HEX = HexFormat.of();

  // Sorted by unsigned UTF-8 bytes: 5A < 61 < C3A9 < EFBCA1 < F09F9880. A UTF-16 sort would put
  // U+1F600 (D83D DE00) before U+FF21, and a signed-byte sort would put é before Z.
  private static final String[] CANONICAL = {"Z", "a", "é", "\uFF21", "😀"};
  private static final byte[] EXPECTED = HEX.parseHex(
      "05"
          + "01" + "5a" + "0001" + "31"
          + "01" + "61" + "0001" + "32"
          + "02" + "c3a9" + "0001" + "33"
          + "03" + "efbca1" + "0001" + "34"
          + "04" + "f09f9880" + "0001" + "35");

  private static Map<String, String> inOrder(int... order) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i : order) {
      m.put(CANONICAL[i], String.valueOf(i + 1));
    }
    return m;
  }

  // [CTX-1]: the encoding is sorted by unsigned UTF-8 bytes, whatever the map's order.
  @Test
  void ctx1_canonicalOrderIndependentOfInsertionOrder() throws Exception {
    for (int[] order : new int[][] {{0, 1, 2, 3, 4}, {4, 3, 2, 1, 0}, {2, 4, 0, 3, 1}, {3, 0, 4, 1, 2}}) {
      EncryptionContext ctx = EncryptionContext.of(inOrder(order));
      assertArrayEquals(EXPECTED, ctx.encode(), Arrays.toString(order));
      assertEquals(List.of(CANONICAL), new ArrayList<>(ctx.asMap().keySet()));
    }
    assertEquals(EncryptionContext.of(inOrder(0, 1, 2, 3, 4)), EncryptionContext.of(inOrder(4, 3, 2, 1, 0)));
  }

  // [CTX-1]: a key that is a prefix of another sorts first; the empty context is the byte 00.
  @Test
  void ctx1_prefixSortsFirstAndEmptyEncoding() throws Exception {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("ab", "");
    m.put("b", "");
    m.put("a", "");
    assertArrayEquals(HEX.parseHex("03" + "0161" + "0000" + "026162" + "0000" + "0162" + "0000"),
        EncryptionContext.of(m).encode());
    assertArrayEquals(new byte[] {0}, EncryptionContext.empty().encode());
    assertArrayEquals(new byte[] {0}, EncryptionContext.of(Map.of()).encode());
  }

  // [CTX-1], [ENC-1]: the stored context lands in the header in canonical order, just before
  // the nonce, and reads back in that order.
  @Test
  void ctx1_storedContextWrittenCanonically() throws Exception {
    Encryptor enc = Encryptor.builder()
        .recipient(Recipient.symmetric(TestKeys.keyring(), "orders"))
        .storedContext(EncryptionContext.of(inOrder(3, 1, 4, 0, 2)))
        .build();
    byte[] env = enc.encrypt("p".getBytes());
    EnvelopeHeader h = EnvelopeHeader.parse(env);
    int end = h.headerLength() - 12;
    assertArrayEquals(EXPECTED, Arrays.copyOfRange(env, end - EXPECTED.length, end));
    assertEquals(List.of(CANONICAL), new ArrayList<>(h.storedContext().asMap().keySet()));
    assertEquals("5", h.storedContext().asMap().get("😀"));
    // [CTX-4]: required entries match by value, in any order.
    byte[] pt = Decryptor.builder().kekSource(TestKeys.keyring()).build()
        .decrypt(env, 0, env.length, EncryptionContext.empty(), Map.of("😀", "5", "Z", "1"));
    assertArrayEquals("p".getBytes(), pt);
  }

  // [CTX-5], [AUTH-1]: the external context is bound through its canonical encoding, so the
  // same entries in another insertion order decrypt, and another value does not.
  @Test
  void ctx5_externalContextBoundCanonically() throws Exception {
    Encryptor enc = Encryptor.builder().recipient(Recipient.symmetric(TestKeys.keyring(), "orders")).build();
    byte[] env = enc.encrypt("p".getBytes(), EncryptionContext.of(inOrder(0, 1, 2, 3, 4)));
    Decryptor dec = Decryptor.builder().kekSource(TestKeys.keyring()).build();
    assertArrayEquals("p".getBytes(), dec.decrypt(env, EncryptionContext.of(inOrder(4, 2, 0, 3, 1))));
    Map<String, String> changed = inOrder(0, 1, 2, 3, 4);
    changed.put("é", "x");
    SealpostException e = org.junit.jupiter.api.Assertions.assertThrows(SealpostException.class,
        () -> dec.decrypt(env, EncryptionContext.of(changed)));
    assertEquals(ErrorCategory.AUTHENTICATION_FAILED, e.category());
    e = org.junit.jupiter.api.Assertions.assertThrows(SealpostException.class, () -> dec.decrypt(env));
    assertEquals(ErrorCategory.AUTHENTICATION_FAILED, e.category());
  }
}
