package dev.darkroom.core.comfy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A node class as the catalog declares it.
 *
 * @param inputs required then optional inputs, in {@code input_order}
 * @param returnTypes {@code RETURN_TYPES}: each a type name, or an array for a COMBO output
 * @param customValidatedInputs inputs whose checks a {@code VALIDATE_INPUTS} replaces (Darkroom's
 *     {@code x_darkroom.validate_inputs} marker, since {@code /object_info} cannot say it)
 * @param fileInputs those of them whose {@code VALIDATE_INPUTS} checks that a file of the input
 *     folder exists ({@code x_darkroom.file_inputs}): the only custom check Darkroom repeats
 * @param anyInputs inputs typed {@code IO.ANY}, which take a link of any type ({@code
 *     x_darkroom.any_inputs}: {@code /object_info} shows them as a plain {@code "*"})
 * @param info the {@code /object_info} entry, without Darkroom's markers
 */
public record NodeDefinition(
    String classType,
    Map<String, InputSpec> inputs,
    List<JsonNode> returnTypes,
    boolean outputNode,
    Set<String> customValidatedInputs,
    Set<String> fileInputs,
    Set<String> anyInputs,
    ObjectNode info) {

  public Optional<InputSpec> input(String name) {
    return Optional.ofNullable(inputs.get(name));
  }

  public String displayName() {
    JsonNode name = info.get("display_name");
    return name != null && name.isTextual() ? name.textValue() : classType;
  }
}
