package dev.darkroom.core.comfy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One declared input of a node, as {@code /object_info} spells it: {@code [TYPE, {options}]}.
 *
 * @param type a type name ({@code "INT"}, {@code "IMAGE"}…) or, for a COMBO, the array of choices
 * @param options {@code default}, {@code min}, {@code max}, {@code step}… ({@code {}} when absent)
 * @param required true for {@code required}, false for {@code optional}
 */
public record InputSpec(String name, JsonNode type, ObjectNode options, boolean required) {

  public boolean isCombo() {
    return type.isArray();
  }

  /** The type as a string; a COMBO's choices are rendered as Python prints a list. */
  public String typeName() {
    return type.isTextual() ? type.textValue() : PyValues.repr(type);
  }

  /** ComfyUI's {@code input_config}: {@code [input_type, extra_info]}. */
  public ArrayNode inputConfig() {
    ArrayNode config = JsonNodeFactory.instance.arrayNode();
    config.add(type.deepCopy());
    config.add(options.deepCopy());
    return config;
  }
}
