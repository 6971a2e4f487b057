package dev.darkroom.core.usecase;

import dev.darkroom.core.auth.Account;
import dev.darkroom.core.auth.AuthFailure;
import dev.darkroom.core.auth.Caller;
import dev.darkroom.core.auth.StoredApiKey;
import dev.darkroom.core.port.AccountDirectory;
import dev.darkroom.core.port.ApiKeyStore;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Darkroom API keys: {@code drk_<id>_<secret><check>}, where the id (12 characters) is public and the
 * secret (32 random bytes, base64url, 43 characters) is shown once, at creation, and never stored. The
 * store keeps HMAC-SHA256(pepper, salt ‖ secret) with a random salt per key; the pepper lives in Secret
 * Manager, so a copy of the database alone cannot test guesses. The secret has 256 bits of entropy,
 * so a fast hash is the right one: nothing here is a password to stretch.
 *
 * <p>The check (8 characters: 48 bits of an HMAC of id and secret under a key derived from the
 * pepper) lets a key that is not one of ours be refused without a database lookup: a random or
 * forged key passes it once in 2^48 tries, and nobody without the pepper can make one that passes.
 * Keys made before checks ({@code drk_<id>_<secret>}, 43 characters after the id) still work and are
 * looked up as before, so a made-up key of that shape still costs a lookup (per client address,
 * failed authentications are limited by {@code FailedAuthentications}), until the operator stops
 * accepting them ({@code acceptKeysWithoutCheck}, {@code API_KEYS_WITHOUT_CHECK=refuse}).
 *
 * <p>A key stands for its account as the {@link AccountDirectory} (Firebase Auth) holds it now, not
 * as it was when the key was made: a key of a disabled or deleted account is refused, and so is a
 * key made before the user last signed out everywhere (Firebase's tokens-valid-after time, which a
 * password change also moves): signing out everywhere revokes every key made until then, as it
 * revokes every session. Firebase keeps that time to the second and compares ID tokens' issue times
 * to the second; keys' creation times are compared the same way, so a key made in the very second of
 * the sign-out survives it, as a token issued in that second does. A call has the account's current
 * {@code tier} claim (the default tier without one), not the tier the key was made with, and is an
 * administrator exactly when the account has the {@code admin} claim now. Each
 * account's state is read at most once per {@link #ACCOUNT_RECHECK} per instance, the bound the ID
 * tokens' revocation check uses: so a change to an account reaches its keys within a minute. When
 * the directory cannot be asked, the call is refused as UNAVAILABLE (503), as an ID token's would be.
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
  /** How long an account's state, once read, is trusted for its keys: the ID tokens' revocation recheck. */
  public static final Duration ACCOUNT_RECHECK = Duration.ofSeconds(60);
  private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);
  private static final char[] ID_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789".toCharArray();
  private static final int CHECK_BYTES = 6;
  private static final Pattern KEY = Pattern.compile("drk_([a-z2-9]{12})_([A-Za-z0-9_-]{43})([A-Za-z0-9_-]{8})");
  /** A key made before keys had a check. */
  private static final Pattern UNCHECKED_KEY = Pattern.compile("drk_([a-z2-9]{12})_([A-Za-z0-9_-]{43})");
  private static final byte[] CHECK_KEY_LABEL = "darkroom api key check".getBytes(StandardCharsets.US_ASCII);

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
  /** HMAC-SHA256(pepper, label): the checks' own key, so that no check is ever a hash's input or output. */
  private final byte[] checkKey;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final AccountDirectory accounts;
  private final String defaultTier;
  private final boolean acceptKeysWithoutCheck;
  /** Each account's state as last read, and when: trusted for {@link #ACCOUNT_RECHECK}. */
  private final Map<String, AccountRead> accountReads = new ConcurrentHashMap<>();

  /** @param account null when the user does not exist */
  private record AccountRead(Account account, Instant at) {}

  /** Accounts remembered at most; past it, the stale are forgotten, then all if that is not enough. */
  static final int MAX_ACCOUNTS_REMEMBERED = 10_000;

  /** Keys made before checks are accepted (looked up). */
  public ApiKeys(ApiKeyStore store, AccountDirectory accounts, byte[] pepper, String defaultTier, Clock clock) {
    this(store, accounts, pepper, defaultTier, clock, true);
  }

  /**
   * @param defaultTier a caller's tier when their account has no {@code tier} claim
   * @param acceptKeysWithoutCheck whether keys made before checks are still looked up; false refuses
   *     them unread, once none is in use
   */
  public ApiKeys(ApiKeyStore store, AccountDirectory accounts, byte[] pepper, String defaultTier, Clock clock,
      boolean acceptKeysWithoutCheck) {
    this.store = Objects.requireNonNull(store, "store");
    if (pepper.length < MIN_PEPPER_BYTES) {
      throw new IllegalArgumentException("the API key pepper must be at least " + MIN_PEPPER_BYTES + " bytes");
    }
    this.pepper = pepper.clone();
    this.checkKey = hmac(this.pepper, CHECK_KEY_LABEL);
    this.accounts = Objects.requireNonNull(accounts, "accounts");
    this.defaultTier = Objects.requireNonNull(defaultTier, "defaultTier");
    this.acceptKeysWithoutCheck = acceptKeysWithoutCheck;
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
    return new Creation.Created(PREFIX + id + "_" + encodedSecret + check(id, encodedSecret), stored);
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
    if (match.matches()) {
      byte[] expected = check(match.group(1), match.group(2)).getBytes(StandardCharsets.US_ASCII);
      if (!MessageDigest.isEqual(expected, match.group(3).getBytes(StandardCharsets.US_ASCII))) {
        // Not made here: refused without asking the store, with the same answer as an unknown key.
        throw new AuthFailure(AuthFailure.Reason.INVALID, "unknown API key");
      }
    } else {
      match = UNCHECKED_KEY.matcher(presented);
      if (!match.matches()) {
        throw new AuthFailure(AuthFailure.Reason.INVALID, "not a Darkroom API key (drk_<id>_<secret>)");
      }
      if (!acceptKeysWithoutCheck) {
        throw new AuthFailure(AuthFailure.Reason.INVALID,
            "keys without a check are no longer accepted here: create a new key");
      }
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
    Account account = currentAccount(stored, now);
    if (stored.lastUsedAt() == null || stored.lastUsedAt().plus(TOUCH_EVERY).isBefore(now)) {
      store.touch(stored.keyId(), now);
    }
    return Caller.apiKey(stored.userId(), account.tier() == null || account.tier().isBlank() ? defaultTier
        : account.tier(), stored.keyId(), account.admin());
  }

  /** The key's account, if it may still use the key; else why not. */
  private Account currentAccount(StoredApiKey key, Instant now) throws AuthFailure {
    AccountRead read = accountReads.get(key.userId());
    if (read == null || !now.isBefore(read.at().plus(ACCOUNT_RECHECK))) {
      read = new AccountRead(accounts.find(key.userId()).orElse(null), now);
      remember(key.userId(), read);
    }
    Account account = read.account();
    if (account == null) {
      throw new AuthFailure(AuthFailure.Reason.INVALID, "the account of this API key no longer exists");
    }
    if (account.disabled()) {
      throw new AuthFailure(AuthFailure.Reason.DISABLED, "the account is disabled");
    }
    // Firebase keeps the time to the second and compares ID tokens' issue times to the second: so do we.
    if (account.tokensValidAfter() != null
        && key.createdAt().truncatedTo(ChronoUnit.SECONDS).isBefore(account.tokensValidAfter())) {
      throw new AuthFailure(AuthFailure.Reason.REVOKED, "the account signed out everywhere at "
          + account.tokensValidAfter() + ", after this key was made: create a new key");
    }
    return account;
  }

  private void remember(String userId, AccountRead read) {
    if (accountReads.size() >= MAX_ACCOUNTS_REMEMBERED) {
      accountReads.values().removeIf(old -> !read.at().isBefore(old.at().plus(ACCOUNT_RECHECK)));
      if (accountReads.size() >= MAX_ACCOUNTS_REMEMBERED) {
        accountReads.clear();
      }
    }
    accountReads.put(userId, read);
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
    return hmac(pepper, salt, secret.getBytes(StandardCharsets.US_ASCII));
  }

  /** The key's check: base64url of the first {@value #CHECK_BYTES} bytes of HMAC(checkKey, id _ secret). */
  private String check(String id, String secret) {
    byte[] mac = hmac(checkKey, (id + "_" + secret).getBytes(StandardCharsets.US_ASCII));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(mac, CHECK_BYTES));
  }

  private static byte[] hmac(byte[] key, byte[]... parts) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      for (byte[] part : parts) {
        mac.update(part);
      }
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
