package dev.fmnist.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Set;

/**
 * The component schemas of the Open Inference Protocol's OpenAPI file, as JSON Schemas a response body is
 * validated against.
 */
final class OpenApiSchemas {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNode COMPONENTS = load();

    private OpenApiSchemas() {}

    private static JsonNode load() {
        try (InputStream in = OpenApiSchemas.class.getResourceAsStream(
                "/open-inference-protocol/open_inference_rest.yaml")) {
            JsonNode spec = new ObjectMapper(new YAMLFactory()).readTree(in);
            // OpenAPI 3.0 schemas are JSON Schema (draft 4 style); re-home them under "definitions".
            String text = JSON.writeValueAsString(spec.path("components").path("schemas"))
                    .replace("#/components/schemas/", "#/definitions/");
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The problems of {@code body} against component schema {@code name}; empty when it conforms. */
    static Set<ValidationMessage> validate(String name, String body) {
        if (!COMPONENTS.has(name)) {
            throw new IllegalArgumentException("the OpenAPI file has no schema " + name);
        }
        ObjectNode root = JSON.createObjectNode();
        root.set("definitions", COMPONENTS);
        root.put("$ref", "#/definitions/" + name);
        JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(root);
        try {
            return schema.validate(JSON.readTree(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
