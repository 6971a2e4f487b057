package dev.darkroom.core.usecase;

import dev.darkroom.core.job.PromptIds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.darkroom.core.comfy.PromptError;
import dev.darkroom.core.comfy.PromptVerdict;
import dev.darkroom.core.event.JobSubmitted;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobStatus;
import org.junit.jupiter.api.Test;

class SubmitPromptTest {
  private final UseCaseFixture f = new UseCaseFixture();

  @Test
  void anAcceptedPromptIsStoredQueuedRecordedAndPublished() {
    SubmitPrompt.Result result = f.submit.submit(f.request("alice", null));

    assertThat(result).isInstanceOf(SubmitPrompt.Result.Accepted.class);
    String id = ((SubmitPrompt.Result.Accepted) result).promptId();
    Job job = f.jobs.get(id).orElseThrow();
    assertThat(job.status()).isEqualTo(JobStatus.QUEUED);
    assertThat(job.userId()).isEqualTo("alice");
    assertThat(job.clientId()).isEqualTo("client-1");
    assertThat(f.jobs.promptOf(id).orElseThrow().prompt()).isEqualTo(UseCaseFixture.prompt());
    assertThat(f.queue.published).containsExactly(new JobSubmitted(id, "alice", 1));
  }

  @Test
  void aNewIdsMessageIsOnItsWayBeforeItsJobIsStored() {
    java.util.List<Integer> sentWhenStored = new java.util.ArrayList<>();
    f.jobs.onWrite(job -> sentWhenStored.add(f.queue.published.size()));

    f.submit.submit(f.request("alice", null));

    // The publish does not wait for the create: the submit costs the slower of the two.
    assertThat(sentWhenStored).containsExactly(1);
  }

  @Test
  void aClientChosenIdIsStoredBeforeItsMessageIsSent() {
    java.util.List<Integer> sentWhenStored = new java.util.ArrayList<>();
    f.jobs.onWrite(job -> sentWhenStored.add(f.queue.published.size()));

    f.submit.submit(f.request("alice", "p-1"));

    // The id may be someone else's: nothing is said of it before the create decided whose it is.
    assertThat(sentWhenStored).containsExactly(0);
    assertThat(f.queue.published).containsExactly(new JobSubmitted("p-1", "alice", 1));
  }

  @Test
  void submitLeavesTheLedgerRowToDispatchWhichWritesItAsItLaunches() {
    f.submit.submit(f.request("alice", "p-1"));
    // Not on the submitter's time: the next step writes the row.
    assertThat(f.ledger.rows).doesNotContainKey("p-1");

    f.dispatch.dispatch(f.queue.published.get(0));
    assertThat(f.ledger.rows.get("p-1").status()).isEqualTo(JobStatus.DISPATCHED);
    f.claim.claim("p-1", "exec-1");
    f.apply.apply(new dev.darkroom.core.event.JobEvent.Started("p-1", 1, 1, f.clock.instant(), "exec-1"));
    assertThat(f.ledger.rows.get("p-1").status()).isEqualTo(JobStatus.RUNNING);
  }

  @Test
  void aJobThatADrainingRunnerTakesFromTheQueueGetsItsLedgerRowFromJobEvents() {
    f.submit.submit(f.request("alice", "p-1"));
    // A draining runner claims it before dispatch does: job-events records its first event.
    f.claim.claim("p-1", "exec-1");
    f.apply.apply(new dev.darkroom.core.event.JobEvent.Started("p-1", 1, 1, f.clock.instant(), "exec-1"));
    assertThat(f.ledger.rows.get("p-1").status()).isEqualTo(JobStatus.RUNNING);
  }

