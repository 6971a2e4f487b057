package dev.darkroom.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.darkroom.core.port.RateCounter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** What every {@link RateCounter} must do; run against the fake and against PostgreSQL. */
public abstract class RateCounterContract {
  private static final Instant MINUTE = Instant.parse("2026-11-23T10:05:00Z");
  private static final Instant BEFORE = MINUTE.minusSeconds(60);

  protected abstract RateCounter counter();

  @Test
  void countsPerSubjectAndWindowAndReadsTheWindowBefore() {
    String alice = "user:" + UUID.randomUUID();
    String bob = "user:" + UUID.randomUUID();
    counter().increment(alice, BEFORE, BEFORE.minusSeconds(60));
    counter().increment(alice, BEFORE, BEFORE.minusSeconds(60));
    assertThat(counter().increment(alice, MINUTE, BEFORE)).isEqualTo(new RateCounter.Counts(1, 2));
    assertThat(counter().increment(alice, MINUTE, BEFORE)).isEqualTo(new RateCounter.Counts(2, 2));
    assertThat(counter().increment(bob, MINUTE, BEFORE)).isEqualTo(new RateCounter.Counts(1, 0));
  }

  @Test
  void concurrentRequestsAreEachCountedOnce() throws Exception {
    String subject = "key:" + UUID.randomUUID();
    int threads = 8;
    int each = 25;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<List<Long>>> seen = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        seen.add(pool.submit(() -> {
          List<Long> counts = new ArrayList<>();
          for (int i = 0; i < each; i++) {
            counts.add(counter().increment(subject, MINUTE, BEFORE).current());
          }
          return counts;
        }));
      }
      List<Long> all = new ArrayList<>();
      for (Future<List<Long>> counts : seen) {
        all.addAll(counts.get());
      }
      // Every request saw a different count: none lost, none counted twice.
      assertThat(all).doesNotHaveDuplicates().hasSize(threads * each);
      assertThat(all.stream().mapToLong(Long::longValue).max()).hasValue(threads * each);
    } finally {
      pool.shutdownNow();
    }
  }
}
