package dev.darkroom.core.port;

import java.time.Instant;

/** What users have used, from the ledger (Cloud SQL in the cloud). */
public interface Usage {
  /** GPU-seconds of the user's jobs created at or after {@code since}. */
  double gpuSecondsSince(String userId, Instant since);
}
