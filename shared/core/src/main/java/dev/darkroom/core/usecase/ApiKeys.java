package dev.darkroom.core.usecase;

import dev.darkroom.core.auth.AuthFailure;
import dev.darkroom.core.auth.Caller;
import dev.darkroom.core.auth.StoredApiKey;
import dev.darkroom.core.port.ApiKeyStore;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Darkroom API keys: {@code drk_<id>_<secret>}, where the id (12 characters) is public and the
 * secret (32 random bytes, base64url) is shown once, at creation, and never stored. The store
 * keeps HMAC-SHA256(pepper, salt ‖ secret) with a random salt per key; the pepper lives in Secret
 * Manager, so a copy of the database alone cannot test guesses. The secret has 256 bits of entropy,
 * so a fast hash is the right one: nothing here is a password to stretch.
 */
public final class ApiKeys {
  public static final String PREFIX = StoredApiKey.PREFIX;
  public static final int MAX_ACTIVE_PER_USER = 20;
  public static final int MAX_NAME_LENGTH = 100;
  public static final int MAX_LISTED = 100;
  static final int ID_LENGTH = 12;
  private static final int SECRET_BYTES = 32;
  private static final int SALT_BYTES = 16;
  /** The smallest pepper accepted: as long as the HMAC's own output. */
  public static final int MIN_PEPPER_BYTES = 32;
  private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);
  private static final char[] ID_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789".toCharArray();
  private static final Pattern KEY = Pattern.compile("drk_([a-z2-9]{12})_([A-Za-z0-9_-]{43})");

  /** The outcome of a request to create a key. */
  public sealed interface Creation {
    /** @param key the whole key, to show the user once; it cannot be recovered later */
    record Created(String key, StoredApiKey stored) implements Creation {
      @Override
      public String toString() {
        return "Created[" + stored + "]";
      }
    }

    record Refused(int status, String message) implements Creation {}
  }

  private final ApiKeyStore store;
  private final byte[] pepper;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  public ApiKeys(ApiKeyStore store, byte[] pepper, Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    if (pepper.length < MIN_PEPPER_BYTES) {
      throw new IllegalArgumentException("the API key pepper must be at least " + MIN_PEPPER_BYTES + " bytes");
    }
    this.pepper = pepper.clone();
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * A new key for {@code owner}, with their tier. Only a signed-in user (ID token) or the local
   * user may create keys: a leaked key must not be able to mint more.
   */
  public Creation create(Caller owner, String name) {
    if (owner.method() == Caller.Method.API_KEY) {
      return new Creation.Refused(403, "API keys are created with a Firebase ID token, not with another key");
    }
    String label = name == null ? "" : name.strip();
    if (label.length() > MAX_NAME_LENGTH || label.codePoints().anyMatch(Character::isISOControl)) {
      return new Creation.Refused(400, "a key's name is at most " + MAX_NAME_LENGTH
          + " characters, without control characters");
    }
    if (store.countActive(owner.userId()) >= MAX_ACTIVE_PER_USER) {
      return new Creation.Refused(409, "at most " + MAX_ACTIVE_PER_USER
          + " keys may be active at once: revoke one first");
    }
    String id = newId();
    byte[] secret = new byte[SECRET_BYTES];
    random.nextBytes(secret);
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    String encodedSecret = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    StoredApiKey stored = new StoredApiKey(id, owner.userId(), label, owner.tier(), salt,
        hash(salt, encodedSecret), clock.instant(), null, null);
    store.insert(stored);
    return new Creation.Created(PREFIX + id + "_" + encodedSecret, stored);
  }

  public List<StoredApiKey> list(String userId) {
    return store.list(userId, MAX_LISTED);
  }

  /** What became of a request to revoke a key. */
  public enum Revocation { REVOKED, NOT_FOUND, NOT_WITH_A_KEY }

  /**
   * Revokes one of the caller's keys, named by its id or its prefix {@code drk_<id>}. Only a
   * signed-in user (or the local one) revokes, as only they create: a leaked key must not be able to
   * lock its owner's integrations out. Another user's key is no key of the caller's: NOT_FOUND.
   */
  public Revocation revoke(Caller caller, String keyId) {
    if (caller.method() == Caller.Method.API_KEY) {
      return Revocation.NOT_WITH_A_KEY;
    }
    String id = keyId.startsWith(PREFIX) ? keyId.substring(PREFIX.length()) : keyId;
    return !id.isEmpty() && store.revoke(caller.userId(), id, clock.instant()) ? Revocation.REVOKED : Revocation.NOT_FOUND;
  }

  /** The caller a presented key stands for. */
  public Caller authenticate(String presented) throws AuthFailure {
    var match = KEY.matcher(presented);
    if (!match.matches()) {
      throw new AuthFailure(AuthFailure.Reason.INVALID, "not a Darkroom API key (drk_<id>_<secret>)");
    }
    StoredApiKey stored = store.find(match.group(1))
        .orElseThrow(() -> new AuthFailure(AuthFailure.Reason.INVALID, "unknown API key"));
    if (!MessageDigest.isEqual(hash(stored.salt(), match.group(2)), stored.hash())) {
      throw new AuthFailure(AuthFailure.Reason.INVALID, "unknown API key");
    }
    // Only after the secret matched: revocation is nobody else's business.
    if (stored.revoked()) {
      throw new AuthFailure(AuthFailure.Reason.REVOKED, "this API key was revoked at " + stored.revokedAt());
    }
    Instant now = clock.instant();
    if (stored.lastUsedAt() == null || stored.lastUsedAt().plus(TOUCH_EVERY).isBefore(now)) {
      store.touch(stored.keyId(), now);
    }
    return Caller.apiKey(stored.userId(), stored.tier(), stored.keyId());
  }

  /** Whether a credential looks like one of our keys (else it is taken for an ID token). */
  public static boolean looksLikeKey(String credential) {
    return credential.startsWith(PREFIX);
  }

  private String newId() {
    char[] id = new char[ID_LENGTH];
    for (int i = 0; i < id.length; i++) {
      id[i] = ID_ALPHABET[random.nextInt(ID_ALPHABET.length)];
    }
    return new String(id);
  }

  private byte[] hash(byte[] salt, String secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(pepper, "HmacSHA256"));
      mac.update(salt);
      return mac.doFinal(secret.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
