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
 * @param prompt the workflow in ComfyUI's API format; null in a job read from the store, which
 *     keeps it beside the job ({@link JobPrompt}, {@code JobStore#promptOf})
 * @param extraData ComfyUI's {@code extra_data}, stored verbatim; null where {@code prompt} is
 * @param attempt 1 for the first run; bumped each time the job goes back to the queue
 * @param lastSequence the highest runner event sequence applied within {@code attempt}
 * @param executionName the Cloud Run execution running or dispatched to run it
 * @param gpuSeconds GPU time the current attempt used, reported by the runner (or estimated for a
 *     lost attempt, {@link #lost})
 * @param outputsToExecute ComfyUI's {@code outputs_to_execute}: the output nodes that passed
 *     validation (empty when the API validated structurally only, with no catalog)
 * @param cancelRequested a client asked to interrupt the running job ({@code POST /interrupt});
 *     the runner acts on it (a later issue), the API only records the request
 * @param hiddenFromHistory a client removed the finished job from its ComfyUI history
 *     ({@code POST /history}); the job and its ledger rows stay
 * @param fingerprint the set of model files the prompt loads ({@link ModelFingerprint}): a runner
 *     that has them loaded drains queued jobs with the same fingerprint
 * @param heartbeatAt when the runner running the current attempt last said it is alive; always
 *     null unless running (the constructor sees to it)
 * @param endingAt when the runner of the current attempt began reporting its end: the terminal
 *     event is on its way to job-events, so a silent job is not lost; null unless running
 * @param runningSince when the runner of the current attempt claimed it; null unless running, or
 *     lost (then it says when the lost attempt began: {@link #pastTimeLimit})
 * @param earlierAttemptsGpuSeconds GPU time of the attempts before the current one: each attempt is
 *     billed ({@link #billedGpuSeconds}), whether it ended, was lost or was handed back
 * @param tier the submitter's service tier, which sets how many of their jobs may run at once
 *     ({@code FairShare}); {@link #DEFAULT_TIER} when the caller has none
 * @param chosenId the {@code prompt_id} its submitter chose, when that id was already another
 *     user's and the job is stored under {@link PromptIds#elsewhere} instead; null when the job is
 *     stored under the id its submitter knows ({@link #promptId})
 * @param maxRunSeconds how long one attempt's prompt may run on the engine before it is
 *     interrupted and the job ends {@code timed_out}: the request's wish capped by the tier's and
 *     the deployment's maximums, fixed when the job is accepted ({@code RunTimeLimits}); 0 for a
 *     job accepted before limits were recorded (none but the GPU task's own)
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
    boolean hiddenFromHistory,
    String fingerprint,
    Instant heartbeatAt,
    Instant endingAt,
    Instant runningSince,
    double earlierAttemptsGpuSeconds,
    String tier,
    List<Thumbnail> thumbnails,
    String chosenId,
    long maxRunSeconds) {

  /** The tier of a job whose submitter has none (the local stack's user, jobs from before tiers). */
  public static final String DEFAULT_TIER = "standard";

  public Job {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(status, "status");
    outputs = outputs == null ? List.of() : List.copyOf(outputs);
    outputsToExecute = outputsToExecute == null ? List.of() : List.copyOf(outputsToExecute);
    // A heartbeat belongs to a running attempt; any other status has none.
    heartbeatAt = status == JobStatus.RUNNING ? heartbeatAt : null;
    endingAt = status == JobStatus.RUNNING ? endingAt : null;
    runningSince = status == JobStatus.RUNNING || status == JobStatus.LOST ? runningSince : null;
    tier = tier == null || tier.isBlank() ? DEFAULT_TIER : tier;
    thumbnails = thumbnails == null ? List.of() : List.copyOf(thumbnails);
  }

  /**
   * The id its submitter knows it by: ComfyUI's {@code prompt_id} in every answer, message and
   * notification. The same as {@link #id} (the store's), unless the submitter chose an id that
   * was already someone else's ({@link #chosenId}).
   */
  public String promptId() {
    return chosenId != null ? chosenId : id;
  }

  /** A new job, queued, on its first attempt; its fingerprint is the prompt's. */
  public static Job queued(
      String id, String userId, double number, ObjectNode prompt, ObjectNode extraData,
      String clientId, Instant now) {
    return builder(id, userId, JobStatus.QUEUED).number(number).prompt(prompt).extraData(extraData)
        .clientId(clientId).attempt(1).createdAt(now).updatedAt(now)
        .fingerprint(prompt == null ? null : ModelFingerprint.of(prompt)).build();
  }

  /** A job with only the identity set: for stores reading documents and for tests. */
  public static Builder builder(String id, String userId, JobStatus status) {
    return new Builder().id(id).userId(userId).status(status);
  }

  /** A builder holding every field of this job, to change some of them. */
  public Builder toBuilder() {
    return new Builder().id(id).userId(userId).status(status).number(number).prompt(prompt)
        .extraData(extraData).clientId(clientId).attempt(attempt).lastSequence(lastSequence)
        .executionName(executionName).progress(progress).outputs(outputs).error(error)
        .gpuSeconds(gpuSeconds).createdAt(createdAt).updatedAt(updatedAt)
        .outputsToExecute(outputsToExecute).cancelRequested(cancelRequested)
        .hiddenFromHistory(hiddenFromHistory).fingerprint(fingerprint).heartbeatAt(heartbeatAt).endingAt(endingAt)
        .runningSince(runningSince).earlierAttemptsGpuSeconds(earlierAttemptsGpuSeconds).tier(tier)
        .thumbnails(thumbnails).chosenId(chosenId).maxRunSeconds(maxRunSeconds);
  }

  public Job withStatus(JobStatus next, Instant now) {
    return toBuilder().status(next).updatedAt(now).build();
  }

  public Job withExecution(String execution, Instant now) {
    return toBuilder().executionName(execution).updatedAt(now).build();
  }

  /**
   * True if {@code execution} is the execution recorded on this job. Runners know their execution
   * by its short name ({@code CLOUD_RUN_EXECUTION}), dispatch by the full resource name
   * ({@code projects/…/executions/{short}}); both name the same execution.
   */
  public boolean isRunBy(String execution) {
    return executionName != null && execution != null
        && (executionName.equals(execution) || executionName.endsWith("/executions/" + execution));
  }

  /** The running attempt's runner is alive at {@code now}. */
  public Job withHeartbeat(Instant now) {
    return toBuilder().heartbeatAt(now).updatedAt(now).build();
  }

  /**
   * Back to the queue for another attempt: runner state of the old attempt is cleared, and its GPU
   * time ({@link #attemptGpuSeconds}) is added to the earlier attempts', to be billed.
   */
  public Job requeued(Instant now) {
    return toBuilder().status(JobStatus.QUEUED).attempt(attempt + 1).lastSequence(0)
        .executionName(null).progress(null).outputs(List.of()).error(null)
        .earlierAttemptsGpuSeconds(earlierAttemptsGpuSeconds + attemptGpuSeconds()).gpuSeconds(0)
        .updatedAt(now).build();
  }

  /** Claimed by {@code execution}'s runner at {@code now}: running, alive, its GPU time counted from now. */
  public Job claimedBy(String execution, Instant now) {
    return toBuilder().status(JobStatus.RUNNING).executionName(execution).heartbeatAt(now).runningSince(now)
        .updatedAt(now).build();
  }

  /**
   * The running attempt's task is gone: {@code lost}, its GPU time estimated as
   * {@link #attemptGpuSeconds} (the task was billed at least until its last heartbeat).
   */
  public Job lost(Instant now) {
    return toBuilder().gpuSeconds(attemptGpuSeconds()).status(JobStatus.LOST).updatedAt(now).build();
  }

  /**
   * The current attempt's GPU time: what its runner reported, or, for a running attempt whose
   * runner never will (lost, handed back), the time from its claim to its last heartbeat.
   */
  public double attemptGpuSeconds() {
    if (runningSince == null || heartbeatAt == null || heartbeatAt.isBefore(runningSince)) {
      return gpuSeconds;
    }
    return Math.max(gpuSeconds, java.time.Duration.between(runningSince, heartbeatAt).toNanos() / 1e9);
  }

  /** GPU time of every attempt so far: what the ledger bills the user for this job. */
  public double billedGpuSeconds() {
    return earlierAttemptsGpuSeconds + gpuSeconds;
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
    return toBuilder().status(next).lastSequence(sequence).progress(newProgress)
        .outputs(newOutputs).error(newError).gpuSeconds(newGpuSeconds).updatedAt(now).build();
  }

  /** The same job with ComfyUI's {@code outputs_to_execute}, as validation found them. */
  /**
   * This job without its prompt and {@code extra_data}: what the live job document keeps (the
   * prompt lives beside it, see {@link JobPrompt}).
   */
  public Job withoutPrompt() {
    return toBuilder().prompt(null).extraData(null).build();
  }

  /** This job carrying {@code stored}'s prompt and {@code extra_data}, for whoever runs or shows it. */
  public Job withPrompt(JobPrompt stored) {
    return toBuilder().prompt(stored.prompt()).extraData(stored.extraData()).build();
  }

  public Job withOutputsToExecute(List<String> outputNodes) {
    return toBuilder().outputsToExecute(outputNodes).build();
  }

  /**
   * This job, to be stored under its submitter's own id ({@link PromptIds#elsewhere}) because the
   * one they chose is someone else's; they still see the one they chose.
   */
  public Job storedElsewhere() {
    return toBuilder().id(PromptIds.elsewhere(userId, promptId())).chosenId(promptId()).build();
  }

  /** The job with its time limit ({@link #maxRunSeconds}), as accepted. */
  public Job withMaxRunSeconds(long seconds) {
    return toBuilder().maxRunSeconds(seconds).build();
  }

  /**
   * True if the current attempt (running, or lost) has a time limit and began at least that long
   * before {@code now}: had its runner lived, it would have been interrupted by now. Counted from
   * the claim, a little before the engine started the prompt (the runner counts from there).
   */
  public boolean pastTimeLimit(Instant now) {
    return maxRunSeconds > 0 && runningSince != null && !now.isBefore(runningSince.plusSeconds(maxRunSeconds));
  }

  /** The submitter's tier; null or blank is {@link #DEFAULT_TIER}. */
  public Job withTier(String tier) {
    return toBuilder().tier(tier).build();
  }

  /**
   * The job with {@code thumbnail} recorded for its source object, replacing an earlier one of the
   * same source (a rewritten output); unchanged if exactly that thumbnail is already there, or if the
   * one there was made from a later generation of the source (events can come out of order).
   */
  public Job withThumbnail(Thumbnail thumbnail, Instant now) {
    if (thumbnails.contains(thumbnail) || thumbnailOf(thumbnail.sourceObject())
        .filter(t -> t.sourceGeneration() > thumbnail.sourceGeneration()).isPresent()) {
      return this;
    }
    List<Thumbnail> next = new java.util.ArrayList<>();
    for (Thumbnail t : thumbnails) {
      if (!t.sourceObject().equals(thumbnail.sourceObject())) {
        next.add(t);
      }
    }
    next.add(thumbnail);
    return toBuilder().thumbnails(next).updatedAt(now).build();
  }

  /** The thumbnail made of {@code objectName}, if one was. */
  public java.util.Optional<Thumbnail> thumbnailOf(String objectName) {
    return thumbnails.stream().filter(t -> t.sourceObject().equals(objectName)).findFirst();
  }

  /** Marks the running job for interruption; the runner, not the API, stops the work. */
  public Job withCancelRequested(Instant now) {
    return toBuilder().cancelRequested(true).updatedAt(now).build();
  }

  /** Hides the finished job from the owner's ComfyUI history; nothing is deleted. */
  public Job hiddenFromHistory(Instant now) {
    return toBuilder().hiddenFromHistory(true).updatedAt(now).build();
  }

  /** Builds a {@link Job}; unset fields are null, zero or false (lists empty). */
  public static final class Builder {
    private String id;
    private String userId;
    private JobStatus status;
    private double number;
    private ObjectNode prompt;
    private ObjectNode extraData;
    private String clientId;
    private int attempt = 1;
    private long lastSequence;
    private String executionName;
    private Progress progress;
    private List<JobOutput> outputs = List.of();
    private JobError error;
    private double gpuSeconds;
    private Instant createdAt;
    private Instant updatedAt;
    private List<String> outputsToExecute = List.of();
    private boolean cancelRequested;
    private boolean hiddenFromHistory;
    private String fingerprint;
    private Instant heartbeatAt;
    private Instant endingAt;
    private Instant runningSince;
    private double earlierAttemptsGpuSeconds;
    private String tier;
    private List<Thumbnail> thumbnails = List.of();
    private String chosenId;
    private long maxRunSeconds;

    private Builder() {}

    public Builder id(String v) { id = v; return this; }
    public Builder userId(String v) { userId = v; return this; }
    public Builder status(JobStatus v) { status = v; return this; }
    public Builder number(double v) { number = v; return this; }
    public Builder prompt(ObjectNode v) { prompt = v; return this; }
    public Builder extraData(ObjectNode v) { extraData = v; return this; }
    public Builder clientId(String v) { clientId = v; return this; }
    public Builder attempt(int v) { attempt = v; return this; }
    public Builder lastSequence(long v) { lastSequence = v; return this; }
    public Builder executionName(String v) { executionName = v; return this; }
    public Builder progress(Progress v) { progress = v; return this; }
    public Builder outputs(List<JobOutput> v) { outputs = v; return this; }
    public Builder error(JobError v) { error = v; return this; }
    public Builder gpuSeconds(double v) { gpuSeconds = v; return this; }
    public Builder createdAt(Instant v) { createdAt = v; return this; }
    public Builder updatedAt(Instant v) { updatedAt = v; return this; }
    public Builder outputsToExecute(List<String> v) { outputsToExecute = v; return this; }
    public Builder cancelRequested(boolean v) { cancelRequested = v; return this; }
    public Builder hiddenFromHistory(boolean v) { hiddenFromHistory = v; return this; }
    public Builder fingerprint(String v) { fingerprint = v; return this; }
    public Builder heartbeatAt(Instant v) { heartbeatAt = v; return this; }
    public Builder endingAt(Instant v) { endingAt = v; return this; }
    public Builder runningSince(Instant v) { runningSince = v; return this; }
    public Builder earlierAttemptsGpuSeconds(double v) { earlierAttemptsGpuSeconds = v; return this; }
    public Builder tier(String v) { tier = v; return this; }
    public Builder thumbnails(List<Thumbnail> v) { thumbnails = v; return this; }
    public Builder chosenId(String v) { chosenId = v; return this; }
    public Builder maxRunSeconds(long v) { maxRunSeconds = v; return this; }

    public Job build() {
      return new Job(id, userId, status, number, prompt, extraData, clientId, attempt, lastSequence,
          executionName, progress, outputs, error, gpuSeconds, createdAt, updatedAt, outputsToExecute,
          cancelRequested, hiddenFromHistory, fingerprint, heartbeatAt, endingAt, runningSince,
          earlierAttemptsGpuSeconds, tier, thumbnails, chosenId, maxRunSeconds);
    }
  }
}
