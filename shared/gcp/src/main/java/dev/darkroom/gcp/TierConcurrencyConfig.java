package dev.darkroom.gcp;

import dev.darkroom.core.usecase.FairShare;

/**
 * How many jobs one user of each tier may have dispatched or running at once:
 * {@code TIER_CONCURRENCY}, e.g. {@code free=1,standard=4,pro=16}; a tier not listed (and every
 * tier when it is unset) is limited only by the GPU pool.
 */
public record TierConcurrencyConfig(FairShare.Limits limits) {

  public static TierConcurrencyConfig from(Env env) {
    try {
      return new TierConcurrencyConfig(FairShare.Limits.parse(env.orDefault("TIER_CONCURRENCY", ""), Integer.MAX_VALUE));
    } catch (IllegalArgumentException e) {
      throw new Env.MissingConfigException("TIER_CONCURRENCY is malformed: " + e.getMessage());
    }
  }
}
