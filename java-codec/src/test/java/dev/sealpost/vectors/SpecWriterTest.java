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
}
