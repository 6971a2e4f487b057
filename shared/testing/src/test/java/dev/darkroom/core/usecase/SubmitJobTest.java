package dev.darkroom.core.usecase;

import static org.assertj.core.api.Assertions.assertThat;

import dev.darkroom.core.auth.Caller;
import dev.darkroom.core.comfy.PromptError;
import dev.darkroom.core.comfy.PromptVerdict;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.limits.Admission;
import dev.darkroom.core.limits.PerTier;
import dev.darkroom.core.port.IdempotencyKeys;
import dev.darkroom.testing.InMemoryIdempotencyKeys;
import dev.darkroom.testing.InMemoryRateCounter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SubmitJobTest {
  private final UseCaseFixture f = new UseCaseFixture();
  private final InMemoryIdempotencyKeys keys = new InMemoryIdempotencyKeys();
  private final AtomicInteger ids = new AtomicInteger();
  private final AtomicBoolean valid = new AtomicBoolean(true);
  private final SubmitPrompt submitPrompt = new SubmitPrompt(f.jobs, f.queue,
      (prompt, targets, user) -> valid.get() ? PromptVerdict.accepted(prompt)
          : PromptVerdict.refused(PromptError.of("invalid_prompt", "Invalid prompt", "no"), prompt),
      f.clock);
  private final Caller alice = Caller.idToken("alice", "free");

  private SubmitJob submitJob(Admission.Settings limits) {
    return new SubmitJob(submitPrompt, keys, f.jobs,
        new Admission(new InMemoryRateCounter(), f.jobs, f.ledger, limits, f.clock), f.clock,
        () -> String.format("00000000-0000-4000-8000-%012d", ids.incrementAndGet()));
  }

  private final SubmitJob submit = submitJob(Admission.Settings.none());

  private SubmitPrompt.Request request(String user) {
    return new SubmitPrompt.Request(user, UseCaseFixture.prompt(), null, null, false, "c1", null);
  }

  @Test
  void withoutAKeyEachRequestIsANewJobOfTheCallersTier() {
    SubmitJob.Result first = submit.submit(alice, request("alice"), null, "h");
    SubmitJob.Result second = submit.submit(alice, request("alice"), null, "h");
    assertThat(first).isInstanceOf(SubmitJob.Result.Submitted.class);
    assertThat(((SubmitJob.Result.Submitted) first).jobId()).isNotEqualTo(((SubmitJob.Result.Submitted) second).jobId());
    assertThat(f.jobs.all()).hasSize(2).allSatisfy(job -> assertThat(job.tier()).isEqualTo("free"));
  }

  @Test
  void aNewJobsMessageIsOnItsWayBeforeTheJobIsStoredAndAReplayIsStoredFirst() {
    java.util.List<Integer> sentWhenStored = new java.util.ArrayList<>();
    f.jobs.onWrite(job -> sentWhenStored.add(f.queue.published.size()));

    submit.submit(alice, request("alice"), null, "h");
    submit.submit(alice, request("alice"), "k", "h2");
    // A key recorded by a request that never submitted: its retry submits that id, which may exist.
    keys.claim(new dev.darkroom.core.port.IdempotencyKeys.Entry("alice", "k2", "h3", "job-of-a-dead-instance",
        f.clock.instant(), f.clock.instant().plusSeconds(3600)), f.clock.instant());
    submit.submit(alice, request("alice"), "k2", "h3");

    assertThat(sentWhenStored).containsExactly(1, 2, 2);
    assertThat(f.queue.published).hasSize(3);
  }

  @Test
  void theSameKeyAndRequestNameTheSameJobAndAnotherRequestIsRefused() {
    SubmitJob.Result.Submitted first = (SubmitJob.Result.Submitted) submit.submit(alice, request("alice"), "k", "h");
    SubmitJob.Result again = submit.submit(alice, request("alice"), "k", "h");
    SubmitJob.Result other = submit.submit(alice, request("alice"), "k", "other");
    assertThat(first.replayed()).isFalse();
    assertThat(again).isEqualTo(new SubmitJob.Result.Submitted(first.jobId(), true, null));
    assertThat(other).isInstanceOf(SubmitJob.Result.KeyReused.class);
    assertThat(((SubmitJob.Result.KeyReused) other).message()).contains("another request");
    assertThat(f.jobs.all()).extracting(Job::id).containsExactly(first.jobId());
    assertThat(f.queue.published).hasSize(1);
  }

  @Test
  void anotherUsersSameKeyIsIndependent() {
    SubmitJob.Result.Submitted alices = (SubmitJob.Result.Submitted) submit.submit(alice, request("alice"), "k", "h");
    SubmitJob.Result.Submitted bobs = (SubmitJob.Result.Submitted) submit.submit(
        Caller.idToken("bob", "free"), request("bob"), "k", "h2");
    assertThat(bobs.replayed()).isFalse();
    assertThat(bobs.jobId()).isNotEqualTo(alices.jobId());
  }

  @Test
  void aKeyRecordedByAnInstanceThatDiedBeforeSubmittingSubmitsThatSameJobOnRetry() {
    // Simulated crash: the record exists, the job was never stored.
    keys.claim(new IdempotencyKeys.Entry("alice", "k", "h", "00000000-0000-4000-8000-999999999999",
        UseCaseFixture.NOW, UseCaseFixture.NOW.plus(SubmitJob.KEY_LIFETIME)), UseCaseFixture.NOW);
    SubmitJob.Result retry = submit.submit(alice, request("alice"), "k", "h");
    assertThat(retry).isEqualTo(new SubmitJob.Result.Submitted("00000000-0000-4000-8000-999999999999", true,
        ((SubmitJob.Result.Submitted) retry).nodeErrors()));
    assertThat(f.jobs.all()).extracting(Job::id).containsExactly("00000000-0000-4000-8000-999999999999");
  }

  @Test
  void anExpiredKeyStartsAFreshJob() {
    SubmitJob.Result.Submitted first = (SubmitJob.Result.Submitted) submit.submit(alice, request("alice"), "k", "h");
    f.clock.advance(SubmitJob.KEY_LIFETIME.plusSeconds(1));
    SubmitJob.Result.Submitted later = (SubmitJob.Result.Submitted) submit.submit(alice, request("alice"), "k", "other");
    assertThat(later.replayed()).isFalse();
    assertThat(later.jobId()).isNotEqualTo(first.jobId());
  }

  @Test
  void aRefusedSubmissionReleasesItsKeySoAFixedRetryCanUseIt() {
    valid.set(false);
    assertThat(submit.submit(alice, request("alice"), "k", "h")).isInstanceOf(SubmitJob.Result.Invalid.class);
    assertThat(keys.size()).isZero();
    valid.set(true);
    assertThat(submit.submit(alice, request("alice"), "k", "h")).isInstanceOf(SubmitJob.Result.Submitted.class);
    assertThat(f.jobs.all()).hasSize(1);
  }

  @Test
  void overTheWaitingLimitIsRefusedButAReplayOfAnExistingJobIsNot() {
    SubmitJob limited = submitJob(new Admission.Settings(PerTier.none(), OptionalLong.empty(),
        PerTier.parse("free=1", 1), PerTier.none()));
    SubmitJob.Result.Submitted first = (SubmitJob.Result.Submitted) limited.submit(alice, request("alice"), "k", "h");
    assertThat(limited.submit(alice, request("alice"), "k", "h"))
        .isEqualTo(new SubmitJob.Result.Submitted(first.jobId(), true, null));
    SubmitJob.Result refused = limited.submit(alice, request("alice"), "k2", "h2");
    assertThat(refused).isInstanceOf(SubmitJob.Result.OverLimit.class);
    assertThat(((SubmitJob.Result.OverLimit) refused).refusal().status()).isEqualTo(429);
    assertThat(keys.size()).as("the refused request's key is released").isEqualTo(1);
  }

  @Test
  void concurrentIdenticalRequestsCreateExactlyOneJob() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<SubmitJob.Result>> requests = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        requests.add(() -> submit.submit(alice, request("alice"), "same", "h"));
      }
      Set<String> named = new HashSet<>();
      int created = 0;
      for (Future<SubmitJob.Result> answer : pool.invokeAll(requests)) {
        SubmitJob.Result.Submitted submitted = (SubmitJob.Result.Submitted) answer.get();
        named.add(submitted.jobId());
        created += submitted.replayed() ? 0 : 1;
      }
      assertThat(named).hasSize(1);
      assertThat(created).isEqualTo(1);
      assertThat(f.jobs.all()).hasSize(1);
    } finally {
      pool.shutdownNow();
    }
  }
}
