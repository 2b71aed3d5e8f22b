package dev.sealpost.codec.internal;

import dev.sealpost.codec.Decrypted;
import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.SignerRef;
import dev.sealpost.codec.format.EnvelopeHeader;

/**
 * What a streamed reader needs from the decryptor that created it: the checks of SPEC.md
 * section 11 that follow the header, and the whole-envelope path for suites that are not
 * segmented.
 */
public interface StreamOpener {
  /** A segmented envelope that passed steps 10 to 12: its segment cipher, and who signed. */
  final class Opened {
    public final SegmentCipher cipher;
    /** The writer step 10a verified; null when no trusted writer was required [SIG-8]. */
    public final SignerRef verifiedSigner;

    public Opened(SegmentCipher cipher, SignerRef verifiedSigner) {
      this.cipher = cipher;
      this.verifiedSigner = verifiedSigner;
    }
  }

  /**
   * Steps 10 to 12 for a segmented envelope whose header (steps 1 to 8) is {@code header},
   * parsed from {@code envelope} at {@code offset}; returns a cipher that opens its segments
   * under {@code K_env}.
   */
  Opened openSegmented(byte[] envelope, int offset, EnvelopeHeader header) throws SealpostException;

  /** Every step, for an envelope of a suite that is not segmented, read whole. */
  Decrypted decryptWhole(byte[] envelope, int offset, int length) throws SealpostException;

  /** The plaintext limit of a whole envelope [LIM-3]. */
  int maxPlaintextLength();
}
