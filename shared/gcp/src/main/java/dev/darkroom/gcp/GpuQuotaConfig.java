package dev.darkroom.gcp;

import dev.darkroom.core.limits.PerTier;

/**
 * GPU-seconds one user of each tier may use per calendar month (UTC): {@code MONTHLY_GPU_SECONDS},
 * e.g. {@code free=3600,pro=360000}; a tier not listed (and every tier when it is unset) has no
 * quota. The api refuses submissions past it (402) and dispatch fails the jobs still queued.
 */
public record GpuQuotaConfig(PerTier monthlyGpuSeconds) {

  public static GpuQuotaConfig from(Env env) {
    try {
      return new GpuQuotaConfig(PerTier.parse(env.orDefault("MONTHLY_GPU_SECONDS", ""), 0));
    } catch (IllegalArgumentException e) {
      throw new Env.MissingConfigException("MONTHLY_GPU_SECONDS is malformed (tier=number,...): " + e.getMessage());
    }
  }
}
