package dev.sealpost.codec;

import java.util.Objects;

/**
 * A signer as an envelope's signer field names it (SPEC.md 16): signer id, version and sign
 * mode. Carries no key. From {@link dev.sealpost.codec.format.EnvelopeHeader#signer()} it is only
 * what the header claims; from {@link Decrypted#verifiedSigner()} it was verified [SIG-8].
 */
public final class SignerRef {
  private final String signerId;
  private final int version;
  private final SignMode mode;

  public SignerRef(String signerId, int version, SignMode mode) {
    this.signerId = Objects.requireNonNull(signerId, "signerId");
    this.version = version;
    this.mode = Objects.requireNonNull(mode, "mode");
  }

  public String signerId() {
    return signerId;
  }

  /** The u32 version, as a signed int; see {@link #versionUnsigned()}. */
  public int version() {
    return version;
  }

  public long versionUnsigned() {
    return Integer.toUnsignedLong(version);
  }

  public SignMode mode() {
    return mode;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof SignerRef)) {
      return false;
    }
    SignerRef s = (SignerRef) o;
    return signerId.equals(s.signerId) && version == s.version && mode == s.mode;
  }

  @Override
  public int hashCode() {
    return Objects.hash(signerId, version, mode);
  }

  /** Escapes control characters: the id comes from an envelope [SEC-4]. */
  @Override
  public String toString() {
    return "'" + dev.sealpost.codec.internal.LogSafe.escape(signerId) + "' v" + versionUnsigned()
        + " (" + (mode == SignMode.PER_DEK ? "per DEK" : "per message") + ")";
  }
}
