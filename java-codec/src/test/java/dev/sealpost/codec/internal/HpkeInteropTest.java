package dev.sealpost.codec.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.crypto.tink.HybridDecrypt;
import com.google.crypto.tink.HybridEncrypt;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.hybrid.HpkeParameters;
import com.google.crypto.tink.hybrid.HpkePrivateKey;
import com.google.crypto.tink.hybrid.HpkePublicKey;
import com.google.crypto.tink.hybrid.internal.HpkeDecrypt;
import com.google.crypto.tink.hybrid.internal.HpkeEncrypt;
import com.google.crypto.tink.util.SecretBytes;
import dev.sealpost.codec.Decryptor;
import dev.sealpost.codec.EncryptionContext;
import dev.sealpost.codec.Encryptor;
import dev.sealpost.codec.IndependentCrypto;
import dev.sealpost.codec.Recipient;
import dev.sealpost.codec.RecipientType;
import dev.sealpost.codec.Suite;
import dev.sealpost.codec.format.EnvelopeHeader;
import dev.sealpost.codec.format.RecipientEntry;
import dev.sealpost.codec.keys.X25519PrivateKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The hand-written HPKE against Tink's independent HPKE and against RFC 9180's own vector
 * [HPKE-1]. Tink's HPKE hybrid primitive uses the context info as HPKE {@code info}, an empty
 * {@code aad}, and outputs {@code enc || ct} (no prefix with {@code Variant.NO_PREFIX}).
 */
class HpkeInteropTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] SEALPOST_INFO = "sealpost/v1 x25519-hpke".getBytes(StandardCharsets.US_ASCII);

  private final SecureRandom random = new SecureRandom();

  private static HpkeParameters tinkParams() throws GeneralSecurityException {
    return HpkeParameters.builder()
        .setKemId(HpkeParameters.KemId.DHKEM_X25519_HKDF_SHA256)
        .setKdfId(HpkeParameters.KdfId.HKDF_SHA256)
        .setAeadId(HpkeParameters.AeadId.AES_256_GCM)
        .setVariant(HpkeParameters.Variant.NO_PREFIX)
        .build();
  }

  private static HpkePublicKey tinkPublic(byte[] pub) throws GeneralSecurityException {
    return HpkePublicKey.create(tinkParams(), com.google.crypto.tink.util.Bytes.copyFrom(pub), null);
  }

  private static HpkePrivateKey tinkPrivate(byte[] priv, byte[] pub) throws GeneralSecurityException {
    return HpkePrivateKey.create(tinkPublic(pub), SecretBytes.copyFrom(priv, InsecureSecretKeyAccess.get()));
  }

  private byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  // [HPKE-1]: our SealBase (AEAD 0x0002, empty aad) opens with Tink's OpenBase.
  @Test
  void hpke1_ourSealOpensWithTink() throws Exception {
    Hpke hpke = new Hpke(Hpke.AEAD_AES_256_GCM);
    for (int i = 0; i < 20; i++) {
      X25519PrivateKey recipient = X25519PrivateKey.generate(random);
      byte[] pub = recipient.publicKey().toBytes();
      byte[] info = i == 0 ? new byte[0] : randomBytes(i * 3);
      byte[] plaintext = randomBytes(i == 0 ? 0 : 32 + i);
      byte[] sealed = hpke.seal(pub, info, new byte[0], plaintext, randomBytes(32));
      assertEquals(32 + plaintext.length + 16, sealed.length);

      HybridDecrypt tink = HpkeDecrypt.create(tinkPrivate(recipient.toBytes(), pub));
      assertArrayEquals(plaintext, tink.decrypt(sealed, info));
      // Tink binds the info: a different one must not open.
      byte[] otherInfo = Arrays.copyOf(info, info.length + 1);
      assertThrows(GeneralSecurityException.class, () -> tink.decrypt(sealed, otherInfo));
    }
  }

  // [HPKE-1]: Tink's SealBase opens with our OpenBase.
  @Test
  void hpke1_tinkSealOpensWithOurs() throws Exception {
    Hpke hpke = new Hpke(Hpke.AEAD_AES_256_GCM);
    for (int i = 0; i < 20; i++) {
      X25519PrivateKey recipient = X25519PrivateKey.generate(random);
      byte[] pub = recipient.publicKey().toBytes();
      byte[] info = i == 0 ? SEALPOST_INFO : randomBytes(i * 5);
      byte[] plaintext = randomBytes(i == 0 ? 32 : i * 7);
      HybridEncrypt tink = HpkeEncrypt.create(tinkPublic(pub));
      byte[] sealed = tink.encrypt(plaintext, info);
      assertArrayEquals(plaintext, hpke.open(recipient.toBytes(), info, new byte[0], sealed));
      // ...and the aad really is empty on Tink's side: a non-empty one must not open.
      assertThrows(GeneralSecurityException.class, () -> hpke.open(recipient.toBytes(), info, new byte[] {0}, sealed));
    }
  }

  // [HPKE-1]: a DEK sealed by Tink with Sealpost's info is opened by the codec's DEK unsealer, and
  // an 80-byte wrapped DEK from a real envelope is opened by Tink to the DEK the commitment names.
  @Test
  void hpke1_envelopeRecipientEntryInteroperatesWithTink() throws Exception {
    X25519PrivateKey recipient = X25519PrivateKey.generate(random);
    byte[] pub = recipient.publicKey().toBytes();
    byte[] dek = randomBytes(32);
    byte[] wrapped = HpkeEncrypt.create(tinkPublic(pub)).encrypt(dek, SEALPOST_INFO);
    assertEquals(80, wrapped.length);
    assertArrayEquals(dek, dev.sealpost.codec.recipient.HpkeDekSeal.open(recipient.toBytes(), wrapped));

    Encryptor enc = Encryptor.builder().recipient(Recipient.x25519("reader", 7, recipient.publicKey())).build();
    byte[] envelope = enc.encrypt(new byte[] {1, 2, 3}, EncryptionContext.empty());
    EnvelopeHeader header = EnvelopeHeader.parse(envelope);
    RecipientEntry entry = header.recipients().get(0);
    assertEquals(RecipientType.X25519_HPKE.id(), entry.typeId());
    byte[] opened = HpkeDecrypt.create(tinkPrivate(recipient.toBytes(), pub)).decrypt(entry.wrappedDek(), SEALPOST_INFO);
    assertEquals(32, opened.length);
    // [COM-1], [RCP-2]: the DEK Tink recovers is the one the header commits to.
    assertArrayEquals(IndependentCrypto.commitment(opened, Suite.AES_256_GCM.id()), header.commitment());
    assertArrayEquals(new byte[] {1, 2, 3},
        Decryptor.builder().x25519Key("reader", 7, recipient).build().decrypt(envelope));
  }

  // [HPKE-1] RFC 9180 appendix A.1 (DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM),
  // base mode, first encryption (sequence number 0): values copied from the RFC.
  @Test
  void hpke1_rfc9180AppendixA1BaseSequence0() throws Exception {
    byte[] info = HEX.parseHex("4f6465206f6e2061204772656369616e2055726e");
    byte[] skEm = HEX.parseHex("52c4a758a802cd8b936eceea314432798d5baf2d7e9235dc084ab1b9cfa2f736");
    byte[] pkEm = HEX.parseHex("37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf4431");
    byte[] skRm = HEX.parseHex("4612c550263fc8ad58375df3f557aac531d26850903e55a9f23f21d8534e8ac8");
    byte[] pkRm = HEX.parseHex("3948cfe0ad1ddb695d780e59077195da6c56506b027329794ab02bca80815c4d");
    byte[] pt = HEX.parseHex("4265617574792069732074727574682c20747275746820626561757479");
    byte[] aad = HEX.parseHex("436f756e742d30");
    byte[] ct = HEX.parseHex(
        "f938558b5d72f1a23810b4be2ab4f84331acc02fc97babc53a52ae8218a355a96d8770ac83d07bea87e13c512a");

    Hpke hpke = new Hpke(Hpke.AEAD_AES_128_GCM);
    byte[] sealed = hpke.seal(pkRm, info, aad, pt, skEm);
    assertArrayEquals(pkEm, Arrays.copyOfRange(sealed, 0, 32), "enc");
    assertArrayEquals(ct, Arrays.copyOfRange(sealed, 32, sealed.length), "ct");
    byte[] encAndCt = new byte[32 + ct.length];
    System.arraycopy(pkEm, 0, encAndCt, 0, 32);
    System.arraycopy(ct, 0, encAndCt, 32, ct.length);
    assertArrayEquals(pt, hpke.open(skRm, info, aad, encAndCt));
    // The AES-256 instance is a different suite and must not reproduce the AES-128 ciphertext.
    assertFalse(Arrays.equals(sealed, new Hpke(Hpke.AEAD_AES_256_GCM).seal(pkRm, info, aad, pt, skEm)));
  }

  // [HPKE-3]: an all-zero X25519 shared secret (small-order enc) is refused, not used.
  @Test
  void hpke3_smallOrderEncIsRefused() throws Exception {
    Hpke hpke = new Hpke(Hpke.AEAD_AES_256_GCM);
    byte[] encAndCt = new byte[80]; // enc = 0, a point of small order
    assertThrows(GeneralSecurityException.class,
        () -> hpke.open(X25519PrivateKey.generate(random).toBytes(), SEALPOST_INFO, new byte[0], encAndCt));
  }
}
