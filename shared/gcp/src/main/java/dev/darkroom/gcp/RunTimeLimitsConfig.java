package dev.darkroom.gcp;

import dev.darkroom.core.limits.RunTimeLimits;

/**
 * The most seconds one job of each tier may run: {@code MAX_RUN_SECONDS}, {@code tier=seconds,...}
 * ({@value RunTimeLimits#DEFAULT_PER_TIER} when unset); a tier not listed gets the GPU task's hour.
 * Read wherever jobs are accepted (the api, the runs function), so a job's limit is the same
 * whichever way it came in.
 */
public final class RunTimeLimitsConfig {
  static final String NAME = "MAX_RUN_SECONDS";

  private RunTimeLimitsConfig() {}

  public static RunTimeLimits from(Env env) {
    try {
      return RunTimeLimits.of(env.orDefault(NAME, RunTimeLimits.DEFAULT_PER_TIER));
    } catch (IllegalArgumentException e) {
      throw new Env.MissingConfigException(NAME + " is malformed (tier=seconds,...): " + e.getMessage());
    }
  }
}
