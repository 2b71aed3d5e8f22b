package dev.sealpost.kafka;

import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.kms.KmsClient;
import dev.sealpost.codec.kms.TestKms;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A KMS client for {@code sealpost.kms.client.class}: the codec's test KMS, serving every
 * {@code test-kms://} URI (like an unbound cloud KMS client serves every ARN), and remembering
 * which URIs it was asked to unwrap under.
 */
public final class RecordingKms implements KmsClient {
  static final List<String> UNWRAPPED = new CopyOnWriteArrayList<>();
  private static final byte[] KEY = Keys.pattern(77);

  @Override
  public boolean supports(String keyUri) {
    return keyUri.startsWith("test-kms://");
  }

  private static TestKms kms(String uri) throws SealpostException {
    return TestKms.of(Map.of(uri, KEY), new SecureRandom());
  }

  @Override
  public byte[] wrapDek(String keyUri, byte[] dek) throws SealpostException {
    return kms(keyUri).wrapDek(keyUri, dek);
  }

  @Override
  public byte[] unwrapDek(String keyUri, byte[] wrapped) throws SealpostException {
    UNWRAPPED.add(keyUri);
    return kms(keyUri).unwrapDek(keyUri, wrapped);
  }
}
