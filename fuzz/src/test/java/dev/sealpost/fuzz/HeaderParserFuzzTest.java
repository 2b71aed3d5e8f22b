package dev.sealpost.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sealpost.codec.SealpostException;
import dev.sealpost.codec.format.EnvelopeHeader;
import dev.sealpost.codec.format.HeaderWriter;
import dev.sealpost.codec.format.RecipientEntry;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Fuzz target: {@link EnvelopeHeader#parse} on arbitrary bytes, differentially against
 * {@link SpecModel} (steps 1 to 8 of SPEC.md section 11). Either both fail with the same
 * category, or both read the same header, and writing the parsed header back gives the same
 * bytes [HDR-1]. Only {@link SealpostException} may escape the codec.
 */
class HeaderParserFuzzTest {
  @FuzzTest(maxDuration = "2m")
  void parseHeader(byte[] input) {
    SpecModel.Read model = SpecModel.readHeader(input, false, SpecModel.MAX_PLAINTEXT);
    EnvelopeHeader header;
    try {
      header = EnvelopeHeader.parse(input);
    } catch (SealpostException e) {
      Checks.envelopeFailure(e);
      if (model.failure != e.category()) {
        throw new AssertionError("codec says " + e.getMessage() + ", model says " + model, e);
      }
      sameThroughOtherEntryPoints(input, e);
      return;
    }
    if (model.failure != null) {
      throw new AssertionError("codec accepted a header the model rejects: " + model);
    }
    SpecModel.Header m = model.header;
    assertEquals(m.suiteId, header.suite().id());
    assertEquals(m.headerLength, header.headerLength());
    assertEquals(m.bodyLength, header.bodyLength());
    assertArrayEquals(m.commitment, header.commitment());
    assertArrayEquals(m.nonce, header.nonce());
    assertEquals(m.signMode, header.signer().map(x -> x.mode().wireValue()).orElse(0));
    if (m.signMode != 0) {
      assertArrayEquals(m.signerId, header.signer().get().signerId().getBytes(StandardCharsets.UTF_8));
      assertEquals(m.signerVersion, header.signer().get().version());
      assertArrayEquals(m.headerSignature, header.headerSignature().orElse(null));
    }
    assertEquals(m.recipients.size(), header.recipients().size());
    for (int i = 0; i < m.recipients.size(); i++) {
      SpecModel.Entry me = m.recipients.get(i);
      RecipientEntry ce = header.recipients().get(i);
      assertEquals(me.type, ce.typeId());
      assertArrayEquals(me.keyId, ce.keyId().getBytes(StandardCharsets.UTF_8));
      assertEquals(me.version, ce.keyVersion());
      assertArrayEquals(me.wrapped, ce.wrappedDek());
    }
    Map<String, String> stored = header.storedContext().asMap();
    assertEquals(m.context.size(), stored.size());
    int i = 0;
    for (Map.Entry<String, String> e : stored.entrySet()) {
      assertArrayEquals(m.context.get(i)[0], e.getKey().getBytes(StandardCharsets.UTF_8));
      assertArrayEquals(m.context.get(i)[1], e.getValue().getBytes(StandardCharsets.UTF_8));
      i++;
    }
    // [HDR-1]: the writer reproduces the header byte for byte.
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      if (header.signer().isPresent()) {
        out.writeBytes(HeaderWriter.signedPrefix(
            header.suite(), header.recipients(), header.commitment(), header.storedContext(), header.signer().get()));
        header.headerSignature().ifPresent(out::writeBytes);
      } else {
        out.writeBytes(HeaderWriter.prefix(header.suite(), header.recipients(), header.commitment(), header.storedContext()));
      }
      out.writeBytes(header.nonce());
      assertArrayEquals(Arrays.copyOf(input, header.headerLength()), out.toByteArray());
    } catch (SealpostException e) {
      throw new AssertionError("the writer refuses a header the reader accepted", e);
    }
    sameThroughOtherEntryPoints(input, null);
  }

  /** The offset and ByteBuffer entry points agree with the array one. */
  private static void sameThroughOtherEntryPoints(byte[] input, SealpostException expected) {
    byte[] padded = new byte[input.length + 7];
    System.arraycopy(input, 0, padded, 3, input.length);
    for (Object how : List.of("offset", "heap buffer", "direct buffer")) {
      try {
        EnvelopeHeader h;
        if (how.equals("offset")) {
          h = EnvelopeHeader.parse(padded, 3, input.length);
        } else if (how.equals("heap buffer")) {
          h = EnvelopeHeader.parse(ByteBuffer.wrap(padded, 3, input.length));
        } else {
          ByteBuffer d = ByteBuffer.allocateDirect(input.length);
          d.put(input).flip();
          h = EnvelopeHeader.parse(d);
        }
        if (expected != null) {
          throw new AssertionError(how + " accepted what the array entry point rejected: " + expected.getMessage());
        }
        assertEquals(input.length - h.headerLength(), h.bodyLength(), String.valueOf(how));
      } catch (SealpostException e) {
        if (expected == null || e.category() != expected.category()) {
          throw new AssertionError(how + " disagrees with the array entry point", e);
        }
      }
    }
  }
}
