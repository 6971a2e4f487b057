package dev.darkroom.functions.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.darkroom.core.auth.AuthFailure;
import dev.darkroom.core.auth.Caller;
import dev.darkroom.core.limits.Admission;
import dev.darkroom.core.limits.PerTier;
import dev.darkroom.core.port.IdTokenVerifier;
import dev.darkroom.core.usecase.ApiKeys;
import dev.darkroom.core.usecase.Authenticator;
import dev.darkroom.functions.api.http.Callers;
import dev.darkroom.functions.api.http.ComfyApi;
import dev.darkroom.testing.InMemoryAccountDirectory;
import dev.darkroom.testing.InMemoryApiKeyStore;
import dev.darkroom.testing.InMemoryJobStore;
import dev.darkroom.testing.InMemoryOutputStore;
import dev.darkroom.testing.InMemoryRateCounter;
import dev.darkroom.testing.InMemoryLedger;
import dev.darkroom.testing.RecordingJobQueue;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The API's front door: credentials, key management and limits, as a client sees them. */
class AuthAndLimitsTest {
  private static final String PROMPT = "{\"prompt\":{\"1\":{\"class_type\":\"EmptyLatentImage\",\"inputs\":{}}}}";
  private final ObjectMapper json = new ObjectMapper();
  private final InMemoryJobStore jobs = new InMemoryJobStore();
  private final InMemoryApiKeyStore keyStore = new InMemoryApiKeyStore();
  // Firebase Auth's accounts: Alice without a tier claim (the default tier), Bob on pro.
  private final InMemoryAccountDirectory accounts = accounts();
  private final ApiKeys keys = new ApiKeys(keyStore, accounts, new byte[32], "free", ApiFixture.CLOCK);

  private static InMemoryAccountDirectory accounts() {
    InMemoryAccountDirectory accounts = new InMemoryAccountDirectory(ApiFixture.CLOCK);
    accounts.add("alice", null);
    accounts.add("bob", "pro");
    return accounts;
  }
  // Firebase, as far as this test goes: two users' tokens, one expired, Firebase down.
  private final IdTokenVerifier firebase = (token, defaultTier) -> switch (token) {
    case "alice-token" -> Caller.idToken("alice", defaultTier);
    case "bob-token" -> Caller.idToken("bob", "pro");
    case "expired-token" -> throw new AuthFailure(AuthFailure.Reason.EXPIRED, "the ID token has expired");
    case "firebase-down" -> throw new AuthFailure(AuthFailure.Reason.UNAVAILABLE, "Firebase did not answer");
    default -> throw new AuthFailure(AuthFailure.Reason.INVALID, "not a Firebase ID token of this project");
  };

  private ComfyApi api(Admission.Settings limits) {
    Admission admission = new Admission(new InMemoryRateCounter(), jobs, new InMemoryLedger(),
        limits, ApiFixture.CLOCK);
    return ApiFixture.api(jobs, new RecordingJobQueue(), new InMemoryOutputStore(),
        new InMemoryLedger(), null,
        Callers.of(Authenticator.required(firebase, keys, "free")), admission, keys);
  }

  private final ComfyApi api = api(Admission.Settings.none());

  private static FakeHttp.Response call(ComfyApi api, String method, String path, String body, Map<String, String> headers)
      throws Exception {
    FakeHttp.Request request = FakeHttp.request(method, path, body);
    headers.forEach((name, value) -> request.headers.put(name, List.of(value)));
    FakeHttp.Response response = new FakeHttp.Response();
    api.handle(request, response);
    return response;
  }

  private void assertRefused(FakeHttp.Response response, int status, String message) throws Exception {
    assertThat(response.status).as(response.text()).isEqualTo(status);
    assertThat(json.readTree(response.text())).isEqualTo(
        json.createObjectNode().set("error", json.createObjectNode().put("status", status).put("message", message)));
  }

  private static Map<String, String> bearer(String credential) {
    return Map.of("Authorization", "Bearer " + credential);
  }

  @Test
  void everyRouteNeedsACredentialAndSaysWhyItRefused() throws Exception {
    FakeHttp.Response none = call(api, "GET", "/history", null, Map.of());
    assertThat(none.status).isEqualTo(401);
    assertThat(none.text()).contains("authentication required");

    FakeHttp.Response expired = call(api, "GET", "/history", null, bearer("expired-token"));
    assertThat(expired.status).isEqualTo(401);
    assertThat(expired.headers.get("WWW-Authenticate").get(0)).contains("error=\"invalid_token\"").contains("expired");
    assertThat(expired.text()).doesNotContain("expired-token");

    FakeHttp.Response down = call(api, "GET", "/history", null, bearer("firebase-down"));
    assertThat(down.status).isEqualTo(503);
    assertThat(down.headers.get("Retry-After")).containsExactly("5");

    assertThat(call(api, "GET", "/history", null, bearer("alice-token")).status).isEqualTo(200);
    // A CORS preflight carries no credentials.
    assertThat(call(api, "OPTIONS", "/prompt", null, Map.of()).status).isEqualTo(200);
  }

