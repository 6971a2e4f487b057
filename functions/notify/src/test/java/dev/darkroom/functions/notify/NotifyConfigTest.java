package dev.darkroom.functions.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.darkroom.core.notify.DeliveryBudget;
import dev.darkroom.gcp.Env;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NotifyConfigTest {
  @Test
  void aRunsBudgetIsTheFunctionsTimeoutAndTheConcurrencyWithTheSendersBoundPerAttempt() {
    DeliveryBudget defaults = NotifyConfig.budget(new Env(Map.of()));
    assertThat(defaults.runTimeout()).isEqualTo(Duration.ofSeconds(120));
    assertThat(defaults.concurrency()).isEqualTo(10);
    assertThat(defaults.attemptTimeout()).isEqualTo(Duration.ofSeconds(15));

    DeliveryBudget set = NotifyConfig.budget(new Env(Map.of("NOTIFY_TIMEOUT_SECONDS", "300", "WEBHOOK_CONCURRENCY", "4")));
    assertThat(set.runTimeout()).isEqualTo(Duration.ofSeconds(300));
    assertThat(set.concurrency()).isEqualTo(4);

    assertThatThrownBy(() -> NotifyConfig.budget(new Env(Map.of("NOTIFY_TIMEOUT_SECONDS", "20"))))
        .isInstanceOf(Env.MissingConfigException.class).hasMessageContaining("NOTIFY_TIMEOUT_SECONDS");
    assertThatThrownBy(() -> NotifyConfig.budget(new Env(Map.of("WEBHOOK_CONCURRENCY", "0"))))
        .isInstanceOf(Env.MissingConfigException.class).hasMessageContaining("WEBHOOK_CONCURRENCY");
  }
}
