package dev.sealpost.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** The committed NATS binding vectors are exactly what the deterministic generator writes today. */
class NatsVectorDriftTest {
  @Test
  void regeneratingChangesNoByte() throws Exception {
    String fresh = NatsVectorGenerator.generate();
    if (Boolean.getBoolean("sealpost.nats.regenerate")) {
      Files.writeString(VectorFiles.natsFile(), fresh, StandardCharsets.UTF_8); // then checked like any run
    }
    assertTrue(Files.exists(VectorFiles.natsFile()), VectorFiles.natsFile() + " is missing");
    String onDisk = Files.readString(VectorFiles.natsFile(), StandardCharsets.UTF_8);
    assertTrue(onDisk.equals(fresh), NatsVectorGenerator.FILE + " differs from what the generator writes now; if the"
        + " change is intended, regenerate with " + NatsVectorGenerator.REGENERATE + " and commit the result");
  }

  @Test
  void generationIsDeterministic() throws Exception {
    assertEquals(NatsVectorGenerator.generate(), NatsVectorGenerator.generate());
  }
}
