package dev.darkroom.functions.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.darkroom.core.auth.AllowedOrigins;
import dev.darkroom.core.auth.AuthFailure;
import dev.darkroom.core.auth.Caller;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.limits.Admission;
import dev.darkroom.core.limits.FailedAuthentications;
import dev.darkroom.core.limits.PerTier;
import dev.darkroom.functions.api.http.Callers;
import dev.darkroom.functions.api.http.ClientAddress;
import dev.darkroom.functions.api.http.ComfyApi;
import dev.darkroom.functions.api.http.CrossOrigin;
import dev.darkroom.functions.api.http.Route;
import dev.darkroom.functions.api.views.PromptListing;
import dev.darkroom.testing.InMemoryEmailRecipients;
import dev.darkroom.testing.InMemoryDeviceTokens;
import dev.darkroom.testing.InMemoryJobStore;
import dev.darkroom.testing.InMemoryLedger;
import dev.darkroom.testing.InMemoryOutputStore;
import dev.darkroom.testing.InMemoryRateCounter;
import dev.darkroom.testing.InMemoryWebhookEndpoints;
import dev.darkroom.testing.RecordingJobQueue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * CORS as a browser checks it: what a page of an allowed origin, and of another, may send and read.
 * The browser itself is not here: each test asserts the headers the Fetch standard has it act on.
 */
class CrossOriginTest {
  private static final String PAGE = "https://studio.example.com";
  private static final String OTHER_SITE = "https://evil.example.net";
  private static final String PROMPT = "{\"9\":{\"class_type\":\"SaveImage\",\"inputs\":{\"filename_prefix\":\"x\"}}}";

  private final InMemoryJobStore jobs = new InMemoryJobStore();
  /** Authentication on: Alice's token, nothing else. */
  private final Callers callers = request -> {
    String authorization = request.getFirstHeader("Authorization").orElse(null);
    if (authorization == null) {
      throw new AuthFailure(AuthFailure.Reason.MISSING, "authentication required");
    }
    if (!authorization.equals("Bearer alice-token")) {
      throw new AuthFailure(AuthFailure.Reason.INVALID, "not a Firebase ID token of this project");
    }
    return Caller.idToken("alice", Job.DEFAULT_TIER);
  };
  private final ComfyApi api = api(new CrossOrigin(AllowedOrigins.parse(PAGE, false), false), Admission.Settings.none());

  private ComfyApi api(CrossOrigin crossOrigin, Admission.Settings limits) {
    return api(callers, FailedAuthentications.off(), crossOrigin, limits);
  }

  private ComfyApi api(Callers callers, FailedAuthentications failures, CrossOrigin crossOrigin,
      Admission.Settings limits) {
    Admission admission = new Admission(new InMemoryRateCounter(), jobs, new InMemoryLedger(), limits, ApiFixture.CLOCK);
    return new ComfyApi(callers, ApiFixture.Streams.defaults().tickets(), failures, new ClientAddress(0), crossOrigin,
        admission, ApiFixture.CLOCK,
        ApiFixture.groups(jobs, new RecordingJobQueue(), new InMemoryOutputStore(), new InMemoryLedger(), null, admission,
            ApiFixture.apiKeys(), ApiFixture.notifications(jobs, new InMemoryWebhookEndpoints(ApiFixture.CLOCK),
                new InMemoryDeviceTokens(), new InMemoryEmailRecipients()), ApiFixture.Streams.defaults()));
  }

  private static FakeHttp.Response preflight(ComfyApi api, String path, String origin, String method, String headers)
      throws IOException {
    return headers == null
        ? FakeHttp.send(api, "OPTIONS", path, null, "Origin", origin, "Access-Control-Request-Method", method)
        : FakeHttp.send(api, "OPTIONS", path, null, "Origin", origin, "Access-Control-Request-Method", method,
            "Access-Control-Request-Headers", headers);
  }

  private static String header(FakeHttp.Response response, String name) {
    List<String> values = response.headers.get(name);
    return values == null ? null : String.join(", ", values);
  }

  /** The names a comma-separated header lists, as a browser parses them (case-insensitive). */
  private static Set<String> listed(FakeHttp.Response response, String name) {
    Set<String> names = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    String value = header(response, name);
    if (value != null) {
      Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(names::add);
    }
    return names;
  }

  private static void assertNoCorsGrant(FakeHttp.Response response) {
    assertThat(response.headers.keySet()).noneMatch(name -> name.regionMatches(true, 0, "Access-Control-", 0, 15));
  }

