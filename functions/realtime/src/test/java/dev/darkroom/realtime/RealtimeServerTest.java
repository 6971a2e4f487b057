package dev.darkroom.realtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.darkroom.core.auth.AllowedOrigins;
import dev.darkroom.core.auth.AuthFailure;
import dev.darkroom.core.auth.Caller;
import dev.darkroom.core.auth.StreamTicket.Purpose;
import dev.darkroom.core.limits.OpenStreams;
import dev.darkroom.core.usecase.ApiKeys;
import dev.darkroom.core.usecase.Authenticator;
import dev.darkroom.core.usecase.StandingRecheck;
import dev.darkroom.core.usecase.StreamTicketing;
import dev.darkroom.testing.InMemoryAccountDirectory;
import dev.darkroom.testing.InMemoryApiKeyStore;
import dev.darkroom.testing.InMemoryStreamTickets;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway's HTTP side, on a real Jetty and Java's WebSocket client: who may open a socket, how
 * many, and how long it stays open. Authentication is real ({@link Authenticator} over a fake token
 * verifier and in-memory keys); the account's standing is a fake the tests change.
 */
class RealtimeServerTest {
  /** The one web origin whose pages may open sockets here. */
  private static final String PAGE = "https://studio.example.com";
  private static final Duration RECHECK = Duration.ofMillis(100);
  private final InMemoryApiKeyStore keyStore = new InMemoryApiKeyStore();
  private final ApiKeys keys = new ApiKeys(keyStore, InMemoryAccountDirectory.of(Clock.systemUTC(), "alice", "bob"), new byte[32], "free", Clock.systemUTC());
  /** ID tokens of this test: {@code token-of-<user>}. */
  private final Authenticator authenticator = Authenticator.required((token, tier) -> {
    if (!token.startsWith("token-of-")) {
      throw new AuthFailure(AuthFailure.Reason.INVALID, "not a valid Firebase ID token of this project");
    }
    return Caller.idToken(token.substring("token-of-".length()), tier);
  }, keys, "free");
  private final Set<String> disabledUsers = ConcurrentHashMap.newKeySet();
  /** How many times an account's standing was asked for. */
  private final java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
  private final StandingRecheck standing = new StandingRecheck(caller -> {
    asked.incrementAndGet();
    if (caller.method() == Caller.Method.API_KEY && keyStore.find(caller.keyId()).map(k -> k.revoked()).orElse(true)) {
      throw new AuthFailure(AuthFailure.Reason.REVOKED, "this API key was revoked");
    }
    if (disabledUsers.contains(caller.userId())) {
      throw new AuthFailure(AuthFailure.Reason.DISABLED, "the account is disabled");
    }
    return Instant.EPOCH;
  }, Clock.systemUTC(), RECHECK);
  private final StreamTicketing tickets = new StreamTicketing(new InMemoryStreamTickets(), Clock.systemUTC());
  private final Gateway gateway = new Gateway(new FakeJobFeed(), id -> Optional.empty());
  private final List<AutoCloseable> opened = new ArrayList<>();
  private RealtimeServer server;

  private void start(Authenticator auth, OpenStreams.Limits limits) {
    start(auth, limits, new PageOrigins(AllowedOrigins.parse(PAGE, false), auth.required()));
  }

  private void start(Authenticator auth, OpenStreams.Limits limits, PageOrigins pages) {
    server = RealtimeServer.start("127.0.0.1", 0, gateway, pages,
        new SocketAccess(auth, tickets, new OpenStreams("sockets", limits), standing, Clock.systemUTC()));
  }

