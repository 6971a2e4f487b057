package dev.darkroom.functions.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.darkroom.core.warm.KeepWarm;
import dev.darkroom.gcp.Env;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DispatchConfigTest {
  private static Map<String, String> deployed(String... more) {
    Map<String, String> env = new HashMap<>(Map.of("GOOGLE_CLOUD_PROJECT", "p",
        "DATABASE_URL", "jdbc:postgresql://localhost/ledger", "GPU_JOB_NAME", "projects/p/locations/r/jobs/gpu"));
    for (int i = 0; i < more.length; i += 2) {
      env.put(more[i], more[i + 1]);
    }
    return env;
  }

  @Test
  void withoutABudgetOrAScheduleTheKeepWarmPolicyIsOff() {
    assertThat(DispatchConfig.from(new Env(deployed())).keepWarmIfSet()).isEmpty();
  }

  @Test
  void theKeepWarmPolicyHasTheDeploymentsBudgetScheduleAndGrace() {
    KeepWarm.Settings settings = DispatchConfig.from(new Env(deployed("WARM_IDLE_BUDGET_SECONDS", "3600",
        "WARM_SCHEDULE", "2 warm 09:00-18:00 Mon-Fri UTC"))).keepWarmIfSet().orElseThrow();

    assertThat(settings.idleBudgetSecondsPerDay()).isEqualTo(3600);
    assertThat(settings.schedule().pinnedAt(Instant.parse("2026-12-07T10:00:00Z"))).as("a Monday morning").isEqualTo(2);
    assertThat(settings.grace()).as("the policy's default grace").isEqualTo(KeepWarm.DEFAULT_GRACE);

    assertThat(DispatchConfig.from(new Env(deployed("WARM_IDLE_BUDGET_SECONDS", "0", "WARM_GRACE_SECONDS", "90")))
        .keepWarmIfSet().orElseThrow().grace()).isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void aMalformedSettingFailsNamingItsVariable() {
    assertThatThrownBy(() -> DispatchConfig.from(new Env(deployed("WARM_IDLE_BUDGET_SECONDS", "lots"))))
        .isInstanceOf(Env.MissingConfigException.class).hasMessageContaining("WARM_IDLE_BUDGET_SECONDS");
    assertThatThrownBy(() -> DispatchConfig.from(new Env(deployed("WARM_IDLE_BUDGET_SECONDS", "10",
        "WARM_GRACE_SECONDS", "-1")))).isInstanceOf(Env.MissingConfigException.class)
        .hasMessageContaining("WARM_GRACE_SECONDS");
  }
}
