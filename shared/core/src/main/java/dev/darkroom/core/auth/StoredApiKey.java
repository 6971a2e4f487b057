package dev.darkroom.core.auth;

import java.time.Instant;
import java.util.Objects;

/**
 * An API key as stored: never the key itself, only a salted, peppered hash of its secret part.
 *
 * @param keyId the public part, also the key's visible prefix ({@code drk_<keyId>})
 * @param tier the tier of the user who created it, when they did (shown in listings); a call with the
 *     key has the account's current tier instead (see {@code ApiKeys})
 * @param lastUsedAt when a call last used it (to the minute), or null
 * @param revokedAt when it was revoked, or null while it works
 */
public record StoredApiKey(
    String keyId, String userId, String name, String tier, byte[] salt, byte[] hash,
    Instant createdAt, Instant lastUsedAt, Instant revokedAt) {

  /** What every Darkroom API key starts with, so a credential is recognised as one. */
  public static final String PREFIX = "drk_";

  public StoredApiKey {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(tier, "tier");
    salt = salt.clone();
    hash = hash.clone();
    Objects.requireNonNull(createdAt, "createdAt");
  }

  @Override
  public byte[] salt() {
    return salt.clone();
  }

  @Override
  public byte[] hash() {
    return hash.clone();
  }

  /** What a user is shown of the key: {@code drk_<keyId>}, enough to recognise it, useless to call with. */
  public String prefix() {
    return PREFIX + keyId;
  }

  public boolean revoked() {
    return revokedAt != null;
  }

  // Arrays compare by identity in a record's generated equals; keys are compared by id.
  @Override
  public boolean equals(Object other) {
    return other instanceof StoredApiKey key && key.keyId.equals(keyId) && key.userId.equals(userId)
        && key.name.equals(name) && key.tier.equals(tier) && java.util.Arrays.equals(key.salt, salt)
        && java.util.Arrays.equals(key.hash, hash) && key.createdAt.equals(createdAt)
        && Objects.equals(key.lastUsedAt, lastUsedAt) && Objects.equals(key.revokedAt, revokedAt);
  }

  @Override
  public int hashCode() {
    return keyId.hashCode();
  }

  @Override
  public String toString() {
    return "StoredApiKey[" + prefix() + ", user=" + userId + ", name=" + name + ", revoked=" + revoked() + "]";
  }
}
