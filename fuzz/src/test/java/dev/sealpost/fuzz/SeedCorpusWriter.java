package dev.sealpost.fuzz;

import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.keys.KeyringFile;
import dev.sealpost.codec.keys.PemKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Writes valid envelopes of every suite and recipient type, and valid keyring and PEM files,
 * into the fuzz targets' input directories, as seeds for fuzzing and as regression inputs. Off by default; run with
 * {@code -Dsealpost.writeSeeds=true -Dtest=SeedCorpusWriter}. The keys are fixed
 * ({@link FuzzKeys}), so the seeds stay valid.
 */
class SeedCorpusWriter {
  @Test
  @EnabledIfSystemProperty(named = "sealpost.writeSeeds", matches = "true")
  void writeSeeds() throws IOException, SealpostException {
    Path resources = Path.of("src/test/resources/dev/sealpost/fuzz");
    List<Path> dirs = List.of(
        resources.resolve("HeaderParserFuzzTestInputs/parseHeader"),
        resources.resolve("DecryptFuzzTestInputs/decryptArbitraryBytes"));
    for (Path dir : dirs) {
      Files.createDirectories(dir);
      for (Envelopes.Case c : Envelopes.all()) {
        Files.write(dir.resolve("seed-" + c.name), c.envelope);
      }
    }
    FuzzKeys k = FuzzKeys.INSTANCE;
    Path keyring = resources.resolve("KeyMaterialFuzzTestInputs/keyringFile");
    Files.createDirectories(keyring);
    Files.writeString(keyring.resolve("seed-plain"), KeyringFile.format(k.keyring));
    Files.writeString(keyring.resolve("seed-comments-crlf-primary"),
        "sealpost-keyring v1\r\n# ops keys\r\n\r\nkey orders 7 "
            + java.util.Base64.getEncoder().encodeToString(FuzzKeys.pattern(9, 32)) + " primary\r\n"
            + "key orders\t8  " + java.util.Base64.getEncoder().encodeToString(FuzzKeys.pattern(10, 32)) + "\n");
    Files.writeString(keyring.resolve("seed-encrypted"),
        KeyringFile.formatEncrypted(k.keyring, "pw".toCharArray(), new java.security.SecureRandom(), 100_000));
    Path priv = resources.resolve("KeyMaterialFuzzTestInputs/privateKeyPem");
    Files.createDirectories(priv);
    Files.writeString(priv.resolve("seed-private"), PemKeys.toPem(k.consumer));
    Path pub = resources.resolve("KeyMaterialFuzzTestInputs/publicKeyPem");
    Files.createDirectories(pub);
    Files.writeString(pub.resolve("seed-public"), PemKeys.toPem(k.consumer.publicKey()));
  }
}
