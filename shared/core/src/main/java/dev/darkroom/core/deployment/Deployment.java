package dev.darkroom.core.deployment;

import java.time.Instant;

/**
 * A user's named deployment: its versions are numbered from 1, and runs use {@link #defaultVersion}
 * unless they name another.
 *
 * @param pinnedVersion the version its owner pinned for runs; 0 for none (runs use the latest)
 * @param archived deleted by its owner: not listed, not shown, not run; creating the name again
 *     continues its version numbers and makes it live again
 */
public record Deployment(String userId, String name, int latestVersion, int pinnedVersion, boolean archived,
    Instant createdAt, Instant updatedAt) {

  /** The version a run uses when it names none. */
  public int defaultVersion() {
    return pinnedVersion > 0 ? pinnedVersion : latestVersion;
  }
}
