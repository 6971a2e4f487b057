package dev.darkroom.core.usecase;

import dev.darkroom.core.auth.AuthFailure;
import dev.darkroom.core.auth.Caller;
import dev.darkroom.core.port.IdTokenVerifier;
import java.util.Locale;
import java.util.Objects;

/**
 * Turns a request's credential into a {@link Caller}: {@code Authorization: Bearer <credential>}
 * or {@code X-API-Key: <key>}. A bearer credential starting {@code drk_} is an API key, anything
 * else a Firebase ID token. Exactly one credential per request.
 */
public final class Authenticator {
  /** Longer than any Firebase ID token (about 1 KB, 4 KB with large custom claims) or key. */
  static final int MAX_CREDENTIAL_LENGTH = 8192;

  private final IdTokenVerifier idTokens;
  private final ApiKeys apiKeys;
  private final String defaultTier;
  private final boolean localOnly;

  private Authenticator(IdTokenVerifier idTokens, ApiKeys apiKeys, String defaultTier, boolean localOnly) {
    this.idTokens = idTokens;
    this.apiKeys = apiKeys;
    this.defaultTier = Objects.requireNonNull(defaultTier, "defaultTier");
    this.localOnly = localOnly;
  }

  /** Deployed: every call carries an ID token or an API key. */
  public static Authenticator required(IdTokenVerifier idTokens, ApiKeys apiKeys, String defaultTier) {
    return new Authenticator(Objects.requireNonNull(idTokens), Objects.requireNonNull(apiKeys), defaultTier, false);
  }

  /** The local stack without authentication (loopback only): every call is {@link Caller#local}. */
  public static Authenticator localUser(String tier) {
    return new Authenticator(null, null, tier, true);
  }

  public boolean required() {
    return !localOnly;
  }

  /**
   * @param authorization the {@code Authorization} header, or null
   * @param apiKey the {@code X-API-Key} header, or null
   */
  public Caller authenticate(String authorization, String apiKey) throws AuthFailure {
    if (localOnly) {
      return Caller.local(defaultTier);
    }
    String bearer = bearer(authorization);
    if (bearer != null && apiKey != null) {
      throw new AuthFailure(AuthFailure.Reason.INVALID, "send one credential: Authorization or X-API-Key, not both");
    }
    String credential = bearer != null ? bearer : apiKey == null ? null : apiKey.strip();
    if (credential == null || credential.isEmpty()) {
      throw new AuthFailure(AuthFailure.Reason.MISSING,
          "authentication required: Authorization: Bearer <Firebase ID token or API key>, or X-API-Key: <API key>");
    }
    if (credential.length() > MAX_CREDENTIAL_LENGTH) {
      throw new AuthFailure(AuthFailure.Reason.INVALID, "the credential is too long to be a token or a key");
    }
    if (apiKey != null || ApiKeys.looksLikeKey(credential)) {
      return apiKeys.authenticate(credential);
    }
    return idTokens.verify(credential, defaultTier);
  }

  private static String bearer(String authorization) throws AuthFailure {
    if (authorization == null || authorization.isBlank()) {
      return null;
    }
    String value = authorization.strip();
    if (value.equalsIgnoreCase("bearer")) {
      return "";
    }
    int space = value.indexOf(' ');
    if (space < 0 || !value.substring(0, space).toLowerCase(Locale.ROOT).equals("bearer")) {
      throw new AuthFailure(AuthFailure.Reason.INVALID, "the Authorization header must be 'Bearer <credential>'");
    }
    return value.substring(space + 1).strip();
  }
}
