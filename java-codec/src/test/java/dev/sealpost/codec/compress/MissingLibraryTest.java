package dev.sealpost.codec.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealpost.codec.Compression;
import dev.sealpost.codec.Encryptor;
import dev.sealpost.codec.Recipient;
import dev.sealpost.codec.TestKeys;
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * zstd-jni and lz4-java are optional dependencies of the codec [CMP-5]: the codec, loaded in a
 * class loader without them, still reads and writes the other suites; a writer asking for a
 * missing compressor fails at build with a message naming the library; a reader missing either
 * treats every compressed suite as not implemented ({@code unsupported-suite}).
 */
class MissingLibraryTest {
  private static String run(String... excluded) throws Exception {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<URL> urls = new ArrayList<>();
    int dropped = 0;
    for (String entry : cp.split(File.pathSeparator)) {
      boolean drop = false;
      for (String x : excluded) {
        drop |= Path.of(entry).getFileName().toString().startsWith(x);
      }
      if (drop) {
        dropped++;
      } else if (!entry.isEmpty()) {
        urls.add(Path.of(entry).toUri().toURL());
      }
    }
    assertEquals(excluded.length, dropped, "the class path names each library once: " + cp);
    byte[][] envelopes = {
      encrypt(Compression.ZSTD), encrypt(Compression.LZ4), encrypt(Compression.NONE),
    };
    try (URLClassLoader isolated = new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader())) {
      @SuppressWarnings("unchecked")
      Function<byte[][], String> probe = (Function<byte[][], String>) Class
          .forName(MissingLibraryProbe.class.getName(), true, isolated).getDeclaredConstructor().newInstance();
      return probe.apply(envelopes);
    }
  }

  private static byte[] encrypt(Compression c) throws Exception {
    byte[] json = "{\"a\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return Encryptor.builder().compression(c).recipient(Recipient.symmetric(TestKeys.keyring(), "orders")).build().encrypt(json);
  }

  @Test
  void withoutEitherLibrary_CMP5() throws Exception {
    String r = run("zstd-jni-", "lz4-java-");
    assertTrue(r.contains("zstd=false\nlz4=false"), r);
    assertTrue(r.contains("build ZSTD=refused: compression ZSTD needs com.github.luben:zstd-jni"), r);
    assertTrue(r.contains("build LZ4=refused: compression LZ4 needs at.yawk.lz4:lz4-java"), r);
    assertTrue(r.contains("decrypt 401=unsupported-suite"), r);
    assertTrue(r.endsWith("decrypt 1=ok"), r);
  }

  /** All three methods or none: a reader with zstd alone still cannot read a 04xx envelope [CMP-5]. */
  @Test
  void withZstdAlone_CMP5() throws Exception {
    String r = run("lz4-java-");
    assertTrue(r.contains("zstd=true\nlz4=false"), r);
    assertTrue(r.contains("build ZSTD=ok"), r);
    assertTrue(r.contains("build LZ4=refused"), r);
    assertEquals(2, r.split("decrypt 401=unsupported-suite", -1).length - 1, "both compressed envelopes: " + r);
    assertTrue(r.endsWith("decrypt 1=ok"), r);
  }

  @Test
  void withLz4Alone_CMP5() throws Exception {
    String r = run("zstd-jni-");
    assertTrue(r.contains("zstd=false\nlz4=true"), r);
    assertTrue(r.contains("build ZSTD=refused"), r);
    assertTrue(r.contains("build LZ4=ok"), r);
    assertEquals(2, r.split("decrypt 401=unsupported-suite", -1).length - 1, "both compressed envelopes: " + r);
  }

  @Test
  void withBothLibraries() throws Exception {
    String r = run();
    assertTrue(r.contains("zstd=true\nlz4=true"), r);
    assertEquals(5, r.split("=ok", -1).length - 1, "both builds and three decryptions: " + r);
  }
}
