package dev.sealpost.codec;

import dev.sealpost.codec.kms.KmsClient;
import dev.sealpost.codec.kms.TestKms;
import java.util.concurrent.atomic.AtomicInteger;

/** A {@link TestKms} that counts calls and can be switched into an outage. */
public final class CountingKms implements KmsClient {
  private final KmsClient delegate;
  public final AtomicInteger wraps = new AtomicInteger();
  public final AtomicInteger unwraps = new AtomicInteger();
  public volatile boolean down;

  public CountingKms(KmsClient delegate) {
    this.delegate = delegate;
  }

  public static CountingKms overTestKms() throws SealpostException {
    return new CountingKms(TestKeys.kms());
  }

  @Override
  public boolean supports(String keyUri) {
    return delegate.supports(keyUri);
  }

  @Override
  public byte[] wrapDek(String keyUri, byte[] dek) throws SealpostException {
    wraps.incrementAndGet();
    return delegate.wrapDek(keyUri, dek);
  }

  @Override
  public byte[] unwrapDek(String keyUri, byte[] wrappedDek) throws SealpostException {
    unwraps.incrementAndGet();
    if (down) {
      throw new SealpostException(ErrorCategory.KEY_SERVICE_FAILURE, "KMS unreachable (simulated)");
    }
    return delegate.unwrapDek(keyUri, wrappedDek);
  }
}
