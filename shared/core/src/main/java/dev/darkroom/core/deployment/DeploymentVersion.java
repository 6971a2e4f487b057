package dev.darkroom.core.deployment;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/** One immutable version of a deployment: the workflow (ComfyUI's API format) and its inputs. */
public record DeploymentVersion(int version, ObjectNode workflow, List<DeploymentInput> inputs, Instant createdAt) {
  public DeploymentVersion {
    inputs = List.copyOf(inputs);
  }
}
