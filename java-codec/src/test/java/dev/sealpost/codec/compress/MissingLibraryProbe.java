package dev.sealpost.codec.compress;

import dev.sealpost.codec.Compression;
import dev.sealpost.codec.Decryptor;
import dev.sealpost.codec.Encryptor;
import dev.sealpost.codec.Recipient;
import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.TestKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Runs inside a class loader without one or both compression libraries ({@link
 * MissingLibraryTest}): what a writer's build and a reader say then. Answers in words, so that
 * nothing but strings crosses the loaders.
 */
public final class MissingLibraryProbe implements Function<byte[][], String> {
  @Override
  public String apply(byte[][] envelopes) {
    List<String> out = new ArrayList<>();
    out.add("zstd=" + Packing.available(Compression.ZSTD));
    out.add("lz4=" + Packing.available(Compression.LZ4));
    for (Compression c : new Compression[] {Compression.ZSTD, Compression.LZ4}) {
      try {
        Encryptor.builder().compression(c).recipient(Recipient.symmetric(TestKeys.keyring(), "orders")).build();
        out.add("build " + c + "=ok");
      } catch (IllegalStateException e) {
        out.add("build " + c + "=refused: " + e.getMessage());
      } catch (SealpostException e) {
        out.add("build " + c + "=" + e.category().id());
      }
    }
    for (byte[] env : envelopes) {
      try {
        Decryptor.builder().kekSource(TestKeys.keyring()).build().decrypt(env);
        out.add("decrypt " + Integer.toHexString((env[4] & 0xFF) << 8 | env[5] & 0xFF) + "=ok");
      } catch (SealpostException e) {
        out.add("decrypt " + Integer.toHexString((env[4] & 0xFF) << 8 | env[5] & 0xFF) + "=" + e.category().id());
      }
    }
    return String.join("\n", out);
  }
}