  @Test
  void anAllowedPageReadsTheAnswerAndOnlyItsOwnOriginIsNamed() throws Exception {
    FakeHttp.Response answer = FakeHttp.send(api, "GET", "/api/history", null, "Origin", PAGE,
        "Authorization", "Bearer alice-token");

    assertThat(answer.status).isEqualTo(200);
    assertThat(header(answer, "Access-Control-Allow-Origin")).isEqualTo(PAGE);
    assertThat(listed(answer, "Vary")).contains("Origin");
    assertThat(listed(answer, "Access-Control-Expose-Headers")).contains("Location", "Retry-After", "Idempotent-Replayed");
    // Header credentials, never cookies: a page that asks to send cookies gets nothing.
    assertThat(answer.headers).doesNotContainKey("Access-Control-Allow-Credentials");
  }

  @Test
  void aPageOfAnotherOriginIsAnsweredWithoutAnyGrantSoTheBrowserHidesTheAnswer() throws Exception {
    FakeHttp.Response answer = FakeHttp.send(api, "GET", "/api/history", null, "Origin", OTHER_SITE,
        "Authorization", "Bearer alice-token");

    assertThat(answer.status).as("CORS decides what a page reads; the credential decides the rest").isEqualTo(200);
    assertNoCorsGrant(answer);
    assertThat(listed(answer, "Vary")).contains("Origin");
  }

  @Test
  void everyAnswerVariesByOriginSoACacheNeverServesOnePagesGrantToAnother() throws Exception {
    FakeHttp.Response noOrigin = FakeHttp.send(api, "GET", "/api/history", null, "Authorization", "Bearer alice-token");
    assertThat(listed(noOrigin, "Vary")).contains("Origin");
    assertNoCorsGrant(noOrigin);
  }

  /** Every route of the routing table, each method in use (GET, POST, PUT, DELETE), under both prefixes. */
  @Test
  void aPreflightForEveryRouteAllowsExactlyTheMethodsItsPathAccepts() throws Exception {
    Set<String> methodsSeen = new TreeSet<>();
    for (Route route : api.routes()) {
      String path = route.path().replaceAll("\\{[^}]+}", "x") + (route.path().endsWith("/") ? "x" : "");
      List<String> methodsAtPath = api.routes().stream().filter(r -> r.matches(path)).map(Route::method)
          .distinct().toList();
      for (String prefix : List.of("", "/api")) {
        FakeHttp.Response answer = preflight(api, prefix + path, PAGE, route.method(), "authorization, content-type");
        assertThat(answer.status).as(route.method() + " " + prefix + path).isEqualTo(204);
        assertThat(header(answer, "Access-Control-Allow-Origin")).isEqualTo(PAGE);
        assertThat(listed(answer, "Access-Control-Allow-Methods")).as(path)
            .containsExactlyInAnyOrderElementsOf(methodsAtPath).contains(route.method());
        assertThat(header(answer, "Access-Control-Max-Age")).isEqualTo("7200");
        assertThat(listed(answer, "Vary"))
            .contains("Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers");
        assertThat(answer.body.size()).isZero();
      }
      methodsSeen.add(route.method());
    }
    assertThat(methodsSeen).containsExactly("DELETE", "GET", "POST", "PUT");
  }

  @Test
  void aPreflightNeedsNoCredentialAndIsNotCountedAsAFailedOne() throws Exception {
    ComfyApi strict = api(callers, new FailedAuthentications(1, ApiFixture.CLOCK),
        new CrossOrigin(AllowedOrigins.parse(PAGE, false), false), Admission.Settings.none());
    for (int i = 0; i < 3; i++) {
      FakeHttp.Response answer = FakeHttp.send(strict, "OPTIONS", "/api/v2/jobs", null, "Origin", PAGE,
          "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization",
          "X-Forwarded-For", "203.0.113.9");
      assertThat(answer.status).isEqualTo(204);
    }
    FakeHttp.Response call = FakeHttp.send(strict, "GET", "/api/v2/jobs", null, "Origin", PAGE,
        "Authorization", "Bearer alice-token", "X-Forwarded-For", "203.0.113.9");
    assertThat(call.status).as("the address has failed no authentication").isEqualTo(200);
  }

