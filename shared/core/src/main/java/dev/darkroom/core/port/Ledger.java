package dev.darkroom.core.port;

import dev.darkroom.core.job.Job;

/** The system of record (Cloud SQL): jobs, their outputs and usage. */
public interface Ledger {

  /**
   * Records the job as it is now. Idempotent, and never goes backwards: a state older than the
   * one recorded (lower attempt, or lower sequence within an attempt) changes nothing.
   */
  void record(Job job);
}
