package dev.darkroom.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.darkroom.core.port.DeviceTokens;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What every {@link DeviceTokens} must do, the in-memory fake and the Firestore documents alike. */
public abstract class DeviceTokensContract {
  protected abstract DeviceTokens tokens();

  private final String run = UUID.randomUUID().toString();
  private final String alice = "alice-" + run;
  private final String bob = "bob-" + run;

  @Test
  void aUsersTokensAreTheOnesRegisteredForThem() {
    DeviceTokens tokens = tokens();
    tokens.register(token("phone"), alice, "android");
    tokens.register(token("tablet"), alice, "ios");
    tokens.register(token("laptop"), bob, "web");
    assertThat(tokens.forUser(alice)).containsExactlyInAnyOrder(token("phone"), token("tablet"));
    assertThat(tokens.forUser(bob)).containsExactly(token("laptop"));
    assertThat(tokens.forUser("nobody-" + run)).isEmpty();
  }

  @Test
  void aTokenRegisteredByAnotherUserMovesToThem() {
    DeviceTokens tokens = tokens();
    tokens.register(token("shared"), alice, "android");
    tokens.register(token("shared"), alice, "android");
    tokens.register(token("shared"), bob, "android");
    assertThat(tokens.forUser(alice)).isEmpty();
    assertThat(tokens.forUser(bob)).containsExactly(token("shared"));
  }

  @Test
  void aRemovedTokenIsForgottenAndRemovingAgainIsHarmless() {
    DeviceTokens tokens = tokens();
    tokens.register(token("phone"), alice, "android");
    tokens.register(token("gone"), alice, "android");
    tokens.remove(token("gone"));
    tokens.remove(token("gone"));
    tokens.remove(token("never-registered"));
    assertThat(tokens.forUser(alice)).containsExactly(token("phone"));
  }

  private String token(String device) {
    return "tok-" + device + "-" + run;
  }
}