  @Test
  void thePreflightListsTheRequestHeadersWeReadAndNoOtherSoTheBrowserRefusesTheRest() throws Exception {
    FakeHttp.Response answer = preflight(api, "/api/v2/jobs", PAGE, "POST",
        "authorization, idempotency-key, content-type, x-debug-token");

    assertThat(listed(answer, "Access-Control-Allow-Headers")).containsExactlyInAnyOrder(
        "Authorization", "X-API-Key", "Idempotency-Key", "Last-Event-ID", "Content-Type");
    assertThat(listed(answer, "Access-Control-Allow-Headers")).doesNotContain("x-debug-token", "*");
    assertThat(header(answer, "Access-Control-Allow-Origin")).isNotEqualTo("*");
  }

  @Test
  void aPreflightFromAnotherOriginIs403WithoutAnyGrant() throws Exception {
    FakeHttp.Response answer = preflight(api, "/api/v2/jobs", OTHER_SITE, "POST", "authorization");

    assertThat(answer.status).isEqualTo(403);
    assertNoCorsGrant(answer);
    assertThat(listed(answer, "Vary")).contains("Origin");
    assertThat(answer.text()).contains("ALLOWED_ORIGINS").doesNotContain(OTHER_SITE);
    // A page that forges "null" (a sandboxed frame, a file) is another origin too.
    assertNoCorsGrant(preflight(api, "/api/v2/jobs", "null", "POST", null));
  }

  @Test
  void aPreflightForAPathNoRouteServesIs404() throws Exception {
    FakeHttp.Response answer = preflight(api, "/api/v2/nothing-here", PAGE, "GET", null);

    assertThat(answer.status).isEqualTo(404);
    assertThat(answer.headers).doesNotContainKey("Access-Control-Allow-Methods");
  }

  @Test
  void anOptionsWithoutOriginIsNoPreflightAndAnswersAsBefore() throws Exception {
    FakeHttp.Response known = FakeHttp.send(api, "OPTIONS", "/api/v2/jobs", null);
    assertThat(known.status).isEqualTo(200);
    assertThat(header(known, "Allow")).isEqualTo("POST, GET, OPTIONS");
    assertNoCorsGrant(known);

    FakeHttp.Response unknown = FakeHttp.send(api, "OPTIONS", "/anything", null);
    assertThat(unknown.status).isEqualTo(200);
    assertThat(unknown.headers).doesNotContainKey("Allow");
  }

  @Test
  void aCreatedJobsLocationAndAReplaysMarkAreReadableByThePage() throws Exception {
    String body = "{\"prompt\":" + PROMPT + "}";
    FakeHttp.Response created = FakeHttp.send(api, "POST", "/api/v2/jobs", body, "Origin", PAGE,
        "Authorization", "Bearer alice-token", "Content-Type", "application/json", "Idempotency-Key", "order-1");
    assertThat(created.status).as(created.text()).isEqualTo(201);
    assertThat(header(created, "Location")).startsWith("/api/v2/jobs/");
    assertThat(header(created, "Access-Control-Allow-Origin")).isEqualTo(PAGE);
    assertThat(listed(created, "Access-Control-Expose-Headers")).contains("Location");

    FakeHttp.Response replayed = FakeHttp.send(api, "POST", "/api/v2/jobs", body, "Origin", PAGE,
        "Authorization", "Bearer alice-token", "Content-Type", "application/json", "Idempotency-Key", "order-1");
    assertThat(header(replayed, "Idempotent-Replayed")).isEqualTo("true");
    assertThat(listed(replayed, "Access-Control-Expose-Headers")).contains("Idempotent-Replayed");

    FakeHttp.Response ticket = FakeHttp.send(api, "POST", "/api/v2/stream-tickets", "{\"purpose\":\"sse\"}",
        "Origin", PAGE, "Authorization", "Bearer alice-token", "Content-Type", "application/json");
    assertThat(ticket.status).as(ticket.text()).isEqualTo(201);
    assertThat(header(ticket, "Access-Control-Allow-Origin")).isEqualTo(PAGE);
  }

