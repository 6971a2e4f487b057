package dev.darkroom.functions.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.darkroom.core.auth.Caller;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.notify.WebhookEndpoint;
import dev.darkroom.core.notify.WebhookSignature;
import dev.darkroom.core.port.JobChange.Outcome;
import dev.darkroom.functions.api.http.ComfyApi;
import dev.darkroom.core.notify.DeliveryAttempt;
import dev.darkroom.testing.InMemoryDeliveryLog;
import dev.darkroom.testing.InMemoryJobStore;
import dev.darkroom.testing.InMemoryDeviceTokens;
import dev.darkroom.testing.InMemoryEmailRecipients;
import dev.darkroom.testing.InMemoryLedger;
import dev.darkroom.testing.InMemoryWebhookEndpoints;
import dev.darkroom.testing.RecordingJobQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code /api/v2/webhooks}, {@code /api/v2/devices}, {@code /api/v2/notifications/email} over fakes. */
class NotificationRoutesTest {
  private final ObjectMapper json = new ObjectMapper();
  private final InMemoryJobStore jobs = new InMemoryJobStore();
  private final InMemoryWebhookEndpoints endpoints = new InMemoryWebhookEndpoints(ApiFixture.CLOCK);
  private final InMemoryDeviceTokens devices = new InMemoryDeviceTokens();
  private final InMemoryEmailRecipients email = new InMemoryEmailRecipients();
  private final InMemoryDeliveryLog deliveries = new InMemoryDeliveryLog();
  private Caller caller = Caller.idToken("alice", Job.DEFAULT_TIER);
  private final ComfyApi api = ApiFixture.api(jobs, new RecordingJobQueue(), new dev.darkroom.testing.InMemoryOutputStore(),
      new InMemoryLedger(), null, request -> caller,
      new dev.darkroom.core.limits.Admission(new dev.darkroom.testing.InMemoryRateCounter(), jobs,
          new InMemoryLedger(), dev.darkroom.core.limits.Admission.Settings.none(), ApiFixture.CLOCK),
      ApiFixture.apiKeys(),
      ApiFixture.notifications(jobs, endpoints, devices, email, deliveries));

  private FakeHttp.Response call(String method, String path, String body) throws Exception {
    return FakeHttp.call(api, method, path, body);
  }

  private JsonNode jsonOf(FakeHttp.Response response) throws Exception {
    return json.readTree(response.text());
  }

  private void aliceHasJob(String id) {
    Job job = Job.queued(id, "alice", 1, JsonNodeFactory.instance.objectNode(), null, null, ApiFixture.CLOCK.instant());
    jobs.update(id, current -> Outcome.write(job, null));
  }

  @Test
  void aWebhookIsRegisteredWithASecretShownOnceListedWithoutItAndDeleted() throws Exception {
    FakeHttp.Response created = call("POST", "/api/v2/webhooks", "{\"url\":\"https://hooks.example.com/darkroom\"}");
    assertThat(created.status).isEqualTo(201);
    assertThat(created.headers.get("Cache-Control")).containsExactly("no-store");
    JsonNode endpoint = jsonOf(created);
    String secret = endpoint.path("secret").asText();
    assertThat(secret).startsWith(WebhookSignature.SECRET_PREFIX);
    assertThat(endpoint.path("job_id").isNull()).isTrue();
    assertThat(endpoint.path("created_at").asText()).isEqualTo(ApiFixture.CLOCK.instant().toString());
    assertThat(endpoints.forUser("alice")).singleElement().extracting(WebhookEndpoint::secrets)
        .isEqualTo(java.util.List.of(secret));

    FakeHttp.Response listed = call("GET", "/api/v2/webhooks", null);
    assertThat(listed.status).isEqualTo(200);
    assertThat(listed.text()).contains("https://hooks.example.com/darkroom").doesNotContain(secret);

    String path = "/api/v2/webhooks/" + endpoint.path("id").asText();
    caller = Caller.idToken("bob", Job.DEFAULT_TIER);
    assertThat(call("DELETE", path, null).status).isEqualTo(404);
    assertThat(call("POST", path + "/rotate", null).status).isEqualTo(404);
    caller = Caller.apiKey("alice", Job.DEFAULT_TIER, "key-1");
    assertThat(call("DELETE", path, null).status).isEqualTo(204);
    assertThat(endpoints.forUser("alice")).isEmpty();
  }

