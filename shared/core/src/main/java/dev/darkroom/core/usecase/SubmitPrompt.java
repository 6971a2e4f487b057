package dev.darkroom.core.usecase;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.comfy.PromptError;
import dev.darkroom.core.comfy.PromptPolicy;
import dev.darkroom.core.comfy.PromptVerdict;
import dev.darkroom.core.event.JobSubmitted;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.limits.RunTimeLimits;
import dev.darkroom.core.port.JobQueue;
import dev.darkroom.core.port.JobStore;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * {@code POST /prompt}: validate, store the job as queued (one {@code create}, its prompt beside
 * it), hand it to dispatch. Two round trips: the create and the publish. For a new id they run at
 * once (a random id cannot be anyone's job, and dispatch retries a young message whose job it
 * cannot read yet); for a client-chosen id the create comes first, because the id may already be
 * taken, by this user's earlier try (a retry: the same job) or by someone else (the job is then
 * stored under an id of the caller's own, {@link Job#storedElsewhere}, and nothing tells the caller
 * that the id they chose was taken).
 *
 * <p>Idempotent on the prompt id: posting the same {@code prompt_id} again (a client retrying
 * after a lost reply) returns the same job and never queues it twice; if the job is still queued,
 * it is handed to dispatch again, which is harmless because dispatch claims before it launches.
 *
 * <p>No ledger write here: a queued job has nothing the ledger sums (no GPU time), and every way
 * out of the queue records the job's row (dispatch when it launches the job, job-events at the
 * runner's first event, the reconciler's verdicts through job-events, a cancel), so a write
 * here would only be redone by the next step, on the submitter's time.
 */
public final class SubmitPrompt {

  /**
   * @param promptId client-chosen id, or null for a new one
   * @param number client-chosen priority, or null for the server's
   * @param front with no number: run before everything queued (ComfyUI's {@code front})
   * @param partialExecutionTargets ComfyUI's {@code partial_execution_targets}, or null for all
   * @param tier the submitter's tier, or null for {@link Job#DEFAULT_TIER}
   * @param maxRunSeconds the most seconds the caller (and its deployment) allow the job to run, or
   *     null for the tier's maximum ({@link RunTimeLimits})
   */
  public record Request(
      String userId, ObjectNode prompt, String promptId, Double number, boolean front,
      String clientId, ObjectNode extraData, List<String> partialExecutionTargets, String tier,
      Long maxRunSeconds) {

    public Request(
        String userId, ObjectNode prompt, String promptId, Double number, boolean front,
        String clientId, ObjectNode extraData, List<String> partialExecutionTargets, String tier) {
      this(userId, prompt, promptId, number, front, clientId, extraData, partialExecutionTargets, tier, null);
    }

    public Request(
        String userId, ObjectNode prompt, String promptId, Double number, boolean front,
        String clientId, ObjectNode extraData, List<String> partialExecutionTargets) {
      this(userId, prompt, promptId, number, front, clientId, extraData, partialExecutionTargets, null);
    }

    public Request(
        String userId, ObjectNode prompt, String promptId, Double number, boolean front,
        String clientId, ObjectNode extraData) {
      this(userId, prompt, promptId, number, front, clientId, extraData, null, null);
    }

    public Request withTier(String tier) {
      return new Request(userId, prompt, promptId, number, front, clientId, extraData, partialExecutionTargets, tier,
          maxRunSeconds);
    }

    /** This request with {@code cap} as its maximum run time too: the tighter of the two applies. */
    public Request cappedAt(Long cap) {
      return new Request(userId, prompt, promptId, number, front, clientId, extraData, partialExecutionTargets, tier,
          RunTimeLimits.tighter(maxRunSeconds, cap));
    }

    /** This request under {@code id}, as {@code tier}'s: the id and tier the server decided on. */
    public Request as(String id, String submitterTier) {
      return new Request(userId, prompt, id, number, front, clientId, extraData, partialExecutionTargets,
          submitterTier, maxRunSeconds);
    }
  }

  public sealed interface Result {
    record Accepted(String promptId, double number, ObjectNode nodeErrors) implements Result {}

    record Refused(PromptError error, ObjectNode nodeErrors) implements Result {}
  }

