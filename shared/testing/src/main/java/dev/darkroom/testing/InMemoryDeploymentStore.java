package dev.darkroom.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.deployment.Deployment;
import dev.darkroom.core.deployment.DeploymentInput;
import dev.darkroom.core.deployment.DeploymentVersion;
import dev.darkroom.core.port.DeploymentStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A {@link DeploymentStore} in memory; one lock stands for Firestore's transactions. */
public final class InMemoryDeploymentStore implements DeploymentStore {
  private final Map<String, Deployment> deployments = new HashMap<>();
  private final Map<String, List<DeploymentVersion>> versions = new HashMap<>();

  private static String key(String userId, String name) {
    return userId + "\u0000" + name;
  }

  @Override
  public synchronized Added addVersion(String userId, String name, ObjectNode workflow, List<DeploymentInput> inputs,
      Long maxRunSeconds, Instant now, int maxDeployments, int maxVersions) {
    Deployment existing = deployments.get(key(userId, name));
    if ((existing == null || existing.archived()) && list(userId).size() >= maxDeployments) {
      return new Added.TooManyDeployments(maxDeployments);
    }
    if (existing != null && existing.latestVersion() >= maxVersions) {
      return new Added.TooManyVersions(maxVersions);
    }
    int next = existing == null ? 1 : existing.latestVersion() + 1;
    Deployment stored = existing == null ? new Deployment(userId, name, 1, 0, false, now, now)
        : new Deployment(userId, name, next, existing.pinnedVersion(), false, existing.createdAt(), now);
    DeploymentVersion version = new DeploymentVersion(next, workflow.deepCopy(), inputs, now, maxRunSeconds);
    deployments.put(key(userId, name), stored);
    versions.computeIfAbsent(key(userId, name), k -> new ArrayList<>()).add(version);
    return new Added.Stored(stored, copy(version));
  }

  @Override
  public synchronized Optional<Deployment> find(String userId, String name) {
    return Optional.ofNullable(deployments.get(key(userId, name)));
  }

  @Override
  public synchronized List<Deployment> list(String userId) {
    return deployments.values().stream().filter(d -> d.userId().equals(userId) && !d.archived())
        .sorted(Comparator.comparing(Deployment::name)).toList();
  }

  @Override
  public synchronized Optional<DeploymentVersion> version(String userId, String name, int version) {
    return versions.getOrDefault(key(userId, name), List.of()).stream()
        .filter(v -> v.version() == version).findFirst().map(InMemoryDeploymentStore::copy);
  }

  @Override
  public synchronized Optional<Deployment> pin(String userId, String name, int version, Instant now) {
    Deployment existing = deployments.get(key(userId, name));
    if (existing == null || version < 1 || version > existing.latestVersion()) {
      return Optional.empty();
    }
    Deployment pinned = new Deployment(userId, name, existing.latestVersion(), version, existing.archived(),
        existing.createdAt(), now);
    deployments.put(key(userId, name), pinned);
    return Optional.of(pinned);
  }

  @Override
  public synchronized Optional<Deployment> archive(String userId, String name, Instant now) {
    Deployment existing = deployments.get(key(userId, name));
    if (existing == null) {
      return Optional.empty();
    }
    Deployment archived = new Deployment(userId, name, existing.latestVersion(), existing.pinnedVersion(), true,
        existing.createdAt(), existing.archived() ? existing.updatedAt() : now);
    deployments.put(key(userId, name), archived);
    return Optional.of(archived);
  }

  /** A stored workflow is not shared with whoever reads it: versions are immutable. */
  private static DeploymentVersion copy(DeploymentVersion version) {
    return new DeploymentVersion(version.version(), version.workflow().deepCopy(), version.inputs(), version.createdAt(),
        version.maxRunSeconds());
  }
}
