package dev.darkroom.testing;

import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.ArrivalHistory;
import dev.darkroom.core.port.Ledger;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Keeps the newest state per job, never going backwards, as {@link Ledger} promises. */
public final class InMemoryLedger implements Ledger, dev.darkroom.core.port.Usage, ArrivalHistory {
  public final Map<String, Job> rows = new ConcurrentHashMap<>();
  public final AtomicInteger writes = new AtomicInteger();

  @Override
  public void record(Job job) {
    writes.incrementAndGet();
    rows.merge(job.id(), job, (old, incoming) -> incoming.supersedes(old) ? incoming : old);
  }

  @Override
  public double gpuSecondsSince(String userId, java.time.Instant since) {
    return rows.values().stream().filter(job -> job.userId().equals(userId) && !job.createdAt().isBefore(since))
        .mapToDouble(Job::billedGpuSeconds).sum();
  }

  @Override
  public Optional<MinuteCounts> createdPerMinute(Instant from, Instant until) {
    Map<Instant, Long> byMinute = createdIn(from, until).collect(java.util.stream.Collectors.groupingBy(
        job -> job.createdAt().truncatedTo(ChronoUnit.MINUTES), java.util.stream.Collectors.counting()));
    return MinuteCounts.filling(byMinute, until);
  }

  @Override
  public double meanSucceededGpuSeconds(Instant from, Instant until) {
    return createdIn(from, until).filter(job -> job.status() == JobStatus.SUCCEEDED)
        .mapToDouble(Job::billedGpuSeconds).average().orElse(0);
  }

  private java.util.stream.Stream<Job> createdIn(Instant from, Instant until) {
    return rows.values().stream().filter(job -> !job.createdAt().isBefore(from) && job.createdAt().isBefore(until));
  }
}
