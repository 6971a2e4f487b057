package dev.darkroom.core.port;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.deployment.Deployment;
import dev.darkroom.core.deployment.DeploymentInput;
import dev.darkroom.core.deployment.DeploymentVersion;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Users' deployments and their immutable versions. Every method is scoped to one user: another
 * user's deployment of the same name is a different deployment.
 */
public interface DeploymentStore {

  /** What {@link #addVersion} did. */
  sealed interface Added {
    record Stored(Deployment deployment, DeploymentVersion version) implements Added {}

    /** The user already has {@code limit} live deployments and this name is not one of them. */
    record TooManyDeployments(int limit) implements Added {}

    /** The deployment already has {@code limit} versions. */
    record TooManyVersions(int limit) implements Added {}
  }

  /**
   * Stores the next version of {@code name} in one transaction: version 1 of a new deployment, or
   * {@code latest + 1} of an existing one (an archived one becomes live again, keeping its numbers).
   * Concurrent calls get distinct numbers.
   *
   * @param maxRunSeconds the version's maximum run time ({@link DeploymentVersion#maxRunSeconds}), or null
   * @param maxDeployments live deployments a user may have
   * @param maxVersions versions one deployment may have
   */
  Added addVersion(String userId, String name, ObjectNode workflow, List<DeploymentInput> inputs,
      Long maxRunSeconds, Instant now, int maxDeployments, int maxVersions);

  /** {@link #addVersion(String, String, ObjectNode, List, Long, Instant, int, int)}, no maximum run time of its own. */
  default Added addVersion(String userId, String name, ObjectNode workflow, List<DeploymentInput> inputs, Instant now,
      int maxDeployments, int maxVersions) {
    return addVersion(userId, name, workflow, inputs, null, now, maxDeployments, maxVersions);
  }

  /** The deployment, archived or not. */
  Optional<Deployment> find(String userId, String name);

  /** The user's live deployments, by name. */
  List<Deployment> list(String userId);

  Optional<DeploymentVersion> version(String userId, String name, int version);

  /** Pins {@code version} (which must exist) for runs; empty if there is no such deployment. */
  Optional<Deployment> pin(String userId, String name, int version, Instant now);

  /** Archives the deployment; empty if there is no such deployment. */
  Optional<Deployment> archive(String userId, String name, Instant now);
}
