package dev.darkroom.core.port;

import dev.darkroom.core.auth.StoredApiKey;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Users' API keys, hashed (Cloud SQL in the cloud). */
public interface ApiKeyStore {

  /**
   * Stores a new key; its id is fresh.
   *
   * @throws DuplicateKeyIdException when a key with this id is already stored (a bug: ids are random)
   */
  void insert(StoredApiKey key);

  Optional<StoredApiKey> find(String keyId);

  /** The user's keys, revoked ones included, newest first, at most {@code limit}. */
  List<StoredApiKey> list(String userId, int limit);

  /** How many of the user's keys are not revoked. */
  int countActive(String userId);

  /**
   * Revokes the user's key; revoking a revoked key keeps its first revocation time.
   *
   * @return false when the user has no key with this id (another user's key is no key of theirs)
   */
  boolean revoke(String userId, String keyId, Instant at);

  /** Records a use of the key (best effort: callers do it at most once a minute per key). */
  void touch(String keyId, Instant at);

  /** An insert of a key id that is already stored; the stored key is left as it was. */
  final class DuplicateKeyIdException extends IllegalStateException {
    public DuplicateKeyIdException(String keyId) {
      super("API key id already stored: " + keyId);
    }
  }
}