  @Test
  void theJobKeepsTheValidatorsCoercedPromptAndOutputsToExecute() {
    com.fasterxml.jackson.databind.node.ObjectNode coerced = UseCaseFixture.prompt();
    coerced.with("9").with("inputs").put("filename_prefix", "coerced");
    java.util.List<String>[] targetsSeen = new java.util.List[1];
    SubmitPrompt.Check policy = (prompt, targets, userId) -> {
      targetsSeen[0] = targets;
      return new PromptVerdict(null, prompt.objectNode(), java.util.List.of("9"), coerced);
    };
    SubmitPrompt submit = new SubmitPrompt(f.jobs, f.queue, policy, f.clock);
    SubmitPrompt.Result.Accepted accepted = (SubmitPrompt.Result.Accepted) submit.submit(new SubmitPrompt.Request(
        "alice", UseCaseFixture.prompt(), null, null, false, null, null, java.util.List.of("9")));
    Job job = f.jobs.get(accepted.promptId()).orElseThrow();
    assertThat(job.outputsToExecute()).containsExactly("9");
    assertThat(f.jobs.promptOf(job.id()).orElseThrow().prompt().at("/9/inputs/filename_prefix").asText())
        .isEqualTo("coerced");
    assertThat(targetsSeen[0]).containsExactly("9");
  }

  @Test
  void theServerNumberGrowsWithTimeAndFrontJumpsTheQueue() {
    SubmitPrompt.Result.Accepted back = (SubmitPrompt.Result.Accepted) f.submit.submit(f.request("a", null));
    SubmitPrompt.Result.Accepted front = (SubmitPrompt.Result.Accepted) f.submit.submit(
        new SubmitPrompt.Request("a", UseCaseFixture.prompt(), null, null, true, null, null));
    SubmitPrompt.Result.Accepted chosen = (SubmitPrompt.Result.Accepted) f.submit.submit(
        new SubmitPrompt.Request("a", UseCaseFixture.prompt(), null, 7.0, false, null, null));
    assertThat(back.number()).isEqualTo(UseCaseFixture.NOW.toEpochMilli());
    assertThat(front.number()).isLessThan(0);
    assertThat(chosen.number()).isEqualTo(7.0);
  }

  @Test
  void aRetriedSubmissionWithTheSamePromptIdIsOneJob() {
    f.submit.submit(f.request("alice", "p-1"));
    f.submit.submit(f.request("alice", "p-1"));

    assertThat(f.jobs.all()).hasSize(1);
    // Still queued, so it is handed to dispatch again; dispatch's claim makes that harmless.
    assertThat(f.queue.published).hasSize(2).allMatch(m -> m.jobId().equals("p-1"));
  }

  @Test
  void aRetryAfterDispatchDoesNotQueueAgain() {
    f.submit.submit(f.request("alice", "p-1"));
    f.dispatch.dispatch(f.queue.published.get(0));
    f.submit.submit(f.request("alice", "p-1"));
    assertThat(f.queue.published).hasSize(1);
  }

  @Test
  void anotherUsersPromptIdIsAcceptedAsTheCallersOwnJobAndTheirJobUntouched() {
    String taken = "6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f";
    f.submit.submit(f.request("alice", taken));
    SubmitPrompt.Result result = f.submit.submit(f.request("mallory", taken));

    assertThat(result).isInstanceOf(SubmitPrompt.Result.Accepted.class);
    assertThat(((SubmitPrompt.Result.Accepted) result).promptId()).isEqualTo(taken);
    assertThat(f.jobs.get(taken).orElseThrow().userId()).isEqualTo("alice");
    Job mallorys = f.jobs.get(PromptIds.elsewhere("mallory", taken)).orElseThrow();
    assertThat(mallorys.userId()).isEqualTo("mallory");
    assertThat(mallorys.promptId()).isEqualTo(taken);
    assertThat(f.queue.published).extracting(JobSubmitted::jobId).containsExactly(taken, mallorys.id());
  }

  @Test
  void aRefusedPromptLeavesNoTrace() {
    SubmitPrompt refusing = new SubmitPrompt(f.jobs, f.queue,
        (prompt, targets, user) -> PromptVerdict.refused(
            PromptError.of("prompt_no_outputs", "Prompt has no outputs", ""), prompt),
        f.clock);
    SubmitPrompt.Result result = refusing.submit(f.request("alice", null));
    assertThat(((SubmitPrompt.Result.Refused) result).error().type()).isEqualTo("prompt_no_outputs");
    assertThat(f.jobs.all()).isEmpty();
    assertThat(f.ledger.rows).isEmpty();
    assertThat(f.queue.published).isEmpty();
  }
}
