package dev.sealpost.codec;

/**
 * How a signed suite's writer signs (SPEC.md 16). The wire value is the header's
 * {@code sign-mode} byte.
 */
public enum SignMode {
  /**
   * {@code 01}: one Ed25519 signature over the header prefix {@code P} (magic through signer
   * version), made once per DEK and stored context and carried in the header [SIG-2]. Proves who
   * created the DEK; any holder of the DEK can then write under it.
   */
  PER_DEK(0x01),
  /**
   * {@code 02}: one signature per envelope over the envelope and the encoded external context,
   * appended as its last 64 bytes. Non-repudiation, recipients included; never with a segmented
   * suite [SIG-3].
   */
  PER_MESSAGE(0x02);

  private final int wire;

  SignMode(int wire) {
    this.wire = wire;
  }

  /** The {@code sign-mode} byte. */
  public int wireValue() {
    return wire;
  }

  /** The mode with this wire value, or null for any other byte. */
  public static SignMode fromWire(int b) {
    return b == 0x01 ? PER_DEK : b == 0x02 ? PER_MESSAGE : null;
  }
}