  private void start() {
    start(authenticator, new OpenStreams.Limits(20, 1000));
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable socket : opened) {
      socket.close();
    }
    if (server != null) {
      server.close();
    }
    gateway.close();
  }

  @Test
  void anIdTokenInTheUrlOpensNoSocket() {
    start();
    assertThat(open("?clientId=c1&token=token-of-alice", Map.of()).status()).isEqualTo(401);
    // Even beside a header: the token was in the URL, so in a log; the client must stop sending it.
    assertThat(open("?clientId=c1&token=token-of-alice", bearer("alice")).status()).isEqualTo(401);
  }

  @Test
  void aTicketOpensOneSocketOnce() {
    start();
    String ticket = tickets.issue(Caller.idToken("alice", "free"), Purpose.WS).ticket();
    assertThat(open("?clientId=c1&ticket=" + enc(ticket), Map.of()).status()).isEqualTo(101);
    assertThat(open("?clientId=c2&ticket=" + enc(ticket), Map.of()).status()).isEqualTo(401);
  }

  @Test
  void aTicketForAnEventStreamOpensNoSocket() {
    start();
    String ticket = tickets.issue(Caller.idToken("alice", "free"), Purpose.SSE).ticket();
    assertThat(open("?clientId=c1&ticket=" + enc(ticket), Map.of()).status()).isEqualTo(401);
  }

  @Test
  void headersStillOpenSocketsForClientsThatCanSendThem() throws Exception {
    start();
    String key = ((ApiKeys.Creation.Created) keys.create(Caller.idToken("alice", "free"), "")).key();
    assertThat(open("?clientId=c1", Map.of("X-API-Key", key)).status()).isEqualTo(101);
    assertThat(open("?clientId=c2", Map.of("Authorization", "Bearer token-of-alice")).status()).isEqualTo(101);
  }

  @Test
  void aUsersSocketsBeyondTheirLimitAreRefusedWith429BeforeTheUpgrade() throws Exception {
    start(authenticator, new OpenStreams.Limits(2, 100));
    Socket first = open("?clientId=c1", bearer("alice"));
    assertThat(first.status()).isEqualTo(101);
    assertThat(open("?clientId=c2", bearer("alice")).status()).isEqualTo(101);
    assertThat(open("?clientId=c3", bearer("alice")).status()).isEqualTo(429);
    assertThat(open("?clientId=c1", bearer("bob")).status()).as("another user").isEqualTo(101);
    first.close();
    await().atMost(Duration.ofSeconds(5)).until(() -> open("?clientId=c3", bearer("alice")).status() == 101);
  }

  @Test
  void anInstanceBeyondItsSocketLimitRefusesWith429() {
    start(authenticator, new OpenStreams.Limits(20, 2));
    assertThat(open("?clientId=c1", bearer("alice")).status()).isEqualTo(101);
    assertThat(open("?clientId=c1", bearer("bob")).status()).isEqualTo(101);
    assertThat(open("?clientId=c1", bearer("carol")).status()).isEqualTo(429);
  }

  @Test
  void aSocketEndsWithPolicyViolationWhenItsKeyIsRevoked() throws Exception {
    start();
    ApiKeys.Creation.Created created = (ApiKeys.Creation.Created) keys.create(Caller.idToken("alice", "free"), "");
    Socket socket = open("?clientId=c1", Map.of("X-API-Key", created.key()));
    Socket other = open("?clientId=c1", bearer("alice"));
    assertThat(socket.status()).isEqualTo(101);
    keys.revoke(Caller.idToken("alice", "free"), created.stored().keyId());
    assertThat(socket.closeCode().get(5, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(1008);
    int checked = asked.get();
    await().atMost(Duration.ofSeconds(5)).until(() -> asked.get() >= checked + 3); // several rechecks later
    assertThat(other.closeCode()).as("the ID token's socket stays open").isNotDone();
  }

  @Test
  void aSocketEndsWithPolicyViolationWhenTheAccountIsDisabled() throws Exception {
    start();
    String ticket = tickets.issue(Caller.idToken("alice", "free"), Purpose.WS).ticket();
    Socket byTicket = open("?clientId=c1&ticket=" + enc(ticket), Map.of());
    Socket byHeader = open("?clientId=c2", bearer("alice"));
    disabledUsers.add("alice");
    assertThat(byTicket.closeCode().get(5, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(1008);
    assertThat(byHeader.closeCode().get(5, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(1008);
  }

  @Test
  void withoutAuthenticationComfyUiClientsOpenSocketsWithNoCredential() {
    start(Authenticator.localUser("free"), new OpenStreams.Limits(20, 1000));
    assertThat(open("?clientId=c1", Map.of()).status()).isEqualTo(101);
  }

  @Test
  void aPageOfAnAllowedOriginOpensASocketAndAPageOfAnotherIsRefusedBeforeItsTicketIsSpent() {
    start();
    String ticket = tickets.issue(Caller.idToken("alice", "free"), Purpose.WS).ticket();
    assertThat(open("?clientId=c1&ticket=" + enc(ticket), Map.of("Origin", "https://evil.example.net")).status())
        .isEqualTo(403);
    assertThat(open("?clientId=c1&ticket=" + enc(ticket), Map.of("Origin", PAGE)).status()).isEqualTo(101);
    assertThat(open("?clientId=c2", Map.of("Origin", "null", "Authorization", "Bearer token-of-alice")).status())
        .as("a sandboxed page").isEqualTo(403);
  }

  @Test
  void withAuthenticationAPageOfTheGatewaysOwnHostOpensASocketAsComfyUisPythonClientDoes() {
    start();
    String ownHost = "http://127.0.0.1:" + server.port();
    assertThat(open("?clientId=c1", Map.of("Origin", ownHost, "Authorization", "Bearer token-of-alice")).status())
        .isEqualTo(101);
    assertThat(open("?clientId=c2", Map.of("Origin", "http://127.0.0.1:1", "Authorization", "Bearer token-of-alice"))
        .status()).as("another port is another origin").isEqualTo(403);
  }

  @Test
  void withoutAuthenticationOnlyListedAndLoopbackPagesOpenSockets() {
    start(Authenticator.localUser("free"), new OpenStreams.Limits(20, 1000),
        new PageOrigins(AllowedOrigins.parse("", true), false));
    assertThat(open("?clientId=c1", Map.of("Origin", "http://localhost:5173")).status()).isEqualTo(101);
    assertThat(open("?clientId=c2", Map.of("Origin", "http://evil.example.net")).status()).isEqualTo(403);
    assertThat(open("?clientId=c3", Map.of()).status()).as("no page: a ComfyUI client").isEqualTo(101);
  }

  private static Map<String, String> bearer(String user) {
    return Map.of("Authorization", "Bearer token-of-" + user);
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** A socket as the client sees it: the handshake's status, and the close code once the server closes. */
  private record Socket(int status, WebSocket socket, CompletableFuture<Integer> closeCode) implements AutoCloseable {
    @Override
    public void close() {
      if (socket != null) {
        socket.abort();
      }
    }
  }

  private Socket open(String query, Map<String, String> headers) {
    CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
    headers.forEach(builder::header);
    try {
      WebSocket socket = builder.buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/ws" + query),
          new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
              closeCode.complete(statusCode);
              return null;
            }
          }).join();
      Socket open = new Socket(101, socket, closeCode);
      opened.add(open);
      return open;
    } catch (CompletionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException refused) {
        return new Socket(refused.getResponse().statusCode(), null, closeCode);
      }
      throw e;
    }
  }
}
