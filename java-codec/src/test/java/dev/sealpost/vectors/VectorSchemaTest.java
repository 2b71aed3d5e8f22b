package dev.sealpost.vectors;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Both vector files conform to their JSON Schemas, and the schemas do reject broken files. */
class VectorSchemaTest {
  private static final String BASE = "https://sealpost.dev/schema/v1/";

  private static JsonSchema schema(String name) {
    String dir = VectorFiles.dir().resolve("schema").toUri().toString();
    JsonSchemaFactory factory = JsonSchemaFactory.getInstance(
        SpecVersion.VersionFlag.V202012, b -> b.schemaMappers(m -> m.mapPrefix(BASE, dir)));
    return factory.getSchema(SchemaLocation.of(BASE + name));
  }

  @Test
  void encryptVectorsMatchTheirSchema() throws Exception {
    Set<ValidationMessage> errors =
        schema("sealpost_v1_encrypt.schema.json").validate(VectorFiles.read(VectorGenerator.ENCRYPT_FILE));
    assertTrue(errors.isEmpty(), errors.toString());
  }

  @Test
  void decryptVectorsMatchTheirSchema() throws Exception {
    Set<ValidationMessage> errors =
        schema("sealpost_v1_decrypt.schema.json").validate(VectorFiles.read(VectorGenerator.DECRYPT_FILE));
    assertTrue(errors.isEmpty(), errors.toString());
  }

  @Test
  void schemaRejectsAnUnknownCategoryAndAnExtraField() throws Exception {
    JsonNode root = VectorFiles.read(VectorGenerator.DECRYPT_FILE);
    ObjectNode badCategory = root.deepCopy();
    ObjectNode invalid = firstInvalid(badCategory);
    invalid.put("error", "decryption-error");
    assertFalse(schema("sealpost_v1_decrypt.schema.json").validate(badCategory).isEmpty());

    ObjectNode extra = root.deepCopy();
    firstInvalid(extra).put("hint", "x");
    assertFalse(schema("sealpost_v1_decrypt.schema.json").validate(extra).isEmpty());

    ObjectNode both = root.deepCopy();
    firstInvalid(both).put("plaintext", "00");
    assertFalse(schema("sealpost_v1_decrypt.schema.json").validate(both).isEmpty());
  }

  @Test
  void schemaRejectsADeterministicVectorWithADek() throws Exception {
    ObjectNode root = VectorFiles.read(VectorGenerator.ENCRYPT_FILE).deepCopy();
    for (JsonNode t : root.get("testGroups").get(0).get("tests")) {
      if (t.get("suite").asText().equals("AES_256_SIV")) {
        ((ObjectNode) t).put("dek", "00".repeat(32));
        break;
      }
    }
    assertFalse(schema("sealpost_v1_encrypt.schema.json").validate(root).isEmpty());
  }

  @Test
  void schemaRejectsASignedVectorWithoutSignerAndASignerWithoutTrust() throws Exception {
    ObjectNode enc = VectorFiles.read(VectorGenerator.ENCRYPT_FILE).deepCopy();
    ObjectNode signed = first(enc, t -> t.has("signer"));
    signed.remove("signer");
    assertFalse(schema("sealpost_v1_encrypt.schema.json").validate(enc).isEmpty());

    ObjectNode dec = VectorFiles.read(VectorGenerator.DECRYPT_FILE).deepCopy();
    ObjectNode trusted = first(dec, t -> t.has("verifiedSigner"));
    trusted.remove("trustedWriters"); // [SIG-8]: no signer without a required trusted writer
    assertFalse(schema("sealpost_v1_decrypt.schema.json").validate(dec).isEmpty());
  }

  @Test
  void schemaRejectsAPatternWithAnEnvelope() throws Exception {
    ObjectNode enc = VectorFiles.read(VectorGenerator.ENCRYPT_FILE).deepCopy();
    first(enc, t -> t.has("plaintextPattern")).put("envelope", "00");
    assertFalse(schema("sealpost_v1_encrypt.schema.json").validate(enc).isEmpty());
  }

  private static ObjectNode first(ObjectNode root, java.util.function.Predicate<JsonNode> p) {
    for (JsonNode g : root.get("testGroups")) {
      for (JsonNode t : g.get("tests")) {
        if (p.test(t)) {
          return (ObjectNode) t;
        }
      }
    }
    throw new IllegalStateException("no such vector");
  }

  private static ObjectNode firstInvalid(ObjectNode root) {
    for (JsonNode g : root.get("testGroups")) {
      for (JsonNode t : g.get("tests")) {
        if (t.get("result").asText().equals("invalid")) {
          return (ObjectNode) t;
        }
      }
    }
    throw new IllegalStateException("no invalid vector");
  }
}
