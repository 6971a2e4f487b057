package dev.darkroom.core.usecase;

import dev.darkroom.core.auth.AuthFailure;
import dev.darkroom.core.auth.Caller;
import dev.darkroom.core.auth.StoredApiKey;
import dev.darkroom.core.usecase.ApiKeys.Creation;
import dev.darkroom.testing.InMemoryAccountDirectory;
import dev.darkroom.testing.InMemoryApiKeyStore;
import dev.darkroom.testing.ManualClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiKeysTest {
  private static final byte[] PEPPER = "a pepper of at least thirty-two bytes!".getBytes(StandardCharsets.US_ASCII);
  private final InMemoryApiKeyStore store = new InMemoryApiKeyStore();
  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-23T10:00:00Z"));
  private final InMemoryAccountDirectory accounts = new InMemoryAccountDirectory(clock);
  private final ApiKeys keys = new ApiKeys(store, accounts, PEPPER, "free", clock);
  private final Caller alice = Caller.idToken(accounts.add("alice", "pro"), "pro");

  private Creation.Created create(Caller owner) {
    return (Creation.Created) keys.create(owner, "ci");
  }

  @Test
  void aNewKeyIsShownOnceAndOnlyItsHashIsStored() throws Exception {
    Creation.Created created = create(alice);

    // drk_<id>_<secret, 43 characters><check, 8 characters>
    assertThat(created.key()).matches("drk_[a-z2-9]{12}_[A-Za-z0-9_-]{51}");
    assertThat(created.key()).startsWith(created.stored().prefix() + "_");
    StoredApiKey stored = store.find(created.stored().keyId()).orElseThrow();
    String secret = created.key().substring(created.stored().prefix().length() + 1);
    assertThat(stored.hash()).hasSize(32).isNotEqualTo(secret.getBytes(StandardCharsets.US_ASCII));
    assertThat(stored.toString()).doesNotContain(secret);
    assertThat(created.toString()).doesNotContain(secret);
    assertThat(stored.userId()).isEqualTo("alice");
    assertThat(stored.tier()).isEqualTo("pro");

    assertThat(keys.authenticate(created.key())).isEqualTo(Caller.apiKey("alice", "pro", stored.keyId()));
  }

  @Test
  void twoKeysShareNeitherIdNorSaltNorSecret() {
    Creation.Created one = create(alice);
    Creation.Created two = create(alice);
    assertThat(one.stored().keyId()).isNotEqualTo(two.stored().keyId());
    assertThat(one.stored().salt()).isNotEqualTo(two.stored().salt());
    assertThat(one.key().substring(17)).isNotEqualTo(two.key().substring(17));
  }

  @Test
  void aWrongSecretAnUnknownIdOrAnotherPepperIsInvalid() {
    Creation.Created created = create(alice);
    String key = created.key();
    char last = key.charAt(key.length() - 1);
    String wrongSecret = key.substring(0, key.length() - 1) + (last == 'A' ? 'B' : 'A');
    String unknownId = "drk_zzzzzzzzzzzz" + key.substring(16);

    for (String presented : new String[] {wrongSecret, unknownId, "drk_short", key + "x", "", "drk_" + "a".repeat(60)}) {
      assertThatThrownBy(() -> keys.authenticate(presented))
          .isInstanceOfSatisfying(AuthFailure.class, e -> assertThat(e.reason()).isEqualTo(AuthFailure.Reason.INVALID));
    }
    byte[] pepper = PEPPER.clone();
    pepper[0] ^= 1;
    ApiKeys otherPepper = new ApiKeys(store, accounts, pepper, "free", clock);
    assertThatThrownBy(() -> otherPepper.authenticate(key))
        .isInstanceOfSatisfying(AuthFailure.class, e -> assertThat(e.reason()).isEqualTo(AuthFailure.Reason.INVALID));
  }

  @Test
  void aRevokedKeyIsRefusedAsRevokedAndOnlyItsOwnerRevokesIt() throws Exception {
    Creation.Created created = create(alice);
    String id = created.stored().keyId();

    assertThat(keys.revoke(Caller.idToken("mallory", "pro"), id)).isEqualTo(ApiKeys.Revocation.NOT_FOUND);
    assertThat(keys.revoke(keys.authenticate(created.key()), id)).isEqualTo(ApiKeys.Revocation.NOT_WITH_A_KEY);
    assertThat(keys.authenticate(created.key())).isNotNull();

    assertThat(keys.revoke(alice, created.stored().prefix())).isEqualTo(ApiKeys.Revocation.REVOKED);
    assertThatThrownBy(() -> keys.authenticate(created.key()))
        .isInstanceOfSatisfying(AuthFailure.class, e -> assertThat(e.reason()).isEqualTo(AuthFailure.Reason.REVOKED));
  }

  @Test
  void aKeyCannotMintKeysAndAUserHasAtMostTwentyActive() throws Exception {
    Creation.Created first = create(alice);
    Caller withKey = keys.authenticate(first.key());
    assertThat(keys.create(withKey, "more")).isInstanceOfSatisfying(Creation.Refused.class,
        refused -> assertThat(refused.status()).isEqualTo(403));

    for (int i = 1; i < ApiKeys.MAX_ACTIVE_PER_USER; i++) {
      create(alice);
    }
    assertThat(keys.create(alice, "21st")).isInstanceOfSatisfying(Creation.Refused.class,
        refused -> assertThat(refused.status()).isEqualTo(409));
    keys.revoke(alice, first.stored().keyId());
    assertThat(keys.create(alice, "after a revocation")).isInstanceOf(Creation.Created.class);
  }

  @Test
  void aNameIsShortAndPrintable() {
    assertThat(keys.create(alice, "x".repeat(ApiKeys.MAX_NAME_LENGTH))).isInstanceOf(Creation.Created.class);
    assertThat(keys.create(alice, "x".repeat(ApiKeys.MAX_NAME_LENGTH + 1)))
        .isInstanceOfSatisfying(Creation.Refused.class, refused -> assertThat(refused.status()).isEqualTo(400));
    assertThat(keys.create(alice, "bell\u0007")).isInstanceOf(Creation.Refused.class);
  }

  @Test
  void aUseIsRecordedAtMostOnceAMinute() throws Exception {
    Creation.Created created = create(alice);
    String id = created.stored().keyId();
    keys.authenticate(created.key());
    Instant first = store.find(id).orElseThrow().lastUsedAt();
    assertThat(first).isEqualTo(clock.instant());

    clock.advance(Duration.ofSeconds(30));
    keys.authenticate(created.key());
    assertThat(store.find(id).orElseThrow().lastUsedAt()).isEqualTo(first);

    clock.advance(Duration.ofSeconds(31));
    keys.authenticate(created.key());
    assertThat(store.find(id).orElseThrow().lastUsedAt()).isEqualTo(clock.instant());
  }

  @Test
  void aShortPepperIsRefused() {
    assertThatThrownBy(() -> new ApiKeys(store, accounts, new byte[31], "free", clock)).hasMessageContaining("at least 32 bytes");
  }

  private static void refused(String key, ApiKeys keys, AuthFailure.Reason reason, String message) {
    assertThatThrownBy(() -> keys.authenticate(key)).isInstanceOfSatisfying(AuthFailure.class, e -> {
      assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
      assertThat(e.getMessage()).contains(message);
    });
  }

  // Issue 19 item 2: a key follows its account, within ApiKeys.ACCOUNT_RECHECK.

  @Test
  void aDisabledAccountsKeysAreRefusedWithinTheRecheck() throws Exception {
    String key = create(alice).key();
    assertThat(keys.authenticate(key).userId()).isEqualTo("alice");

    accounts.disable("alice");
    clock.advance(ApiKeys.ACCOUNT_RECHECK);

    refused(key, keys, AuthFailure.Reason.DISABLED, "the account is disabled");
  }

  @Test
  void aDeletedAccountsKeysAreRefusedWithinTheRecheck() throws Exception {
    String key = create(alice).key();
    assertThat(keys.authenticate(key).userId()).isEqualTo("alice");

    accounts.delete("alice");
    clock.advance(ApiKeys.ACCOUNT_RECHECK);

    refused(key, keys, AuthFailure.Reason.INVALID, "no longer exists");
  }

  @Test
  void signingOutEverywhereRefusesTheKeysMadeBefore() throws Exception {
    String first = create(alice).key();
    clock.advance(Duration.ofMillis(3_900));
    String second = create(alice).key();
    assertThat(keys.authenticate(first).userId()).isEqualTo("alice");
    assertThat(keys.authenticate(second).userId()).isEqualTo("alice");

    clock.advance(Duration.ofMillis(300));
    // At 10:00:04.200, kept by Firebase as 10:00:04.
    accounts.revokeSessions("alice");
    clock.advance(ApiKeys.ACCOUNT_RECHECK);

    refused(first, keys, AuthFailure.Reason.REVOKED, "signed out everywhere");
    refused(second, keys, AuthFailure.Reason.REVOKED, "signed out everywhere");
    String after = create(alice).key();
    assertThat(keys.authenticate(after).userId()).isEqualTo("alice");
  }

  @Test
  void aKeyHasItsAccountsCurrentTierNotTheOneItWasMadeWith() throws Exception {
    Creation.Created created = create(alice);
    assertThat(created.stored().tier()).isEqualTo("pro");
    assertThat(keys.authenticate(created.key()).tier()).isEqualTo("pro");

    accounts.setTier("alice", "standard");
    clock.advance(ApiKeys.ACCOUNT_RECHECK);
    assertThat(keys.authenticate(created.key()).tier()).as("after a downgrade").isEqualTo("standard");

    accounts.setTier("alice", null);
    clock.advance(ApiKeys.ACCOUNT_RECHECK);
    assertThat(keys.authenticate(created.key()).tier()).as("without a tier claim: the default").isEqualTo("free");
  }

  @Test
  void aKeyIsAnAdministratorsExactlyWhileItsAccountHasTheAdminClaim() throws Exception {
    String key = create(alice).key();
    assertThat(keys.authenticate(key).admin()).isFalse();

    accounts.setAdmin("alice", true);
    assertThat(keys.authenticate(key).admin()).as("within the recheck: the account as last read").isFalse();
    clock.advance(ApiKeys.ACCOUNT_RECHECK);
    assertThat(keys.authenticate(key).admin()).isTrue();

    accounts.setAdmin("alice", false);
    clock.advance(ApiKeys.ACCOUNT_RECHECK);
    assertThat(keys.authenticate(key).admin()).as("after the claim is removed").isFalse();
  }

  @Test
  void theAccountIsAskedForAtMostOnceARecheckPerUser() throws Exception {
    String one = create(alice).key();
    String two = create(alice).key();
    int before = accounts.lookups();

    for (int i = 0; i < 10; i++) {
      keys.authenticate(i % 2 == 0 ? one : two);
      clock.advance(Duration.ofSeconds(5));
    }
    assertThat(accounts.lookups() - before).isEqualTo(1);

    clock.advance(ApiKeys.ACCOUNT_RECHECK);
    keys.authenticate(one);
    assertThat(accounts.lookups() - before).isEqualTo(2);
  }

  @Test
  void anAccountDirectoryOutageIsUnavailableNotAPass() throws Exception {
    String key = create(alice).key();
    accounts.unavailable(true);

    refused(key, keys, AuthFailure.Reason.UNAVAILABLE, "");
  }

  // Issue 19 item 6: a key that is not one of ours costs no lookup.

  @Test
  void aForgedOrRandomKeyIsRefusedWithoutALookup() {
    String key = create(alice).key();
    String id = key.substring(4, 16);
    String secret = key.substring(17);
    char last = secret.charAt(secret.length() - 1);
    java.util.Random random = new java.util.Random(19);
    StringBuilder randomSecret = new StringBuilder();
    for (int i = 0; i < secret.length(); i++) {
      randomSecret.append("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".charAt(random.nextInt(64)));
    }
    int before = store.finds();

    for (String forged : new String[] {
        "drk_" + id + "_" + secret.substring(0, secret.length() - 1) + (last == 'A' ? 'B' : 'A'),
        "drk_zzzzzzzzzzzz_" + secret,
        "drk_" + id + "_" + randomSecret}) {
      assertThatThrownBy(() -> keys.authenticate(forged))
          .isInstanceOfSatisfying(AuthFailure.class, e -> assertThat(e.reason()).isEqualTo(AuthFailure.Reason.INVALID));
    }
    assertThat(store.finds() - before).as("store lookups for three forged keys").isZero();
  }

  /** A key as keys were made before they had a check: drk_<id>_<43-character secret>. */
  private String storeKeyWithoutCheck() throws Exception {
    byte[] salt = new byte[16];
    String secret = "S".repeat(43);
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec(PEPPER, "HmacSHA256"));
    mac.update(salt);
    byte[] hash = mac.doFinal(secret.getBytes(StandardCharsets.US_ASCII));
    store.insert(new StoredApiKey("oldkey234567", "alice", "legacy", "pro", salt, hash, clock.instant(), null, null));
    clock.advance(Duration.ofSeconds(1));
    return "drk_oldkey234567_" + secret;
  }

  /** Once every key without a check is replaced, the operator refuses them all: no lookup either. */
  @Test
  void keysWithoutACheckAreRefusedWithoutALookupWhenSoConfigured() throws Exception {
    String old = storeKeyWithoutCheck();
    ApiKeys refusing = new ApiKeys(store, accounts, PEPPER, "free", clock, false);
    int before = store.finds();

    assertThatThrownBy(() -> refusing.authenticate(old)).isInstanceOfSatisfying(AuthFailure.class, e -> {
      assertThat(e.reason()).isEqualTo(AuthFailure.Reason.INVALID);
      assertThat(e.getMessage()).contains("keys without a check are no longer accepted");
    });
    assertThat(store.finds()).isEqualTo(before);
    assertThat(refusing.authenticate(create(alice).key()).userId()).isEqualTo("alice");
  }

  /** Keys made before checks (drk_<id>_<43-character secret>) keep working, looked up as before. */
  @Test
  void aKeyMadeBeforeChecksumsStillWorks() throws Exception {
    String old = storeKeyWithoutCheck();

    assertThat(keys.authenticate(old)).isEqualTo(Caller.apiKey("alice", "pro", "oldkey234567"));
    assertThatThrownBy(() -> keys.authenticate("drk_oldkey234567_" + "T".repeat(43)))
        .isInstanceOfSatisfying(AuthFailure.class, e -> assertThat(e.reason()).isEqualTo(AuthFailure.Reason.INVALID));
  }
}
