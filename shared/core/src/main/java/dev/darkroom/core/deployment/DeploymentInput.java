package dev.darkroom.core.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One typed input of a deployment version: which node input of the workflow it fills.
 *
 * @param defaultValue used when a run omits the input; null to keep the workflow's own value
 *     (a seed without a default is random instead)
 * @param minimum inclusive bound for integer, number and seed; null for none
 * @param choices for a choice: the values a run may pass, checked against the node's own list
 *     when created (never null for a stored choice input; empty otherwise)
 * @param required a run must pass it
 */
public record DeploymentInput(String name, String node, String input, InputType type, String description,
    JsonNode defaultValue, Double minimum, Double maximum, List<String> choices, boolean required) {

  public DeploymentInput {
    choices = choices == null ? List.of() : List.copyOf(choices);
  }
}
