package dev.darkroom.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.darkroom.core.notify.DeliveryAttempt;
import dev.darkroom.core.notify.DeliveryAttempt.Outcome;
import dev.darkroom.core.notify.DeliveryHistory;
import dev.darkroom.core.port.DeliveryLog;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What every {@link DeliveryLog} must do; run against the fake and the SQL adapter. */
public abstract class DeliveryLogContract {
  protected abstract DeliveryLog log();

  private final String notification = "n-" + UUID.randomUUID();
  private final Instant t0 = Instant.parse("2026-11-23T10:00:00Z").truncatedTo(ChronoUnit.MILLIS);

  @Test
  void nothingRecordedIsNoHistory() {
    assertThat(log().history(notification, "ep1")).isEqualTo(DeliveryHistory.NONE);
  }

  @Test
  void attemptsAreCountedAndTheFirstAndLastOnesDated() {
    log().record(new DeliveryAttempt(notification, "ep1", 1, Outcome.RETRY, 503, "HTTP 503", t0));
    log().record(new DeliveryAttempt(notification, "ep1", 2, Outcome.RETRY, null, "timeout", t0.plusSeconds(10)));
    assertThat(log().history(notification, "ep1")).isEqualTo(new DeliveryHistory(2, false, t0, t0.plusSeconds(10)));
    assertThat(log().history(notification, "ep2")).isEqualTo(DeliveryHistory.NONE);
  }

  @Test
  void aDeliveryFinishesTheTargetOnceEvenWhenTwoInstancesRace() {
    log().record(new DeliveryAttempt(notification, "ep1", 1, Outcome.RETRY, 500, "HTTP 500", t0));
    log().record(new DeliveryAttempt(notification, "ep1", 2, Outcome.DELIVERED, 200, null, t0.plusSeconds(10)));
    // A redelivered message handled concurrently read the same history and tried attempt 2 too.
    log().record(new DeliveryAttempt(notification, "ep1", 2, Outcome.DELIVERED, 200, null, t0.plusSeconds(11)));
    log().record(new DeliveryAttempt(notification, "ep1", 3, Outcome.DELIVERED, 200, null, t0.plusSeconds(12)));
    assertThat(log().history(notification, "ep1")).isEqualTo(new DeliveryHistory(2, true, t0, t0.plusSeconds(10)));
  }

  @Test
  void givingUpFinishesTheTarget() {
    log().record(new DeliveryAttempt(notification, "ep1", 1, Outcome.GAVE_UP, null, "refused: loopback", t0));
    assertThat(log().history(notification, "ep1").finished()).isTrue();
  }
}
