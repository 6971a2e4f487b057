package dev.darkroom.gcp;

import dev.darkroom.core.limits.Admission;
import dev.darkroom.core.limits.PerTier;
import java.util.OptionalLong;

/**
 * The limits on submitting jobs outside an HTTP request (event-driven runs), each a
 * {@code tier=number,...} list (a tier not listed has no limit), the same variables and meaning as
 * the api's: {@code MAX_WAITING_JOBS} queued or dispatched per user, {@code MONTHLY_GPU_SECONDS} per
 * user and calendar month. Request rates are the api's alone: a message is no request.
 */
public final class SubmissionLimitsConfig {
  private SubmissionLimitsConfig() {}

  public static Admission.Settings from(Env env) {
    return new Admission.Settings(PerTier.parse("", 1), OptionalLong.empty(), perTier(env, "MAX_WAITING_JOBS", 1),
        perTier(env, "MONTHLY_GPU_SECONDS", 0));
  }

  private static PerTier perTier(Env env, String name, long min) {
    try {
      return PerTier.parse(env.orDefault(name, ""), min);
    } catch (IllegalArgumentException e) {
      throw new Env.MissingConfigException(name + " is malformed (tier=number,...): " + e.getMessage());
    }
  }
}
