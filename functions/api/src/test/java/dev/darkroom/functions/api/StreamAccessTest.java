package dev.darkroom.functions.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.darkroom.core.auth.AuthFailure;
import dev.darkroom.core.auth.Caller;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.limits.Admission;
import dev.darkroom.core.limits.OpenStreams;
import dev.darkroom.core.port.JobChange.Outcome;
import dev.darkroom.core.usecase.ApiKeys;
import dev.darkroom.core.usecase.Authenticator;
import dev.darkroom.core.usecase.FreshSignIn;
import dev.darkroom.core.usecase.StandingRecheck;
import dev.darkroom.core.usecase.StreamTicketing;
import dev.darkroom.functions.api.http.Callers;
import dev.darkroom.functions.api.http.ComfyApi;
import dev.darkroom.testing.InMemoryAccountDirectory;
import dev.darkroom.testing.InMemoryApiKeyStore;
import dev.darkroom.testing.InMemoryJobStore;
import dev.darkroom.testing.InMemoryLedger;
import dev.darkroom.testing.InMemoryOutputStore;
import dev.darkroom.testing.InMemoryRateCounter;
import dev.darkroom.testing.InMemoryStreamTickets;
import dev.darkroom.testing.RecordingJobQueue;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Who may open an event stream, how many, and for how long (issue 19, items 5 and 11); and who may
 * mint an API key. Authentication is real ({@link Authenticator} over a fake token verifier); the
 * account's standing and sign-in times are fakes the tests set.
 */
class StreamAccessTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant NOW = ApiFixture.CLOCK.instant();
  private final InMemoryJobStore jobs = new InMemoryJobStore();
  private final InMemoryApiKeyStore keyStore = new InMemoryApiKeyStore();
  private final ApiKeys keys = new ApiKeys(keyStore, InMemoryAccountDirectory.of(ApiFixture.CLOCK, "alice", "bob"), new byte[32], "free", ApiFixture.CLOCK);
  /** ID tokens of this test: {@code token-of-<user>}, signed in now; {@code old-token-of-<user>}, an hour ago. */
  private final Authenticator authenticator = Authenticator.required((token, tier) -> {
    String user = token.replaceFirst("^(old-)?token-of-", "");
    if (user.equals(token)) {
      throw new AuthFailure(AuthFailure.Reason.INVALID, "not a valid Firebase ID token of this project");
    }
    return Caller.idToken(user, tier);
  }, keys, "free");
  private final FreshSignIn freshSignIn = new FreshSignIn(
      token -> token.startsWith("old-") ? NOW.minus(Duration.ofHours(1)) : NOW, FreshSignIn.MAX_AGE, ApiFixture.CLOCK);
  private final Set<String> disabledUsers = ConcurrentHashMap.newKeySet();
  /** When the users' sessions were last revoked ("signed out everywhere"). */
  private final Map<String, Instant> revokedAt = new ConcurrentHashMap<>();
  private final StandingRecheck standing = new StandingRecheck(caller -> {
    if (disabledUsers.contains(caller.userId())) {
      throw new AuthFailure(AuthFailure.Reason.DISABLED, "the account is disabled");
    }
    return revokedAt.getOrDefault(caller.userId(), Instant.EPOCH);
  }, Clock.systemUTC(), Duration.ofMillis(50));
  private final StreamTicketing tickets = new StreamTicketing(new InMemoryStreamTickets(), ApiFixture.CLOCK);

  private ComfyApi api(OpenStreams.Limits limits) {
    return ApiFixture.api(jobs, new RecordingJobQueue(), new InMemoryOutputStore(), new InMemoryLedger(), null,
        Callers.of(authenticator),
        new Admission(new InMemoryRateCounter(), jobs, new InMemoryLedger(), Admission.Settings.none(), ApiFixture.CLOCK),
        keys, new ApiFixture.Streams(tickets, new OpenStreams("event streams", limits), standing, freshSignIn));
  }

  private final ComfyApi api = api(new OpenStreams.Limits(10, 40));

  private String job(String user, JobStatus status) {
    String id = UUID.randomUUID().toString();
    jobs.update(id, current -> {
      Job job = Job.queued(id, user, 1, JSON.createObjectNode(), JSON.createObjectNode(), "c1", NOW);
      Job next = status == JobStatus.QUEUED ? job : job.withStatus(status, NOW.plusMillis(1));
      return Outcome.write(next, next);
    });
    return id;
  }

  private static FakeHttp.Response call(ComfyApi api, String method, String path, String body,
      Map<String, String> headers) throws Exception {
    FakeHttp.Request request = FakeHttp.request(method, path, body);
    headers.forEach((name, value) -> request.headers.put(name, List.of(value)));
    FakeHttp.Response response = new FakeHttp.Response();
    api.handle(request, response);
    return response;
  }

  private static CompletableFuture<FakeHttp.Response> streaming(ComfyApi api, String path, Map<String, String> headers,
      FakeHttp.Response response) {
    return CompletableFuture.supplyAsync(() -> {
      FakeHttp.Request request = FakeHttp.request("GET", path, (String) null);
      headers.forEach((name, value) -> request.headers.put(name, List.of(value)));
      try {
        api.handle(request, response);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      return response;
    });
  }

  private static Map<String, String> bearer(String token) {
    return Map.of("Authorization", "Bearer " + token);
  }

  private String sseTicket(String user) throws Exception {
    FakeHttp.Response issued = call(api, "POST", "/api/v2/stream-tickets", "{\"purpose\":\"sse\"}", bearer("token-of-" + user));
    assertThat(issued.status).as(issued.text()).isEqualTo(201);
    return JSON.readTree(issued.text()).get("ticket").asText();
  }

  @Test
  void aTicketAskedForWithAHeaderOpensOneEventStreamOnce() throws Exception {
    FakeHttp.Response issued = call(api, "POST", "/api/v2/stream-tickets", "{\"purpose\":\"sse\"}",
        bearer("token-of-alice"));
    assertThat(issued.status).isEqualTo(201);
    JsonNode body = JSON.readTree(issued.text());
    assertThat(body.get("expires_in").asInt()).isEqualTo(60);
    assertThat(body.get("purpose").asText()).isEqualTo("sse");
    String ticket = body.get("ticket").asText();

    String id = job("alice", JobStatus.CANCELLED);
    String path = "/api/v2/jobs/" + id + "/events?ticket=" + URLEncoder.encode(ticket, StandardCharsets.UTF_8);
    FakeHttp.Response first = streaming(api, path, Map.of(), new FakeHttp.Response()).get(10, TimeUnit.SECONDS);
    assertThat(first.status).isEqualTo(200);
    assertThat(first.text()).contains("event: status", "event: end");
    FakeHttp.Response again = streaming(api, path, Map.of(), new FakeHttp.Response()).get(10, TimeUnit.SECONDS);
    assertThat(again.status).isEqualTo(401);
    assertThat(again.text()).contains("already used");
  }

  @Test
  void aTicketIsAskedForOneKindOfStream() throws Exception {
    assertThat(call(api, "POST", "/api/v2/stream-tickets", "{\"purpose\":\"ws\"}", bearer("token-of-alice")).status)
        .isEqualTo(201);
    FakeHttp.Response unknown = call(api, "POST", "/api/v2/stream-tickets", "{\"purpose\":\"ftp\"}",
        bearer("token-of-alice"));
    assertThat(unknown.status).isEqualTo(400);
    assertThat(JSON.readTree(unknown.text()).at("/error/message").asText()).contains("\"ws\"", "\"sse\"");
    assertThat(call(api, "POST", "/api/v2/stream-tickets", "{\"purpose\":\"sse\"}", Map.of()).status).isEqualTo(401);
  }

  @Test
  void anIdTokenInTheUrlIsRefusedNamingTheTicketEndpoint() throws Exception {
    String id = job("alice", JobStatus.CANCELLED);
    FakeHttp.Response refused = call(api, "GET", "/api/v2/jobs/" + id + "/events?token=token-of-alice", null, Map.of());
    assertThat(refused.status).isEqualTo(401);
    assertThat(refused.text()).contains("POST /api/v2/stream-tickets");
  }

  @Test
  void aUsersEventStreamsBeyondTheirLimitAre429() throws Exception {
    ComfyApi limited = api(new OpenStreams.Limits(1, 40));
    String id = job("alice", JobStatus.QUEUED);
    FakeHttp.Response open = new FakeHttp.Response();
    streaming(limited, "/api/v2/jobs/" + id + "/events", bearer("token-of-alice"), open);
    await().atMost(Duration.ofSeconds(10)).until(() -> open.text().contains("event: status"));

    FakeHttp.Response second = streaming(limited, "/api/v2/jobs/" + id + "/events", bearer("token-of-alice"),
        new FakeHttp.Response()).get(10, TimeUnit.SECONDS);
    assertThat(second.status).isEqualTo(429);
    assertThat(second.text()).contains("close one first");
    String bobs = job("bob", JobStatus.QUEUED);
    FakeHttp.Response other = new FakeHttp.Response();
    streaming(limited, "/api/v2/jobs/" + bobs + "/events", bearer("token-of-bob"), other);
    await().atMost(Duration.ofSeconds(10)).until(() -> other.text().contains("event: status"));
  }

  @Test
  void anInstanceBeyondItsEventStreamLimitAnswers429() throws Exception {
    ComfyApi limited = api(new OpenStreams.Limits(10, 1));
    String id = job("alice", JobStatus.QUEUED);
    FakeHttp.Response open = new FakeHttp.Response();
    streaming(limited, "/api/v2/jobs/" + id + "/events", bearer("token-of-alice"), open);
    await().atMost(Duration.ofSeconds(10)).until(() -> open.text().contains("event: status"));
    String bobs = job("bob", JobStatus.QUEUED);
    FakeHttp.Response refused = streaming(limited, "/api/v2/jobs/" + bobs + "/events", bearer("token-of-bob"),
        new FakeHttp.Response()).get(10, TimeUnit.SECONDS);
    assertThat(refused.status).isEqualTo(429);
  }

  @Test
  void aStreamEndsWithAnErrorEventWhenTheAccountIsDisabled() throws Exception {
    String id = job("alice", JobStatus.QUEUED);
    FakeHttp.Response response = new FakeHttp.Response();
    CompletableFuture<FakeHttp.Response> stream = streaming(api, "/api/v2/jobs/" + id + "/events",
        bearer("token-of-alice"), response);
    await().atMost(Duration.ofSeconds(10)).until(() -> response.text().contains("event: status"));
    disabledUsers.add("alice");
    stream.get(10, TimeUnit.SECONDS);
    List<JobEventStreamTest.Event> events = JobEventStreamTest.events(response.text());
    assertThat(events).extracting(JobEventStreamTest.Event::event).containsExactly("status", "error");
    assertThat(events.get(1).data().at("/error/message").asText()).contains("the account is disabled");
  }

  @Test
  void aStreamOpenedWithATicketIssuedBeforeTheUsersSessionsWereRevokedEnds() throws Exception {
    String id = job("alice", JobStatus.QUEUED);
    String ticket = sseTicket("alice");
    revokedAt.put("alice", NOW.plusMillis(1)); // signed out everywhere after the ticket was issued
    FakeHttp.Response response = streaming(api, "/api/v2/jobs/" + id + "/events?ticket="
        + URLEncoder.encode(ticket, StandardCharsets.UTF_8), Map.of(), new FakeHttp.Response()).get(10, TimeUnit.SECONDS);
    List<JobEventStreamTest.Event> events = JobEventStreamTest.events(response.text());
    assertThat(events).extracting(JobEventStreamTest.Event::event).containsExactly("error");
    assertThat(events.get(0).data().at("/error/message").asText()).contains("sessions were revoked");
  }

  @Test
  void aKeyIsMintedOnlyWithinMinutesOfSigningIn() throws Exception {
    FakeHttp.Response stale = call(api, "POST", "/api/v2/keys", null, bearer("old-token-of-alice"));
    assertThat(stale.status).isEqualTo(403);
    assertThat(stale.text()).contains("sign in again");
    assertThat(keys.list("alice")).isEmpty();
    assertThat(call(api, "POST", "/api/v2/keys", null, bearer("token-of-alice")).status).isEqualTo(201);
  }
}
