package dev.darkroom.gcp;

import dev.darkroom.core.warm.KeepWarm;
import dev.darkroom.core.warm.WarmSchedule;
import java.time.Duration;
import java.util.Optional;

/**
 * The keep-warm policy's settings, read alike by the runner (whether an idle task waits on),
 * dispatch (whether warm tasks will take a prompt) and the reconciler (topping the warm set up):
 * {@code WARM_IDLE_BUDGET_SECONDS} (idle GPU-seconds a day, all tasks together) and
 * {@code WARM_SCHEDULE} (pinned warm tasks). With neither set the policy is off: tasks wait the
 * fixed drain grace and nothing is kept warm. A schedule alone allows no idle time beyond its windows.
 */
public final class KeepWarmConfig {
  private KeepWarmConfig() {}

  /** {@code DRAIN_IDLE_SECONDS}' default, the runner's: about one cold start. */
  public static final int DEFAULT_DRAIN_IDLE_SECONDS = 60;

  /**
   * The settings as a deployable that runs no task reads them (dispatch, the reconciler), with the runners'
   * grace: {@code DRAIN_IDLE_SECONDS}, default {@value #DEFAULT_DRAIN_IDLE_SECONDS} s as the runner's.
   */
  public static Optional<KeepWarm.Settings> withRunnersGrace(Env env) {
    int drainIdle = env.intOrDefault("DRAIN_IDLE_SECONDS", DEFAULT_DRAIN_IDLE_SECONDS);
    if (drainIdle < 0) {
      throw new Env.MissingConfigException("DRAIN_IDLE_SECONDS must be 0 (no draining) or more, got " + drainIdle);
    }
    return from(env, Duration.ofSeconds(drainIdle));
  }

  /** @param grace how long any task waits for more work before the traffic decides (the drain grace) */
  public static Optional<KeepWarm.Settings> from(Env env, Duration grace) {
    Optional<String> budget = env.optional("WARM_IDLE_BUDGET_SECONDS");
    if (budget.isEmpty() && env.optional("WARM_SCHEDULE").isEmpty()) {
      return Optional.empty();
    }
    String text = budget.orElse("0").trim();
    double seconds;
    try {
      seconds = Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new Env.MissingConfigException("WARM_IDLE_BUDGET_SECONDS must be a number of seconds, got '" + text + "'");
    }
    if (seconds < 0) {
      throw new Env.MissingConfigException("WARM_IDLE_BUDGET_SECONDS must be 0 or more, got " + seconds);
    }
    WarmSchedule schedule;
    try {
      schedule = WarmSchedule.parse(env.optional("WARM_SCHEDULE").orElse(""));
    } catch (IllegalArgumentException e) {
      throw new Env.MissingConfigException("WARM_SCHEDULE: " + e.getMessage());
    }
    return Optional.of(KeepWarm.Settings.of(seconds, schedule, grace));
  }
}
