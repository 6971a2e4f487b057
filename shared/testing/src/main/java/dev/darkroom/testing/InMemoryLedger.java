package dev.darkroom.testing;

import dev.darkroom.core.job.Job;
import dev.darkroom.core.port.Ledger;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Keeps the newest state per job, never going backwards, as {@link Ledger} promises. */
public final class InMemoryLedger implements Ledger, dev.darkroom.core.port.Usage {
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
}
