package dev.darkroom.core.comfy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * Stands in for a node's {@code VALIDATE_INPUTS} on the inputs the catalog marks
 * ({@code x_darkroom.validate_inputs}), e.g. LoadImage's check that its image file exists.
 */
@FunctionalInterface
public interface CustomInputCheck {

  /**
   * The string {@code VALIDATE_INPUTS} would return when the value is refused (ComfyUI reports it as
   * {@code "<input> - <string>"}), or empty when it would return True.
   */
  Optional<String> check(String classType, String inputName, JsonNode value);

  /** Accepts everything: for catalogs with no custom-validated inputs or tests that ignore them. */
  static CustomInputCheck acceptAll() {
    return (classType, inputName, value) -> Optional.empty();
  }

  /**
   * LoadImage-style: the value must name an existing input file, as {@code fileExists} decides
   * (it receives the annotated name, e.g. {@code "sub/a.png [output]"}).
   */
  static CustomInputCheck fileExists(java.util.function.Predicate<String> fileExists) {
    return (classType, inputName, value) -> {
      String name = PyValues.str(value);
      return fileExists.test(name) ? Optional.empty() : Optional.of("Invalid image file: " + name);
    };
  }
}
