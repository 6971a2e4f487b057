package dev.darkroom.core.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {
  @Test
  void theDefaultIsStandardWebhooksScheduleOfAboutADayAndAHalf() {
    RetrySchedule schedule = RetrySchedule.standard();
    assertThat(schedule.attempts()).isEqualTo(8);
    assertThat(schedule.span()).isEqualTo(Duration.ofHours(27).plusMinutes(35).plusSeconds(5));
    assertThat(schedule.span()).isGreaterThan(Duration.ofHours(24));
    assertThat(schedule.waitBefore(1)).contains(Duration.ZERO);
    assertThat(schedule.waitBefore(9)).isEmpty();
    assertThat(schedule.waitBefore(0)).isEmpty();
  }

  @Test
  void waitsAreJitteredByAtMostATenthEitherWay() {
    RetrySchedule low = new RetrySchedule(RetrySchedule.standard().waits(), () -> 0.0);
    RetrySchedule high = new RetrySchedule(RetrySchedule.standard().waits(), () -> 0.999999);
    assertThat(low.waitBefore(4)).contains(Duration.ofMinutes(27));
    assertThat(high.waitBefore(4).orElseThrow()).isBetween(Duration.ofMinutes(32), Duration.ofMinutes(33));
  }

  @Test
  void aTargetsJitteredWaitIsTheSameEachTimeItIsAskedAndTargetsSpreadOut() {
    RetrySchedule schedule = RetrySchedule.standard();
    assertThat(schedule.waitBefore(4, "n-1/ep1/4")).isEqualTo(schedule.waitBefore(4, "n-1/ep1/4"));
    java.util.Set<Duration> waits = new java.util.HashSet<>();
    for (int i = 0; i < 50; i++) {
      Duration wait = schedule.waitBefore(4, "n-1/ep" + i + "/4").orElseThrow();
      assertThat(wait).isBetween(Duration.ofMinutes(27), Duration.ofMinutes(33));
      waits.add(wait);
    }
    assertThat(waits).as("distinct waits of 50 targets").hasSizeGreaterThan(40);
  }

  @Test
  void aScheduleIsWrittenInSecondsMinutesOrHoursAndNonsenseIsRefusedByName() {
    assertThat(RetrySchedule.parse(" 0s, 2s ,1M,3h").waits())
        .containsExactly(Duration.ZERO, Duration.ofSeconds(2), Duration.ofMinutes(1), Duration.ofHours(3));
    assertThatThrownBy(() -> RetrySchedule.parse("0s,5 minutes")).hasMessageContaining("WEBHOOK_RETRY_SCHEDULE")
        .hasMessageContaining("5 minutes");
    assertThatThrownBy(() -> RetrySchedule.parse("")).hasMessageContaining("WEBHOOK_RETRY_SCHEDULE");
  }
}
