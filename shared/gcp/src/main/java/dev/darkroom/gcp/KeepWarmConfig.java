package dev.darkroom.gcp;

import dev.darkroom.core.warm.KeepWarm;
import dev.darkroom.core.warm.WarmSchedule;
import java.time.Duration;
import java.util.Optional;

/**
 * The keep-warm policy's settings, read alike by the runner (whether an idle task waits on),
 * dispatch (whether warm tasks will take a prompt) and the reconciler (topping the warm set up):
 * {@code WARM_IDLE_BUDGET_SECONDS} (idle GPU-seconds a day, all tasks together) and
 * {@code WARM_SCHEDULE} (pinned warm tasks), and {@code WARM_GRACE_SECONDS}. With neither of the first
 * two set the policy is off: tasks wait the fixed {@code DRAIN_IDLE_SECONDS} and nothing is kept warm. A schedule alone allows no idle time beyond its windows.
 */
public final class KeepWarmConfig {
  private KeepWarmConfig() {}

  /**
   * The settings, the same for every deployable that reads them, with the policy's grace:
   * {@code WARM_GRACE_SECONDS}, default {@link KeepWarm#DEFAULT_GRACE}. Dispatch and the reconciler
   * never use the grace (only the runner's idle tasks wait it), but read it alike.
   */
  public static Optional<KeepWarm.Settings> from(Env env) {
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
    int grace = env.intOrDefault("WARM_GRACE_SECONDS", (int) KeepWarm.DEFAULT_GRACE.toSeconds());
    if (grace < 0) {
      throw new Env.MissingConfigException("WARM_GRACE_SECONDS must be 0 or more, got " + grace);
    }
    return Optional.of(KeepWarm.Settings.of(seconds, schedule, Duration.ofSeconds(grace)));
  }
}
