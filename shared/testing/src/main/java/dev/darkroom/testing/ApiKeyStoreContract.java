package dev.darkroom.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.darkroom.core.auth.StoredApiKey;
import dev.darkroom.core.port.ApiKeyStore;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What every {@link ApiKeyStore} must do; run against the fake and against PostgreSQL. */
public abstract class ApiKeyStoreContract {
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

  protected abstract ApiKeyStore store();

  private static String user() {
    return "user-" + UUID.randomUUID();
  }

  private static StoredApiKey key(String userId, Instant createdAt) {
    String id = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    return new StoredApiKey(id, userId, "ci " + id, "free", new byte[] {1, 2, 3}, new byte[] {4, 5, 6, 7},
        createdAt, null, null);
  }

  @Test
  void aStoredKeyIsFoundByItsIdWithEveryField() {
    StoredApiKey key = key(user(), T0);
    store().insert(key);
    assertThat(store().find(key.keyId())).contains(key);
    assertThat(store().find("nosuchkey000")).isEmpty();
  }

  @Test
  void anIdIsStoredOnce() {
    StoredApiKey key = key(user(), T0);
    store().insert(key);
    StoredApiKey sameId = new StoredApiKey(key.keyId(), user(), "another", "pro", new byte[] {9}, new byte[] {8},
        T0.plusSeconds(5), null, null);
    assertThatThrownBy(() -> store().insert(sameId))
        .isExactlyInstanceOf(ApiKeyStore.DuplicateKeyIdException.class)
        .hasMessage("API key id already stored: " + key.keyId());
    assertThat(store().find(key.keyId())).contains(key);
  }

  @Test
  void aUserListsOnlyTheirOwnKeysNewestFirst() {
    String alice = user();
    StoredApiKey older = key(alice, T0);
    StoredApiKey newer = key(alice, T0.plusSeconds(60));
    StoredApiKey bobs = key(user(), T0.plusSeconds(30));
    store().insert(older);
    store().insert(newer);
    store().insert(bobs);
    assertThat(store().list(alice, 10)).containsExactly(newer, older);
    assertThat(store().list(alice, 1)).containsExactly(newer);
    assertThat(store().countActive(alice)).isEqualTo(2);
  }

  @Test
  void onlyTheOwnerRevokesAndTheFirstRevocationTimeStays() {
    String alice = user();
    StoredApiKey key = key(alice, T0);
    store().insert(key);
    assertThat(store().revoke("someone-else", key.keyId(), T0.plusSeconds(1))).isFalse();
    assertThat(store().find(key.keyId()).orElseThrow().revoked()).isFalse();

    assertThat(store().revoke(alice, key.keyId(), T0.plusSeconds(2))).isTrue();
    assertThat(store().revoke(alice, key.keyId(), T0.plusSeconds(3))).isTrue();
    assertThat(store().find(key.keyId()).orElseThrow().revokedAt()).isEqualTo(T0.plusSeconds(2));
    assertThat(store().countActive(alice)).isZero();
    assertThat(store().list(alice, 10)).hasSize(1);
    assertThat(store().revoke(alice, "nosuchkey000", T0)).isFalse();
  }

  @Test
  void aUseIsRecordedAndNeverMovesBack() {
    StoredApiKey key = key(user(), T0);
    store().insert(key);
    store().touch(key.keyId(), T0.plusSeconds(120));
    store().touch(key.keyId(), T0.plusSeconds(60));
    assertThat(store().find(key.keyId()).orElseThrow().lastUsedAt()).isEqualTo(T0.plusSeconds(120));
  }
}
