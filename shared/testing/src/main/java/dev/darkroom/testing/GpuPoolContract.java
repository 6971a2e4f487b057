package dev.darkroom.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.darkroom.core.port.GpuPool;
import dev.darkroom.core.port.GpuPool.Adoption;
import dev.darkroom.core.port.GpuPool.Lease;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What every {@link GpuPool} must do: the in-memory fake and the Firestore adapter alike. */
public abstract class GpuPoolContract {
  protected static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

  /** A fresh, empty pool of {@code cap} slots (each call a new one, sharing no slots). */
  protected abstract GpuPool pool(int cap);

  @Test
  void slotsAreTakenUpToTheCapAndFreedByRelease() {
    GpuPool pool = pool(2);
    Lease first = pool.reserve(T0, T0.plusSeconds(60)).orElseThrow();
    Lease second = pool.reserve(T0, T0.plusSeconds(60)).orElseThrow();
    assertThat(first.slot()).isNotEqualTo(second.slot());
    assertThat(pool.reserve(T0, T0.plusSeconds(60))).isEmpty();
    assertThat(pool.usage(T0)).isEqualTo(new GpuPool.Usage(2, 2, 0));

    pool.release(first);
    assertThat(pool.usage(T0).free()).isEqualTo(1);
    assertThat(pool.reserve(T0, T0.plusSeconds(60))).isPresent();
  }

  @Test
  void anExpiredLeaseFreesItsSlotAndItsOldHolderCanNeitherRenewNorReleaseIt() {
    GpuPool pool = pool(1);
    Lease crashed = pool.reserve(T0, T0.plusSeconds(30)).orElseThrow();
    assertThat(pool.reserve(T0.plusSeconds(29), T0.plusSeconds(90))).isEmpty();

    Instant later = T0.plusSeconds(31);
    assertThat(pool.usage(later).held()).isZero();
    Lease next = pool.reserve(later, later.plusSeconds(60)).orElseThrow();
    assertThat(next.slot()).isEqualTo(crashed.slot());

    assertThat(pool.renew(crashed, false, later.plusSeconds(600))).isFalse();
    pool.release(crashed);
    assertThat(pool.usage(later).held()).isEqualTo(1);
    assertThat(pool.renew(next, false, later.plusSeconds(600))).isTrue();
  }

  @Test
  void aLeaseIsAdoptedBackIntoItsSlotOnlyWhileTheSlotIsFree() {
    GpuPool pool = pool(2);
    Lease given = pool.reserve(T0, T0.plusSeconds(60)).orElseThrow();
    assertThat(pool.holds(given, T0)).isTrue();
    pool.release(given);
    assertThat(pool.holds(given, T0)).isFalse();

    assertThat(pool.adopt(given, T0, T0.plusSeconds(60))).as("its slot is free").isEqualTo(Adoption.ADOPTED);
    assertThat(pool.holds(given, T0)).isTrue();
    assertThat(pool.renew(given, true, T0.plusSeconds(90))).as("renewed by its task after adoption").isTrue();
    assertThat(pool.usage(T0)).isEqualTo(new GpuPool.Usage(2, 1, 1));

    Lease stale = new Lease(given.slot(), "an-older-launch");
    assertThat(pool.adopt(stale, T0, T0.plusSeconds(60))).as("its slot is held by another lease")
        .isEqualTo(Adoption.REFUSED);
    assertThat(pool.holds(given, T0)).isTrue();
    assertThat(pool.adopt(new Lease("slot-7", "beyond-the-cap"), T0, T0.plusSeconds(60))).isEqualTo(Adoption.REFUSED);
    assertThat(pool.usage(T0).held()).isEqualTo(1);
    assertThat(pool.holds(given, T0.plusSeconds(91))).as("after its lease ran out").isFalse();
  }

