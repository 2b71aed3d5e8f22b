package dev.sealpost.fuzz;

import dev.sealpost.codec.SealpostException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Writes valid envelopes of every suite and recipient type into the fuzz targets' input
 * directories, as seeds for fuzzing and as regression inputs. Off by default; run with
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
  }
}
