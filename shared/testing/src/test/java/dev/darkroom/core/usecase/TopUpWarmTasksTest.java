package dev.darkroom.core.usecase;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.port.GpuPool;
import dev.darkroom.core.port.JobChange.Outcome;
import dev.darkroom.core.port.JobLauncher.CapacityExhaustedException;
import dev.darkroom.core.port.JobStore;
import dev.darkroom.core.warm.WarmTarget;
import dev.darkroom.testing.InMemoryGpuPool;
import dev.darkroom.testing.InMemoryJobStore;
import dev.darkroom.testing.ManualClock;
import dev.darkroom.testing.RecordingJobLauncher;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The reconciler's top-up of the warm set, on the in-memory pool, job store and a recording launcher. */
class TopUpWarmTasksTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-07T09:00:00Z"));
  private final InMemoryGpuPool pool = new InMemoryGpuPool(4);
  private final InMemoryJobStore jobs = new InMemoryJobStore();
  private final RecordingJobLauncher launcher = new RecordingJobLauncher();

  private TopUpWarmTasks topUp(WarmTarget target) {
    return new TopUpWarmTasks(target, pool, jobs, launcher, clock);
  }

  private static WarmTarget wanting(int tasks) {
    return (now, usage) -> tasks;
  }

  @Test
  void launchesOneJoblessExecutionPerMissingTaskEachHoldingASlotForTheStartLease() {
    pool.reserve(clock.instant(), clock.instant().plusSeconds(600)).orElseThrow();

    assertThat(topUp(wanting(3)).topUp()).isEqualTo(2);

    assertThat(launcher.launched).containsExactly(List.of(), List.of());
    assertThat(pool.usage(clock.instant()).held()).isEqualTo(3);
    assertThat(launcher.slots).doesNotHaveDuplicates();
    Instant leaseEnds = clock.instant().plus(DispatchJobs.START_LEASE);
    for (GpuPool.Lease slot : launcher.slots) {
      assertThat(pool.holds(slot, leaseEnds.minusSeconds(1))).isTrue();
      assertThat(pool.holds(slot, leaseEnds)).as("a launch that never starts frees its slot").isFalse();
    }
  }

  @Test
  void aPoolHoldingTheWantedTasksLaunchesNothing() {
    pool.reserve(clock.instant(), clock.instant().plusSeconds(600)).orElseThrow();
    pool.reserve(clock.instant(), clock.instant().plusSeconds(600)).orElseThrow();

    assertThat(topUp(wanting(2)).topUp()).isZero();
    assertThat(topUp(wanting(1)).topUp()).isZero();
    assertThat(launcher.launched).isEmpty();
  }

  @Test
  void queuedWorkComesFirst() {
    Job job = Job.queued("j1", "alice", 1, JsonNodeFactory.instance.objectNode(), null, null, clock.instant());
    jobs.update("j1", current -> Outcome.write(job, null));

    assertThat(topUp(wanting(2)).topUp()).isZero();
    assertThat(launcher.launched).isEmpty();
    assertThat(pool.usage(clock.instant()).held()).isZero();
  }

  @Test
  void neverBeyondTheCap() {
    assertThat(topUp(wanting(10)).topUp()).isEqualTo(4);
    assertThat(launcher.launched).hasSize(4);
    assertThat(pool.usage(clock.instant()).held()).isEqualTo(4);
  }

  @Test
  void aFailedLaunchGivesItsSlotBackAndTheNextTickTriesAgain() {
    launcher.failNext(() -> new IllegalStateException("runJob failed (injected)"));

    assertThat(topUp(wanting(2)).topUp()).isEqualTo(1);
    assertThat(pool.usage(clock.instant()).held()).as("the failed launch's slot is free").isEqualTo(1);

    assertThat(topUp(wanting(2)).topUp()).isEqualTo(1);
    assertThat(pool.usage(clock.instant()).held()).isEqualTo(2);
    assertThat(launcher.launched).hasSize(2);
  }

  @Test
  void noCapacityStopsTheTopUpAndGivesTheSlotBack() {
    launcher.failNext(() -> new CapacityExhaustedException("RESOURCE_EXHAUSTED (injected)", null));

    assertThat(topUp(wanting(3)).topUp()).isZero();
    assertThat(launcher.launched).isEmpty();
    assertThat(pool.usage(clock.instant()).held()).isZero();
  }

  @Test
  void aDuplicatedTickLaunchesNothingMore() {
    TopUpWarmTasks topUp = topUp(wanting(2));
    assertThat(topUp.topUp()).isEqualTo(2);
    assertThat(topUp.topUp()).isZero();
    assertThat(launcher.launched).hasSize(2);
  }

  @Test
  void twoConcurrentTicksThatBothSawAnEmptyPoolLaunchOnlyTheWantedCount() throws Exception {
    // Both ticks read the pool empty before either reserves: each thinks two are missing.
    CyclicBarrier bothRead = new CyclicBarrier(2);
    WarmTarget afterBothRead = (now, usage) -> {
      try {
        bothRead.await(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      assertThat(usage.held()).isZero();
      return 2;
    };
    ExecutorService ticks = Executors.newFixedThreadPool(2);
    try {
      Future<Integer> first = ticks.submit(() -> topUp(afterBothRead).topUp());
      Future<Integer> second = ticks.submit(() -> topUp(afterBothRead).topUp());
      assertThat(first.get(10, TimeUnit.SECONDS) + second.get(10, TimeUnit.SECONDS)).isEqualTo(2);
    } finally {
      ticks.shutdownNow();
    }
    assertThat(launcher.launched).hasSize(2);
    assertThat(pool.usage(clock.instant()).held()).isEqualTo(2);
  }

  @Test
  void ticksThatReadThePoolBeforeEitherTookASlotStillLaunchOnlyTheWantedCount() {
    // Firestore's pool tests the predicate on its read of the slots and takes a free slot after it:
    // two ticks that both read the pool before either took a slot (the local bridge and Cloud
    // Scheduler may deliver ticks at once) both pass it. Reads after a take see it.
    GpuPool.Usage beforeEither = pool.usage(clock.instant());
    new TopUpWarmTasks(wanting(1), readFirstAt(beforeEither), jobs, launcher, clock).topUp();
    new TopUpWarmTasks(wanting(1), readFirstAt(beforeEither), jobs, launcher, clock).topUp();

    assertThat(launcher.launched).as("one task wanted").hasSize(1);
    assertThat(pool.usage(clock.instant()).held()).isEqualTo(1);
  }

  /** The pool as a tick sees it whose first read came before another tick's take: that read, and the predicate on it, stale. */
  private GpuPool readFirstAt(GpuPool.Usage stale) {
    return new GpuPool() {
      private boolean read;

      @Override
      public int cap() {
        return pool.cap();
      }

      @Override
      public Usage usage(Instant now) {
        if (!read) {
          read = true;
          return stale;
        }
        return pool.usage(now);
      }

      @Override
      public java.util.Optional<Lease> reserve(Instant now, Instant leaseUntil, java.util.function.Predicate<Usage> wanted) {
        return wanted.test(stale) ? pool.reserve(now, leaseUntil, usage -> true) : java.util.Optional.empty();
      }

      @Override
      public boolean renew(Lease lease, boolean idle, String loadedFingerprint, Instant leaseUntil) {
        return pool.renew(lease, idle, loadedFingerprint, leaseUntil);
      }

      @Override
      public java.util.Map<Lease, String> loadedOnOtherIdleTasks(Lease own, Instant now) {
        return pool.loadedOnOtherIdleTasks(own, now);
      }

      @Override
      public void release(Lease lease) {
        pool.release(lease);
      }

      @Override
      public void leave(Lease lease, Instant now) {
        pool.leave(lease, now);
      }

      @Override
      public boolean holds(Lease lease, Instant now) {
        return pool.holds(lease, now);
      }

      @Override
      public Adoption adopt(Lease lease, Instant now, Instant leaseUntil) {
        return pool.adopt(lease, now, leaseUntil);
      }
    };
  }

  @Test
  void withThePolicyOffItDoesNothingAndReadsNothing() {
    GpuPool untouchablePool = untouchable(GpuPool.class);
    JobStore untouchableJobs = untouchable(JobStore.class);

    assertThat(new TopUpWarmTasks(WarmTarget.NONE, untouchablePool, untouchableJobs, launcher, clock).topUp()).isZero();
    assertThat(launcher.launched).isEmpty();
  }

  @Test
  void theWantedCountIsAskedOfTheTargetWithThePoolsUsageNow() {
    pool.reserve(clock.instant(), clock.instant().plusSeconds(30)).orElseThrow();
    clock.advance(Duration.ofMinutes(1));
    List<GpuPool.Usage> seen = new java.util.ArrayList<>();

    topUp((now, usage) -> {
      assertThat(now).isEqualTo(clock.instant());
      seen.add(usage);
      return 1;
    }).topUp();

    assertThat(seen).containsExactly(new GpuPool.Usage(4, 0, 0));
    assertThat(launcher.launched).hasSize(1);
  }

  @SuppressWarnings("unchecked")
  private static <T> T untouchable(Class<T> port) {
    return (T) Proxy.newProxyInstance(port.getClassLoader(), new Class<?>[] {port}, (proxy, method, args) -> {
      throw new AssertionError("read with the policy off: " + method.getName());
    });
  }
}
