package dev.darkroom.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.darkroom.core.auth.Account;
import dev.darkroom.core.port.AccountDirectory;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What every {@link AccountDirectory} must do; the fake and Firebase Auth (its emulator) both pass it. */
public abstract class AccountDirectoryContract {

  protected abstract AccountDirectory directory();

  /** Creates an enabled user without a tier claim; returns their id. */
  protected abstract String newUser();

  protected abstract void setTier(String userId, String tier);

  /** Sets the account's custom claims to exactly {@code admin: true} (the tier claim goes). */
  protected abstract void makeAdmin(String userId);

  protected abstract void disable(String userId);

  /** Signs the user out everywhere ({@code revokeRefreshTokens}). */
  protected abstract void revokeSessions(String userId);

  protected abstract void delete(String userId);

  /** Firebase sets a new user's tokens-valid-after time to their creation, to the second. */
  @Test
  void aNewUserIsEnabledWithoutTierAndSignedOutNoLaterThanNow() throws Exception {
    Instant before = Instant.now();
    String user = newUser();

    Account account = directory().find(user).orElseThrow();

    assertThat(account.userId()).isEqualTo(user);
    assertThat(account.disabled()).isFalse();
    assertThat(account.tier()).isNull();
    assertThat(account.tokensValidAfter()).isBetween(before.minusSeconds(1), Instant.now());
  }

  @Test
  void theTierClaimIsTheAccountsTier() throws Exception {
    String user = newUser();

    setTier(user, "pro");

    assertThat(directory().find(user).orElseThrow().tier()).isEqualTo("pro");
  }

  @Test
  void theAdminClaimMakesAnAdministratorAndANewUserIsNone() throws Exception {
    String user = newUser();
    assertThat(directory().find(user).orElseThrow().admin()).isFalse();

    makeAdmin(user);

    assertThat(directory().find(user).orElseThrow().admin()).isTrue();
  }

  @Test
  void aDisabledUserIsDisabled() throws Exception {
    String user = newUser();

    disable(user);

    assertThat(directory().find(user).orElseThrow().disabled()).isTrue();
  }

  @Test
  void signingOutEverywhereSetsTokensValidAfterToNowToTheSecond() throws Exception {
    String user = newUser();
    Instant before = Instant.now();

    revokeSessions(user);

    Instant validAfter = directory().find(user).orElseThrow().tokensValidAfter();
    assertThat(validAfter).isBetween(before.minusSeconds(1), Instant.now().plus(Duration.ofSeconds(1)));
  }

  @Test
  void aDeletedOrUnknownUserIsNotFound() throws Exception {
    String user = newUser();

    delete(user);

    assertThat(directory().find(user)).isEmpty();
    assertThat(directory().find("nobody-" + UUID.randomUUID())).isEmpty();
  }
}
