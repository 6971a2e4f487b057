package dev.darkroom.core.limits;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * How long one job's prompt may run on the engine before the runner interrupts it and the job
 * ends {@code timed_out}. A job's limit is fixed when it is accepted: its tier's maximum
 * ({@code MAX_RUN_SECONDS}, {@code tier=seconds,...}), lowered by what its request asked
 * ({@value #REQUEST_FIELD}, or {@code extra_data.}{@value #EXTRA_DATA_FIELD} from ComfyUI clients) and
 * by its deployment's own maximum. A wish above a maximum is capped, not refused: a client cannot
 * know every maximum that applies to it, and the job resource shows the limit it got.
 *
 * @param perTier the most seconds a job of each listed tier may run
 * @param unlisted the most for a tier not listed: a GPU task's own limit, which nothing outlives
 */
public record RunTimeLimits(PerTier perTier, long unlisted) {
  /** A Cloud Run GPU task may run at most an hour: no prompt can run longer than that. */
  public static final long GPU_TASK_SECONDS = 3600;
  /** {@code MAX_RUN_SECONDS} when it is not set: ten minutes on the free tier, an hour otherwise. */
  public static final String DEFAULT_PER_TIER = "free=600,standard=3600";
  /** The request field of the v2 API and of deployment runs (and of a deployment's definition). */
  public static final String REQUEST_FIELD = "max_run_seconds";
  /** The {@code extra_data} key a ComfyUI client ({@code POST /prompt}) asks for a limit with. */
  public static final String EXTRA_DATA_FIELD = "darkroom_max_run_seconds";

  public RunTimeLimits {
    Objects.requireNonNull(perTier, "perTier");
    if (unlisted < 1) {
      throw new IllegalArgumentException("unlisted must be at least 1 s: " + unlisted);
    }
  }

  /** {@link #DEFAULT_PER_TIER}, every other tier the GPU task's hour. */
  public static RunTimeLimits defaults() {
    return of(DEFAULT_PER_TIER);
  }

  /**
   * {@code tier=seconds,...}; a tier not listed gets {@link #GPU_TASK_SECONDS}.
   *
   * @throws IllegalArgumentException naming the entry that is wrong
   */
  public static RunTimeLimits of(String perTierSpec) {
    return new RunTimeLimits(PerTier.parse(perTierSpec, 1), GPU_TASK_SECONDS);
  }

  /** The most a job of {@code tier} may run, in seconds. */
  public long maximum(String tier) {
    return perTier.of(tier).orElse(unlisted);
  }

  /**
   * The limit a job of {@code tier} gets: the tier's maximum, lowered by each cap that is not
   * null (what the request asked, the deployment's maximum).
   */
  public long effective(String tier, Long... caps) {
    long limit = maximum(tier);
    for (Long cap : caps) {
      if (cap != null) {
        limit = Math.min(limit, cap);
      }
    }
    return limit;
  }

  /**
   * A maximum run time as a request gives it: {@code seconds} (null when the field is absent or
   * null), or {@code problem}, why the value is refused (to be prefixed with the field's name).
   */
  public record Requested(Long seconds, String problem) {
    static final Requested NONE = new Requested(null, null);
  }

  /** Reads a requested maximum: a whole number of seconds, at least 1. */
  public static Requested requested(JsonNode value) {
    if (value == null || value.isMissingNode() || value.isNull()) {
      return Requested.NONE;
    }
    if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 1) {
      return new Requested(null, "must be a whole number of seconds, at least 1 (got "
          + InputLimits.shown(value.toString()) + ")");
    }
    return new Requested(value.longValue(), null);
  }

  /** The smaller of two caps, either of which may be null (none). */
  public static Long tighter(Long a, Long b) {
    if (a == null) {
      return b;
    }
    return b == null ? a : Math.min(a, b);
  }
}
