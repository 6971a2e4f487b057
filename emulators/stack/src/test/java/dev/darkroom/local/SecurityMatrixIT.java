package dev.darkroom.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.darkroom.core.comfy.MultipartForm;
import dev.darkroom.emulators.firebase.FirebaseAuthEmulator;
import dev.darkroom.emulators.firebase.FirebaseAuthEmulator.SignedInUser;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The security matrix, against the whole local stack with authentication on (ID tokens from
 * firebase-tools' Auth emulator, API keys in PostgreSQL): who may call, what another tenant can see
 * of a user's work on every route, limits, and traversal in {@code /view} and uploads. Every request
 * of the matrix is counted; a leak is any answer that shows or changes another user's work.
 *
 * <p>Note what the emulator cannot show: in emulator mode the Admin SDK does not check token
 * signatures, so a forged token is tested in {@code FirebaseIdTokenVerifierTest} (shared/gcp), not here.
 */
class SecurityMatrixIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PROJECT = "darkroom-security";

  @TempDir static Path dataDir;
  private static FirebaseAuthEmulator firebase;
  private static LocalStack stack;
  private static SignedInUser alice;
  private static SignedInUser bob;
  private static final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  private static final Map<Integer, Integer> statuses = new TreeMap<>();
  private static int requests;

  @BeforeAll
  static void start() throws Exception {
    firebase = FirebaseAuthEmulator.start(0, PROJECT);
    stack = LocalStack.start(new LocalStack.Options(PROJECT, 0, dataDir, Duration.ofMillis(1), null)
        .withAuth(firebase.hostPort(), Map.of(
            "DEFAULT_TIER", "standard",
            "REQUESTS_PER_MINUTE", "chatty=5",
            "MAX_WAITING_JOBS", "queuecap=1",
            "MONTHLY_GPU_SECONDS", "broke=0")));
    alice = firebase.createUser("alice@example.com", "alice-password");
    bob = firebase.createUser("bob@example.com", "bob-password");
  }

  @AfterAll
  static void stop() {
    System.out.printf("security matrix: %d requests, statuses %s%n", requests, statuses);
    Resources.closeAll(stack, firebase);
  }

  // ---- who may call -----------------------------------------------------------------------------

  /** Every public route, as a client calls it; none may answer without a valid credential. */
  private static List<String[]> routes() {
    String prompt = "{\"prompt\":{\"1\":{\"class_type\":\"EmptyLatentImage\",\"inputs\":{}}}}";
    return List.of(
        new String[] {"POST", "/prompt", prompt}, new String[] {"POST", "/api/prompt", prompt},
        new String[] {"GET", "/prompt", null}, new String[] {"GET", "/queue", null},
        new String[] {"POST", "/queue", "{\"clear\":true}"}, new String[] {"POST", "/interrupt", "{}"},
        new String[] {"GET", "/history", null}, new String[] {"GET", "/history/some-id", null},
        new String[] {"POST", "/history", "{\"clear\":true}"},
        new String[] {"GET", "/view?filename=a.png&type=output", null},
        new String[] {"POST", "/upload/image", ""}, new String[] {"POST", "/upload/mask", ""},
        new String[] {"GET", "/object_info", null}, new String[] {"GET", "/object_info/KSampler", null},
        new String[] {"GET", "/models", null}, new String[] {"GET", "/embeddings", null},
        new String[] {"GET", "/system_stats", null}, new String[] {"GET", "/features", null},
        new String[] {"GET", "/api/v2/keys", null}, new String[] {"POST", "/api/v2/keys", "{}"},
        new String[] {"DELETE", "/api/v2/keys/abcdefghijkm", null},
        new String[] {"POST", "/api/v2/jobs", prompt}, new String[] {"GET", "/api/v2/jobs", null},
        new String[] {"GET", "/api/v2/jobs/" + UUID.randomUUID(), null},
        new String[] {"POST", "/api/v2/jobs/" + UUID.randomUUID() + "/cancel", null},
        new String[] {"GET", "/api/v2/jobs/" + UUID.randomUUID() + "/events", null},
        new String[] {"POST", "/api/v2/stream-tickets", "{\"purpose\":\"ws\"}"},
        new String[] {"POST", "/api/v2/webhooks", "{\"url\":\"https://example.com/\"}"},
        new String[] {"GET", "/api/v2/webhooks", null}, new String[] {"DELETE", "/api/v2/webhooks/we_x", null},
        new String[] {"POST", "/api/v2/webhooks/we_x/rotate", null}, new String[] {"GET", "/api/v2/devices", null},
        new String[] {"PUT", "/api/v2/devices/tok", "{}"}, new String[] {"DELETE", "/api/v2/devices/tok", null},
        new String[] {"PUT", "/api/v2/notifications/email", "{\"address\":\"a@example.com\"}"},
        new String[] {"GET", "/api/v2/notifications/email", null},
        new String[] {"DELETE", "/api/v2/notifications/email", null}, new String[] {"GET", "/nope", null});
  }

  @Test
  void noRouteAnswersWithoutAValidCredential() throws Exception {
    SignedInUser revokee = firebase.createUser("revokee@example.com", "revokee-password");
    SignedInUser disabled = firebase.createUser("disabled@example.com", "disabled-password");
    String revokedKey = createAlicesKey();
    assertThat(call("DELETE", "/api/v2/keys/" + keyId(revokedKey), null, bearer(alice.idToken())).statusCode())
        .isEqualTo(204);
    // revokeSessions starts the revocation at the next whole second (Firebase's unit), so the
    // revokee's token, issued before it, is revoked, and a sign-in after it is not.
    firebase.revokeSessions(revokee.uid());
    firebase.disableUser(disabled.uid());

    Map<String, Map<String, String>> credentials = new java.util.LinkedHashMap<>();
    credentials.put("none", Map.of());
    credentials.put("expired ID token", bearer(firebase.expiredCopyOf(alice.idToken())));
    credentials.put("revoked ID token", bearer(revokee.idToken()));
    credentials.put("disabled user", bearer(disabled.idToken()));
    credentials.put("another project's token", bearer(firebase.copyForProject(alice.idToken(), "someone-else")));
    credentials.put("garbage bearer", bearer("not-a-token"));
    credentials.put("Basic auth", Map.of("Authorization", "Basic YWxpY2U6cGFzc3dvcmQ="));
    credentials.put("revoked API key", Map.of("X-API-Key", revokedKey));
    credentials.put("made-up API key", bearer("drk_abcdefghijkm_" + "A".repeat(43)));

    int refused = 0;
    for (Map.Entry<String, Map<String, String>> credential : credentials.entrySet()) {
      for (String[] route : routes()) {
        HttpResponse<String> answer = call(route[0], route[1], route[2], credential.getValue());
        assertThat(answer.statusCode()).as(credential.getKey() + " on " + route[0] + " " + route[1] + ": " + answer.body())
            .isEqualTo(401);
        assertThat(answer.body()).doesNotContain(alice.uid());
        refused++;
      }
    }
    assertThat(call("GET", "/history", null, bearer(firebase.expiredCopyOf(alice.idToken()))).body()).contains("expired");
    assertThat(call("GET", "/history", null, bearer(revokee.idToken())).body()).contains("revoked");
    assertThat(call("GET", "/history", null, Map.of("X-API-Key", revokedKey)).body()).contains("revoked");
    // The socket, too: no credential, or a bad one, and no socket opens.
    assertThat(webSocketRefusal(null)).isEqualTo(401);
    assertThat(webSocketRefusal("not-a-token")).isEqualTo(401);
    assertThat(webSocketRefusal(revokedKey)).isEqualTo(401);
    System.out.printf("security matrix: %d unauthenticated calls (%d credentials x %d routes), all 401%n",
        refused, credentials.size(), routes().size());

    // A fresh sign-in after the revocation works again, and a live key works as header and as bearer.
    SignedInUser again = firebase.signIn("revokee@example.com", "revokee-password");
    assertThat(call("GET", "/history", null, bearer(again.idToken())).statusCode()).isEqualTo(200);
    String key = createAlicesKey();
    assertThat(call("GET", "/history", null, Map.of("X-API-Key", key)).statusCode()).isEqualTo(200);
    assertThat(call("GET", "/history", null, bearer(key)).statusCode()).isEqualTo(200);
    assertThat(call("POST", "/api/v2/keys", "{}", bearer(key)).statusCode()).isEqualTo(403);
  }

  // ---- tenant isolation ---------------------------------------------------------------------------

  @Test
  void anotherTenantsWorkIsInvisibleAndUntouchableOnEveryRoute() throws Exception {
    Map<String, String> asAlice = bearer(alice.idToken());
    Map<String, String> asBob = bearer(bob.idToken());
    HttpResponse<String> uploaded = upload("alice-secret.png", "", asAlice);
    assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(200);
    String clientId = "alice-client-" + UUID.randomUUID();
    String id = submit(workflow("sd1.5-txt2img"), clientId, asAlice);
    JsonNode entry = succeeded(id, asAlice);
    JsonNode image = entry.at("/outputs/9/images/0");
    String aliceKey = createAlicesKey();
    String neverExisted = UUID.randomUUID().toString();

    int probes = 0;
    // history of one id: Bob gets what an id that never existed gets (ComfyUI answers {}).
    assertThat(call("GET", "/history/" + id, null, asBob).body())
        .isEqualTo(call("GET", "/history/" + neverExisted, null, asBob).body()).isEqualTo("{}");
    probes++;
    assertThat(call("GET", "/api/history/" + id, null, asBob).body()).isEqualTo("{}");
    probes++;
    for (String path : List.of("/history", "/queue", "/prompt", "/api/v2/keys", "/api/v2/jobs?limit=100")) {
      HttpResponse<String> answer = call("GET", path, null, asBob);
      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.body()).as(path).doesNotContain(id).doesNotContain(alice.uid()).doesNotContain(keyId(aliceKey));
      probes++;
    }
    assertThat(JSON.readTree(call("GET", "/prompt", null, asBob).body()).at("/exec_info/queue_remaining").asInt()).isZero();
    // Changing it: delete from queue and history, interrupt, revoke Alice's key (reusing its id: below).
    assertThat(call("POST", "/queue", "{\"delete\":[\"" + id + "\"]}", asBob).statusCode()).isEqualTo(200);
    assertThat(call("POST", "/history", "{\"delete\":[\"" + id + "\"]}", asBob).statusCode()).isEqualTo(200);
    assertThat(call("POST", "/interrupt", "{\"prompt_id\":\"" + id + "\"}", asBob).statusCode()).isEqualTo(200);
    assertThat(call("DELETE", "/api/v2/keys/" + keyId(aliceKey), null, asBob).statusCode()).isEqualTo(404);
    probes += 4;
    // The v2 job routes: Alice's job answers Bob exactly as a job that never existed.
    for (String suffix : List.of("", "/events")) {
      HttpResponse<String> hers = call("GET", "/api/v2/jobs/" + id + suffix, null, asBob);
      assertThat(hers.statusCode()).isEqualTo(404);
      assertThat(hers.body()).isEqualTo(call("GET", "/api/v2/jobs/" + neverExisted + suffix, null, asBob).body());
      probes++;
    }
    assertThat(call("POST", "/api/v2/jobs/" + id + "/cancel", null, asBob).statusCode()).isEqualTo(404);
    probes++;
    // Idempotency keys are per user: Bob's use of Alice's key makes his own job, and hers stays hers.
    String body = "{\"prompt\":" + workflow("sd1.5-txt2img") + "}";
    Map<String, String> aliceWithKey = new java.util.HashMap<>(asAlice);
    aliceWithKey.put("Idempotency-Key", "shared-key");
    Map<String, String> bobWithKey = new java.util.HashMap<>(asBob);
    bobWithKey.put("Idempotency-Key", "shared-key");
    HttpResponse<String> alicesJob = call("POST", "/api/v2/jobs", body, aliceWithKey);
    HttpResponse<String> bobsJob = call("POST", "/api/v2/jobs", body, bobWithKey);
    assertThat(alicesJob.statusCode()).as(alicesJob.body()).isEqualTo(201);
    assertThat(bobsJob.statusCode()).as(bobsJob.body()).isEqualTo(201);
    assertThat(JSON.readTree(bobsJob.body()).get("id")).isNotEqualTo(JSON.readTree(alicesJob.body()).get("id"));
    probes++;
    // Notifications: Bob cannot scope a webhook to Alice's job, nor see, rotate or delete her endpoint,
    // her devices or her mail address; each answer is the one for something that never existed. (The
    // local stack lets webhooks call loopback, and this machine may have no DNS: so 127.0.0.1.)
    HttpResponse<String> hersScoped = call("POST", "/api/v2/webhooks",
        "{\"url\":\"http://127.0.0.1:9/bob\",\"job_id\":\"" + id + "\"}", asBob);
    HttpResponse<String> noneScoped = call("POST", "/api/v2/webhooks",
        "{\"url\":\"http://127.0.0.1:9/bob\",\"job_id\":\"" + neverExisted + "\"}", asBob);
    assertThat(hersScoped.statusCode()).as(hersScoped.body()).isEqualTo(404);
    assertThat(hersScoped.body().replace(id, "ID")).isEqualTo(noneScoped.body().replace(neverExisted, "ID"));
    probes++;
    HttpResponse<String> aliceHook = call("POST", "/api/v2/webhooks",
        "{\"url\":\"http://127.0.0.1:9/alice-hook\",\"job_id\":\"" + id + "\"}", asAlice);
    assertThat(aliceHook.statusCode()).as(aliceHook.body()).isEqualTo(201);
    String hookId = JSON.readTree(aliceHook.body()).path("id").asText();
    String aliceDevice = "alice-device-" + UUID.randomUUID();
    assertThat(call("PUT", "/api/v2/devices/" + aliceDevice, "{\"platform\":\"web\"}", asAlice).statusCode()).isEqualTo(200);
    assertThat(call("PUT", "/api/v2/notifications/email", "{\"address\":\"alice-mail@example.com\"}", asAlice)
        .statusCode()).isEqualTo(200);
    for (String path : List.of("/api/v2/webhooks", "/api/v2/devices", "/api/v2/notifications/email")) {
      HttpResponse<String> answer = call("GET", path, null, asBob);
      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.body()).as(path).doesNotContain(hookId).doesNotContain("alice-hook")
          .doesNotContain(aliceDevice).doesNotContain("alice-mail").doesNotContain(alice.uid());
      probes++;
    }
    for (String[] change : List.of(new String[] {"DELETE", "/api/v2/webhooks/"}, new String[] {"POST", "/api/v2/webhooks/"})) {
      String suffix = change[0].equals("POST") ? "/rotate" : "";
      HttpResponse<String> hers = call(change[0], change[1] + hookId + suffix, null, asBob);
      assertThat(hers.statusCode()).isEqualTo(404);
      assertThat(hers.body()).isEqualTo(call(change[0], change[1] + "we_never" + suffix, null, asBob).body());
      probes++;
    }
    assertThat(call("DELETE", "/api/v2/devices/" + aliceDevice, null, asBob).statusCode()).isEqualTo(404);
    probes++;
    JsonNode aliceHooks = JSON.readTree(call("GET", "/api/v2/webhooks", null, asAlice).body()).path("webhooks");
    assertThat(aliceHooks.findValuesAsText("id")).contains(hookId);
    assertThat(call("GET", "/api/v2/devices", null, asAlice).body()).contains(aliceDevice);
    // Files: Alice's output and her upload, by their exact names.
    HttpResponse<String> output = call("GET", "/view?filename=" + enc(image.path("filename").asText())
        + "&subfolder=" + enc(image.path("subfolder").asText()) + "&type=output", null, asBob);
    assertThat(output.statusCode()).isEqualTo(404);
    assertThat(call("GET", "/view?filename=alice-secret.png&type=input", null, asBob).statusCode()).isEqualTo(404);
    probes += 2;
    // A prompt of Bob's that loads Alice's upload is refused: it is no input of his.
    HttpResponse<String> borrow = call("POST", "/prompt", "{\"prompt\":{"
        + "\"1\":{\"class_type\":\"LoadImage\",\"inputs\":{\"image\":\"alice-secret.png\"}},"
        + "\"2\":{\"class_type\":\"SaveImage\",\"inputs\":{\"images\":[\"1\",0],\"filename_prefix\":\"x\"}}}}", asBob);
    assertThat(borrow.statusCode()).as(borrow.body()).isEqualTo(400);
    probes++;
    // Bob's socket with Alice's client id hears nothing of her next prompt. Before looking: Alice's
    // own socket has heard the end of it (the gateway has sent all there is of it), and then Bob's
    // socket has heard the end of a prompt of his own, submitted after hers ended, so anything of
    // hers sent to his socket would have come before it.
    List<JsonNode> heard;
    String second;
    String bobs;
    try (WebSocketRecorder alices = WebSocketRecorder.connect(stack.apiUrl(), clientId, asAlice);
         WebSocketRecorder socket = WebSocketRecorder.connect(stack.apiUrl(), clientId, asBob)) {
      second = submit(workflow("sd1.5-txt2img"), clientId, asAlice);
      awaitEnd(alices, second);
      bobs = submit(workflow("sd1.5-txt2img"), clientId, asBob);
      awaitEnd(socket, bobs);
      heard = List.copyOf(socket.messages);
    }
    assertThat(heard).anyMatch(message -> isEnd(message, bobs)).allSatisfy(message ->
        assertThat(message.toString()).doesNotContain(second).doesNotContain(id));
    probes++;

    // Bob choosing her prompt id is answered as any fresh id is, and runs as his own job under it.
    String chosenFresh = UUID.randomUUID().toString();
    HttpResponse<String> fresh = call("POST", "/prompt",
        "{\"prompt\":" + workflow("sd1.5-txt2img") + ",\"prompt_id\":\"" + chosenFresh + "\"}", asBob);
    HttpResponse<String> reuse = call("POST", "/prompt",
        "{\"prompt\":" + workflow("sd1.5-txt2img") + ",\"prompt_id\":\"" + id + "\"}", asBob);
    assertThat(reuse.statusCode()).as(reuse.body()).isEqualTo(fresh.statusCode()).isEqualTo(200);
    assertThat(fieldNames(reuse.body())).isEqualTo(fieldNames(fresh.body()));
    assertThat(JSON.readTree(reuse.body()).path("prompt_id").asText()).isEqualTo(id);
    probes++;
    JsonNode bobsEntry = succeeded(id, asBob);
    JsonNode bobsImage = bobsEntry.at("/outputs/9/images/0");
    assertThat(bobsImage.path("subfolder").asText()).isNotEqualTo(image.path("subfolder").asText());
    String bobsView = "/view?filename=" + enc(bobsImage.path("filename").asText())
        + "&subfolder=" + enc(bobsImage.path("subfolder").asText()) + "&type=output";
    assertThat(call("GET", bobsView, null, asBob).statusCode()).isEqualTo(302);
    assertThat(call("GET", bobsView, null, asAlice).statusCode()).isEqualTo(404);

    // And all of it is still Alice's, unchanged.
    JsonNode still = JSON.readTree(call("GET", "/history/" + id, null, asAlice).body()).path(id);
    assertThat(still.at("/status/status_str").asText()).isEqualTo("success");
    assertThat(call("GET", "/view?filename=" + enc(image.path("filename").asText())
        + "&subfolder=" + enc(image.path("subfolder").asText()) + "&type=output", null, asAlice).statusCode()).isEqualTo(302);
    assertThat(call("GET", "/history", null, Map.of("X-API-Key", aliceKey)).statusCode()).isEqualTo(200);
    System.out.printf("security matrix: %d cross-tenant probes, 0 leaks%n", probes);
  }

  // ---- limits ---------------------------------------------------------------------------------------

  @Test
  void aUserOverTheirRateQueueOrQuotaIsToldWhyAndWhenToComeBack() throws Exception {
    SignedInUser chatty = userWithTier("chatty@example.com", "chatty");
    int ok = 0;
    HttpResponse<String> answer;
    do {
      answer = call("GET", "/queue", null, bearer(chatty.idToken()));
      ok += answer.statusCode() == 200 ? 1 : 0;
    } while (answer.statusCode() == 200 && ok < 50);
    assertThat(ok).isEqualTo(5);
    assertThat(answer.statusCode()).isEqualTo(429);
    assertThat(Long.parseLong(answer.headers().firstValue("Retry-After").orElseThrow())).isPositive();
    // Another user is not held back by chatty's rate.
    assertThat(call("GET", "/queue", null, bearer(bob.idToken())).statusCode()).isEqualTo(200);

    SignedInUser queued = userWithTier("queued@example.com", "queuecap");
    submit(workflow("sd1.5-txt2img"), "q", bearer(queued.idToken()));
    HttpResponse<String> second = call("POST", "/prompt", "{\"prompt\":" + workflow("sd1.5-txt2img") + "}",
        bearer(queued.idToken()));
    assertThat(second.statusCode()).as(second.body()).isEqualTo(429);
    assertThat(second.headers().firstValue("Retry-After")).isPresent();

    SignedInUser broke = userWithTier("broke@example.com", "broke");
    HttpResponse<String> unpaid = call("POST", "/prompt", "{\"prompt\":" + workflow("sd1.5-txt2img") + "}",
        bearer(broke.idToken()));
    assertThat(unpaid.statusCode()).isEqualTo(402);
    assertThat(unpaid.body()).contains("GPU-seconds a month");
  }

  // ---- traversal ------------------------------------------------------------------------------------

  @Test
  void viewAndUploadsRefuseEveryPathOutOfTheCallersFiles() throws Exception {
    Map<String, String> asBob = bearer(bob.idToken());
    assertThat(upload("bob.png", "", asBob).statusCode()).isEqualTo(200);
    // Alice's own file, uploaded here so that this test needs no other to have run.
    String alicesFile = "alice-traversal-" + UUID.randomUUID() + ".png";
    HttpResponse<String> alicesUpload = upload(alicesFile, "", bearer(alice.idToken()));
    assertThat(alicesUpload.statusCode()).as(alicesUpload.body()).isEqualTo(200);
    List<String> views = List.of(
        "filename=../../../../etc/passwd&type=input", "filename=passwd&subfolder=../../../../etc&type=input",
        "filename=%2e%2e%2f%2e%2e%2fetc%2fpasswd&type=input", "filename=/etc/passwd&type=input",
        "filename=bob.png&subfolder=/&type=input", "filename=bob.png&subfolder=..&type=input",
        "filename=..%5c..%5cwindows%5cwin.ini&type=input", "filename=bob.png%00.txt&type=input",
        "filename=bob.png&type=../input", "filename=bob.png&subfolder=../" + alice.uid() + "&type=input",
        "filename=" + alicesFile + "&subfolder=../" + alice.uid() + "&type=input",
        "filename=x.png&subfolder=" + UUID.randomUUID() + "/../../&type=output",
        "filename=api-key-pepper&subfolder=../../../..&type=output", "filename=.&type=input",
        "filename=&type=input");
    for (String query : views) {
      HttpResponse<String> answer = call("GET", "/view?" + query, null, asBob);
      assertThat(answer.statusCode()).as(query).isBetween(400, 499);
    }
    List<String[]> uploads = List.of(new String[] {"../escape.png", ""}, new String[] {"x.png", "../" + alice.uid()},
        new String[] {"x.png", "/abs"}, new String[] {"..", ""}, new String[] {"x.png", "a/../../b"},
        new String[] {"..\\..\\x.png", ""}, new String[] {"x\u0000.png", ""});
    for (String[] upload : uploads) {
      // ComfyUI answers 400 to a path that leaves the input directory; so do we, and store nothing.
      HttpResponse<String> answer = upload(upload[0], upload[1], asBob);
      assertThat(answer.statusCode()).as(String.join("|", upload) + ": " + answer.body()).isEqualTo(400);
    }
    System.out.printf("security matrix: %d /view and %d upload traversal attempts, each 4xx%n", views.size(), uploads.size());
    // Alice's upload is where it was, and only hers.
    HttpResponse<String> alicesView = call("GET", "/view?filename=" + alicesFile + "&type=input", null,
        bearer(alice.idToken()));
    assertThat(alicesView.statusCode()).as(alicesView.body()).isEqualTo(302);
    assertThat(call("GET", "/view?filename=" + alicesFile + "&type=input", null, asBob).statusCode()).isEqualTo(404);
  }

  // ---- secrets --------------------------------------------------------------------------------------

  @Test
  void noSecretReachesALog() throws Exception {
    String key = createAlicesKey();
    String madeUp = "drk_abcdefghijkm_" + "S".repeat(43);
    String forged = alice.idToken().substring(0, alice.idToken().length() - 4) + "abcd";
    call("GET", "/history", null, Map.of("X-API-Key", key));
    call("GET", "/history", null, bearer(madeUp));
    call("GET", "/history", null, bearer(forged));
    assertThat(webSocketRefusal(madeUp)).isEqualTo(401);
    // No reusable credential in a URL, ID token or key: URLs are logged (issue 19, item 5).
    assertThat(webSocketQueryStatus("token", alice.idToken())).isEqualTo(401);
    assertThat(webSocketQueryStatus("token", key)).isEqualTo(401);
    // A browser opens its socket with a single-use ticket instead, asked for with a header.
    String ticket = streamTicket(alice.idToken(), "ws");
    assertThat(webSocketQueryStatus("ticket", ticket)).isEqualTo(101);
    assertThat(webSocketQueryStatus("ticket", ticket)).as("a ticket opens one socket").isEqualTo(401);
    HttpResponse<String> tokenInUrl = call("GET", "/api/v2/jobs/" + UUID.randomUUID() + "/events?token="
        + enc(alice.idToken()), null, Map.of());
    assertThat(tokenInUrl.statusCode()).isEqualTo(401);
    assertThat(tokenInUrl.body()).contains("POST /api/v2/stream-tickets");

    String pepper = stack.functionEnvironment().get("API_KEY_PEPPER");
    // drk_<12-char id>_<43-char secret><8-char check>; the secret is base64url, so it may itself contain '_'.
    String keySecret = key.substring("drk_".length() + 12 + 1, "drk_".length() + 12 + 1 + 43);
    assertThat(key).hasSize("drk_".length() + 12 + 1 + 43 + 8);
    List<Path> logs;
    try (var files = java.nio.file.Files.list(dataDir.resolve("logs"))) {
      logs = files.toList();
    }
    assertThat(logs).isNotEmpty();
    for (Path log : logs) {
      String text = java.nio.file.Files.readString(log, StandardCharsets.ISO_8859_1);
      assertThat(text).as(log.toString()).doesNotContain(pepper).doesNotContain(keySecret)
          .doesNotContain("S".repeat(43)).doesNotContain(alice.idToken()).doesNotContain(forged);
    }
  }

  // ---- helpers ----------------------------------------------------------------------------------------

  private static SignedInUser userWithTier(String email, String tier) {
    SignedInUser user = firebase.createUser(email, "password-" + tier);
    firebase.setCustomClaims(user.uid(), Map.of("tier", tier));
    return firebase.signIn(email, "password-" + tier);
  }

  private static Map<String, String> bearer(String credential) {
    return Map.of("Authorization", "Bearer " + credential);
  }

  private static HttpResponse<String> call(String method, String path, String body, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.apiUrl() + path))
        .timeout(Duration.ofSeconds(60))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(request::header);
    HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    synchronized (statuses) {
      requests++;
      statuses.merge(answer.statusCode(), 1, Integer::sum);
    }
    assertThat(answer.statusCode()).as(method + " " + path + ": " + answer.body()).isLessThan(500);
    return answer;
  }

  /** A key of Alice's, created as a user must: right after signing in (a key needs a recent sign-in). */
  private static String createAlicesKey() throws Exception {
    String idToken = firebase.signIn("alice@example.com", "alice-password").idToken();
    HttpResponse<String> created = call("POST", "/api/v2/keys", "{\"name\":\"matrix\"}", bearer(idToken));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return JSON.readTree(created.body()).path("key").asText();
  }

  private static String keyId(String key) {
    return key.substring("drk_".length(), "drk_".length() + 12);
  }

  private static HttpResponse<String> upload(String filename, String subfolder, Map<String, String> headers)
      throws Exception {
    java.awt.image.BufferedImage picture = new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_INT_RGB);
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    javax.imageio.ImageIO.write(picture, "png", png);
    MultipartForm.Encoded form = MultipartForm.encode(List.of(MultipartForm.field("subfolder", subfolder),
        new MultipartForm.Part("image", filename, "image/png", png.toByteArray())));
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/upload/image"))
        .header("Content-Type", form.contentType()).POST(HttpRequest.BodyPublishers.ofByteArray(form.body()));
    headers.forEach(request::header);
    HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    synchronized (statuses) {
      requests++;
      statuses.merge(answer.statusCode(), 1, Integer::sum);
    }
    assertThat(answer.statusCode()).as("upload " + filename + ": " + answer.body()).isLessThan(500);
    return answer;
  }

  private static String submit(String workflow, String clientId, Map<String, String> headers) throws Exception {
    HttpResponse<String> posted = call("POST", "/prompt",
        "{\"prompt\":" + workflow + ",\"client_id\":\"" + clientId + "\"}", headers);
    assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
    return JSON.readTree(posted.body()).path("prompt_id").asText();
  }

  /** Waits until the socket has heard {@code executing} with no node for the prompt: its end. */
  private static void awaitEnd(WebSocketRecorder socket, String promptId) {
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50))
        .until(() -> socket.messages.stream().anyMatch(message -> isEnd(message, promptId)));
  }

  private static boolean isEnd(JsonNode message, String promptId) {
    return message.path("type").asText().equals("executing") && message.at("/data/node").isNull()
        && promptId.equals(message.at("/data/prompt_id").asText(null));
  }

  private static List<String> fieldNames(String body) throws Exception {
    List<String> names = new java.util.ArrayList<>();
    JSON.readTree(body).fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static JsonNode succeeded(String id, Map<String, String> headers) {
    JsonNode entry = await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
        .until(() -> JSON.readTree(call("GET", "/history/" + id, null, headers).body()).get(id), e -> e != null);
    assertThat(entry.at("/status/status_str").asText()).as(entry.toString()).isEqualTo("success");
    return entry;
  }

  private static String workflow(String name) throws Exception {
    try (InputStream in = SecurityMatrixIT.class.getResourceAsStream("/workflows/" + name + ".json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static URI socketUri(String clientId) {
    return URI.create(stack.apiUrl().replaceFirst("^http", "ws") + "/ws?clientId=" + clientId);
  }

  /** A single-use stream ticket for {@code purpose} ({@code ws}, {@code sse}), asked for with an ID token. */
  private static String streamTicket(String idToken, String purpose) throws Exception {
    HttpResponse<String> issued = call("POST", "/api/v2/stream-tickets", "{\"purpose\":\"" + purpose + "\"}",
        bearer(idToken));
    assertThat(issued.statusCode()).as(issued.body()).isEqualTo(201);
    return JSON.readTree(issued.body()).path("ticket").asText();
  }

  /** The status of a socket opened with {@code value} in the query parameter {@code name}, as a browser would (101: open). */
  private static int webSocketQueryStatus(String name, String value) {
    URI uri = URI.create(socketUri("query-" + name) + "&" + name + "=" + enc(value));
    try {
      HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() {}).join().abort();
      return 101;
    } catch (CompletionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException refused) {
        return refused.getResponse().statusCode();
      }
      throw e;
    }
  }

  /** The HTTP status that refused a socket opened with {@code credential} (null: none), or 101 if it opened. */
  private static int webSocketRefusal(String credential) {
    WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
    if (credential != null) {
      builder.header("Authorization", "Bearer " + credential);
    }
    try {
      builder.buildAsync(socketUri("probe"), new WebSocket.Listener() {}).join().abort();
      return 101;
    } catch (CompletionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException refused) {
        return refused.getResponse().statusCode();
      }
      throw e;
    }
  }
}
