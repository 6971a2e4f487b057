package dev.darkroom.core.auth;

import java.util.Objects;

/**
 * An authenticated caller. Every route shows and changes only {@code userId}'s jobs, files, keys
 * and webhooks; {@code tier} sets their limits and quotas.
 *
 * @param keyId the API key used, or null for an ID token or the local user
 */
public record Caller(String userId, String tier, Method method, String keyId) {
  public enum Method { ID_TOKEN, API_KEY, LOCAL }

  public Caller {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(tier, "tier");
    Objects.requireNonNull(method, "method");
    if ((method == Method.API_KEY) != (keyId != null)) {
      throw new IllegalArgumentException("keyId is set exactly for API-key callers");
    }
  }

  public static Caller idToken(String userId, String tier) {
    return new Caller(userId, tier, Method.ID_TOKEN, null);
  }

  public static Caller apiKey(String userId, String tier, String keyId) {
    return new Caller(userId, tier, Method.API_KEY, keyId);
  }

  /** The one user of a local stack running without authentication (loopback only). */
  public static Caller local(String tier) {
    return new Caller("local", tier, Method.LOCAL, null);
  }
}
