package dev.darkroom.core.usecase;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.auth.Caller;
import dev.darkroom.core.comfy.PromptError;
import dev.darkroom.core.limits.Admission;
import dev.darkroom.core.port.IdempotencyKeys;
import dev.darkroom.core.port.JobStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * {@code POST /api/v2/jobs}: {@link SubmitPrompt} behind the caller's admission limits and, when
 * the client sends one, an {@code Idempotency-Key}.
 *
 * <p>The key is recorded <em>before</em> the job exists, naming a job id chosen up front; the
 * job is then submitted under that id, and {@link SubmitPrompt} is idempotent on it. So every
 * request with the key — concurrent twins, or a retry after this instance died between recording
 * the key and submitting — submits that one id: at most one job per key, never none that a retry
 * cannot create. A record whose submission was refused (invalid prompt, over a limit) is released,
 * so the client may fix what was wrong and retry with the same key.
 */
public final class SubmitJob {
  /** How long a key names its job; Firestore's TTL on {@code expireAt} deletes the record later. */
  public static final Duration KEY_LIFETIME = Duration.ofHours(24);

  /** What became of a submission. */
  public sealed interface Result {
    /** The job exists under {@code jobId}; {@code replayed} when an earlier request with the key created it. */
    record Submitted(String jobId, boolean replayed, ObjectNode nodeErrors) implements Result {}

    /** The key was used with another request: nothing submitted. */
    record KeyReused(String message) implements Result {}

    /** The prompt did not validate: ComfyUI's error. */
    record Invalid(PromptError error, ObjectNode nodeErrors) implements Result {}

    /** The caller is over a limit (429 or 402). */
    record OverLimit(Admission.Refusal refusal) implements Result {}
  }

  private final SubmitPrompt submit;
  private final IdempotencyKeys keys;
  private final JobStore jobs;
  private final Admission admission;
  private final Clock clock;
  private final Supplier<String> newIds;

  public SubmitJob(SubmitPrompt submit, IdempotencyKeys keys, JobStore jobs, Admission admission, Clock clock) {
    this(submit, keys, jobs, admission, clock, () -> UUID.randomUUID().toString());
  }

  SubmitJob(SubmitPrompt submit, IdempotencyKeys keys, JobStore jobs, Admission admission, Clock clock,
      Supplier<String> newIds) {
    this.submit = submit;
    this.keys = keys;
    this.jobs = jobs;
    this.admission = admission;
    this.clock = clock;
    this.newIds = newIds;
  }

  /**
   * @param request the parsed request; its {@code promptId} must be null (the id is chosen here)
   * @param key the {@code Idempotency-Key}, or null for none
   * @param requestHash the hash of the canonical request, compared between uses of one key
   */
  public Result submit(Caller caller, SubmitPrompt.Request request, String key, String requestHash) {
    if (request.promptId() != null) {
      throw new IllegalArgumentException("the job id is chosen by SubmitJob");
    }
    String chosen = newIds.get();
    // The limits are read while the key is recorded: both are needed before the job is created.
    Admission.Pending limits = admission.startSubmission(caller);
    if (key == null) {
      return submitAs(caller, request, chosen, true, false, () -> {}, limits);
    }
    Instant now = clock.instant();
    IdempotencyKeys.Entry entry = keys.claim(new IdempotencyKeys.Entry(
        caller.userId(), key, requestHash, chosen, now, now.plus(KEY_LIFETIME)), now);
    if (!entry.requestHash().equals(requestHash)) {
      return new Result.KeyReused("Idempotency-Key was already used with another request in the last "
          + KEY_LIFETIME.toHours() + " hours (job " + entry.jobId() + "); use a new key for a new request");
    }
    boolean mine = entry.jobId().equals(chosen);
    if (!mine && jobs.get(entry.jobId()).filter(job -> job.userId().equals(caller.userId())).isPresent()) {
      return new Result.Submitted(entry.jobId(), true, null);
    }
    // Ours, or recorded by a request that has not submitted (yet, or ever): submit that same id.
    Runnable release = mine ? () -> keys.release(caller.userId(), key, chosen) : () -> {};
    return submitAs(caller, request, entry.jobId(), mine, !mine, release, limits);
  }

  /** @param newId {@code jobId} was chosen here and named no job before ({@link SubmitPrompt#submitWithNewId}) */
  private Result submitAs(Caller caller, SubmitPrompt.Request request, String jobId, boolean newId, boolean replayed,
      Runnable releaseOnRefusal, Admission.Pending limits) {
    Optional<Admission.Refusal> overLimit = limits.result();
    if (overLimit.isPresent()) {
      releaseOnRefusal.run();
      return new Result.OverLimit(overLimit.get());
    }
    SubmitPrompt.Request withId = request.as(jobId, caller.tier());
    SubmitPrompt.Result result = newId ? submit.submitWithNewId(withId) : submit.submit(withId);
    if (result instanceof SubmitPrompt.Result.Refused refused) {
      releaseOnRefusal.run();
      return new Result.Invalid(refused.error(), refused.nodeErrors());
    }
    SubmitPrompt.Result.Accepted accepted = (SubmitPrompt.Result.Accepted) result;
    return new Result.Submitted(accepted.promptId(), replayed, accepted.nodeErrors());
  }
}