  @Test
  void rotationGivesANewSecretAndKeepsTheOldOneSigningForNow() throws Exception {
    JsonNode endpoint = jsonOf(call("POST", "/api/v2/webhooks", "{\"url\":\"https://hooks.example.com/\"}"));
    FakeHttp.Response rotated = call("POST", "/api/v2/webhooks/" + endpoint.path("id").asText() + "/rotate", null);
    assertThat(rotated.status).isEqualTo(200);
    String next = jsonOf(rotated).path("secret").asText();
    assertThat(next).startsWith("whsec_").isNotEqualTo(endpoint.path("secret").asText());
    assertThat(endpoints.forUser("alice").get(0).secrets()).containsExactly(next, endpoint.path("secret").asText());
  }

  /** A job id as jobs have them (a prompt id). */
  private static final String JOB_A = "0f8c1f9e-6d7b-4c53-9a51-3f3a9a2f6b10";

  @Test
  void aJobScopedWebhookMustNameOneOfTheCallersJobs() throws Exception {
    aliceHasJob(JOB_A);
    FakeHttp.Response mine = call("POST", "/api/v2/webhooks", "{\"url\":\"https://h.example.com/\",\"job_id\":\"" + JOB_A + "\"}");
    assertThat(mine.status).isEqualTo(201);
    assertThat(jsonOf(mine).path("job_id").asText()).isEqualTo(JOB_A);

    caller = Caller.idToken("bob", Job.DEFAULT_TIER);
    assertThat(call("POST", "/api/v2/webhooks", "{\"url\":\"https://h.example.com/\",\"job_id\":\"" + JOB_A + "\"}").status)
        .isEqualTo(404);
    assertThat(call("POST", "/api/v2/webhooks", "{\"url\":\"https://h.example.com/\",\"job_id\":\"nope\"}").status)
        .isEqualTo(404);
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"url\":\"http://10.0.0.1/\"}", "{\"url\":\"http://127.0.0.1:8080/\"}",
      "{\"url\":\"https://x.internal.test/\"}", "{\"url\":\"ftp://example.com/\"}", "{\"url\":\"not a url\"}",
      "{\"url\":7}", "{}", "[1]", "{", "{\"url\":\"https://h.example.com/\",\"job_id\":5}"})
  void aBadOrInternalUrlIsAClear400(String body) throws Exception {
    FakeHttp.Response refused = call("POST", "/api/v2/webhooks", body);
    assertThat(refused.status).isEqualTo(400);
    assertThat(jsonOf(refused).path("error").path("message").asText()).isNotEmpty();
    assertThat(endpoints.all).isEmpty();
  }

  @Test
  void endpointsPerUserAreCapped() throws Exception {
    for (int i = 0; i < 3; i++) {
      assertThat(call("POST", "/api/v2/webhooks", "{\"url\":\"https://h.example.com/" + i + "\"}").status).isEqualTo(201);
    }
    FakeHttp.Response fourth = call("POST", "/api/v2/webhooks", "{\"url\":\"https://h.example.com/4\"}");
    assertThat(fourth.status).isEqualTo(409);
    assertThat(fourth.text()).contains("delete one");
  }

  @Test
  void aDeviceIsRegisteredListedMovedToItsNewUserAndDeleted() throws Exception {
    assertThat(call("PUT", "/api/v2/devices/tok-1", "{\"platform\":\"android\"}").status).isEqualTo(200);
    assertThat(call("PUT", "/api/v2/devices/tok-2", null).status).isEqualTo(200);
    assertThat(jsonOf(call("GET", "/api/v2/devices", null)).path("devices")).hasSize(2);
    assertThat(call("PUT", "/api/v2/devices/tok-3", "{\"platform\":\"symbian\"}").status).isEqualTo(400);

    caller = Caller.idToken("bob", Job.DEFAULT_TIER);
    assertThat(call("DELETE", "/api/v2/devices/tok-2", null).status).isEqualTo(404);
    assertThat(call("PUT", "/api/v2/devices/tok-1", "{\"platform\":\"ios\"}").status).isEqualTo(200);
    assertThat(devices.forUser("alice")).containsExactly("tok-2");
    assertThat(devices.forUser("bob")).containsExactly("tok-1");

    caller = Caller.idToken("alice", Job.DEFAULT_TIER);
    assertThat(call("DELETE", "/api/v2/devices/tok-2", null).status).isEqualTo(204);
    assertThat(devices.forUser("alice")).isEmpty();
  }

  @Test
  void emailIsOptedIntoWithAValidAddressAndOutAgain() throws Exception {
    assertThat(jsonOf(call("GET", "/api/v2/notifications/email", null)).path("enabled").asBoolean()).isFalse();
    assertThat(call("PUT", "/api/v2/notifications/email", "{\"address\":\"not an address\"}").status).isEqualTo(400);
    assertThat(call("PUT", "/api/v2/notifications/email", "{\"address\":\"a@b\"}").status).isEqualTo(400);
    assertThat(call("PUT", "/api/v2/notifications/email", null).status).isEqualTo(400);
    assertThat(email.addressByUser).isEmpty();

    assertThat(call("PUT", "/api/v2/notifications/email", "{\"address\":\"alice@example.com\"}").status).isEqualTo(200);
    JsonNode state = jsonOf(call("GET", "/api/v2/notifications/email", null));
    assertThat(state.path("enabled").asBoolean()).isTrue();
    assertThat(state.path("address").asText()).isEqualTo("alice@example.com");
    assertThat(call("DELETE", "/api/v2/notifications/email", null).status).isEqualTo(204);
    assertThat(email.addressOf("alice")).isEmpty();
  }

  @Test
  void otherMethodsOnTheseRoutesAre405() throws Exception {
    assertThat(call("PATCH", "/api/v2/webhooks", "{}").status).isEqualTo(405);
    assertThat(call("GET", "/api/v2/devices/tok", null).status).isEqualTo(405);
  }

  /** Issue 19: ids Firestore cannot store (over 1,500 bytes, '.', '..', '__x__') are the client's mistake, not a 500. */
  static java.util.stream.Stream<String> tokensFirestoreCannotStore() {
    return java.util.stream.Stream.of("a".repeat(1_600), "\u00e9".repeat(751), "..", ".", "__fcm__", "__.*__");
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.MethodSource("tokensFirestoreCannotStore")
  void aDeviceTokenFirestoreCannotStoreIsA400SayingWhy(String token) throws Exception {
    String path = "/api/v2/devices/" + token;
    FakeHttp.Response put = call("PUT", path, null);
    assertThat(put.status).as(put.text()).isEqualTo(400);
    assertThat(jsonOf(put).at("/error/message").asText()).contains("token");
    assertThat(call("DELETE", path, null).status).isEqualTo(400);
    assertThat(devices.userByToken).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"a/b", "..", "__job__"})
  void aWebhookJobIdFirestoreCannotStoreIsA400SayingWhy(String jobId) throws Exception {
    FakeHttp.Response created = call("POST", "/api/v2/webhooks",
        "{\"url\":\"https://hooks.example.com/\",\"job_id\":\"" + jobId + "\"}");
    assertThat(created.status).as(created.text()).isEqualTo(400);
    assertThat(jsonOf(created).at("/error/message").asText()).contains("job_id");
    assertThat(endpoints.forUser("alice")).isEmpty();
  }

  private String aliceRegisters(String url) throws Exception {
    caller = Caller.idToken("alice", Job.DEFAULT_TIER);
    return jsonOf(call("POST", "/api/v2/webhooks", "{\"url\":\"" + url + "\"}")).path("id").asText();
  }

  private void attempted(String endpoint, int count) {
    java.time.Instant t0 = ApiFixture.CLOCK.instant();
    for (int i = 0; i < count; i++) {
      deliveries.record(new DeliveryAttempt("job-" + i + "/1/succeeded", endpoint, 1, DeliveryAttempt.Outcome.DELIVERED,
          200, null, t0.plusSeconds(i), "prompt-" + i, "succeeded", java.time.Duration.ofMillis(40)));
    }
  }

  @Test
  void anEndpointsLatestDeliveriesAreShownNewestFirstWithTheirOutcome() throws Exception {
    String id = aliceRegisters("https://hooks.example.com/a");
    String other = aliceRegisters("https://hooks.example.com/b");
    java.time.Instant t0 = ApiFixture.CLOCK.instant();
    deliveries.record(new DeliveryAttempt("n1", id, 1, DeliveryAttempt.Outcome.RETRY, null,
        "java.net.ConnectException: Connection refused", t0, "prompt-1", "succeeded", java.time.Duration.ofMillis(3)));
    deliveries.record(new DeliveryAttempt("n1", id, 2, DeliveryAttempt.Outcome.GAVE_UP, 410, "HTTP 410",
        t0.plusSeconds(60), "prompt-1", "succeeded", null));
    deliveries.record(new DeliveryAttempt("n2", id, 1, DeliveryAttempt.Outcome.DELIVERED, 200, null,
        t0.plusSeconds(120), "prompt-2", "failed", java.time.Duration.ofMillis(85)));
    deliveries.record(new DeliveryAttempt("n3", other, 1, DeliveryAttempt.Outcome.DELIVERED, 200, null,
        t0.plusSeconds(180), "prompt-3", "succeeded", null));

    FakeHttp.Response shown = call("GET", "/api/v2/webhooks/" + id + "/deliveries", null);
    assertThat(shown.status).isEqualTo(200);
    JsonNode reply = jsonOf(shown);
    assertThat(reply.path("webhook_id").asText()).isEqualTo(id);
    JsonNode list = reply.path("deliveries");
    assertThat(list).hasSize(3);
    assertThat(list.get(0).path("outcome").asText()).isEqualTo("delivered");
    assertThat(list.get(0).path("job_id").asText()).isEqualTo("prompt-2");
    assertThat(list.get(0).path("event").asText()).isEqualTo("failed");
    assertThat(list.get(0).path("status_code").asInt()).isEqualTo(200);
    assertThat(list.get(0).path("duration_ms").asLong()).isEqualTo(85);
    assertThat(list.get(0).path("at").asText()).isEqualTo(t0.plusSeconds(120).toString());
    assertThat(list.get(1).path("outcome").asText()).isEqualTo("given_up");
    assertThat(list.get(1).path("attempt").asInt()).isEqualTo(2);
    assertThat(list.get(1).path("duration_ms").isNull()).isTrue();
    assertThat(list.get(2).path("outcome").asText()).isEqualTo("failed");
    assertThat(list.get(2).path("status_code").isNull()).isTrue();
    assertThat(list.get(2).path("error").asText()).contains("Connection refused");
    assertThat(list.get(2).path("notification_id").asText()).isEqualTo("n1");

    caller = Caller.apiKey("alice", Job.DEFAULT_TIER, "key-1");
    assertThat(jsonOf(call("GET", "/api/v2/webhooks/" + other + "/deliveries", null)).path("deliveries")).hasSize(1);
  }

  @Test
  void anotherUsersEndpointAnswersExactlyAsOneThatNeverExisted() throws Exception {
    String id = aliceRegisters("https://hooks.example.com/a");
    attempted(id, 2);
    caller = Caller.idToken("bob", Job.DEFAULT_TIER);
    FakeHttp.Response others = call("GET", "/api/v2/webhooks/" + id + "/deliveries", null);
    FakeHttp.Response unknown = call("GET", "/api/v2/webhooks/ep-never-registered/deliveries", null);
    assertThat(others.status).isEqualTo(404);
    assertThat(others.text()).isEqualTo(unknown.text()).doesNotContain(id);
    assertThat(others.headers.get("Content-Type")).isEqualTo(unknown.headers.get("Content-Type"));
    // A deleted endpoint's deliveries are no longer shown either.
    caller = Caller.idToken("alice", Job.DEFAULT_TIER);
    assertThat(call("DELETE", "/api/v2/webhooks/" + id, null).status).isEqualTo(204);
    assertThat(call("GET", "/api/v2/webhooks/" + id + "/deliveries", null).text()).isEqualTo(unknown.text());
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "101", "-1", "ten", "1.5"})
  void aLimitOutsideOneToAHundredIsRefused(String limit) throws Exception {
    String id = aliceRegisters("https://hooks.example.com/a");
    FakeHttp.Response refused = call("GET", "/api/v2/webhooks/" + id + "/deliveries?limit=" + limit, null);
    assertThat(refused.status).isEqualTo(400);
    assertThat(jsonOf(refused).toString()).contains("limit must be an integer from 1 to 100");
  }

  @Test
  void theLatestTwentyAreShownUnlessALimitFromOneToAHundredIsGiven() throws Exception {
    String id = aliceRegisters("https://hooks.example.com/a");
    attempted(id, 120);
    JsonNode byDefault = jsonOf(call("GET", "/api/v2/webhooks/" + id + "/deliveries", null)).path("deliveries");
    assertThat(byDefault).hasSize(20);
    assertThat(byDefault.get(0).path("job_id").asText()).isEqualTo("prompt-119");
    assertThat(jsonOf(call("GET", "/api/v2/webhooks/" + id + "/deliveries?limit=1", null)).path("deliveries"))
        .singleElement().satisfies(d -> assertThat(d.path("job_id").asText()).isEqualTo("prompt-119"));
    assertThat(jsonOf(call("GET", "/api/v2/webhooks/" + id + "/deliveries?limit=100", null)).path("deliveries"))
        .hasSize(100);
  }
}