  @Test
  void aSlotItsTaskLeftIsFreeButNotAdoptedBackByThatTask() {
    GpuPool pool = pool(1);
    Lease exiting = pool.reserve(T0, T0.plusSeconds(60)).orElseThrow();
    assertThat(pool.renew(exiting, true, "fp-sdxl", T0.plusSeconds(60))).isTrue();
    Instant exitedAt = T0.plusSeconds(10);
    pool.leave(exiting, exitedAt);

    assertThat(pool.usage(exitedAt)).as("free as soon as it left").isEqualTo(new GpuPool.Usage(1, 0, 0));
    assertThat(pool.holds(exiting, exitedAt)).isFalse();
    assertThat(pool.loadedOnOtherIdleTasks(null, exitedAt)).as("its models gone with it").isEmpty();
    assertThat(pool.adopt(exiting, exitedAt.plusSeconds(1), exitedAt.plusSeconds(60)))
        .as("the task that left it, still listed running for a moment").isEqualTo(Adoption.LEFT);
    assertThat(pool.renew(exiting, false, exitedAt.plusSeconds(60))).as("renewed after it left").isFalse();
    assertThat(pool.usage(exitedAt.plusSeconds(1)).held()).isZero();

    Lease next = pool.reserve(exitedAt.plusSeconds(1), exitedAt.plusSeconds(60)).orElseThrow();
    assertThat(next.slot()).isEqualTo(exiting.slot());
    assertThat(pool.renew(next, true, exitedAt.plusSeconds(60))).as("the next holder's renewal").isTrue();
    assertThat(pool.usage(exitedAt.plusSeconds(2))).isEqualTo(new GpuPool.Usage(1, 1, 1));
    pool.leave(exiting, exitedAt.plusSeconds(2));
    assertThat(pool.holds(next, exitedAt.plusSeconds(2))).as("a late leave of the old lease changes nothing").isTrue();

    pool.release(next);
    Lease ranOut = new Lease(next.slot(), next.holder());
    assertThat(pool.adopt(ranOut, exitedAt.plusSeconds(3), exitedAt.plusSeconds(60)))
        .as("a slot given back by dispatch, not left by its task").isEqualTo(Adoption.ADOPTED);
  }

  @Test
  void renewingKeepsTheSlotAndCountsIdleTasks() {
    GpuPool pool = pool(3);
    Lease busy = pool.reserve(T0, T0.plusSeconds(10)).orElseThrow();
    Lease idle = pool.reserve(T0, T0.plusSeconds(10)).orElseThrow();
    assertThat(pool.renew(busy, false, T0.plusSeconds(100))).isTrue();
    assertThat(pool.renew(idle, true, T0.plusSeconds(100))).isTrue();

    assertThat(pool.usage(T0.plusSeconds(50))).isEqualTo(new GpuPool.Usage(3, 2, 1));
    assertThat(pool.renew(idle, false, T0.plusSeconds(100))).isTrue();
    assertThat(pool.usage(T0.plusSeconds(50)).idle()).isZero();
  }

  @Test
  void aTaskSeesTheModelsLoadedOnTheOtherIdleTasks() {
    GpuPool pool = pool(5);
    Lease sdxl = pool.reserve(T0, T0.plusSeconds(60)).orElseThrow();
    Lease flux = pool.reserve(T0, T0.plusSeconds(60)).orElseThrow();
    Lease busy = pool.reserve(T0, T0.plusSeconds(60)).orElseThrow();
    Lease nothingLoaded = pool.reserve(T0, T0.plusSeconds(60)).orElseThrow();
    Lease expired = pool.reserve(T0, T0.plusSeconds(60)).orElseThrow();
    assertThat(pool.renew(sdxl, true, "fp-sdxl", T0.plusSeconds(90))).isTrue();
    assertThat(pool.renew(flux, true, "fp-flux", T0.plusSeconds(90))).isTrue();
    assertThat(pool.renew(busy, false, "fp-sd15", T0.plusSeconds(90))).isTrue();
    assertThat(pool.renew(nothingLoaded, true, null, T0.plusSeconds(90))).isTrue();
    assertThat(pool.renew(expired, true, "fp-old", T0.plusSeconds(20))).isTrue();

    Instant now = T0.plusSeconds(30);
    assertThat(pool.loadedOnOtherIdleTasks(sdxl, now)).as("its own slot left out").isEqualTo(Map.of(flux, "fp-flux"));
    assertThat(pool.loadedOnOtherIdleTasks(busy, now)).isEqualTo(Map.of(sdxl, "fp-sdxl", flux, "fp-flux"));
    assertThat(pool.loadedOnOtherIdleTasks(null, now)).as("a task holding no slot").isEqualTo(
        Map.of(sdxl, "fp-sdxl", flux, "fp-flux"));
    assertThat(pool.usage(now)).as("counted as before").isEqualTo(new GpuPool.Usage(5, 4, 3));

    assertThat(pool.renew(flux, false, "fp-flux", T0.plusSeconds(90))).isTrue();
    assertThat(pool.loadedOnOtherIdleTasks(busy, now)).as("once busy").isEqualTo(Map.of(sdxl, "fp-sdxl"));
    assertThat(pool.renew(sdxl, true, T0.plusSeconds(90))).isTrue();
    assertThat(pool.loadedOnOtherIdleTasks(busy, now)).as("renewed without saying").isEmpty();
  }

