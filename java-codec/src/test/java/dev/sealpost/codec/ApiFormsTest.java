package dev.sealpost.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealpost.codec.format.EnvelopeHeader;
import dev.sealpost.codec.format.RecipientEntry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The public API's input forms, header inspection, and fail-closed detection. */
class ApiFormsTest {
  private static final byte[] PT = "the quick brown fox".getBytes(StandardCharsets.UTF_8);

  private static Encryptor siv() throws SealpostException {
    return Encryptor.builder().suite(Suite.AES_256_SIV).recipient(Recipient.symmetric(TestKeys.keyring(), "orders")).build();
  }

  private static Decryptor reader() throws SealpostException {
    return Decryptor.builder().kekSource(TestKeys.keyring()).build();
  }

  private static byte[] surrounded(byte[] data, int before, int after) {
    byte[] out = new byte[before + data.length + after];
    Arrays.fill(out, (byte) 0xA5);
    System.arraycopy(data, 0, out, before, data.length);
    return out;
  }

  // Every encrypt form sees exactly the same plaintext bytes: with the deterministic suite
  // [SIV-3] the envelopes must be identical; buffer positions do not move.
  @Test
  void encryptFormsAgree() throws Exception {
    Encryptor enc = siv();
    EncryptionContext ctx = EncryptionContext.of("topic", "t");
    byte[] expected = enc.encrypt(PT, ctx);

    byte[] padded = surrounded(PT, 7, 5);
    assertArrayEquals(expected, enc.encrypt(padded, 7, PT.length, ctx), "array, offset, length");

    ByteBuffer heap = ByteBuffer.wrap(padded, 3, padded.length - 3).slice(); // arrayOffset 3
    heap.position(4).limit(4 + PT.length);
    assertEquals(3, heap.arrayOffset());
    assertArrayEquals(expected, enc.encrypt(heap, ctx), "heap buffer with array offset and position");
    assertEquals(4, heap.position());
    assertEquals(4 + PT.length, heap.limit());

    ByteBuffer direct = ByteBuffer.allocateDirect(PT.length + 10);
    direct.position(6);
    direct.put(PT);
    direct.position(6).limit(6 + PT.length);
    assertArrayEquals(expected, enc.encrypt(direct, ctx), "direct buffer");
    assertEquals(6, direct.position());

    ByteBuffer readOnly = ByteBuffer.wrap(padded, 7, PT.length).asReadOnlyBuffer();
    assertArrayEquals(expected, enc.encrypt(readOnly, ctx), "read-only buffer");

    assertThrows(IndexOutOfBoundsException.class, () -> enc.encrypt(PT, 1, PT.length, ctx));
    assertThrows(IndexOutOfBoundsException.class, () -> enc.encrypt(PT, -1, 2, ctx));
  }

  // Every decrypt form decrypts the same envelope, reading only the given range.
  @Test
  void decryptFormsAgree() throws Exception {
    Encryptor enc = Encryptor.builder().recipient(Recipient.symmetric(TestKeys.keyring(), "orders"))
        .storedContext(EncryptionContext.of("tenant", "acme")).build();
    EncryptionContext ctx = EncryptionContext.of("topic", "t");
    byte[] env = enc.encrypt(PT, ctx);
    Decryptor dec = reader();
    assertArrayEquals(PT, dec.decrypt(env, ctx));

    byte[] padded = surrounded(env, 11, 9);
    assertArrayEquals(PT, dec.decrypt(padded, 11, env.length, ctx, Map.of()));
    // The trailing bytes are outside the range: including even one of them is a different body [HDR-5].
    SealpostException e = assertThrows(SealpostException.class, () -> dec.decrypt(padded, 11, env.length + 1, ctx, Map.of()));
    assertEquals(ErrorCategory.AUTHENTICATION_FAILED, e.category());

    ByteBuffer heap = ByteBuffer.wrap(padded, 2, padded.length - 2).slice();
    heap.position(9).limit(9 + env.length);
    assertArrayEquals(PT, dec.decrypt(heap, ctx));
    assertEquals(9, heap.position());

    ByteBuffer direct = ByteBuffer.allocateDirect(env.length + 4);
    direct.position(4);
    direct.put(env);
    direct.position(4);
    assertArrayEquals(PT, dec.decrypt(direct, ctx));
    assertEquals(4, direct.position());

    assertArrayEquals(PT, dec.decrypt(ByteBuffer.wrap(env).asReadOnlyBuffer(), ctx));
  }

