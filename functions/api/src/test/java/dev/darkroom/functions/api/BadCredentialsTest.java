package dev.darkroom.functions.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.darkroom.core.auth.AuthFailure;
import dev.darkroom.core.auth.Caller;
import dev.darkroom.core.limits.Admission;
import dev.darkroom.core.limits.FailedAuthentications;
import dev.darkroom.core.usecase.StreamTicketing;
import dev.darkroom.testing.InMemoryStreamTickets;
import dev.darkroom.core.port.IdTokenVerifier;
import dev.darkroom.core.usecase.ApiKeys;
import dev.darkroom.core.usecase.Authenticator;
import dev.darkroom.functions.api.http.Callers;
import dev.darkroom.functions.api.http.ClientAddress;
import dev.darkroom.functions.api.http.ComfyApi;
import dev.darkroom.functions.api.http.CrossOrigin;
import dev.darkroom.functions.api.routes.HistoryRoutes;
import dev.darkroom.testing.InMemoryAccountDirectory;
import dev.darkroom.testing.InMemoryApiKeyStore;
import dev.darkroom.testing.InMemoryJobStore;
import dev.darkroom.testing.InMemoryLedger;
import dev.darkroom.testing.InMemoryRateCounter;
import dev.darkroom.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Issue 19 item 6: bad credentials are not free. Failed authentications are limited per client
 * address (as the load balancer saw it), and a request from an address over the limit is refused
 * before its credential is looked at.
 */
class BadCredentialsTest {
  private static final int LIMIT = 3;
  /** Behind the load balancer: whatever the client sent, then the client's address, then the load balancer's. */
  private static final String LOAD_BALANCER = "34.120.0.1";

  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-23T10:00:00Z"));
  private final InMemoryJobStore jobs = new InMemoryJobStore();
  private final InMemoryApiKeyStore keyStore = new InMemoryApiKeyStore();
  private final ApiKeys keys = new ApiKeys(keyStore, new InMemoryAccountDirectory(clock), new byte[32], "free", clock);
  private final IdTokenVerifier firebase = (token, defaultTier) -> {
    if (!token.equals("alice-token")) {
      throw new AuthFailure(AuthFailure.Reason.INVALID, "not a Firebase ID token of this project");
    }
    return Caller.idToken("alice", defaultTier);
  };
  private final ComfyApi api = new ComfyApi(Callers.of(Authenticator.required(firebase, keys, "free")),
      new StreamTicketing(new InMemoryStreamTickets(), clock),
      new FailedAuthentications(LIMIT, clock), new ClientAddress(1), CrossOrigin.none(),
      new Admission(new InMemoryRateCounter(), jobs, new InMemoryLedger(), Admission.Settings.none(), clock), clock,
      new HistoryRoutes(jobs, clock));

  /** A well-formed key of the format keys were made in before checksums: nobody's. */
  private static final String UNKNOWN_KEY = "drk_abcdefghijkm_" + "A".repeat(43);

  private FakeHttp.Response history(String credential, String forwardedFor) throws Exception {
    return FakeHttp.send(api, "GET", "/history", null,
        "Authorization", "Bearer " + credential, "X-Forwarded-For", forwardedFor);
  }

  @Test
  void anAddressOverTheLimitOfFailuresIsRefused429BeforeItsCredentialIsLookedUp() throws Exception {
    for (int i = 0; i < LIMIT; i++) {
      // A client cannot pick its address: what it sends itself stays left of what the load balancer adds.
      assertThat(history(UNKNOWN_KEY, "10.0.0." + i + ", 203.0.113.7, " + LOAD_BALANCER).status).isEqualTo(401);
    }
    int lookups = keyStore.finds();

    FakeHttp.Response refused = history(UNKNOWN_KEY, "203.0.113.7, " + LOAD_BALANCER);
    assertThat(refused.status).as(refused.text()).isEqualTo(429);
    assertThat(Long.parseLong(refused.headers.get("Retry-After").get(0))).isBetween(1L, 120L);
    assertThat(refused.text()).contains("failed authentications");
    assertThat(keyStore.finds()).as("lookups once the address is over the limit").isEqualTo(lookups);
    assertThat(history("alice-token", "203.0.113.7, " + LOAD_BALANCER).status).as("any credential, from there")
        .isEqualTo(429);

    // Another address is not held back by this one.
    assertThat(history("alice-token", "198.51.100.9, " + LOAD_BALANCER).status).isEqualTo(200);
    assertThat(history("wrong-token", "198.51.100.9, " + LOAD_BALANCER).status).isEqualTo(401);

    // Once the failures are old enough, the address may try again.
    clock.advance(Duration.ofMinutes(2));
    assertThat(history("alice-token", "203.0.113.7, " + LOAD_BALANCER).status).isEqualTo(200);
  }
}