  @Test
  void theModelsOfATaskWhoseLeaseRanOutAreNotShownForTheNextHolderOfItsSlot() {
    GpuPool pool = pool(1);
    Lease crashed = pool.reserve(T0, T0.plusSeconds(60)).orElseThrow();
    pool.renew(crashed, true, "fp-sdxl", T0.plusSeconds(30));
    Instant later = T0.plusSeconds(31);
    Lease reserved = pool.reserve(later, later.plusSeconds(60)).orElseThrow();
    assertThat(pool.renew(reserved, true, later.plusSeconds(60))).isTrue();
    assertThat(pool.loadedOnOtherIdleTasks(null, later)).as("reserved again, renewed without saying").isEmpty();

    assertThat(pool.renew(reserved, true, "fp-flux", later.plusSeconds(60))).isTrue();
    Instant afterItRanOut = later.plusSeconds(61);
    Lease adopted = new Lease(reserved.slot(), "a-task-counted-again");
    assertThat(pool.adopt(adopted, afterItRanOut, afterItRanOut.plusSeconds(60))).isEqualTo(Adoption.ADOPTED);
    assertThat(pool.renew(adopted, true, afterItRanOut.plusSeconds(60))).isTrue();
    assertThat(pool.loadedOnOtherIdleTasks(null, afterItRanOut)).as("adopted, renewed without saying").isEmpty();
  }

  @Test
  void aReservationIsDecidedOnTheUsageItReservesFrom() {
    GpuPool pool = pool(3);
    Lease idle = pool.reserve(T0, T0.plusSeconds(60)).orElseThrow();
    pool.renew(idle, true, T0.plusSeconds(60));
    List<GpuPool.Usage> seen = new ArrayList<>();

    assertThat(pool.reserve(T0, T0.plusSeconds(60), usage -> seen.add(usage) && false)).isEmpty();
    assertThat(pool.usage(T0).held()).as("a reservation refused takes nothing").isEqualTo(1);
    assertThat(pool.reserve(T0, T0.plusSeconds(60), seen::add)).isPresent();
    assertThat(seen).containsExactly(new GpuPool.Usage(3, 1, 1), new GpuPool.Usage(3, 1, 1));
    assertThat(pool.usage(T0).held()).isEqualTo(2);
  }

  @Test
  void aFullPoolStillShowsItsUsageAndTakesNothing() {
    GpuPool pool = pool(1);
    pool.reserve(T0, T0.plusSeconds(60)).orElseThrow();
    List<GpuPool.Usage> seen = new ArrayList<>();
    assertThat(pool.reserve(T0, T0.plusSeconds(60), seen::add)).isEmpty();
    assertThat(seen).containsExactly(new GpuPool.Usage(1, 1, 0));
  }

  @Test
  void leasesTravelAsTokens() {
    Lease lease = pool(1).reserve(T0, T0.plusSeconds(10)).orElseThrow();
    assertThat(Lease.parse(lease.token())).isEqualTo(lease);
  }

  @Test
  void concurrentReservationsNeverExceedTheCap() throws Exception {
    GpuPool pool = pool(3);
    int contenders = 8;
    ExecutorService threads = Executors.newFixedThreadPool(contenders);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Optional<Lease>>> attempts = new ArrayList<>();
      for (int i = 0; i < contenders; i++) {
        attempts.add(threads.submit(() -> {
          start.await();
          return pool.reserve(T0, T0.plusSeconds(60));
        }));
      }
      start.countDown();
      Set<String> slots = ConcurrentHashMap.newKeySet();
      int granted = 0;
      for (Future<Optional<Lease>> attempt : attempts) {
        Optional<Lease> lease = attempt.get(60, TimeUnit.SECONDS);
        if (lease.isPresent()) {
          granted++;
          slots.add(lease.get().slot());
        }
      }
      assertThat(granted).isEqualTo(3);
      assertThat(slots).hasSize(3);
      assertThat(pool.usage(T0).held()).isEqualTo(3);
    } finally {
      threads.shutdownNow();
    }
  }
}
