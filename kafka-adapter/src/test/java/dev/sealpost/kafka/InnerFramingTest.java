package dev.sealpost.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;

class InnerFramingTest {
  @Test
  void emptyFrameIsThreeBytesThenPayload() throws Exception {
    byte[] f = InnerFraming.encode(List.of(), new byte[] {9, 8});
    assertArrayEquals(new byte[] {1, 0, 0, 9, 8}, f);
    assertArrayEquals(new byte[] {9, 8}, InnerFraming.decode(f).payload());
  }

  @Test
  void exactLayout() {
    byte[] f = InnerFraming.encode(List.of(new RecordHeader("ab", new byte[] {7}), new RecordHeader("n", null)),
        "P".getBytes(UTF_8));
    assertArrayEquals(new byte[] {
        1, 0, 2,
        0, 2, 'a', 'b', 0, 0, 0, 1, 7,
        0, 1, 'n', (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
        'P'}, f);
  }

  @Test
  void roundTripKeepsOrderAndNulls() throws Exception {
    List<Header> in = List.of(new RecordHeader("é", "v".getBytes(UTF_8)), new RecordHeader("x", null),
        new RecordHeader("é", new byte[0]));
    InnerFraming.Framed out = InnerFraming.decode(InnerFraming.encode(in, new byte[0]));
    assertEquals(3, out.headers().size());
    assertEquals("é", out.headers().get(0).key());
    assertNull(out.headers().get(1).value());
    assertEquals(0, out.headers().get(2).value().length);
    assertEquals(0, out.payload().length);
  }

  @Test
  void malformedFramesFail() {
    assertThrows(InnerFraming.FramingException.class, () -> InnerFraming.decode(new byte[] {1, 0}));
    assertThrows(InnerFraming.FramingException.class, () -> InnerFraming.decode(new byte[] {2, 0, 0}));
    assertThrows(InnerFraming.FramingException.class, () -> InnerFraming.decode(new byte[] {1, 0, 1, 0}));
    assertThrows(InnerFraming.FramingException.class, () -> InnerFraming.decode(new byte[] {1, 0, 1, 0, 5, 'a'}));
    assertThrows(InnerFraming.FramingException.class,
        () -> InnerFraming.decode(new byte[] {1, 0, 1, 0, 1, 'a', 0, 0, 0, 9, 1}));
    assertThrows(InnerFraming.FramingException.class,
        () -> InnerFraming.decode(new byte[] {1, 0, 1, 0, 1, (byte) 0xC0, 0, 0, 0, 0}));
  }
}
