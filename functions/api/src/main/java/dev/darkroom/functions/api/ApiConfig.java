package dev.darkroom.functions.api;

import dev.darkroom.core.limits.Admission;
import dev.darkroom.core.limits.PerTier;
import dev.darkroom.gcp.Env;
import java.util.OptionalLong;

/**
 * The api function's limits, from the environment, each a {@code tier=number,...} list (a tier not
 * listed has no limit): {@code REQUESTS_PER_MINUTE} per user, {@code MAX_WAITING_JOBS} queued or
 * dispatched per user, {@code MONTHLY_GPU_SECONDS} per user and calendar month; and
 * {@code API_KEY_REQUESTS_PER_MINUTE}, one number for every key. Authentication's settings are
 * {@link dev.darkroom.gcp.Adapters#authenticator}'s.
 */
record ApiConfig(Admission.Settings limits) {

  static ApiConfig from(Env env) {
    OptionalLong perKey = OptionalLong.empty();
    if (env.optional("API_KEY_REQUESTS_PER_MINUTE").isPresent()) {
      int value = env.intOrDefault("API_KEY_REQUESTS_PER_MINUTE", 0);
      if (value < 1) {
        throw new Env.MissingConfigException("API_KEY_REQUESTS_PER_MINUTE must be at least 1: " + value);
      }
      perKey = OptionalLong.of(value);
    }
    return new ApiConfig(new Admission.Settings(
        perTier(env, "REQUESTS_PER_MINUTE", 1), perKey, perTier(env, "MAX_WAITING_JOBS", 1),
        perTier(env, "MONTHLY_GPU_SECONDS", 0)));
  }

  private static PerTier perTier(Env env, String name, long min) {
    try {
      return PerTier.parse(env.orDefault(name, ""), min);
    } catch (IllegalArgumentException e) {
      throw new Env.MissingConfigException(name + " is malformed (tier=number,...): " + e.getMessage());
    }
  }
}
