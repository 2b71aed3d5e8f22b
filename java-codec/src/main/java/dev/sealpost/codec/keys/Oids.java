package dev.sealpost.codec.keys;

import java.util.Map;

/** Names for the object identifiers an error message is likely to meet. */
final class Oids {
  static final String X25519 = "1.3.101.110";
  static final String ED25519 = "1.3.101.112";

  private static final Map<String, String> NAMES =
      Map.ofEntries(
          Map.entry(X25519, "X25519"),
          Map.entry("1.3.101.111", "X448"),
          Map.entry(ED25519, "Ed25519"),
          Map.entry("1.3.101.113", "Ed448"),
          Map.entry("1.2.840.113549.1.1.1", "RSA"),
          Map.entry("1.2.840.113549.1.1.10", "RSASSA-PSS"),
          Map.entry("1.2.840.10045.2.1", "EC"),
          Map.entry("1.2.840.10040.4.1", "DSA"),
          Map.entry("1.2.840.113549.1.3.1", "DH"),
          Map.entry(Pbes2.OID_PBES2, "PBES2"),
          Map.entry(Pbes2.OID_PBKDF2, "PBKDF2"),
          Map.entry(Pbes2.OID_HMAC_SHA1, "hmacWithSHA1"),
          Map.entry(Pbes2.OID_HMAC_SHA256, "hmacWithSHA256"),
          Map.entry("1.2.840.113549.2.10", "hmacWithSHA384"),
          Map.entry("1.2.840.113549.2.11", "hmacWithSHA512"),
          Map.entry(Pbes2.OID_AES128_CBC, "aes-128-cbc"),
          Map.entry("2.16.840.1.101.3.4.1.22", "aes-192-cbc"),
          Map.entry(Pbes2.OID_AES256_CBC, "aes-256-cbc"),
          Map.entry("1.2.840.113549.3.7", "des-ede3-cbc"),
          Map.entry("1.3.6.1.4.1.11591.4.11", "scrypt"),
          Map.entry("1.2.840.113549.1.5.3", "pbeWithMD5AndDES-CBC (PBES1)"),
          Map.entry("1.2.840.113549.1.5.10", "pbeWithSHA1AndDES-CBC (PBES1)"),
          Map.entry("1.2.840.113549.1.12.1.3", "pbeWithSHA1And3-KeyTripleDES-CBC (PKCS#12)"),
          Map.entry("1.2.840.113549.1.12.1.6", "pbeWithSHA1And40BitRC2-CBC (PKCS#12)"));

  private Oids() {}

  /** For example {@code Ed25519 (OID 1.3.101.112)}, or just the OID when unnamed. */
  static String describe(String oid) {
    String name = NAMES.get(oid);
    return name == null ? "OID " + oid : name + " (OID " + oid + ")";
  }
}
