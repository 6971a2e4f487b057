package dev.darkroom.core.auth;

import java.util.Objects;

/**
 * An authenticated caller. Every route shows and changes only {@code userId}'s jobs, files, keys
 * and webhooks; {@code tier} sets their limits and quotas; {@code admin} lets them manage what the
 * whole deployment shares (its models).
 *
 * @param keyId the API key used, or null for an ID token or the local user
 * @param admin whether the account has the {@value #ADMIN_CLAIM} custom claim set to {@code true}
 *     (for a key: its owner's account, as it is now); always true for the local user
 */
public record Caller(String userId, String tier, Method method, String keyId, boolean admin) {
  /** The Firebase custom claim that makes an account an administrator of the deployment. */
  public static final String ADMIN_CLAIM = "admin";

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

  /** A caller who is an administrator only if local (the local stack's one user). */
  public Caller(String userId, String tier, Method method, String keyId) {
    this(userId, tier, method, keyId, method == Method.LOCAL);
  }

  public static Caller idToken(String userId, String tier) {
    return idToken(userId, tier, false);
  }

  public static Caller idToken(String userId, String tier, boolean admin) {
    return new Caller(userId, tier, Method.ID_TOKEN, null, admin);
  }

  public static Caller apiKey(String userId, String tier, String keyId) {
    return apiKey(userId, tier, keyId, false);
  }

  /** The user an integration's inbound topic runs as ({@code InboundIntegration}): configured, never read from a message. */
  public static Caller integration(String userId, String tier) {
    return new Caller(userId, tier, Method.INTEGRATION, null, false);
  }

  public static Caller apiKey(String userId, String tier, String keyId, boolean admin) {
    return new Caller(userId, tier, Method.API_KEY, keyId, admin);
  }

  /** The one user of a local stack running without authentication (loopback only): an administrator. */
  public static Caller local(String tier) {
    return new Caller("local", tier, Method.LOCAL, null, true);
  }
}
