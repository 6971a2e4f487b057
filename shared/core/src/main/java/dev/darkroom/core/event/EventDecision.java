package dev.darkroom.core.event;

import dev.darkroom.core.job.Job;

/** What applying an event to a job amounts to. */
public sealed interface EventDecision {

  /** The event moves the job on: store {@code next}. */
  record Apply(Job next) implements EventDecision {}

  /**
   * The very event last applied, delivered again. Nothing changes, but its side effects (ledger,
   * notification) are re-run, since the first delivery may have crashed before doing them; they
   * are idempotent downstream.
   */
  record Duplicate(Job current) implements EventDecision {}

  /** Older than what is known, or not allowed from the current status: acknowledged, ignored. */
  record Stale(String reason) implements EventDecision {}
}