  // [CTX-4]: required stored-context entries, through the full decrypt form.
  @Test
  void ctx4_requiredStoredContext() throws Exception {
    Encryptor enc = Encryptor.builder().recipient(Recipient.symmetric(TestKeys.keyring(), "orders"))
        .storedContext(EncryptionContext.of(Map.of("tenant", "acme", "schema", "orders-v3"))).build();
    byte[] env = enc.encrypt(PT);
    Decryptor dec = reader();
    assertArrayEquals(PT, dec.decrypt(env, 0, env.length, EncryptionContext.empty(), Map.of()));
    assertArrayEquals(PT, dec.decrypt(env, 0, env.length, EncryptionContext.empty(), Map.of("schema", "orders-v3")));
    for (Map<String, String> wrong : List.of(Map.of("tenant", "acme "), Map.of("Tenant", "acme"), Map.of("x", "y"))) {
      SealpostException e = assertThrows(SealpostException.class,
          () -> dec.decrypt(env, 0, env.length, EncryptionContext.empty(), wrong));
      assertEquals(ErrorCategory.CONTEXT_MISMATCH, e.category(), wrong.toString());
    }
    // An envelope without stored context lacks every required entry.
    byte[] bare = Encryptor.builder().recipient(Recipient.symmetric(TestKeys.keyring(), "orders")).build().encrypt(PT);
    SealpostException e = assertThrows(SealpostException.class,
        () -> dec.decrypt(bare, 0, bare.length, EncryptionContext.empty(), Map.of("tenant", "acme")));
    assertEquals(ErrorCategory.CONTEXT_MISMATCH, e.category());
  }

  // [HDR-1]: inspection reports every field; lengths follow the layout of section 3 exactly.
  @Test
  void inspectReportsHeaderFields() throws Exception {
    Encryptor enc = Encryptor.builder()
        .suite(Suite.CHACHA20_POLY1305)
        .recipient(Recipient.symmetric(TestKeys.keyring(), "orders"))
        .recipient(Recipient.x25519("consumer-a", 9, TestKeys.consumerKey().publicKey()))
        .recipient(Recipient.kms(TestKeys.kms(), TestKeys.KMS_URI))
        .storedContext(EncryptionContext.of("tenant", "acme"))
        .build();
    byte[] env = enc.encrypt(PT);
    EnvelopeHeader h = Decryptor.inspect(env);
    assertEquals(1, h.version());
    assertEquals(Suite.CHACHA20_POLY1305, h.suite());
    List<RecipientEntry> r = h.recipients();
    assertEquals(3, r.size());
    assertEquals(List.of(RecipientType.SYMMETRIC, RecipientType.X25519_HPKE, RecipientType.KMS),
        r.stream().map(x -> x.type().orElseThrow()).toList());
    assertEquals(List.of("orders", "consumer-a", TestKeys.KMS_URI), r.stream().map(RecipientEntry::keyId).toList());
    assertEquals(List.of(2L, 9L, 0L), r.stream().map(RecipientEntry::keyVersionUnsigned).toList());
    assertEquals(List.of(40, 80, 60), r.stream().map(x -> x.wrappedDek().length).toList());
    assertEquals(Map.of("tenant", "acme"), h.storedContext().asMap());
    assertEquals(12, h.nonce().length);
    // 7 fixed bytes + entries (8 + key id + wrapped each) + 32 commitment + context + 12 nonce.
    int entries = (8 + 6 + 40) + (8 + 10 + 80) + (8 + TestKeys.KMS_URI.length() + 60);
    int context = 1 + 1 + 6 + 2 + 4;
    assertEquals(7 + entries + 32 + context + 12, h.headerLength());
    assertEquals(PT.length + 16, h.bodyLength());
    assertEquals(env.length, h.headerLength() + h.bodyLength());

    // The same through the other parse forms.
    byte[] padded = surrounded(env, 5, 5);
    EnvelopeHeader h2 = EnvelopeHeader.parse(padded, 5, env.length);
    assertEquals(h.headerLength(), h2.headerLength());
    assertEquals(h.bodyLength(), h2.bodyLength());
    assertEquals(r, h2.recipients());
    ByteBuffer direct = ByteBuffer.allocateDirect(env.length).put(env).flip();
    assertEquals(r, EnvelopeHeader.parse(direct).recipients());
    assertEquals(0, direct.position());
  }

