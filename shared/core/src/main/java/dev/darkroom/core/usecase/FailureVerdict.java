package dev.darkroom.core.usecase;

import dev.darkroom.core.event.JobEvent;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobError;
import dev.darkroom.core.port.JobEventPublisher;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A failure Darkroom decides on behalf of an attempt that no runner will end (the reconciler, the
 * dead-letter settler). It is published on job-events like a runner's failure, with the attempt's
 * {@link JobEvent#RECONCILER_SEQUENCE}, so that job-events stays the one path that writes terminal
 * states, ledger rows and notifications: it applies the verdict only to a job that is still on
 * that attempt, not running and not ended, and a repeated verdict is a duplicate there.
 *
 * @param judge who decides, for the log: "the reconciler"
 */
record FailureVerdict(JobEventPublisher events, Clock clock, String judge) {
  private static final Logger log = LoggerFactory.getLogger(FailureVerdict.class);

  void fail(Job job, JobError error) {
    log.warn("job {} (attempt {}) failed by {}: {}", job.id(), job.attempt(), judge, error.message());
    events.publish(new JobEvent.Failed(job.id(), job.attempt(), JobEvent.RECONCILER_SEQUENCE, clock.instant(), error,
        job.gpuSeconds()));
  }

  /**
   * The attempt ran past its time limit and no runner will say so: {@code timed_out}, billed the
   * attempt's GPU time as far as known ({@link Job#gpuSeconds}: a lost job's is up to its last heartbeat).
   */
  void timeOut(Job job, JobError error) {
    log.warn("job {} (attempt {}) timed out by {}: {}", job.id(), job.attempt(), judge, error.message());
    events.publish(new JobEvent.TimedOut(job.id(), job.attempt(), JobEvent.RECONCILER_SEQUENCE, clock.instant(),
        error, job.gpuSeconds()));
  }
}
