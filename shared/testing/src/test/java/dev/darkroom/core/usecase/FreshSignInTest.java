package dev.darkroom.core.usecase;

import static org.assertj.core.api.Assertions.assertThat;

import dev.darkroom.core.auth.Caller;
import dev.darkroom.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FreshSignInTest {
  private static final Instant NOW = Instant.parse("2026-12-06T08:00:00Z");
  /** Each token's sign-in time. */
  private final Map<String, Instant> signIns = Map.of("fresh", NOW.minusSeconds(300), "stale", NOW.minusSeconds(301));
  private final FreshSignIn fresh = new FreshSignIn(signIns::get, Duration.ofMinutes(5), new ManualClock(NOW));

  @Test
  void aTokenFromASignInWithinTheMaxAgeMayGoOn() throws Exception {
    assertThat(fresh.refusal(Caller.idToken("alice", "free"), "fresh")).isEmpty();
  }

  @Test
  void anOlderSignInIsAskedToSignInAgain() throws Exception {
    assertThat(fresh.refusal(Caller.idToken("alice", "free"), "stale"))
        .contains("creating an API key needs a sign-in within the last 5 minutes: sign in again, then retry");
  }

  @Test
  void theLocalUserAndKeysAreNotAsked() throws Exception {
    assertThat(fresh.refusal(Caller.local("free"), null)).isEmpty();
    assertThat(fresh.refusal(Caller.apiKey("alice", "free", "k1"), null)).isEmpty();
  }
}
