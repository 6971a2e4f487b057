package dev.darkroom.core.usecase;

import dev.darkroom.core.job.Job;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log line each time a job reaches a status: how long after its submission. Written where the
 * status changes (dispatch, the runner's claim, job-events); its fields {@code jobStatus} and
 * {@code secondsSinceSubmitted} are what Terraform's job-latency log metric reads.
 */
final class JobLatency {
  private static final Logger log = LoggerFactory.getLogger(JobLatency.class);

  private JobLatency() {}

  static void reached(Job job) {
    double seconds = Duration.between(job.createdAt(), job.updatedAt()).toMillis() / 1000.0;
    log.atInfo().addKeyValue("jobStatus", job.status().wireName()).addKeyValue("secondsSinceSubmitted", seconds)
        .log("job {} is {} {} s after it was submitted", job.id(), job.status().wireName(), seconds);
  }
}
