package dev.darkroom.core.event;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.darkroom.core.job.JobError;
import dev.darkroom.core.job.JobOutput;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.job.Progress;
import java.time.Instant;
import java.util.List;

/**
 * What a runner reports about one attempt of a job, numbered by {@code sequence} within that
 * attempt so that duplicates and late arrivals can be recognised. A terminal event is
 * self-contained (it carries every output), so a lost or late {@link OutputProduced} loses nothing.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = JobEvent.Started.class, name = "started"),
  @JsonSubTypes.Type(value = JobEvent.Progressed.class, name = "progress"),
  @JsonSubTypes.Type(value = JobEvent.OutputProduced.class, name = "output"),
  @JsonSubTypes.Type(value = JobEvent.Succeeded.class, name = "succeeded"),
  @JsonSubTypes.Type(value = JobEvent.Failed.class, name = "failed"),
  @JsonSubTypes.Type(value = JobEvent.Cancelled.class, name = "cancelled"),
  @JsonSubTypes.Type(value = JobEvent.TimedOut.class, name = "timed_out")
})
public sealed interface JobEvent {

  String jobId();

  int attempt();

  long sequence();

  Instant at();

  /** The status the job is in once this event is applied. */
  JobStatus targetStatus();

  /** A stable id for this event, for deduplication downstream. */
  /**
   * The sequence of the reconciler's own terminal event in an attempt ({@code ReconcileJobs}):
   * above any runner's, and the same on every sweep, so a repeat is a duplicate. Such an event
   * applies only to a job that is not running: a runner that claimed the job meanwhile wins.
   */
  long RECONCILER_SEQUENCE = Long.MAX_VALUE - 1;

  default String eventId() {
    return jobId() + "/" + attempt() + "/" + sequence();
  }

  record Started(String jobId, int attempt, long sequence, Instant at, String executionName)
      implements JobEvent {
    @Override
    public JobStatus targetStatus() {
      return JobStatus.RUNNING;
    }
  }

  record Progressed(String jobId, int attempt, long sequence, Instant at, Progress progress)
      implements JobEvent {
    @Override
    public JobStatus targetStatus() {
      return JobStatus.RUNNING;
    }
  }

  record OutputProduced(String jobId, int attempt, long sequence, Instant at, JobOutput output)
      implements JobEvent {
    @Override
    public JobStatus targetStatus() {
      return JobStatus.RUNNING;
    }
  }

  record Succeeded(
      String jobId, int attempt, long sequence, Instant at, List<JobOutput> outputs,
      double gpuSeconds) implements JobEvent {
    public Succeeded {
      outputs = outputs == null ? List.of() : List.copyOf(outputs);
    }

    @Override
    public JobStatus targetStatus() {
      return JobStatus.SUCCEEDED;
    }
  }

  record Failed(
      String jobId, int attempt, long sequence, Instant at, JobError error, double gpuSeconds)
      implements JobEvent {
    @Override
    public JobStatus targetStatus() {
      return JobStatus.FAILED;
    }
  }

  record Cancelled(String jobId, int attempt, long sequence, Instant at, double gpuSeconds)
      implements JobEvent {
    @Override
    public JobStatus targetStatus() {
      return JobStatus.CANCELLED;
    }
  }

  record TimedOut(
      String jobId, int attempt, long sequence, Instant at, JobError error, double gpuSeconds)
      implements JobEvent {
    @Override
    public JobStatus targetStatus() {
      return JobStatus.TIMED_OUT;
    }
  }
}
