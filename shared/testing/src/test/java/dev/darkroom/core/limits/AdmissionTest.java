package dev.darkroom.core.limits;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.darkroom.core.auth.Caller;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.RateCounter;
import dev.darkroom.testing.InMemoryJobStore;
import dev.darkroom.testing.InMemoryRateCounter;
import dev.darkroom.testing.ManualClock;
import dev.darkroom.testing.InMemoryLedger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AdmissionTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-23T10:00:00Z"));
  private final InMemoryJobStore jobs = new InMemoryJobStore();
  private final InMemoryLedger ledger = new InMemoryLedger();
  private final Caller free = Caller.idToken("alice", "free");

  private Admission admission(Admission.Settings settings) {
    return new Admission(new InMemoryRateCounter(), jobs, ledger, settings, clock);
  }

  private static Admission.Settings rates(String perUser, Long perKey) {
    return new Admission.Settings(PerTier.parse(perUser, 1),
        perKey == null ? OptionalLong.empty() : OptionalLong.of(perKey), PerTier.none(), PerTier.none());
  }

  @Test
  void aUserOverTheirTiersRateIsToldWhenToComeBack() {
    Admission admission = admission(rates("free=3", null));
    for (int i = 0; i < 3; i++) {
      assertThat(admission.request(free)).isEmpty();
    }
    Optional<Admission.Refusal> refused = admission.request(free);
    assertThat(refused).hasValueSatisfying(r -> {
      assertThat(r.status()).isEqualTo(429);
      // This minute's 4 still weigh half at 1:30, when one more makes 3.
      assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(90));
      assertThat(r.message()).contains("tier free allows 3 requests a minute");
    });
    // Other users and tiers without a limit are not affected.
    assertThat(admission.request(Caller.idToken("bob", "free"))).isEmpty();
    for (int i = 0; i < 100; i++) {
      assertThat(admission.request(Caller.idToken("carol", "pro"))).isEmpty();
    }
  }

  @Test
  void theWindowSlides() {
    Admission admission = admission(rates("free=4", null));
    for (int i = 0; i < 4; i++) {
      admission.request(free);
    }
    // Half way into the next minute, half of the last minute's 4 still counts: 2 more fit.
    clock.advance(Duration.ofSeconds(90));
    assertThat(admission.request(free)).isEmpty();
    assertThat(admission.request(free)).isEmpty();
    assertThat(admission.request(free)).hasValueSatisfying(r -> assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(30)));
    clock.advance(Duration.ofSeconds(90));
    assertThat(admission.request(free)).isEmpty();
  }

  @Test
  void eachApiKeyHasItsOwnRateBesideItsUsers() {
    Admission admission = admission(rates("free=100", 2L));
    Caller keyOne = Caller.apiKey("alice", "free", "key1");
    Caller keyTwo = Caller.apiKey("alice", "free", "key2");
    assertThat(admission.request(keyOne)).isEmpty();
    assertThat(admission.request(keyOne)).isEmpty();
    assertThat(admission.request(keyOne)).hasValueSatisfying(r -> assertThat(r.message()).contains("an API key may make 2"));
    assertThat(admission.request(keyTwo)).isEmpty();
    assertThat(admission.request(free)).isEmpty();
  }

  @Test
  void aFullQueueIs429AndAnExhaustedQuotaIs402UntilTheMonthTurns() {
    Admission admission = admission(new Admission.Settings(PerTier.none(), OptionalLong.empty(),
        PerTier.parse("free=2", 1), PerTier.parse("free=100", 0)));
    assertThat(admission.submission(free)).isEmpty();
    queued("alice");
    queued("alice");
    assertThat(admission.submission(free)).hasValueSatisfying(r -> {
      assertThat(r.status()).isEqualTo(429);
      assertThat(r.message()).contains("2 jobs waiting");
    });
    assertThat(admission.submission(Caller.idToken("bob", "free"))).isEmpty();

    Job used = Job.queued(UUID.randomUUID().toString(), "bob", 1, JsonNodeFactory.instance.objectNode(),
        JsonNodeFactory.instance.objectNode(), null, clock.instant());
    ledger.record(used.afterEvent(JobStatus.SUCCEEDED, 3, null, List.of(), null, 100, clock.instant()));
    assertThat(admission.submission(Caller.idToken("bob", "free"))).hasValueSatisfying(r -> {
      assertThat(r.status()).isEqualTo(402);
      assertThat(r.retryAfter()).isEqualTo(Duration.between(clock.instant(), Instant.parse("2026-12-01T00:00:00Z")));
      assertThat(r.message()).contains("100 GPU-seconds a month").contains("2026-12-01T00:00:00Z");
    });
    clock.advance(Duration.ofDays(8));
    assertThat(admission.submission(Caller.idToken("bob", "free"))).isEmpty();
  }

  @Test
  void unreachableCountersLetRequestsThrough() {
    RateCounter broken = (subject, start, previous) -> {
      throw new IllegalStateException("database down");
    };
    Admission admission = new Admission(broken, jobs, ledger, rates("free=1", 1L), clock);
    assertThat(admission.request(free)).isEmpty();
    assertThat(admission.request(Caller.apiKey("alice", "free", "k"))).isEmpty();
  }

  @Test
  void aSubmissionAsksItsRateItsWaitingJobsAndItsQuotaAtOnceAndAnswersInThatOrder() throws Exception {
    // Each check waits until all three have started: asked one after another, none would return.
    java.util.concurrent.CountDownLatch allStarted = new java.util.concurrent.CountDownLatch(3);
    Runnable startedThenWait = () -> {
      allStarted.countDown();
      try {
        assertThat(allStarted.await(10, java.util.concurrent.TimeUnit.SECONDS)).as("all three checks started").isTrue();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    };
    InMemoryRateCounter rates = new InMemoryRateCounter();
    RateCounter counter = (subject, start, previous) -> {
      startedThenWait.run();
      return rates.increment(subject, start, previous);
    };
    dev.darkroom.core.port.JobStore counting = (dev.darkroom.core.port.JobStore) java.lang.reflect.Proxy.newProxyInstance(
        getClass().getClassLoader(), new Class<?>[] {dev.darkroom.core.port.JobStore.class}, (proxy, method, args) -> {
          if (method.getName().equals("countForUser")) {
            startedThenWait.run();
          }
          return method.invoke(jobs, args);
        });
    dev.darkroom.core.port.Usage usage = (user, since) -> {
      startedThenWait.run();
      return ledger.gpuSecondsSince(user, since);
    };
    Admission admission = new Admission(counter, counting, usage, new Admission.Settings(PerTier.parse("free=1", 1),
        OptionalLong.empty(), PerTier.parse("free=1", 1), PerTier.parse("free=100", 0)), clock);
    queued("alice");

    assertThat(admission.requestToSubmit(free)).hasValueSatisfying(r -> assertThat(r.message()).contains("1 jobs waiting"));
    assertThat(allStarted.getCount()).isZero();
    // Over its rate too now: the rate's refusal comes first, as when asked one after the other.
    assertThat(admission.requestToSubmit(free)).hasValueSatisfying(r -> assertThat(r.message()).contains("requests a minute"));
  }

  @Test
  void anUnreachableLedgerLetsASubmissionThroughWhileItsOtherChecksStillHold() {
    dev.darkroom.core.port.Usage down = (user, since) -> {
      throw new IllegalStateException("database down");
    };
    Admission admission = new Admission(new InMemoryRateCounter(), jobs, down, new Admission.Settings(PerTier.none(),
        OptionalLong.empty(), PerTier.parse("free=1", 1), PerTier.parse("free=100", 0)), clock);
    assertThat(admission.requestToSubmit(free)).isEmpty();
    queued("alice");
    assertThat(admission.requestToSubmit(free)).hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(429));
  }

  private void queued(String user) {
    Job job = Job.queued(UUID.randomUUID().toString(), user, 1, JsonNodeFactory.instance.objectNode(),
        JsonNodeFactory.instance.objectNode(), null, clock.instant());
    jobs.update(job.id(), current -> dev.darkroom.core.port.JobChange.Outcome.write(job, job));
  }
}
