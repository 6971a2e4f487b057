package dev.darkroom.core.port;

import dev.darkroom.core.traffic.ArrivalProfile;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;

/**
 * What the keep-warm policy reads of recent traffic and of its own spending, shared by every GPU
 * task of the deployment: how many prompts were submitted lately, and how many GPU-seconds tasks
 * have spent idle (waiting for work) on a day, UTC, and the deployment's usual traffic by hour of
 * the week ({@link ArrivalProfile}), which the reconciler refreshes from the ledger.
 */
public interface WarmSignals {

  /** Prompts submitted at or after {@code since}, any model. */
  long arrivalsSince(Instant since);

  /** Prompts submitted at or after {@code from} and before {@code to}. */
  default long arrivalsBetween(Instant from, Instant to) {
    return arrivalsSince(from) - arrivalsSince(to);
  }

  /** Idle GPU-seconds recorded on {@code utcDay}. */
  double idleSecondsOn(LocalDate utcDay);

  /** A task spent {@code seconds} idle, ending at {@code at}: counted on the UTC day of {@code at}. */
  void addIdleSeconds(Instant at, double seconds);

  /** The usual traffic as last saved, if any. Readers may cache it for minutes: it changes hourly. */
  Optional<ArrivalProfile> profile();

  /** Replaces the usual traffic (the reconciler, hourly). */
  void saveProfile(ArrivalProfile profile);
}
