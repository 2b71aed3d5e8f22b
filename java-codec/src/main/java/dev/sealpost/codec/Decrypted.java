package dev.sealpost.codec;

import java.util.Optional;

/** The result of {@link Decryptor#open}: the plaintext, the suite, and who signed, if verified. */
public final class Decrypted {
  private final byte[] plaintext;
  private final SignerRef verifiedSigner;
  private final Suite suite;

  Decrypted(byte[] plaintext, SignerRef verifiedSigner, Suite suite) {
    this.plaintext = plaintext;
    this.verifiedSigner = verifiedSigner;
    this.suite = suite;
  }

  /** The plaintext; the array is the caller's, not copied. */
  public byte[] plaintext() {
    return plaintext;
  }

  /**
   * The writer whose signature step 10a verified under a trusted key. Empty whenever the reader
   * required no trusted writer, even for a signed envelope: then nothing was verified [SIG-8].
   */
  public Optional<SignerRef> verifiedSigner() {
    return Optional.ofNullable(verifiedSigner);
  }

  public Suite suite() {
    return suite;
  }
}
