package dev.darkroom.emulators.firebase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.emulators.LocalService;
import dev.darkroom.emulators.LoopbackPorts;
import dev.darkroom.emulators.ManagedProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * firebase-tools' Auth emulator ({@code firebase emulators:start --only auth}, the CLI pinned in
 * {@code .ci/tools}), run as a child Node process on 127.0.0.1, with the calls a security test needs
 * to make users and ID tokens in it. It works offline (unlike firebase-tools' other emulators).
 *
 * <p>Its ID tokens are unsigned ({@code alg: none}); the Firebase Admin SDK accepts them only in
 * emulator mode, i.e. when {@value #HOST_VARIABLE} is set, and then skips signature checks
 * altogether.
 */
public final class FirebaseAuthEmulator implements LocalService {
  /** The variable the Firebase Admin SDKs read to talk to an Auth emulator (and skip signature checks). */
  public static final String HOST_VARIABLE = "FIREBASE_AUTH_EMULATOR_HOST";

  // Measured: about 10 s from launch to the first answer (Node loads the whole CLI and the API spec).
  static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  static final Duration STOP_GRACE = Duration.ofSeconds(5);
  private static final String ADMIN = "Bearer owner";
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
  private static final Logger log = LoggerFactory.getLogger(FirebaseAuthEmulator.class);

  /**
   * A user signed in with email and password, and the ID token the emulator issued.
   * {@link #toString()} leaves the token out.
   */
  public record SignedInUser(String uid, String email, String idToken) {
    @Override
    public String toString() {
      return "SignedInUser[uid=" + uid + ", email=" + email + "]";
    }
  }

  private final ManagedProcess process;
  private final int port;
  private final String projectId;
  private final Path workDir;
  private final HttpClient http;
  private final ObjectMapper json = new ObjectMapper();
  private final AtomicBoolean closed = new AtomicBoolean();

  private FirebaseAuthEmulator(ManagedProcess process, int port, String projectId, Path workDir) {
    this.process = process;
    this.port = port;
    this.projectId = projectId;
    this.workDir = workDir;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  }

  /**
   * Starts the emulator for {@code projectId} on {@code port} (0: a free one) with the CLI of this
   * repository's {@code .ci/tools}, and returns once its REST API answers.
   */
  public static FirebaseAuthEmulator start(int port, String projectId) {
    return start(port, projectId, FirebaseTools.cli());
  }

  public static FirebaseAuthEmulator start(int port, String projectId, Path firebaseCli) {
    return LoopbackPorts.startOnFreePort(port, chosen -> startOn(chosen, projectId, firebaseCli));
  }

  private static FirebaseAuthEmulator startOn(int chosen, String projectId, Path firebaseCli) {
    long started = System.nanoTime();
    Set<Integer> ports = new HashSet<>();
    ports.add(chosen);
    // The CLI also runs a hub and a log server; on fixed default ports two emulators would collide.
    int hub = distinctFreePort(ports);
    int logging = distinctFreePort(ports);
    Path workDir;
    try {
      workDir = Files.createTempDirectory("darkroom-firebase-auth-");
      Files.writeString(workDir.resolve("firebase.json"), firebaseJson(chosen, hub, logging));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare a directory for the Firebase Auth emulator", e);
    }
    List<String> command = List.of(firebaseCli.toString(), "emulators:start", "--only", "auth",
        "--project", projectId, "--config", workDir.resolve("firebase.json").toString());
    Map<String, String> env = Map.of(
        // Else the CLI spawns a detached update check against the npm registry, which outlives it.
        "NO_UPDATE_NOTIFIER", "1",
        // The hub writes its locator file to the temp dir, named by project: keep instances apart.
        "TMPDIR", workDir.toString());
    ManagedProcess process = ManagedProcess.start("firebase-auth", command, env, workDir,
        line -> log.debug("firebase-auth: {}", line));
    FirebaseAuthEmulator emulator = new FirebaseAuthEmulator(process, chosen, projectId, workDir);
    try {
      emulator.awaitReady();
    } catch (RuntimeException e) {
      emulator.close();
      throw e;
    }
    log.info("firebase auth emulator ready on {} in {} ms (pid {})", emulator.hostPort(),
        Duration.ofNanos(System.nanoTime() - started).toMillis(), process.pid());
    return emulator;
  }

  private static int distinctFreePort(Set<Integer> taken) {
    while (true) {
      int port = LoopbackPorts.choose(0);
      if (taken.add(port)) {
        return port;
      }
    }
  }

  private static String firebaseJson(int auth, int hub, int logging) {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode emulators = mapper.createObjectNode();
    emulators.putObject("auth").put("host", LoopbackPorts.HOST).put("port", auth);
    emulators.putObject("hub").put("host", LoopbackPorts.HOST).put("port", hub);
    emulators.putObject("logging").put("host", LoopbackPorts.HOST).put("port", logging);
    emulators.putObject("ui").put("enabled", false);
    ObjectNode root = mapper.createObjectNode();
    root.set("emulators", emulators);
    return root.toPrettyString();
  }

  // Readiness over HTTP: the server listens only once its whole API is mounted.
  private void awaitReady() {
    process.awaitHttp(uri("/"), body -> {
      try {
        return json.readTree(body).path("authEmulator").path("ready").asBoolean();
      } catch (IOException notJson) {
        return false;
      }
    }, START_TIMEOUT);
  }


  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  @Override
  public String name() {
    return "firebase-auth";
  }

  public int port() {
    return port;
  }

  public String projectId() {
    return projectId;
  }

  /** Process id of the CLI (Node), for checks that nothing outlives {@link #close()}. */
  public long pid() {
    return process.pid();
  }

  /** The directory with its firebase.json and the hub's files, deleted by {@link #close()}. */
  Path workDir() {
    return workDir;
  }

  @Override
  public String hostPort() {
    return LoopbackPorts.HOST + ":" + port;
  }

  @Override
  public Map<String, String> environment() {
    return Map.of(HOST_VARIABLE, hostPort());
  }

  // --- Users and tokens, through the emulator's REST API (Identity Toolkit v1 and its own). ---

  /** Creates an email/password user, signed in: the emulator's ID token for it. */
  public SignedInUser createUser(String email, String password) {
    JsonNode response = call("POST", "/identitytoolkit.googleapis.com/v1/accounts:signUp?key=any", false,
        Map.of("email", email, "password", password, "returnSecureToken", true));
    return new SignedInUser(response.path("localId").asText(), email, response.path("idToken").asText());
  }

  /** Signs in again: a fresh ID token, carrying the user's custom claims as they are now. */
  public SignedInUser signIn(String email, String password) {
    JsonNode response = call("POST", "/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=any", false,
        Map.of("email", email, "password", password, "returnSecureToken", true));
    return new SignedInUser(response.path("localId").asText(), email, response.path("idToken").asText());
  }

  /** Replaces the user's custom claims (as the Admin SDK's setCustomUserClaims); tokens issued from now on carry them. */
  public void setCustomClaims(String uid, Map<String, ?> claims) {
    String attributes;
    try {
      attributes = json.writeValueAsString(claims);
    } catch (IOException e) {
      throw new IllegalArgumentException("custom claims are not JSON", e);
    }
    updateAccount(Map.of("localId", uid, "customAttributes", attributes));
  }

  /**
   * Revokes the user's sessions (as the Admin SDK's revokeRefreshTokens): every ID token issued
   * before this call is revoked, every one issued after it is not. Firebase keeps the revocation
   * time in whole seconds, so this first waits for the next second to begin (up to one second):
   * a token issued earlier in the same second would otherwise still count as valid.
   */
  public void revokeSessions(String uid) {
    long now = System.currentTimeMillis();
    pause(Duration.ofMillis(1000 - now % 1000));
    // The emulator stamps validSince with its own clock (this machine's), whatever is sent.
    updateAccount(Map.of("localId", uid, "validSince", Long.toString(Instant.now().getEpochSecond())));
  }

  /** Disables the user's account. */
  public void disableUser(String uid) {
    updateAccount(Map.of("localId", uid, "disableUser", true));
  }

  /**
   * The user's record as Identity Toolkit's {@code accounts:lookup} returns it ({@code localId},
   * {@code disabled}, {@code validSince}, {@code customAttributes}, ...), or a missing node if there
   * is no such user.
   */
  public JsonNode account(String uid) {
    JsonNode response = call("POST", "/identitytoolkit.googleapis.com/v1/projects/" + projectId + "/accounts:lookup",
        true, Map.of("localId", List.of(uid)));
    return response.path("users").path(0);
  }

  /** Deletes every user of the project. */
  public void deleteAllUsers() {
    call("DELETE", "/emulator/v1/projects/" + projectId + "/accounts", true, null);
  }

  private void updateAccount(Map<String, ?> body) {
    call("POST", "/identitytoolkit.googleapis.com/v1/projects/" + projectId + "/accounts:update", true, body);
  }

  /**
   * {@code idToken} (one of this emulator's) with its times moved into the past: issued two hours
   * ago, expired one hour ago, well beyond the verifiers' clock skew allowance. Unsigned, like
   * every emulator token.
   */
  public String expiredCopyOf(String idToken) {
    long now = Instant.now().getEpochSecond();
    return withClaims(idToken, claims -> {
      claims.put("auth_time", now - 7200);
      claims.put("iat", now - 7200);
      claims.put("exp", now - 3600);
    });
  }

  /** {@code idToken} as if issued for another project: its audience and issuer name {@code otherProjectId}. */
  public String copyForProject(String idToken, String otherProjectId) {
    return withClaims(idToken, claims -> {
      claims.put("aud", otherProjectId);
      claims.put("iss", "https://securetoken.google.com/" + otherProjectId);
    });
  }

  /** The claims of an unsigned or signed JWT (not verified). */
  public static JsonNode claimsOf(String idToken) {
    String[] parts = idToken.split("\\.", -1);
    if (parts.length != 3) {
      throw new IllegalArgumentException("not a JWT: " + parts.length + " parts");
    }
    try {
      return new ObjectMapper().readTree(Base64.getUrlDecoder().decode(parts[1]));
    } catch (IOException e) {
      throw new IllegalArgumentException("not a JWT: the payload is not JSON", e);
    }
  }

  private interface ClaimsEdit {
    void apply(ObjectNode claims);
  }

  // Same header (alg none) and claim order as the emulator's own tokens; only the named claims change.
  private String withClaims(String idToken, ClaimsEdit edit) {
    String[] parts = idToken.split("\\.", -1);
    ObjectNode claims = (ObjectNode) claimsOf(idToken);
    edit.apply(claims);
    try {
      String payload = Base64.getUrlEncoder().withoutPadding().encodeToString(json.writeValueAsBytes(claims));
      return parts[0] + "." + payload + "." + parts[2];
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // Messages name the call and the emulator's answer, never the request (passwords) or a token.
  private JsonNode call(String method, String path, boolean admin, Object body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(CALL_TIMEOUT);
    if (admin) {
      request.header("Authorization", ADMIN);
    }
    try {
      if (body == null) {
        request.method(method, HttpRequest.BodyPublishers.noBody());
      } else {
        request.header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)));
      }
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      if (response.statusCode() != 200) {
        throw new IllegalStateException("firebase auth emulator: " + method + " " + path.replaceAll("\\?.*", "")
            + " answered " + response.statusCode() + ": " + errorOf(response.body()));
      }
      return response.body().isBlank() ? json.createObjectNode() : json.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException("firebase auth emulator on " + hostPort() + " unreachable", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted calling the firebase auth emulator", e);
    }
  }

  private String errorOf(String body) {
    try {
      return json.readTree(body).path("error").path("message").asText(body);
    } catch (IOException notJson) {
      return body;
    }
  }

  private URI uri(String path) {
    return URI.create("http://" + hostPort() + path);
  }

  /** Stops the CLI and its children (SIGTERM, then SIGKILL after a grace period) and deletes its files; safe to call twice. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      process.stop(STOP_GRACE);
      deleteQuietly(workDir);
    }
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      log.debug("could not delete {}: {}", dir, e.toString());
    }
  }
}
