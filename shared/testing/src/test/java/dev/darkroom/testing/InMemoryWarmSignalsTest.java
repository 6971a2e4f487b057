package dev.darkroom.testing;

import dev.darkroom.core.port.WarmSignals;
import java.time.Instant;

/** The fake keeps the same contract as the Firestore adapter. */
class InMemoryWarmSignalsTest extends WarmSignalsContract {
  @Override
  protected WarmSignals signals() {
    return new InMemoryWarmSignals();
  }

  @Override
  protected void submitted(WarmSignals signals, String jobId, Instant at) {
    ((InMemoryWarmSignals) signals).arrived(at);
  }
}
