package dev.darkroom.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.darkroom.core.port.WebhookSender;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import okhttp3.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 8's SSRF matrix: every way we know to point Darkroom at the inside of our network, sent
 * as a webhook ({@link HttpWebhookSender}) and as a URL fetch ({@link OutboundHttp#fetch}),
 * directly and behind a public site's 302 and 307. Each must be refused, and the internal service
 * must have received 0 requests.
 *
 * <p>Why a count of 0 proves it: the test wire ({@link FakeInternet}) leads every address except
 * the one public test address to the internal service, so 10.0.0.7 or 169.254.169.254 that got
 * through would arrive there just as 127.0.0.1 would. The policy is strict ({@code
 * allowLoopback=false}) throughout; the public site is reached through its public test address,
 * not by opening loopback.
 */
class OutboundSsrfMatrixTest {
  private static final byte[] BODY = "{\"type\":\"job.succeeded\"}".getBytes();
  private static final int MAX_BYTES = 1 << 20;
  private static final Duration DEADLINE = Duration.ofSeconds(10);

  private final FakeInternet internet = new FakeInternet()
      .answer("loopback.test.example", "127.0.0.1")
      .answer("private.test.example", "10.1.2.3")
      .answer("metadata-alias.test.example", "169.254.169.254")
      .answer("v6-loopback.test.example", "::1")
      .answer("mixed.test.example", FakeInternet.PUBLIC_IP, "10.0.0.8")
      .answer("metadata.google.internal", "169.254.169.254")
      .answer("0x7f000001", "127.0.0.1")
      .answer("localhost", "127.0.0.1")
      .answer("foo.localhost", "127.0.0.1")
      .rebinding("rebind-webhook.test.example", FakeInternet.PUBLIC_IP, "127.0.0.1")
      .rebinding("rebind-fetch.test.example", FakeInternet.PUBLIC_IP, "127.0.0.1");
  private final OutboundHttp http = internet.client(false);
  private final HttpWebhookSender webhooks = new HttpWebhookSender(http);

  @AfterEach
  void stop() {
    internet.close();
  }

  /** The internal targets; {i} is the internal service's real port. */
  private List<String> internalTargets() {
    return List.of(
        "http://127.0.0.1:{i}/", "http://localhost:{i}/", "http://foo.localhost:{i}/", "http://[::1]:{i}/",
        "http://10.0.0.7/", "http://172.16.0.1/", "http://192.168.1.1/", "http://100.64.0.1/", "http://198.18.0.1/",
        "http://0.0.0.0:{i}/", "http://[::]:{i}/", "http://169.254.169.254/computeMetadata/v1/",
        "http://metadata.google.internal/", "http://metadata.google.internal./", "http://METADATA.GOOGLE.INTERNAL/",
        "http://metadata/", "http://[fd00::1]/", "http://[fe80::1]/", "http://[::ffff:127.0.0.1]:{i}/",
        "http://[::ffff:169.254.169.254]/", "http://[64:ff9b::7f00:1]:{i}/", "http://[2002:7f00:1::]:{i}/",
        "http://[::127.0.0.1]:{i}/", "http://2130706433:{i}/", "http://0x7f000001:{i}/", "http://0177.0.0.1:{i}/",
        "http://127.1:{i}/", "http://0x7f.1:{i}/", "http://127.0.0.1.:{i}/",
        "http://loopback.test.example:{i}/", "http://private.test.example/", "http://metadata-alias.test.example/",
        "http://v6-loopback.test.example:{i}/", "http://mixed.test.example/",
        "file:///etc/passwd", "gopher://" + FakeInternet.PUBLIC_HOST + "/_GET", "ftp://" + FakeInternet.PUBLIC_HOST + "/",
        "http://user:pass@" + FakeInternet.PUBLIC_HOST + "/", "http://" + FakeInternet.PUBLIC_HOST + "@127.0.0.1:{i}/");
  }

  @Test
  void noTargetIsReachedDirectlyOrBehindARedirect() {
    Tally tally = new Tally();
    List<String> targets = internalTargets().stream()
        .map(t -> t.replace("{i}", Integer.toString(internet.internal.port()))).toList();
    for (String target : targets) {
      tally.attempt("webhook " + target, () -> {
        WebhookSender.Response posted = webhooks.post(URI.create(target), Map.of(), BODY);
        return posted.refusal() != null && posted.statusCode() == 0 ? null : "answered " + posted;
      });
      tally.attempt("fetch " + target, () -> fetchRefusal(target, ""));
      for (int code : new int[] {302, 307}) {
        String redirect = FakeInternet.redirect(code, target);
        // A webhook never follows: the 3xx is the receiver's answer, and the public site did get it.
        tally.attempt("webhook " + code + " to " + target, () -> {
          int before = internet.publicSite.requests();
          WebhookSender.Response answered = webhooks.post(URI.create(redirect), Map.of(), BODY);
          boolean unfollowed = answered.statusCode() == code && !answered.succeeded()
              && internet.publicSite.requests() == before + 1;
          return unfollowed ? null : "answered " + answered;
        });
        // A fetch follows redirects, and refuses this hop.
        tally.attempt("fetch " + code + " to " + target, () -> fetchRefusal(redirect, "redirect 1 to "));
      }
    }

    // DNS rebinding: public for the first lookup, 127.0.0.1 after. A call goes where its own
    // lookup said, so the first reaches the public site; the second (a new connection: the site
    // closes each one) looks up again and is refused. A client that checked one lookup and
    // connected by another would have taken its first call inside and looked up 4 times.
    tally.attempt("webhook to a rebinding name", () -> {
      URI hook = URI.create("http://rebind-webhook.test.example/hook");
      WebhookSender.Response first = webhooks.post(hook, Map.of(), BODY);
      WebhookSender.Response second = webhooks.post(hook, Map.of(), BODY);
      boolean refused = first.statusCode() == 200 && second.refusal() != null
          && second.refusal().contains("127.0.0.1") && internet.lookups("rebind-webhook.test.example") == 2;
      return refused ? null : "answered " + first + " then " + second;
    });
    tally.attempt("fetch of a rebinding name", () -> {
      URI url = URI.create("http://rebind-fetch.test.example/");
      String first = fetchRefusal(url.toString(), "");
      String second = fetchRefusal(url.toString(), "");
      boolean refused = "was not refused: 200".equals(first) && second == null
          && internet.lookups("rebind-fetch.test.example") == 2;
      return refused ? null : "fetched: " + first + ", then: " + second;
    });

    int leaked = internet.internal.requests();
    System.out.printf("SSRF matrix: %d targets (+ 2 rebinding names), %d attempts (webhook and fetch, direct and "
        + "behind a 302 and a 307), %d refused, %d requests reached the internal server%n",
        targets.size(), tally.tried, tally.refused, leaked);
    assertThat(tally.failures).isEmpty();
    assertThat(tally.refused).isEqualTo(tally.tried);
    assertThat(leaked).isZero();
  }

  /**
   * The checks behind the one before the call: a client that skipped it (or a URL parser that
   * disagreed with it) still cannot connect inside. IP literals never reach OkHttp's Dns, so these
   * are refused by the socket just before it connects; names by the Dns.
   */
  @ParameterizedTest
  @ValueSource(strings = {
      "http://127.0.0.1:{i}/", "http://[::1]:{i}/", "http://2130706433:{i}/", "http://127.1:{i}/",
      "http://[::ffff:127.0.0.1]:{i}/", "http://10.0.0.7/", "http://169.254.169.254/", "http://[fd00::1]/",
      "http://0.0.0.0:{i}/", "http://loopback.test.example:{i}/", "http://0x7f000001:{i}/",
      "http://localhost:{i}/", "http://mixed.test.example/", "http://metadata.google.internal./",
      "http://\u24dbocalhost:{i}/"})
  void theDnsAndTheSocketRefuseWhatGetsPastTheFirstCheck(String template) {
    String target = template.replace("{i}", Integer.toString(internet.internal.port()));
    Request request = new Request.Builder().url(target).build();

    assertThatThrownBy(() -> http.client().newCall(request).execute().close())
        .isInstanceOf(OutboundRefusedException.class);
    assertThat(internet.internal.requests()).isZero();
  }

  @Test
  void aNameWithAnyInternalAddressIsRefusedWholeEvenItsPublicOne() {
    WebhookSender.Response response = webhooks.post(URI.create("http://mixed.test.example/"), Map.of(), BODY);

    assertThat(response.refusal()).isEqualTo("mixed.test.example resolves to 10.0.0.8, a private address");
    assertThat(internet.publicSite.requests()).isZero();
  }

  /** @return null if the fetch was refused (with a message that starts with {@code prefix}), else what happened */
  private String fetchRefusal(String url, String prefix) {
    try {
      OutboundHttp.Fetched fetched = http.fetch(URI.create(url), MAX_BYTES, DEADLINE);
      return "was not refused: " + fetched.status();
    } catch (OutboundRefusedException e) {
      return e.getMessage().startsWith(prefix) ? null : "was refused for another reason: " + e.getMessage();
    } catch (IOException e) {
      return "failed instead of being refused: " + e;
    }
  }

  /** Counts attempts and refusals, and which attempt, if any, reached the internal service. */
  private final class Tally {
    final List<String> failures = new ArrayList<>();
    int tried;
    int refused;

    /** @param refusal null if the attempt was refused as it should be, else what happened */
    void attempt(String what, Supplier<String> refusal) {
      int before = internet.internal.requests();
      tried++;
      String outcome = refusal.get();
      if (outcome == null) {
        refused++;
      } else {
        failures.add(what + ": " + outcome);
      }
      if (internet.internal.requests() > before) {
        failures.add("LEAK: " + what + " reached the internal service");
      }
    }
  }
}
