package dev.darkroom.core.deployment;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/**
 * One immutable version of a deployment: the workflow (ComfyUI's API format) and its inputs.
 *
 * @param maxRunSeconds the most seconds a run of this version may take ({@code max_run_seconds} of
 *     its definition), below its runner's tier maximum; null for no maximum of its own
 */
public record DeploymentVersion(int version, ObjectNode workflow, List<DeploymentInput> inputs, Instant createdAt,
    Long maxRunSeconds) {
  public DeploymentVersion {
    inputs = List.copyOf(inputs);
  }

  /** A version without a maximum run time of its own. */
  public DeploymentVersion(int version, ObjectNode workflow, List<DeploymentInput> inputs, Instant createdAt) {
    this(version, workflow, inputs, createdAt, null);
  }
}
