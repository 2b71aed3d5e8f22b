package dev.sealpost.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealpost.codec.kms.TestKms;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** [KMS-3]: the reader, not the envelope, chooses which KMS keys it calls. */
class KmsAllowListTest {
  private static final String ALLOWED = "test-kms://team-a/orders";
  private static final String OTHER = "test-kms://team-b/evil";

  private static CountingKms kms() throws SealpostException {
    return new CountingKms(
        TestKms.of(Map.of(ALLOWED, TestKeys.pattern(11, 32), OTHER, TestKeys.pattern(12, 32)), new SecureRandom()));
  }

  @Test
  void kms3_kmsClientWithNothingAllowedIsRefusedAtBuild() throws Exception {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> Decryptor.builder().kmsClient(kms()).build());
    assertTrue(e.getMessage().contains("kmsKeyUri"), e.getMessage());
    assertTrue(e.getMessage().contains("kmsKeyUriPrefix"), e.getMessage());
    assertTrue(e.getMessage().contains("kmsDiscovery"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Decryptor.builder().kmsKeyUriPrefix(""));
    assertThrows(IllegalArgumentException.class, () -> Decryptor.builder().kmsKeyUri(""));
  }

  @Test
  void kms3_supportedButNotAllowedUriIsNotHeldAndNeverCalled() throws Exception {
    CountingKms kms = kms();
    byte[] env = Encryptor.builder().recipient(Recipient.kms(kms, OTHER)).build().encrypt("x".getBytes());
    Decryptor reader = Decryptor.builder().kmsClient(kms).kmsKeyUri(ALLOWED).build();
    SealpostException e = assertThrows(SealpostException.class, () -> reader.decrypt(env));
    assertEquals(ErrorCategory.NO_MATCHING_KEY, e.category());
    assertEquals(0, kms.unwraps.get(), "the KMS was not asked about a key the reader did not allow");
    // The same URI as a prefix of the allowed one, or a longer one, is not an exact match.
    Decryptor nearMiss = Decryptor.builder().kmsClient(kms).kmsKeyUri(OTHER + "/x").kmsKeyUri("test-kms://team-b/evi").build();
    assertEquals(ErrorCategory.NO_MATCHING_KEY, assertThrows(SealpostException.class, () -> nearMiss.decrypt(env)).category());
    assertEquals(0, kms.unwraps.get());
  }

  @Test
  void kms3_exactUriAndPrefixAllow() throws Exception {
    CountingKms kms = kms();
    byte[] env = Encryptor.builder().recipient(Recipient.kms(kms, ALLOWED)).build().encrypt("ok".getBytes());
    assertArrayEquals("ok".getBytes(), Decryptor.builder().kmsClient(kms).kmsKeyUri(ALLOWED).build().decrypt(env));
    assertArrayEquals(
        "ok".getBytes(), Decryptor.builder().kmsClient(kms).kmsKeyUriPrefix("test-kms://team-a/").build().decrypt(env));
    Decryptor otherPrefix = Decryptor.builder().kmsClient(kms).kmsKeyUriPrefix("test-kms://team-b/").build();
    assertEquals(
        ErrorCategory.NO_MATCHING_KEY, assertThrows(SealpostException.class, () -> otherPrefix.decrypt(env)).category());
    assertEquals(2, kms.unwraps.get());
  }

  @Test
  void kms3_discoveryIsAnExplicitOptInThatWarns() throws Exception {
    CountingKms kms = kms();
    byte[] env = Encryptor.builder().recipient(Recipient.kms(kms, OTHER)).build().encrypt("d".getBytes());
    List<LogRecord> records = new ArrayList<>();
    Handler handler = new Handler() {
      @Override
      public void publish(LogRecord r) {
        records.add(r);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger jul = Logger.getLogger(Decryptor.class.getName());
    jul.addHandler(handler);
    try {
      Decryptor discovering = Decryptor.builder().kmsClient(kms).kmsDiscovery().build();
      assertArrayEquals("d".getBytes(), discovering.decrypt(env));
    } finally {
      jul.removeHandler(handler);
    }
    assertEquals(1, records.size(), "one warning, at build");
    assertEquals(Level.WARNING, records.get(0).getLevel());
    assertTrue(records.get(0).getMessage().contains("discovery"), records.get(0).getMessage());
    assertFalse(records.get(0).getMessage().contains("\n"));
  }

  // Log injection (issue 8): a hostile key id cannot inject lines into the reader's logs.
  @Test
  void logInjection_headerKeyIdsAreEscapedInMessages() throws Exception {
    byte[] env = Encryptor.builder()
        .recipient(Recipient.x25519("evil\nFAKE LOG LINE\u001b[2J", 1, TestKeys.consumerKey().publicKey()))
        .build()
        .encrypt("x".getBytes());
    Decryptor reader = Decryptor.builder().x25519Key("reader", 1, TestKeys.consumerKey()).build();
    SealpostException e = assertThrows(SealpostException.class, () -> reader.decrypt(env));
    assertEquals(ErrorCategory.NO_MATCHING_KEY, e.category());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    assertFalse(e.getMessage().contains("\u001b"), e.getMessage());
    assertTrue(e.getMessage().contains("evil\\nFAKE LOG LINE\\x1B[2J"), e.getMessage());
  }

  // Log injection (issue 8): a stored context read from a header prints escaped.
  @Test
  void logInjection_contextToStringIsEscaped() throws Exception {
    assertEquals("{a\\nb=c\\x1B[0m}", EncryptionContext.of("a\nb", "c\u001b[0m").toString());
    assertEquals("{k=v, topic=orders}", EncryptionContext.of(Map.of("topic", "orders", "k", "v")).toString());
  }
}
