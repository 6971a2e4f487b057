package dev.darkroom.core.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DeliveryBudgetTest {
  private final DeliveryBudget budget =
      new DeliveryBudget(Duration.ofSeconds(120), Duration.ofSeconds(10), Duration.ofSeconds(15), 10);
  private final Instant start = Instant.parse("2026-11-23T10:00:00Z");

  @Test
  void anAttemptStartsOnlyIfItEndsBeforeTheTimeoutLessTheMargin() {
    Instant deadline = budget.deadline(start);
    assertThat(deadline).isEqualTo(start.plusSeconds(110));
    assertThat(budget.fits(start.plusSeconds(95), deadline)).isTrue();
    assertThat(budget.fits(start.plusSeconds(96), deadline)).isFalse();
  }

  @Test
  void aBudgetThatCannotHoldOneAttemptIsRefused() {
    assertThatThrownBy(() -> new DeliveryBudget(Duration.ofSeconds(20), Duration.ofSeconds(10), Duration.ofSeconds(15), 1))
        .hasMessageContaining("cannot hold one attempt");
    assertThatThrownBy(() -> new DeliveryBudget(Duration.ofSeconds(120), Duration.ofSeconds(10), Duration.ofSeconds(15), 0))
        .hasMessageContaining("at least one");
  }
}
