package dev.darkroom.bench.sim;

import dev.darkroom.core.port.ArrivalHistory;
import dev.darkroom.testing.InMemoryLedger;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The ledger as the reconciler reads it during a simulated run: the weeks before the trace
 * ({@link Trace#historyPerMinute}, generated at the trace's usual rate with another seed than its
 * own arrivals), then the jobs of the trace so far ({@link InMemoryLedger}), which also give the
 * typical job time. Before the trace no job time is known, as for a ledger of arrivals alone.
 */
final class SimHistory implements ArrivalHistory {
  private final InMemoryLedger ledger;
  private final Instant historyStart;
  private final long[] before;

  SimHistory(InMemoryLedger ledger, Trace trace, int days, long seed) {
    this.ledger = ledger;
    this.historyStart = VirtualClock.EPOCH.minus(days, ChronoUnit.DAYS);
    this.before = trace.historyPerMinute(seed, days);
  }

  /**
   * The last {@code minutes} of the history as the job documents hold them, which the keep-warm
   * policy counts for its recent rate: each minute's prompts spread evenly over it.
   */
  void replayLastMinutes(int minutes, java.util.function.Consumer<Instant> arrived) {
    for (int i = Math.max(0, before.length - minutes); i < before.length; i++) {
      Instant minute = historyStart.plusSeconds(60L * i);
      for (long k = 0; k < before[i]; k++) {
        arrived.accept(minute.plusMillis(60_000 * k / before[i]));
      }
    }
  }

  @Override
  public Optional<MinuteCounts> createdPerMinute(Instant from, Instant until) {
    Map<Instant, Long> byMinute = new HashMap<>();
    for (int i = 0; i < before.length; i++) {
      Instant minute = historyStart.plusSeconds(60L * i);
      if (before[i] > 0 && !minute.isBefore(from) && minute.isBefore(until)) {
        byMinute.put(minute, before[i]);
      }
    }
    ledger.createdPerMinute(from.isBefore(VirtualClock.EPOCH) ? VirtualClock.EPOCH : from, until)
        .ifPresent(counts -> {
          long[] perMinute = counts.perMinute();
          for (int i = 0; i < perMinute.length; i++) {
            if (perMinute[i] > 0) {
              byMinute.merge(counts.firstMinute().plusSeconds(60L * i), perMinute[i], Long::sum);
            }
          }
        });
    return MinuteCounts.filling(byMinute, until);
  }

  @Override
  public double meanSucceededGpuSeconds(Instant from, Instant until) {
    return ledger.meanSucceededGpuSeconds(from, until);
  }
}
