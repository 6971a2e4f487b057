package dev.darkroom.testing;

import dev.darkroom.core.auth.Account;
import dev.darkroom.core.auth.AuthFailure;
import dev.darkroom.core.port.AccountDirectory;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link AccountDirectory} in memory, with Firebase Auth's rules: revoking a user's sessions sets
 * their tokens-valid-after time to now, to the second, as creating them does; a deleted user is
 * not found.
 */
public final class InMemoryAccountDirectory implements AccountDirectory {
  private final Map<String, Account> accounts = new ConcurrentHashMap<>();
  private final AtomicInteger lookups = new AtomicInteger();
  private final Clock clock;
  private volatile boolean unavailable;

  public InMemoryAccountDirectory(Clock clock) {
    this.clock = clock;
  }

  public InMemoryAccountDirectory() {
    this(Clock.systemUTC());
  }

  @Override
  public Optional<Account> find(String userId) throws AuthFailure {
    lookups.incrementAndGet();
    if (unavailable) {
      throw new AuthFailure(AuthFailure.Reason.UNAVAILABLE, "the account directory is down (as the test asked)");
    }
    return Optional.ofNullable(accounts.get(userId));
  }

  /** A directory of these users, enabled, without a tier claim. */
  public static InMemoryAccountDirectory of(Clock clock, String... users) {
    InMemoryAccountDirectory accounts = new InMemoryAccountDirectory(clock);
    for (String user : users) {
      accounts.add(user, null);
    }
    return accounts;
  }

  /** A new, enabled user with {@code tier} as their claim (null for none); returns the user id. */
  public String add(String userId, String tier) {
    accounts.put(userId, new Account(userId, false, clock.instant().truncatedTo(ChronoUnit.SECONDS), tier));
    return userId;
  }

  public void setTier(String userId, String tier) {
    accounts.computeIfPresent(userId, (id, a) -> new Account(id, a.disabled(), a.tokensValidAfter(), tier, a.admin()));
  }

  /** Sets or clears the account's {@code admin} claim. */
  public void setAdmin(String userId, boolean admin) {
    accounts.computeIfPresent(userId, (id, a) -> new Account(id, a.disabled(), a.tokensValidAfter(), a.tier(), admin));
  }

  public void disable(String userId) {
    accounts.computeIfPresent(userId, (id, a) -> new Account(id, true, a.tokensValidAfter(), a.tier(), a.admin()));
  }

  public void revokeSessions(String userId) {
    accounts.computeIfPresent(userId, (id, a) ->
        new Account(id, a.disabled(), clock.instant().truncatedTo(ChronoUnit.SECONDS), a.tier(), a.admin()));
  }

  public void delete(String userId) {
    accounts.remove(userId);
  }

  /** Makes every lookup fail as an outage of the identity provider would (or stop failing). */
  public void unavailable(boolean down) {
    unavailable = down;
  }

  /** How many lookups were made: each one is a call to the identity provider in the cloud. */
  public int lookups() {
    return lookups.get();
  }
}
