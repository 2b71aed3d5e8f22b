package dev.sealpost.vectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The generator's own primitives against published values, so the vectors' intermediates are right. */
class SpecWriterTest {
  private static final HexFormat HEX = HexFormat.of();

  // RFC 9180 appendix A.1 (DHKEM(X25519, HKDF-SHA256)): skEm, pkRm and the shared secret, as published.
  @Test
  void hpkeSharedSecretMatchesRfc9180A1() throws Exception {
    byte[] skE = HEX.parseHex("52c4a758a802cd8b936eceea314432798d5baf2d7e9235dc084ab1b9cfa2f736");
    byte[] pkR = HEX.parseHex("3948cfe0ad1ddb695d780e59077195da6c56506b027329794ab02bca80815c4d");
    assertEquals("fe0e18c9f024ce43799ae393c7e8fe8fce9d218875e8227b0187c04e7d2ea1fc",
        HEX.formatHex(SpecWriter.hpkeSharedSecret(skE, pkR)));
  }

  // RFC 8032 section 7.1, TEST 1 and TEST 2: secret key (seed), public key, message, signature.
  @Test
  void ed25519MatchesRfc8032Section71() throws Exception {
    String[][] cases = {
      {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
       "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
       "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
      {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
       "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
       "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
    };
    for (String[] c : cases) {
      byte[] seed = HEX.parseHex(c[0]);
      assertEquals(c[1], HEX.formatHex(SpecWriter.ed25519Public(seed)));
      assertEquals(c[3], HEX.formatHex(SpecWriter.ed25519Sign(seed, HEX.parseHex(c[2]))));
    }
  }

  // SPEC.md section 17: nonce_i = u88(i) || u8(f), written out by hand.
  @Test
  void segmentNonceIsTheBigEndianIndexThenTheFlag() {
    assertEquals("000000000000000000000000", HEX.formatHex(SpecWriter.segmentNonce(0, false)));
    assertEquals("000000000000000000000001", HEX.formatHex(SpecWriter.segmentNonce(0, true)));
    assertEquals("000000000000000001020300", HEX.formatHex(SpecWriter.segmentNonce(0x010203, false)));
    assertEquals("00000000000000ffffffff01", HEX.formatHex(SpecWriter.segmentNonce(0xFFFFFFFFL, true)));
  }

  // SPEC.md section 17: 65536-byte pieces, the empty plaintext is one empty piece.
  @Test
  void piecesAreFullSegmentsThenTheRest() {
    assertEquals(1, SpecWriter.pieces(new byte[0]).size());
    assertEquals(0, SpecWriter.pieces(new byte[0]).get(0).length);
    assertEquals(1, SpecWriter.pieces(new byte[65536]).size());
    assertEquals(2, SpecWriter.pieces(new byte[65537]).size());
    assertEquals(1, SpecWriter.pieces(new byte[65537]).get(1).length);
  }
}
