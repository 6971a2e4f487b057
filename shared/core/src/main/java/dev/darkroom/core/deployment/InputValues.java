package dev.darkroom.core.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.Optional;
import java.util.function.Predicate;

/** Whether a value fits an input's type, bounds and choices. */
public final class InputValues {
  private InputValues() {}

  /**
   * @param uploaded whether an image value names one of the caller's input files (by then, a URL
   *     or data given for it has been staged as one: {@code RunDeployment})
   * @return why the value does not fit, or empty if it does
   */
  public static Optional<String> check(DeploymentInput input, JsonNode value, Predicate<String> uploaded) {
    return switch (input.type()) {
      case STRING -> value.isTextual() ? Optional.empty() : Optional.of("must be a string");
      case BOOLEAN -> value.isBoolean() ? Optional.empty() : Optional.of("must be a boolean");
      case INTEGER, SEED -> isInteger(value) ? bounded(input, value) : Optional.of("must be an integer");
      case NUMBER -> value.isNumber() ? bounded(input, value) : Optional.of("must be a number");
      case CHOICE -> value.isTextual() && input.choices().contains(value.textValue()) ? Optional.empty()
          : Optional.of("must be one of " + String.join(", ", input.choices().stream()
              .limit(20).map(c -> "\"" + c + "\"").toList()) + (input.choices().size() > 20 ? ", …" : ""));
      case IMAGE -> !value.isTextual()
          ? Optional.of("must be a string: the name of one of your uploads, an http(s) URL or base64 image data")
          : uploaded.test(value.textValue()) ? Optional.empty()
          : Optional.of("you have no upload named \"" + value.textValue() + "\"");
    };
  }

  /** An integral JSON number ({@code 3}, or {@code 3.0}) that fits a long. */
  static boolean isInteger(JsonNode value) {
    if (value.isIntegralNumber()) {
      return value.canConvertToLong();
    }
    if (!value.isNumber()) {
      return false;
    }
    BigDecimal decimal = value.decimalValue();
    return decimal.stripTrailingZeros().scale() <= 0 && value.canConvertToLong();
  }

  private static Optional<String> bounded(DeploymentInput input, JsonNode value) {
    double v = value.doubleValue();
    if (input.minimum() != null && v < input.minimum()) {
      return Optional.of("must be at least " + shown(input.minimum()));
    }
    if (input.maximum() != null && v > input.maximum()) {
      return Optional.of("must be at most " + shown(input.maximum()));
    }
    return Optional.empty();
  }

  static String shown(double bound) {
    return bound == Math.rint(bound) && Math.abs(bound) < 1e15 ? Long.toString((long) bound) : Double.toString(bound);
  }
}
