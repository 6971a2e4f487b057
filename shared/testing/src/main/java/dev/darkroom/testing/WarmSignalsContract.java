package dev.darkroom.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.darkroom.core.port.WarmSignals;
import dev.darkroom.core.traffic.ArrivalProfile;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** What every {@link WarmSignals} must do: the in-memory fake and the Firestore adapter alike. */
public abstract class WarmSignalsContract {
  protected static final Instant T0 = Instant.parse("2026-12-06T23:59:00Z");

  /** Fresh signals, sharing nothing with any other call. */
  protected abstract WarmSignals signals();

  /** A prompt was submitted at {@code at} (a job created, for the Firestore adapter). */
  protected abstract void submitted(WarmSignals signals, String jobId, Instant at);

  @Test
  void arrivalsAreCountedFromAnInstantOn() {
    WarmSignals signals = signals();
    submitted(signals, "job-a", T0.minusSeconds(300));
    submitted(signals, "job-b", T0.minusSeconds(60));
    submitted(signals, "job-c", T0);

    assertThat(signals.arrivalsSince(T0.minusSeconds(60))).isEqualTo(2);
    assertThat(signals.arrivalsSince(T0.minusSeconds(3600))).isEqualTo(3);
    assertThat(signals.arrivalsSince(T0.plusSeconds(1))).isZero();
    assertThat(signals.arrivalsBetween(T0.minusSeconds(300), T0)).isEqualTo(2);
    assertThat(signals.arrivalsBetween(T0.minusSeconds(299), T0.minusSeconds(60))).isZero();
    assertThat(signals.arrivalsBetween(T0, T0.plusSeconds(60))).isEqualTo(1);
  }

  @Test
  void idleSecondsAddUpPerUtcDay() {
    WarmSignals signals = signals();
    assertThat(signals.idleSecondsOn(LocalDate.parse("2026-12-06"))).isZero();

    signals.addIdleSeconds(T0, 12.5);
    signals.addIdleSeconds(T0.plusSeconds(30), 7.5);
    signals.addIdleSeconds(T0.plusSeconds(90), 4); // 2026-12-07 00:00:30 UTC

    assertThat(signals.idleSecondsOn(LocalDate.parse("2026-12-06"))).isEqualTo(20.0);
    assertThat(signals.idleSecondsOn(LocalDate.parse("2026-12-07"))).isEqualTo(4.0);
  }

  @Test
  void theProfileReadsBackAsSavedAndASaveReplacesIt() {
    WarmSignals signals = signals();
    assertThat(signals.profile()).isEmpty();

    double[] rates = new double[ArrivalProfile.HOURS_PER_WEEK];
    java.util.Arrays.fill(rates, Double.NaN);
    rates[0] = 0.25;
    rates[167] = 0.0;
    ArrivalProfile first = new ArrivalProfile(T0, rates, 7.5);
    signals.saveProfile(first);
    assertThat(signals.profile()).contains(first);

    ArrivalProfile second = ArrivalProfile.empty(T0.plusSeconds(3600));
    signals.saveProfile(second);
    assertThat(signals.profile()).contains(second);
    assertThat(signals.profile().get().rateAt(T0)).isEmpty();
  }
}
