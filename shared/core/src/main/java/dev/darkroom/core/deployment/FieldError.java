package dev.darkroom.core.deployment;

/** A request field that is wrong, and why: {@code inputs[2].node: no node "17" in the workflow}. */
public record FieldError(String field, String message) {
  @Override
  public String toString() {
    return field + ": " + message;
  }
}
