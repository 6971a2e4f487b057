package dev.darkroom.core.auth;

import java.util.Objects;

/**
 * An authenticated caller. Every route shows and changes only {@code userId}'s jobs, files, keys
 * and webhooks; {@code tier} sets their limits and quotas.
 *
 * @param keyId the API key used, or null for an ID token or the local user
 */
public record Caller(String userId, String tier, Method method, String keyId) {
  /** {@code INTEGRATION}: a run published on an integration's inbound topic, as the user it is configured for. */
  public enum Method { ID_TOKEN, API_KEY, LOCAL, INTEGRATION }

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

  /** The user an integration's inbound topic runs as ({@code InboundIntegration}): configured, never read from a message. */
  public static Caller integration(String userId, String tier) {
    return new Caller(userId, tier, Method.INTEGRATION, null);
  }

  /** The one user of a local stack running without authentication (loopback only). */
  public static Caller local(String tier) {
    return new Caller("local", tier, Method.LOCAL, null);
  }
}