  @Test
  void aKeyIsCreatedOnceListedWithoutItsSecretUsedAndRevoked() throws Exception {
    FakeHttp.Response created = call(api, "POST", "/api/v2/keys", "{\"name\":\"render farm\"}", bearer("alice-token"));
    assertThat(created.status).isEqualTo(201);
    assertThat(created.headers.get("Cache-Control")).containsExactly("no-store");
    JsonNode key = json.readTree(created.text());
    String secret = key.path("key").asText();
    assertThat(secret).startsWith(key.path("prefix").asText() + "_");
    assertThat(key.path("name").asText()).isEqualTo("render farm");
    assertThat(key.path("tier").asText()).isEqualTo("free");

    FakeHttp.Response listed = call(api, "GET", "/api/v2/keys", null, Map.of("X-API-Key", secret));
    assertThat(listed.status).isEqualTo(200);
    assertThat(listed.text()).contains(key.path("prefix").asText()).doesNotContain(secret);
    assertThat(json.readTree(listed.text()).path("keys").path(0).path("last_used_at").isTextual()).isTrue();

    assertThat(call(api, "GET", "/history", null, bearer(secret)).status).isEqualTo(200);
    // Bob cannot see or revoke Alice's key; a key cannot revoke keys.
    assertThat(json.readTree(call(api, "GET", "/api/v2/keys", null, bearer("bob-token")).text()).path("keys")).isEmpty();
    String path = "/api/v2/keys/" + key.path("id").asText();
    assertRefused(call(api, "DELETE", path, null, bearer("bob-token")), 404, "no API key of yours has this id");
    assertRefused(call(api, "DELETE", path, null, bearer(secret)), 403,
        "API keys are revoked with a Firebase ID token, not with a key");
    assertRefused(call(api, "POST", "/api/v2/keys", null, bearer(secret)), 403,
        "API keys are created with a Firebase ID token, not with another key");

    assertThat(call(api, "DELETE", path, null, bearer("alice-token")).status).isEqualTo(204);
    FakeHttp.Response revoked = call(api, "GET", "/history", null, bearer(secret));
    assertThat(revoked.status).isEqualTo(401);
    assertThat(revoked.text()).contains("revoked");
  }

  /** Issue 19 item 2: a key follows its account (ApiKeysTest checks the delay, a minute at most). */
  @Test
  void aKeyOfADisabledAccountIsRefusedAndAKeyHasItsAccountsCurrentTier() throws Exception {
    String alices = json.readTree(call(api, "POST", "/api/v2/keys", null, bearer("alice-token")).text()).path("key").asText();
    String bobs = json.readTree(call(api, "POST", "/api/v2/keys", null, bearer("bob-token")).text()).path("key").asText();
    accounts.disable("alice");
    accounts.setTier("bob", "standard");

    FakeHttp.Response disabled = call(api, "GET", "/history", null, bearer(alices));
    assertThat(disabled.status).isEqualTo(401);
    assertThat(disabled.text()).contains("the account is disabled");
    ComfyApi limited = api(new Admission.Settings(PerTier.parse("standard=1", 1), OptionalLong.empty(),
        PerTier.none(), PerTier.none()));
    assertThat(call(limited, "GET", "/history", null, bearer(bobs)).status).isEqualTo(200);
    assertThat(call(limited, "GET", "/history", null, bearer(bobs)).status).as("bob's key has his new tier's limit")
        .isEqualTo(429);
  }

  @Test
  void aBadKeyRequestIsA400() throws Exception {
    for (String body : List.of("[1]", "{\"name\":7}")) {
      assertRefused(call(api, "POST", "/api/v2/keys", body, bearer("alice-token")), 400,
          "the body is optional, else a JSON object with an optional string \"name\"");
    }
    assertThat(call(api, "POST", "/api/v2/keys", "", bearer("alice-token")).status).isEqualTo(201);
  }

  @Test
  void tooManyRequestsIs429WithRetryAfterPerUser() throws Exception {
    ComfyApi limited = api(new Admission.Settings(PerTier.parse("free=2", 1), OptionalLong.empty(),
        PerTier.none(), PerTier.none()));
    assertThat(call(limited, "GET", "/history", null, bearer("alice-token")).status).isEqualTo(200);
    assertThat(call(limited, "GET", "/history", null, bearer("alice-token")).status).isEqualTo(200);
    FakeHttp.Response third = call(limited, "GET", "/history", null, bearer("alice-token"));
    assertThat(third.status).isEqualTo(429);
    assertThat(Long.parseLong(third.headers.get("Retry-After").get(0))).isBetween(1L, 120L);
    // Bob's tier (pro) has no limit here, and his count is his own.
    assertThat(call(limited, "GET", "/history", null, bearer("bob-token")).status).isEqualTo(200);
  }

  @Test
  void aFullQueueIs429AndAnExhaustedQuotaIs402() throws Exception {
    ComfyApi limited = api(new Admission.Settings(PerTier.none(), OptionalLong.empty(),
        PerTier.parse("free=1", 1), PerTier.parse("pro=0", 0)));
    assertThat(call(limited, "POST", "/prompt", PROMPT, bearer("alice-token")).status).isEqualTo(200);
    assertThat(jobs.listForUser("alice", java.util.EnumSet.allOf(dev.darkroom.core.job.JobStatus.class), 10))
        .singleElement().satisfies(job -> assertThat(job.tier()).isEqualTo("free"));
    FakeHttp.Response full = call(limited, "POST", "/prompt", PROMPT, bearer("alice-token"));
    assertThat(full.status).isEqualTo(429);
    assertThat(full.headers.get("Retry-After")).containsExactly("30");

    FakeHttp.Response broke = call(limited, "POST", "/prompt", PROMPT, bearer("bob-token"));
    assertThat(broke.status).isEqualTo(402);
    assertThat(broke.text()).contains("402: Payment Required").contains("GPU-seconds a month");
  }
}
