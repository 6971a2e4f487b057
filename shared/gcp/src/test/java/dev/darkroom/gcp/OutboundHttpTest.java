package dev.darkroom.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link OutboundHttp}'s fetch and post on {@link FakeInternet}, with the strict policy unless said. */
class OutboundHttpTest {
  private static final Duration DEADLINE = Duration.ofSeconds(10);

  private final FakeInternet internet = new FakeInternet();
  private final OutboundHttp http = internet.client(false);

  @AfterEach
  void stop() {
    internet.close();
  }

  @Test
  void aPublicUrlIsFetched() throws IOException {
    OutboundHttp.Fetched fetched = http.fetch(URI.create(FakeInternet.publicUrl("/page")), 1024, DEADLINE);

    assertThat(fetched.status()).isEqualTo(200);
    assertThat(fetched.contentType()).isEqualTo("text/plain");
    assertThat(new String(fetched.body(), StandardCharsets.UTF_8)).isEqualTo("hello from the public site");
    assertThat(internet.publicSite.arrivals.get(0).header("user-agent")).isEqualTo("Darkroom-Fetch/1");
  }

  @Test
  void aFetchFollowsUpToFiveRedirectsAndSaysWhereItEnded() throws IOException {
    OutboundHttp.Fetched fetched = http.fetch(URI.create(FakeInternet.publicUrl("/hops/5")), 1024, DEADLINE);

    assertThat(fetched.status()).isEqualTo(200);
    assertThat(fetched.url()).isEqualTo(URI.create(FakeInternet.publicUrl("/hops/0")));
    assertThat(internet.publicSite.requests()).isEqualTo(6);
  }

  @Test
  void aSixthRedirectFailsTheFetch() {
    assertThatThrownBy(() -> http.fetch(URI.create(FakeInternet.publicUrl("/hops/6")), 1024, DEADLINE))
        .isInstanceOf(IOException.class).isNotInstanceOf(OutboundRefusedException.class)
        .hasMessageContaining("redirects more than 5 times");
    assertThat(internet.publicSite.requests()).isEqualTo(6);
  }

  @Test
  void aRedirectToAnotherPublicHostIsFollowed() throws IOException {
    String elsewhere = "http://other.test.example/landing";

    OutboundHttp.Fetched fetched = http.fetch(URI.create(FakeInternet.redirect(307, elsewhere)), 1024, DEADLINE);

    assertThat(fetched.status()).isEqualTo(200);
    assertThat(fetched.url()).isEqualTo(URI.create(elsewhere));
  }

  @Test
  void aStreamSendsItsHeadersToTheFirstOriginOnlyAndChecksEveryHopWithTheCallersRuleToo() throws IOException {
    String elsewhere = "http://other.test.example/bytes/100";
    try (OutboundHttp.Streamed streamed = http.stream(URI.create(FakeInternet.redirect(302, elsewhere)),
        Map.of("authorization", "Bearer hub-token"), hop -> java.util.Optional.empty(), DEADLINE)) {
      assertThat(streamed.status()).isEqualTo(200);
      assertThat(streamed.url()).isEqualTo(URI.create(elsewhere));
      assertThat(streamed.length()).isEqualTo(100);
      assertThat(streamed.body().readAllBytes()).hasSize(100);
    }
    assertThat(internet.publicSite.arrivals.get(0).header("authorization")).isEqualTo("Bearer hub-token");
    assertThat(internet.publicSite.arrivals.get(1).header("authorization")).as("another host gets no token").isNull();

    assertThatThrownBy(() -> http.stream(URI.create(FakeInternet.redirect(302, elsewhere)), Map.of(),
        hop -> hop.getHost().startsWith("other.") ? java.util.Optional.of("not that host") : java.util.Optional.empty(),
        DEADLINE)).isInstanceOf(OutboundRefusedException.class)
        .hasMessageContaining("redirect 1").hasMessageContaining("not that host");
    assertThat(internet.publicSite.requests()).as("the refused hop was never asked").isEqualTo(3);
  }

