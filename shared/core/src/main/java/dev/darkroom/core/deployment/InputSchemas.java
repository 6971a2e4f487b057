package dev.darkroom.core.deployment;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The JSON Schema (2020-12, as OpenAPI 3.1 uses) of a version's run {@code inputs}. */
public final class InputSchemas {
  private InputSchemas() {}

  /** What an image input accepts, said in its schema. */
  static final String IMAGE_FORMS = "an image: the name of one of your uploads (POST /api/upload/image), an https URL "
      + "to fetch it from, or its bytes as base64 (or a data: URL); PNG, JPEG, WebP or GIF";

  public static ObjectNode of(DeploymentVersion version) {
    ObjectNode schema = JsonNodeFactory.instance.objectNode();
    schema.put("type", "object");
    schema.put("additionalProperties", false);
    ObjectNode properties = schema.putObject("properties");
    var required = JsonNodeFactory.instance.arrayNode();
    for (DeploymentInput input : version.inputs()) {
      properties.set(input.name(), of(input));
      if (input.required()) {
        required.add(input.name());
      }
    }
    if (!required.isEmpty()) {
      schema.set("required", required);
    }
    return schema;
  }

  static ObjectNode of(DeploymentInput input) {
    ObjectNode schema = JsonNodeFactory.instance.objectNode();
    switch (input.type()) {
      case STRING -> schema.put("type", "string");
      case BOOLEAN -> schema.put("type", "boolean");
      case INTEGER, SEED -> schema.put("type", "integer");
      case NUMBER -> schema.put("type", "number");
      case CHOICE -> {
        schema.put("type", "string");
        var choices = schema.putArray("enum");
        input.choices().forEach(choices::add);
      }
      case IMAGE -> schema.put("type", "string");
    }
    if (input.minimum() != null) {
      schema.put("minimum", input.minimum());
    }
    if (input.maximum() != null) {
      schema.put("maximum", input.maximum());
    }
    if (input.defaultValue() != null) {
      schema.set("default", input.defaultValue());
    }
    String description = input.description() != null ? input.description() : "";
    if (input.type() == InputType.IMAGE) {
      description = (description.isEmpty() ? "" : description + " ") + "(" + IMAGE_FORMS + ")";
    }
    if (input.type() == InputType.SEED) {
      description = (description.isEmpty() ? "" : description + " ") + "(a seed: random when omitted; the value used is recorded on the job)";
    }
    if (!description.isEmpty()) {
      schema.put("description", description);
    }
    schema.put("x-darkroom-type", input.type().wireName());
    return schema;
  }
}
