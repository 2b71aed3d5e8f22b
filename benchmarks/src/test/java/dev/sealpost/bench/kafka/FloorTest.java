package dev.sealpost.bench.kafka;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class FloorTest {
  @Test
  void floorSerdeIsThePlaintextSerde() {
    byte[] v = JsonValues.pool(100, 1, 1)[0];
    try (Floor.FloorSerializer s = new Floor.FloorSerializer(); Floor.FloorDeserializer d = new Floor.FloorDeserializer()) {
      for (int i = 0; i < 3; i++) { // a new nonce each time: GCM would refuse a repeated one
        assertSame(v, s.serialize("t", v));
        assertSame(v, d.deserialize("t", v));
      }
      assertNull(s.serialize("t", null));
      assertNull(d.deserialize("t", null));
    }
  }
}