  @Test
  void aBodyOverTheLimitFailsTheFetchWhetherItsLengthIsAnnouncedOrNot() throws IOException {
    assertThat(http.fetch(URI.create(FakeInternet.publicUrl("/bytes/1000")), 1000, DEADLINE).body()).hasSize(1000);
    assertThat(http.fetch(URI.create(FakeInternet.publicUrl("/chunked/1000")), 1000, DEADLINE).body()).hasSize(1000);

    assertThatThrownBy(() -> http.fetch(URI.create(FakeInternet.publicUrl("/bytes/1001")), 1000, DEADLINE))
        .hasMessageStartingWith("the response is larger than 1000 bytes");
    assertThatThrownBy(() -> http.fetch(URI.create(FakeInternet.publicUrl("/chunked/100000")), 1000, DEADLINE))
        .hasMessageStartingWith("the response is larger than 1000 bytes");
  }

  // The server holds the answer for 30 s. OkHttp's own read timeout (10 s) would end the call with a
  // SocketTimeoutException; only the fetch's deadline ends it with a bare InterruptedIOException
  // ("timeout"), so the exact type says which bound ended it, with no clock in the test.
  @Test
  void aFetchEndsAtItsDeadline() {
    assertThatThrownBy(() -> http.fetch(URI.create(FakeInternet.publicUrl("/hang")), 1024, Duration.ofMillis(300)))
        .isExactlyInstanceOf(InterruptedIOException.class)
        .hasMessage("timeout");
  }

  @Test
  void cookiesAreNeitherKeptNorSent() throws IOException {
    http.fetch(URI.create(FakeInternet.publicUrl("/cookie")), 1024, DEADLINE);
    http.fetch(URI.create(FakeInternet.publicUrl("/again")), 1024, DEADLINE);

    assertThat(internet.publicSite.arrivals.get(1).header("cookie")).isNull();
  }

  @Test
  void theEnvironmentsProxyIsNotUsed() throws IOException {
    // A proxy "configured in the environment" that is in fact the internal service; the client is
    // made after it is set, as OkHttp reads the default selector when a client is built.
    ProxySelector before = ProxySelector.getDefault();
    InetSocketAddress inside = new InetSocketAddress("127.0.0.1", internet.internal.port());
    ProxySelector.setDefault(new ProxySelector() {
      @Override
      public List<Proxy> select(URI uri) {
        return List.of(new Proxy(Proxy.Type.HTTP, inside));
      }

      @Override
      public void connectFailed(URI uri, SocketAddress address, IOException e) {}
    });
    try {
      OutboundHttp madeNow = internet.client(false);
      assertThat(madeNow.fetch(URI.create(FakeInternet.publicUrl("/")), 1024, DEADLINE).status()).isEqualTo(200);
    } finally {
      ProxySelector.setDefault(before);
    }
    assertThat(internet.internal.requests()).isZero();
    assertThat(internet.publicSite.requests()).isEqualTo(1);
  }

  @Test
  void theLocalStacksSwitchOpensLoopbackAndNothingElse() throws IOException {
    OutboundHttp local = internet.client(true);
    String loopback = "http://127.0.0.1:" + internet.internal.port() + "/hook";

    assertThat(local.post(URI.create(loopback), Map.of(), new byte[0], DEADLINE)).isEqualTo(200);
    assertThat(local.fetch(URI.create("http://localhost:" + internet.internal.port() + "/"), 1024, DEADLINE).status())
        .isEqualTo(200);
    assertThat(internet.internal.requests()).isEqualTo(2);
    for (String inside : List.of("http://10.0.0.7/", "http://169.254.169.254/", "http://metadata.google.internal/",
        "http://[fd00::1]/", "http://[64:ff9b::7f00:1]/", "http://[2002:7f00:1::]/", "http://2130706433/")) {
      assertThatThrownBy(() -> local.fetch(URI.create(inside), 1024, DEADLINE))
          .as(inside).isInstanceOf(OutboundRefusedException.class);
    }
    assertThat(internet.internal.requests()).isEqualTo(2);
  }

  @Test
  void aPostIsSentOnceAndARedirectIsItsAnswer() throws IOException {
    String redirect = FakeInternet.redirect(302, FakeInternet.publicUrl("/elsewhere"));

    int status = http.post(URI.create(redirect), Map.of("content-type", "application/json"),
        "{}".getBytes(StandardCharsets.UTF_8), DEADLINE);

    assertThat(status).isEqualTo(302);
    assertThat(internet.publicSite.arrivals).singleElement().satisfies(arrival -> {
      assertThat(arrival.method()).isEqualTo("POST");
      assertThat(arrival.header("content-type")).isEqualTo("application/json");
      assertThat(new String(arrival.body(), StandardCharsets.UTF_8)).isEqualTo("{}");
    });
  }
}