  private final JobStore jobs;
  private final JobQueue queue;
  private final Check policy;
  private final Clock clock;
  private final Supplier<String> newIds;
  private volatile RunTimeLimits runTimeLimits = RunTimeLimits.defaults();

  /** How submit asks {@link PromptPolicy#check}; tests script the verdict through it. */
  @FunctionalInterface
  interface Check {
    PromptVerdict check(ObjectNode prompt, List<String> partialExecutionTargets, String userId);
  }

  public SubmitPrompt(JobStore jobs, JobQueue queue, PromptPolicy policy, Clock clock) {
    this(jobs, queue, policy::check, clock);
  }

  SubmitPrompt(JobStore jobs, JobQueue queue, Check policy, Clock clock) {
    this(jobs, queue, policy, clock, () -> UUID.randomUUID().toString());
  }

  SubmitPrompt(JobStore jobs, JobQueue queue, Check policy, Clock clock, Supplier<String> newIds) {
    this.jobs = jobs;
    this.queue = queue;
    this.policy = policy;
    this.clock = clock;
    this.newIds = newIds;
  }

  /** Jobs get their time limits from these tiers' maximums ({@link RunTimeLimits#defaults} otherwise). */
  public SubmitPrompt limitingRunTime(RunTimeLimits limits) {
    this.runTimeLimits = limits;
    return this;
  }

  public Result submit(Request request) {
    return submit(request, request.promptId() == null);
  }

  /**
   * As {@link #submit}, for a request whose {@code promptId} the server has just chosen at random
   * (not shown to anyone yet): a new id, whose message travels while its job is created.
   */
  public Result submitWithNewId(Request request) {
    if (request.promptId() == null) {
      throw new IllegalArgumentException("submitWithNewId needs the id the server chose");
    }
    return submit(request, true);
  }

  private Result submit(Request request, boolean newId) {
    PromptVerdict checked = policy.check(
        request.prompt(), request.partialExecutionTargets(), request.userId());
    if (!checked.accepted()) {
      return new Result.Refused(checked.error(), checked.nodeErrors());
    }
    String id = request.promptId() != null ? request.promptId() : newIds.get();
    // The coerced prompt, as ComfyUI queues it and shows it in /queue and /history.
    Job fresh = Job.queued(id, request.userId(), number(request), checked.prompt(),
        request.extraData() != null ? request.extraData() : JsonNodeFactory.instance.objectNode(),
        request.clientId(), clock.instant())
        .withOutputsToExecute(checked.outputsToExecute())
        .withTier(request.tier());
    fresh = fresh.withMaxRunSeconds(runTimeLimits.effective(fresh.tier(), request.maxRunSeconds()));
    // A new id names nobody's job, so its message can travel while the job is created: the
    // submit costs the slower of the two calls, not their sum. Dispatch may hear of the job
    // before it can read it, and waits for it (DispatchJobs). A client-chosen id may be taken.
    JobQueue.Sending sending = newId ? queue.send(new JobSubmitted(id, request.userId(), fresh.attempt())) : null;
    Job stored = jobs.create(fresh).orElse(fresh);
    if (sending != null) {
      sending.await();
    }
    if (!stored.userId().equals(request.userId())) {
      // Someone else's id: refusing would tell the caller it exists. Their job goes to a place
      // of its own (the same on a retry), under the id they chose.
      Job elsewhere = fresh.storedElsewhere();
      stored = jobs.create(elsewhere).orElse(elsewhere);
      if (!stored.userId().equals(request.userId())) {
        throw new IllegalStateException("job " + stored.id() + " is not " + request.userId() + "'s own place");
      }
    }
    if (sending == null && stored.status() == JobStatus.QUEUED) {
      queue.publish(new JobSubmitted(stored.id(), stored.userId(), stored.attempt()));
    }
    return new Result.Accepted(stored.promptId(), stored.number(), checked.nodeErrors());
  }

  /**
   * ComfyUI numbers prompts with a process-wide counter; a serverless API has no such process, so
   * the submission time in milliseconds stands in: later prompts get larger numbers, and
   * {@code front} negates it so the prompt sorts before everything queued.
   */
  private double number(Request request) {
    if (request.number() != null) {
      return request.number();
    }
    long now = clock.millis();
    return request.front() ? -now : now;
  }
}