  @Test
  void errorsCarryTheGrantTooOrTheBrowserWouldHideThemFromThePage() throws Exception {
    FakeHttp.Response unauthenticated = FakeHttp.send(api, "GET", "/api/v2/jobs", null, "Origin", PAGE);
    assertThat(unauthenticated.status).isEqualTo(401);
    assertThat(header(unauthenticated, "Access-Control-Allow-Origin")).isEqualTo(PAGE);
    assertThat(listed(unauthenticated, "Access-Control-Expose-Headers")).contains("WWW-Authenticate");

    FakeHttp.Response refused = FakeHttp.send(api, "GET", "/api/v2/jobs", null, "Origin", PAGE,
        "Authorization", "Bearer stolen");
    assertThat(refused.status).isEqualTo(401);
    assertThat(header(refused, "Access-Control-Allow-Origin")).isEqualTo(PAGE);

    FakeHttp.Response notFound = FakeHttp.send(api, "GET", "/api/v2/jobs/nope", null, "Origin", PAGE,
        "Authorization", "Bearer alice-token");
    assertThat(notFound.status).isEqualTo(404);
    assertThat(header(notFound, "Access-Control-Allow-Origin")).isEqualTo(PAGE);

    FakeHttp.Response wrongMethod = FakeHttp.send(api, "DELETE", "/api/v2/jobs", null, "Origin", PAGE,
        "Authorization", "Bearer alice-token");
    assertThat(wrongMethod.status).isEqualTo(405);
    assertThat(header(wrongMethod, "Access-Control-Allow-Origin")).isEqualTo(PAGE);

    ComfyApi limited = api(new CrossOrigin(AllowedOrigins.parse(PAGE, false), false), new Admission.Settings(
        PerTier.parse(Job.DEFAULT_TIER + "=1", 1), OptionalLong.empty(), PerTier.none(), PerTier.none()));
    FakeHttp.send(limited, "GET", "/api/v2/jobs", null, "Origin", PAGE, "Authorization", "Bearer alice-token");
    FakeHttp.Response tooMany = FakeHttp.send(limited, "GET", "/api/v2/jobs", null, "Origin", PAGE,
        "Authorization", "Bearer alice-token");
    assertThat(tooMany.status).isEqualTo(429);
    assertThat(header(tooMany, "Retry-After")).isNotNull();
    assertThat(header(tooMany, "Access-Control-Allow-Origin")).isEqualTo(PAGE);
    assertThat(listed(tooMany, "Access-Control-Expose-Headers")).contains("Retry-After");
  }

  @Test
  void withoutAuthenticationOnlyPagesOnThisMachineOrListedMayCallAtAll() throws Exception {
    ComfyApi local = api(request -> Caller.idToken("local", Job.DEFAULT_TIER), FailedAuthentications.off(),
        new CrossOrigin(AllowedOrigins.parse("", true), true), Admission.Settings.none());
    String prompt = "{\"prompt\":" + PROMPT + "}";

    FakeHttp.Response foreign = FakeHttp.send(local, "POST", "/prompt", prompt, "Origin", OTHER_SITE,
        "Content-Type", "text/plain");
    assertThat(foreign.status).isEqualTo(403);
    assertNoCorsGrant(foreign);
    assertThat(jobs.all()).as("nothing queued for a foreign page").isEmpty();

    FakeHttp.Response console = FakeHttp.send(local, "GET", "/api/queue", null, "Origin", "http://127.0.0.1:8188");
    assertThat(console.status).isEqualTo(200);
    assertThat(header(console, "Access-Control-Allow-Origin")).isEqualTo("http://127.0.0.1:8188");
    assertThat(FakeHttp.send(local, "GET", "/api/queue", null).status).as("ComfyUI's clients send no Origin").isEqualTo(200);
  }

  /**
   * Every response header the api sets is one a page may read anyway (CORS-safelisted), one it
   * has no use for, or exposed: a header added later without a thought for pages fails here.
   */
  @Test
  void everyResponseHeaderTheApiSetsIsExposedOrNeedsNotBe() throws IOException {
    Set<String> safelisted = Set.of("Cache-Control", "Content-Language", "Content-Length", "Content-Type", "Expires",
        "Last-Modified", "Pragma");
    // Allow answers a 405 whose body says the same; X-Accel-Buffering is for proxies.
    Set<String> notForPages = Set.of("Allow", "X-Accel-Buffering");
    Pattern appended = Pattern.compile("appendHeader\\(\"([A-Za-z-]+)\"");
    Set<String> sent = new TreeSet<>();
    try (Stream<Path> sources = Files.walk(Path.of("src/main/java"))) {
      for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
        Matcher m = appended.matcher(Files.readString(source));
        while (m.find()) {
          sent.add(m.group(1));
        }
      }
    }
    sent.add(PromptListing.TRUNCATED_HEADER);
    assertThat(sent).contains("Location", "Retry-After", "Idempotent-Replayed");

    for (String name : sent) {
      if (!safelisted.contains(name) && !notForPages.contains(name) && !name.startsWith("Access-Control-")
          && !name.equals("Vary")) {
        assertThat(CrossOrigin.EXPOSED_HEADERS).as(name).contains(name);
      }
    }
  }
}
