package dev.darkroom.core.job;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A submitted ComfyUI prompt and everything known about its run.
 *
 * @param id the ComfyUI {@code prompt_id}
 * @param number ComfyUI's queue number (priority; lower runs first)
 * @param prompt the workflow in ComfyUI's API format
 * @param extraData ComfyUI's {@code extra_data}, stored verbatim
 * @param attempt 1 for the first run; bumped each time the job goes back to the queue
 * @param lastSequence the highest runner event sequence applied within {@code attempt}
 * @param executionName the Cloud Run execution running or dispatched to run it
 * @param gpuSeconds GPU time the job used, reported by the runner
 * @param outputsToExecute ComfyUI's {@code outputs_to_execute}: the output nodes that passed
 *     validation (empty when the API validated structurally only, with no catalog)
 * @param cancelRequested a client asked to interrupt the running job ({@code POST /interrupt});
 *     the runner acts on it (a later issue), the API only records the request
 * @param hiddenFromHistory a client removed the finished job from its ComfyUI history
 *     ({@code POST /history}); the job and its ledger rows stay
 */
public record Job(
    String id,
    String userId,
    JobStatus status,
    double number,
    ObjectNode prompt,
    ObjectNode extraData,
    String clientId,
    int attempt,
    long lastSequence,
    String executionName,
    Progress progress,
    List<JobOutput> outputs,
    JobError error,
    double gpuSeconds,
    Instant createdAt,
    Instant updatedAt,
    List<String> outputsToExecute,
    boolean cancelRequested,
    boolean hiddenFromHistory) {

  public Job {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(status, "status");
    outputs = outputs == null ? List.of() : List.copyOf(outputs);
    outputsToExecute = outputsToExecute == null ? List.of() : List.copyOf(outputsToExecute);
  }

  /** A new job, queued, on its first attempt. */
  public static Job queued(
      String id, String userId, double number, ObjectNode prompt, ObjectNode extraData,
      String clientId, Instant now) {
    return new Job(id, userId, JobStatus.QUEUED, number, prompt, extraData, clientId, 1, 0,
        null, null, List.of(), null, 0, now, now, List.of(), false, false);
  }

  public Job withStatus(JobStatus next, Instant now) {
    return new Job(id, userId, next, number, prompt, extraData, clientId, attempt, lastSequence,
        executionName, progress, outputs, error, gpuSeconds, createdAt, now, outputsToExecute,
        cancelRequested, hiddenFromHistory);
  }

  public Job withExecution(String execution, Instant now) {
    return new Job(id, userId, status, number, prompt, extraData, clientId, attempt, lastSequence,
        execution, progress, outputs, error, gpuSeconds, createdAt, now, outputsToExecute,
        cancelRequested, hiddenFromHistory);
  }

  /** Back to the queue for another attempt: runner state of the old attempt is cleared. */
  public Job requeued(Instant now) {
    return new Job(id, userId, JobStatus.QUEUED, number, prompt, extraData, clientId, attempt + 1,
        0, null, null, List.of(), null, gpuSeconds, createdAt, now, outputsToExecute, cancelRequested,
        hiddenFromHistory);
  }

  /**
   * How far the job has come, for stores that must never go backwards: attempt first, then the
   * runner's event sequence, then the status's rank (queued, dispatched, running, terminal) for
   * the moves that carry no runner sequence. The ledger keeps a record only for a progress key at
   * least as high as the one it holds.
   */
  public long[] progressKey() {
    return new long[] {attempt, lastSequence, statusRank(status)};
  }

  /** True if this state is at least as far along as {@code recorded} (so it may replace it). */
  public boolean supersedes(Job recorded) {
    return java.util.Arrays.compare(progressKey(), recorded.progressKey()) >= 0;
  }

  /** Rank of a status among the moves without a runner sequence; used in {@link #progressKey}. */
  public static int statusRank(JobStatus status) {
    switch (status) {
      case QUEUED:
        return 0;
      case DISPATCHED:
        return 1;
      case RUNNING:
      case LOST:
        return 2;
      default:
        return 3;
    }
  }

  /** The result of applying a runner event: everything the event can change at once. */
  public Job afterEvent(
      JobStatus next, long sequence, Progress newProgress, List<JobOutput> newOutputs,
      JobError newError, double newGpuSeconds, Instant now) {
    return new Job(id, userId, next, number, prompt, extraData, clientId, attempt, sequence,
        executionName, newProgress, newOutputs, newError, newGpuSeconds, createdAt, now,
        outputsToExecute, cancelRequested, hiddenFromHistory);
  }

  /** The same job with ComfyUI's {@code outputs_to_execute}, as validation found them. */
  public Job withOutputsToExecute(List<String> outputNodes) {
    return new Job(id, userId, status, number, prompt, extraData, clientId, attempt, lastSequence,
        executionName, progress, outputs, error, gpuSeconds, createdAt, updatedAt, outputNodes,
        cancelRequested, hiddenFromHistory);
  }

  /** Marks the running job for interruption; the runner, not the API, stops the work. */
  public Job withCancelRequested(Instant now) {
    return new Job(id, userId, status, number, prompt, extraData, clientId, attempt, lastSequence,
        executionName, progress, outputs, error, gpuSeconds, createdAt, now, outputsToExecute,
        true, hiddenFromHistory);
  }

  /** Hides the finished job from the owner's ComfyUI history; nothing is deleted. */
  public Job hiddenFromHistory(Instant now) {
    return new Job(id, userId, status, number, prompt, extraData, clientId, attempt, lastSequence,
        executionName, progress, outputs, error, gpuSeconds, createdAt, now, outputsToExecute,
        cancelRequested, true);
  }
}
