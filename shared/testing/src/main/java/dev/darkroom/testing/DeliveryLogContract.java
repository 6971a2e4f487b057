package dev.darkroom.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.darkroom.core.notify.DeliveryAttempt;
import dev.darkroom.core.notify.DeliveryAttempt.Outcome;
import dev.darkroom.core.notify.DeliveryHistory;
import dev.darkroom.core.port.DeliveryLog;
import java.time.Duration;
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

  @Test
  void theLatestAttemptsToATargetComeNewestFirstWithTheirDetailsAndBounded() {
    String target = "ep-" + UUID.randomUUID();
    String other = "n-" + UUID.randomUUID();
    log().record(new DeliveryAttempt(notification, target, 1, Outcome.RETRY, null, "connection refused", t0,
        "job-1", "succeeded", Duration.ofMillis(12)));
    log().record(new DeliveryAttempt(notification, target, 2, Outcome.GAVE_UP, 503, "HTTP 503", t0.plusSeconds(30),
        "job-1", "succeeded", null));
    log().record(new DeliveryAttempt(other, target, 1, Outcome.DELIVERED, 200, null, t0.plusSeconds(60),
        "job-2", "failed", Duration.ofMillis(250)));
    log().record(new DeliveryAttempt(other, "ep-someone-else", 1, Outcome.DELIVERED, 200, null, t0.plusSeconds(90)));

    assertThat(log().latest(target, 10)).containsExactly(
        new DeliveryAttempt(other, target, 1, Outcome.DELIVERED, 200, null, t0.plusSeconds(60),
            "job-2", "failed", Duration.ofMillis(250)),
        new DeliveryAttempt(notification, target, 2, Outcome.GAVE_UP, 503, "HTTP 503", t0.plusSeconds(30),
            "job-1", "succeeded", null),
        new DeliveryAttempt(notification, target, 1, Outcome.RETRY, null, "connection refused", t0,
            "job-1", "succeeded", Duration.ofMillis(12)));
    assertThat(log().latest(target, 2)).extracting(DeliveryAttempt::at).containsExactly(t0.plusSeconds(60), t0.plusSeconds(30));
    assertThat(log().latest("ep-never-used", 10)).isEmpty();
  }
}
