package dev.darkroom.testing;

import dev.darkroom.core.auth.StoredApiKey;
import dev.darkroom.core.port.ApiKeyStore;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** {@link ApiKeyStore} in memory, with the SQL adapter's rules. */
public final class InMemoryApiKeyStore implements ApiKeyStore {
  private final Map<String, StoredApiKey> keys = new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicInteger finds = new java.util.concurrent.atomic.AtomicInteger();

  @Override
  public void insert(StoredApiKey key) {
    if (keys.putIfAbsent(key.keyId(), key) != null) {
      throw new ApiKeyStore.DuplicateKeyIdException(key.keyId());
    }
  }

  @Override
  public Optional<StoredApiKey> find(String keyId) {
    finds.incrementAndGet();
    return Optional.ofNullable(keys.get(keyId));
  }

  @Override
  public List<StoredApiKey> list(String userId, int limit) {
    return keys.values().stream().filter(key -> key.userId().equals(userId))
        .sorted(Comparator.comparing(StoredApiKey::createdAt).reversed().thenComparing(StoredApiKey::keyId))
        .limit(limit).toList();
  }

  @Override
  public int countActive(String userId) {
    return (int) keys.values().stream().filter(key -> key.userId().equals(userId) && !key.revoked()).count();
  }

  @Override
  public boolean revoke(String userId, String keyId, Instant at) {
    StoredApiKey changed = keys.computeIfPresent(keyId, (id, key) -> !key.userId().equals(userId) || key.revoked()
        ? key : with(key, key.lastUsedAt(), at));
    return changed != null && changed.userId().equals(userId);
  }

  @Override
  public void touch(String keyId, Instant at) {
    keys.computeIfPresent(keyId, (id, key) -> key.lastUsedAt() != null && !key.lastUsedAt().isBefore(at)
        ? key : with(key, at, key.revokedAt()));
  }

  private static StoredApiKey with(StoredApiKey key, Instant lastUsedAt, Instant revokedAt) {
    return new StoredApiKey(key.keyId(), key.userId(), key.name(), key.tier(), key.salt(), key.hash(),
        key.createdAt(), lastUsedAt, revokedAt);
  }

  /** How many lookups by id were made: each one is a query of the database in the cloud. */
  public int finds() {
    return finds.get();
  }
}
