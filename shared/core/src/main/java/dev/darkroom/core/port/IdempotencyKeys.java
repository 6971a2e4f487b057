package dev.darkroom.core.port;

import java.time.Instant;
import java.util.Objects;

/**
 * Which job a client's {@code Idempotency-Key} stands for (Firestore {@code idempotency_keys} in
 * the cloud). Keys are per user: the same key of another user is another record.
 */
public interface IdempotencyKeys {

  /**
   * A key's record.
   *
   * @param requestHash the hash of the canonical request the key was first used with
   * @param jobId the job that request submits; chosen before the job exists
   * @param expireAt after this the record counts as absent (Firestore's TTL deletes it some time later)
   */
  record Entry(String userId, String key, String requestHash, String jobId, Instant createdAt, Instant expireAt) {
    public Entry {
      Objects.requireNonNull(userId, "userId");
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(requestHash, "requestHash");
      Objects.requireNonNull(jobId, "jobId");
      Objects.requireNonNull(createdAt, "createdAt");
      Objects.requireNonNull(expireAt, "expireAt");
    }

    public boolean liveAt(Instant now) {
      return now.isBefore(expireAt);
    }
  }

  /**
   * Stores {@code fresh} unless a live record for its user and key exists, atomically: of any
   * number of concurrent claims of one key, exactly one stores its entry and every one returns
   * that entry. An expired record is treated as absent and replaced.
   *
   * @return the live entry for the key after the claim: {@code fresh} if it was stored
   */
  Entry claim(Entry fresh, Instant now);

  /** Deletes the user's record of {@code key} if it still names {@code jobId}; idempotent. */
  void release(String userId, String key, String jobId);
}