  // SPEC.md 11: the empty plaintext is valid for every suite; the body is the tag alone.
  @Test
  void emptyPlaintextForEverySuite() throws Exception {
    for (Suite s : new Suite[] {Suite.AES_256_GCM, Suite.CHACHA20_POLY1305, Suite.AES_256_SIV}) {
      byte[] env = Encryptor.builder().suite(s).recipient(Recipient.symmetric(TestKeys.keyring(), "orders")).build()
          .encrypt(new byte[0]);
      assertEquals(16, EnvelopeHeader.parse(env).bodyLength(), s.toString());
      assertArrayEquals(new byte[0], reader().decrypt(env), s.toString());
    }
  }

  // [DET-1], [DET-5]: every envelope starts F7 53 50 01, and so its base64 starts "91NQA".
  @Test
  void det1_magicAndHasMagic() throws Exception {
    byte[] env = Encryptor.builder().recipient(Recipient.symmetric(TestKeys.keyring(), "orders")).build().encrypt(PT);
    assertArrayEquals(new byte[] {(byte) 0xF7, 0x53, 0x50, 0x01}, Arrays.copyOf(env, 4));
    assertTrue(Base64.getEncoder().encodeToString(env).startsWith("91NQA"));
    assertTrue(Base64.getUrlEncoder().encodeToString(env).startsWith("91NQA"));

    assertTrue(EnvelopeHeader.hasMagic(env, 0, env.length));
    assertTrue(EnvelopeHeader.hasMagic(env, 0, 3));
    assertFalse(EnvelopeHeader.hasMagic(env, 0, 2));
    byte[] padded = surrounded(env, 4, 0);
    assertTrue(EnvelopeHeader.hasMagic(padded, 4, env.length));
    assertFalse(EnvelopeHeader.hasMagic(padded, 0, padded.length));
    assertFalse(EnvelopeHeader.hasMagic(new byte[] {(byte) 0xF7, 0x53, 0x51}, 0, 3));
    assertFalse(EnvelopeHeader.hasMagic(new byte[] {0x00, 0x00, 0x00, 0x00, 0x01}, 0, 5));
    assertFalse(EnvelopeHeader.hasMagic(new byte[0], 0, 0));
  }

  // [SEC-1], [DET-2]: non-envelopes fail with not-an-envelope in every form; nothing is returned
  // and the input is left as it was.
  @Test
  void sec1_nonEnvelopesFailClosed() throws Exception {
    Decryptor dec = reader();
    List<byte[]> inputs = List.of(
        new byte[0],
        new byte[] {(byte) 0xF7},
        new byte[] {(byte) 0xF7, 0x53},
        "{\"amount\": 12.5}".getBytes(StandardCharsets.UTF_8),
        new byte[] {0x00, 0x00, 0x00, 0x00, 0x2A, 0x02, 0x03}, // Confluent wire format
        new byte[] {0x1F, (byte) 0x8B, 0x08, 0x00},             // gzip
        new byte[] {(byte) 0xF7, 0x53, 0x51, 0x01},              // one bit from the magic
        "91NQAQABAQ".getBytes(StandardCharsets.US_ASCII));       // base64 text of an envelope
    for (byte[] input : inputs) {
      byte[] before = input.clone();
      String what = Arrays.toString(input);
      assertEquals(ErrorCategory.NOT_AN_ENVELOPE, assertThrows(SealpostException.class, () -> dec.decrypt(input), what).category());
      assertEquals(ErrorCategory.NOT_AN_ENVELOPE,
          assertThrows(SealpostException.class, () -> dec.decrypt(ByteBuffer.wrap(input), EncryptionContext.empty()), what).category());
      ByteBuffer direct = ByteBuffer.allocateDirect(input.length).put(input).flip();
      assertEquals(ErrorCategory.NOT_AN_ENVELOPE,
          assertThrows(SealpostException.class, () -> dec.decrypt(direct, EncryptionContext.empty()), what).category());
      assertEquals(ErrorCategory.NOT_AN_ENVELOPE,
          assertThrows(SealpostException.class, () -> Decryptor.inspect(input), what).category());
      assertArrayEquals(before, input);
    }
    // The magic alone, without its version byte, is an envelope error, not a pass-through [DET-3].
    assertEquals(ErrorCategory.MALFORMED_HEADER, assertThrows(SealpostException.class,
        () -> dec.decrypt(new byte[] {(byte) 0xF7, 0x53, 0x50})).category());
    // A range that starts past the magic is not an envelope either.
    byte[] env = Encryptor.builder().recipient(Recipient.symmetric(TestKeys.keyring(), "orders")).build().encrypt(PT);
    assertEquals(ErrorCategory.NOT_AN_ENVELOPE, assertThrows(SealpostException.class,
        () -> dec.decrypt(env, 1, env.length - 1, EncryptionContext.empty(), Map.of())).category());
  }
}
