package dev.darkroom.testing;

import dev.darkroom.core.job.JobOutput;
import dev.darkroom.core.port.Ledger;
import java.util.Optional;

/** The fake ledger passes the same contract as the SQL ledger. */
class InMemoryLedgerTest extends LedgerContract {
  private final InMemoryLedger ledger = new InMemoryLedger();

  @Override
  protected Ledger ledger() {
    return ledger;
  }

  @Override
  protected dev.darkroom.core.port.Usage usage() {
    return ledger;
  }

  @Override
  protected dev.darkroom.core.port.ArrivalHistory arrivalHistory() {
    return ledger;
  }

  @Override
  protected Optional<Recorded> recorded(String jobId) {
    return Optional.ofNullable(ledger.rows.get(jobId)).map(job -> new Recorded(job.status().wireName(), job.userId(),
        job.attempt(), job.billedGpuSeconds(), job.error() == null ? null : job.error().type(),
        job.outputs().stream().map(JobOutput::objectName).toList()));
  }
}
