package dev.sealpost.conformance.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.sealpost.conformance.proto.ConformanceRequest;
import dev.sealpost.conformance.proto.DecryptRequest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The frame format and the JSON mapping that the README documents for testee authors. */
class FramingTest {
  @Test
  void framesRoundTrip() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Framing.write(out, "{}".getBytes(StandardCharsets.UTF_8));
    Framing.write(out, new byte[0]);
    byte[] b = out.toByteArray();
    assertArrayEquals(new byte[] {0, 0, 0, 2, '{', '}', 0, 0, 0, 0}, b);
    ByteArrayInputStream in = new ByteArrayInputStream(b);
    assertArrayEquals("{}".getBytes(StandardCharsets.UTF_8), Framing.read(in));
    assertArrayEquals(new byte[0], Framing.read(in));
    assertNull(Framing.read(in));
  }

  @Test
  void truncatedFramesAreErrors() {
    assertThrows(EOFException.class, () -> Framing.read(new ByteArrayInputStream(new byte[] {0, 0})));
    assertThrows(EOFException.class, () -> Framing.read(new ByteArrayInputStream(new byte[] {0, 0, 0, 5, 1})));
    assertThrows(IOException.class, () -> Framing.read(new ByteArrayInputStream(new byte[] {(byte) 0xFF, 0, 0, 0})));
  }

  /** The JSON a testee sees: lowerCamelCase names, base64 bytes, absent defaults. */
  @Test
  void jsonMapping() throws IOException {
    ConformanceRequest r = ConformanceRequest.newBuilder().setTestName("t")
        .setDecrypt(DecryptRequest.newBuilder().setEnvelope(ByteString.copyFrom(new byte[] {(byte) 0xF7, 0x53, 0x50}))
            .putExternalContext("topic", "a").setMaxPlaintextLength(0))
        .build();
    String json = new String(ProtoJson.encode(r), StandardCharsets.UTF_8);
    assertEquals("{\"testName\":\"t\",\"decrypt\":{\"envelope\":\"91NQ\",\"externalContext\":{\"topic\":\"a\"},"
        + "\"maxPlaintextLength\":0}}", json);
    assertEquals(r, ProtoJson.request(("{\"unknownField\":1," + json.substring(1)).getBytes(StandardCharsets.UTF_8)));
    assertTrue(ProtoJson.request("{}".getBytes(StandardCharsets.UTF_8)).getTestName().isEmpty());
  }

  /**
   * Issue 12: a binding record's null key, value and header value are absent fields, an empty
   * one is present and empty; configurations are the vector files' JSON, lists of recipient specs
   * included.
   */
  @Test
  void bindingJsonMapping() throws IOException {
    dev.sealpost.conformance.proto.ConformanceResponse r = ProtoJson.response(
        "{\"kafkaRecord\":{\"topic\":\"t\",\"key\":\"\",\"headers\":[{\"name\":\"a\"},{\"name\":\"b\",\"value\":\"\"}]}}"
            .getBytes(StandardCharsets.UTF_8));
    dev.sealpost.conformance.proto.KafkaRecord k = r.getKafkaRecord();
    assertTrue(k.hasKey() && k.getKey().isEmpty(), "empty key");
    assertTrue(!k.hasValue(), "null value");
    assertTrue(!k.getHeaders(0).hasValue() && k.getHeaders(1).hasValue(), "null and empty header values");
    assertEquals("{\"kafkaRecord\":{\"topic\":\"t\",\"key\":\"\",\"headers\":[{\"name\":\"a\"},{\"name\":\"b\",\"value\":\"\"}]}}",
        new String(ProtoJson.encode(r), StandardCharsets.UTF_8));

    String config = "{\"natsSeal\":{\"config\":{\"subjects\":{\"orders.*\":[\"kek:orders\"]},\"valueSuite\":\"AES_256_GCM\"}}}";
    ConformanceRequest q = ProtoJson.request(config.getBytes(StandardCharsets.UTF_8));
    assertEquals("kek:orders", q.getNatsSeal().getConfig().getSubjectsMap().get("orders.*").getValues(0).getStringValue());
    assertEquals(config, new String(ProtoJson.encode(q), StandardCharsets.UTF_8));
  }
}
