package dev.sealpost.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sealpost.codec.SignMode;
import dev.sealpost.codec.SignerRef;
import dev.sealpost.codec.format.EnvelopeHeader;
import dev.sealpost.codec.format.RecipientEntry;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The JSON-lines record form shared by {@code kafka consume --format json} (written) and {@code
 * kafka produce --format json} (read): bytes as a string {@code "value"} when they are UTF-8, else
 * as {@code "valueBase64"}; headers as a list of {@code {"name", "value"|"valueBase64"}} in record
 * order, since names may repeat.
 */
final class KafkaJson {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private KafkaJson() {}

  /** UTF-8 text, or null when the bytes are not valid UTF-8. */
  static String utf8(byte[] b) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  static void putBytes(ObjectNode o, String field, byte[] b) {
    if (b == null) {
      o.putNull(field);
      return;
    }
    String s = utf8(b);
    if (s != null) {
      o.put(field, s);
    } else {
      o.put(field + "Base64", Base64.getEncoder().encodeToString(b));
    }
  }

  static ArrayNode headers(Headers headers) {
    ArrayNode a = MAPPER.createArrayNode();
    for (Header h : headers) {
      ObjectNode o = a.addObject().put("name", h.key());
      putBytes(o, "value", h.value());
    }
    return a;
  }

  /**
   * An envelope's suite, key references and signer field; never key bytes. {@code verified}:
   * the signer is the one the deserializer verified under a trusted key; otherwise the field is
   * shown as the header states it, {@code "verified": false}.
   */
  static ObjectNode envelope(EnvelopeHeader h, SignerRef verified) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("suite", h.suite().name());
    ArrayNode rs = o.putArray("recipients");
    for (RecipientEntry r : h.recipients()) {
      rs.addObject().put("type", r.type().map(Enum::name).orElse("type " + r.typeId()))
          .put("keyId", r.keyId()).put("keyVersion", r.keyVersionUnsigned());
    }
    h.signer().ifPresent(s -> o.putObject("signer").put("signerId", s.signerId()).put("version", s.versionUnsigned())
        .put("mode", s.mode() == SignMode.PER_DEK ? "per-dek" : "per-message").put("verified", s.equals(verified)));
    return o;
  }

  /**
   * Bytes of {@code field} in a produce input line: {@code field} (a string, UTF-8) or {@code
   * fieldBase64}; null when both are absent or null.
   */
  static byte[] bytes(JsonNode line, String field, String where) {
    JsonNode text = line.get(field);
    JsonNode b64 = line.get(field + "Base64");
    if (text != null && !text.isNull() && b64 != null && !b64.isNull()) {
      throw new CliException(where + ": give '" + field + "' or '" + field + "Base64', not both");
    }
    if (text != null && !text.isNull()) {
      if (!text.isTextual()) {
        throw new CliException(where + ": '" + field + "' must be a string or null (bytes: '" + field + "Base64')");
      }
      return text.asText().getBytes(StandardCharsets.UTF_8);
    }
    if (b64 != null && !b64.isNull()) {
      try {
        return Base64.getDecoder().decode(b64.asText());
      } catch (IllegalArgumentException e) {
        throw new CliException(where + ": '" + field + "Base64' is not base64");
      }
    }
    return null;
  }

  /** Headers of a produce input line: a list of {name, value|valueBase64}, or an object name -> string. */
  static Headers readHeaders(JsonNode line, String where) {
    RecordHeaders out = new RecordHeaders();
    JsonNode h = line.get("headers");
    if (h == null || h.isNull()) {
      return out;
    }
    if (h.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = h.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getValue().isNull() && !e.getValue().isTextual()) {
          throw new CliException(where + ": header '" + e.getKey() + "' must be a string or null");
        }
        out.add(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText().getBytes(StandardCharsets.UTF_8));
      }
      return out;
    }
    if (!h.isArray()) {
      throw new CliException(where + ": 'headers' must be a list of {\"name\", \"value\"} or an object");
    }
    for (JsonNode e : h) {
      JsonNode name = e.get("name");
      if (name == null || !name.isTextual()) {
        throw new CliException(where + ": every header needs a string 'name'");
      }
      out.add(name.asText(), bytes(e, "value", where + " header '" + name.asText() + "'"));
    }
    return out;
  }
}
