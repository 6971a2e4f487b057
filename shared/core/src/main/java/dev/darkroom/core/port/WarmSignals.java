package dev.darkroom.core.port;

import java.time.Instant;
import java.time.LocalDate;

/**
 * What the keep-warm policy reads of recent traffic and of its own spending, shared by every GPU
 * task of the deployment: how many prompts were submitted lately, and how many GPU-seconds tasks
 * have spent idle (waiting for work) on a day, UTC.
 */
public interface WarmSignals {

  /** Prompts submitted at or after {@code since}, any model. */
  long arrivalsSince(Instant since);

  /** Idle GPU-seconds recorded on {@code utcDay}. */
  double idleSecondsOn(LocalDate utcDay);

  /** A task spent {@code seconds} idle, ending at {@code at}: counted on the UTC day of {@code at}. */
  void addIdleSeconds(Instant at, double seconds);
}
