package dev.darkroom.gcp;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.google.cloud.firestore.Firestore;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.port.WarmSignals;
import dev.darkroom.testing.WarmSignalsContract;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** The Firestore adapter passes the same contract as the in-memory fake, on Google's emulator. */
class FirestoreWarmSignalsIT extends WarmSignalsContract {
  private final Map<WarmSignals, FirestoreJobStore> jobsOf = new HashMap<>();

  @Override
  protected WarmSignals signals() {
    Firestore firestore = SharedLocalCloud.adapters().clients().firestore();
    String jobs = "jobs-" + UUID.randomUUID();
    WarmSignals signals = new FirestoreWarmSignals(firestore, jobs, "gpuSlots-" + UUID.randomUUID());
    jobsOf.put(signals, new FirestoreJobStore(firestore, jobs));
    return signals;
  }

  @Override
  protected void submitted(WarmSignals signals, String jobId, Instant at) {
    jobsOf.get(signals).create(Job.queued(jobId, "user-1", 1, JsonNodeFactory.instance.objectNode(),
        JsonNodeFactory.instance.objectNode(), null, at));
  }
}
