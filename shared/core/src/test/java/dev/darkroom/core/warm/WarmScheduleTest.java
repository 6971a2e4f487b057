package dev.darkroom.core.warm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class WarmScheduleTest {

  @Test
  void weekdayOfficeHoursInTheirZone() {
    WarmSchedule schedule = WarmSchedule.parse("2 warm 09:00-18:00 Mon-Fri Europe/Paris");
    // Tuesday 2026-12-08: Paris is UTC+1 in winter.
    assertThat(schedule.pinnedAt(Instant.parse("2026-12-08T07:59:00Z"))).isZero();
    assertThat(schedule.pinnedAt(Instant.parse("2026-12-08T08:00:00Z"))).isEqualTo(2);
    assertThat(schedule.pinnedAt(Instant.parse("2026-12-08T16:59:59Z"))).isEqualTo(2);
    assertThat(schedule.pinnedAt(Instant.parse("2026-12-08T17:00:00Z"))).isZero();
    // Saturday.
    assertThat(schedule.pinnedAt(Instant.parse("2026-12-12T10:00:00Z"))).isZero();
  }

  @Test
  void followsDaylightSavingTime() {
    WarmSchedule schedule = WarmSchedule.parse("1 warm 09:00-18:00 Mon-Fri Europe/Paris");
    // Monday 2026-06-01: Paris is UTC+2, so 09:00 there is 07:00 UTC.
    assertThat(schedule.pinnedAt(Instant.parse("2026-06-01T07:00:00Z"))).isEqualTo(1);
    assertThat(schedule.pinnedAt(Instant.parse("2026-06-01T16:30:00Z"))).isZero();
    // Monday 2026-03-30, the day after the change: already summer time.
    assertThat(schedule.pinnedAt(Instant.parse("2026-03-30T06:59:00Z"))).isZero();
    assertThat(schedule.pinnedAt(Instant.parse("2026-03-30T07:00:00Z"))).isEqualTo(1);
  }

  @Test
  void aWindowOverTheSkippedHourIsShorterOnTheSpringForwardDay() {
    // Sunday 2026-03-29 in Paris: 02:00 jumps to 03:00 (01:00 UTC).
    WarmSchedule schedule = WarmSchedule.parse("1 warm 01:30-03:30 Sun Europe/Paris");
    assertThat(schedule.pinnedAt(Instant.parse("2026-03-29T00:30:00Z"))).isEqualTo(1); // 01:30 CET
    assertThat(schedule.pinnedAt(Instant.parse("2026-03-29T01:00:00Z"))).isEqualTo(1); // 03:00 CEST
    assertThat(schedule.pinnedAt(Instant.parse("2026-03-29T01:30:00Z"))).isZero(); // 03:30 CEST
  }

  @Test
  void aWindowPastMidnightBelongsToTheDayItStarts() {
    WarmSchedule schedule = WarmSchedule.parse("1 warm 22:00-02:00 Fri");
    assertThat(schedule.pinnedAt(Instant.parse("2026-12-11T23:00:00Z"))).isEqualTo(1); // Friday night
    assertThat(schedule.pinnedAt(Instant.parse("2026-12-12T01:59:00Z"))).isEqualTo(1); // Saturday morning
    assertThat(schedule.pinnedAt(Instant.parse("2026-12-12T23:00:00Z"))).isZero(); // Saturday night
    assertThat(schedule.pinnedAt(Instant.parse("2026-12-11T01:00:00Z"))).isZero(); // Friday morning
  }

  @Test
  void overlappingWindowsTakeTheLargerCountAndUtcIsTheDefaultZone() {
    WarmSchedule schedule = WarmSchedule.parse("1 warm 08:00-20:00 daily; 3 warm 12:00-14:00 Sat,Sun");
    assertThat(schedule.pinnedAt(Instant.parse("2026-12-13T13:00:00Z"))).isEqualTo(3);
    assertThat(schedule.pinnedAt(Instant.parse("2026-12-14T13:00:00Z"))).isEqualTo(1);
    assertThat(schedule.pinnedAt(Instant.parse("2026-12-14T20:00:00Z"))).isZero();
  }

  @Test
  void blankIsNoSchedule() {
    assertThat(WarmSchedule.parse("  ").pinnedAt(Instant.parse("2026-12-08T10:00:00Z"))).isZero();
    assertThat(WarmSchedule.parse(null)).isEqualTo(WarmSchedule.NONE);
  }

  @Test
  void malformedTextIsRefusedNamingThePart() {
    assertThatThrownBy(() -> WarmSchedule.parse("two warm 09:00-18:00 Mon-Fri"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'two' is not a number");
    assertThatThrownBy(() -> WarmSchedule.parse("2 warm 9-18 Mon-Fri"))
        .hasMessageContaining("is not a time HH:MM");
    assertThatThrownBy(() -> WarmSchedule.parse("2 warm 09:00-18:00 Mon-Fry"))
        .hasMessageContaining("'Fry' is not a day");
    assertThatThrownBy(() -> WarmSchedule.parse("2 warm 09:00-18:00 Mon-Fri Mars/Olympus"))
        .hasMessageContaining("unknown time zone 'Mars/Olympus'");
    assertThatThrownBy(() -> WarmSchedule.parse("0 warm 09:00-18:00 Mon-Fri"))
        .hasMessageContaining("at least 1");
    assertThatThrownBy(() -> WarmSchedule.parse("2 cold 09:00-18:00 Mon-Fri"))
        .hasMessageContaining("expected '<count> warm");
  }
}
