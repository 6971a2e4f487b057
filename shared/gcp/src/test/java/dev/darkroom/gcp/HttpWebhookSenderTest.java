package dev.darkroom.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.darkroom.core.notify.OutboundUrlPolicy;
import dev.darkroom.core.port.WebhookSender;
import dev.darkroom.core.port.WebhookSender.Response;
import dev.darkroom.testing.WebhookSenderContract;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** What the notify function sees from {@link HttpWebhookSender}: answered, refused or failed. */
class HttpWebhookSenderTest {
  private static final byte[] BODY = "{\"type\":\"job.succeeded\"}".getBytes(StandardCharsets.UTF_8);

  private final FakeInternet internet = new FakeInternet();
  private final HttpWebhookSender webhooks = new HttpWebhookSender(internet.client(false));

  @AfterEach
  void stop() {
    internet.close();
  }

  @Test
  void aPublicReceiverGetsTheSignedPost() {
    Response response = webhooks.post(URI.create(FakeInternet.publicUrl("/hook")),
        Map.of("content-type", "application/json", "webhook-id", "n-1"), BODY);

    assertThat(response).isEqualTo(Response.answered(200));
    assertThat(internet.publicSite.arrivals).singleElement().satisfies(arrival -> {
      assertThat(arrival.method()).isEqualTo("POST");
      assertThat(arrival.path()).isEqualTo("/hook");
      assertThat(arrival.header("webhook-id")).isEqualTo("n-1");
      assertThat(arrival.header("user-agent")).isEqualTo("Darkroom-Webhooks/1");
      assertThat(arrival.body()).isEqualTo(BODY);
    });
  }

  @Test
  void aRedirectIsAFailedDeliveryAndIsNotFollowed() {
    Response response = webhooks.post(URI.create(FakeInternet.redirect(307, FakeInternet.publicUrl("/hook"))),
        Map.of(), BODY);

    assertThat(response.statusCode()).isEqualTo(307);
    assertThat(response.succeeded()).isFalse();
    assertThat(internet.publicSite.requests()).isEqualTo(1);
  }

  @Test
  void anInternalAddressIsRefusedWithTheReason() {
    Response response = webhooks.post(URI.create("http://169.254.169.254/computeMetadata/v1/"), Map.of(), BODY);

    assertThat(response).isEqualTo(Response.refused(
        "169.254.169.254 is a link-local address (the metadata server lives there)"));
  }

  @Test
  void theProductionWiringReachesALocalReceiverOnlyWhenLoopbackIsAllowed() {
    // As Adapters.webhookSender(..) builds it: the system resolver and a direct wire.
    URI receiver = URI.create("http://127.0.0.1:" + internet.internal.port() + "/hook");
    HttpWebhookSender local = new HttpWebhookSender(new OutboundUrlPolicy(true, InetAddress::getAllByName));
    HttpWebhookSender cloud = new HttpWebhookSender(new OutboundUrlPolicy(false, InetAddress::getAllByName));

    assertThat(local.post(receiver, Map.of(), BODY)).isEqualTo(Response.answered(200));
    assertThat(cloud.post(receiver, Map.of(), BODY).refusal()).isEqualTo("127.0.0.1 is a loopback address");
    assertThat(internet.internal.requests()).isEqualTo(1);
  }

  @Test
  void aNameThatDoesNotResolveOrAReceiverThatIsDownIsAFailureToRetry() {
    Response unknown = webhooks.post(URI.create("https://nowhere.test.example/hook"), Map.of(), BODY);
    Response down = webhooks.post(URI.create("http://down.test.example/hook"), Map.of(), BODY);

    assertThat(unknown.refusal()).isNull();
    assertThat(unknown.statusCode()).isZero();
    assertThat(unknown.error()).contains("nowhere.test.example");
    assertThat(down.refusal()).isNull();
    assertThat(down.statusCode()).isZero();
    assertThat(down.error()).contains("ConnectException");
  }

  /**
   * The contract the recording fake passes, against a receiver on 127.0.0.1 that answers with the
   * status its path names, reached as the local stack reaches its receivers (loopback allowed).
   */
  @Nested
  class Contract extends WebhookSenderContract {
    private final FakeInternet.Site receiver = new FakeInternet.Site("receiver",
        exchange -> {
          int status = Integer.parseInt(exchange.getRequestURI().getPath().split("/")[2]);
          exchange.sendResponseHeaders(status, -1);
          exchange.close();
        });

    @AfterEach
    void stopReceiver() {
      receiver.close();
    }

    @Override
    protected WebhookSender sender() {
      return new HttpWebhookSender(new OutboundUrlPolicy(true, InetAddress::getAllByName));
    }

    @Override
    protected URI receiverAnswering(int status) {
      return URI.create("http://127.0.0.1:" + receiver.port() + "/status/" + status + "/hook");
    }

    /** Port 1: nothing listens there. */
    @Override
    protected URI receiverThatIsDown() {
      return URI.create("http://127.0.0.1:1/hook");
    }

    @Override
    protected List<Received> received() {
      return receiver.arrivals.stream().map(arrival -> new Received(
          arrival.path().substring(arrival.path().indexOf("/hook")),
          arrival.headers().entrySet().stream().collect(Collectors.toMap(
              e -> e.getKey().toLowerCase(Locale.ROOT), e -> e.getValue().get(0), (a, b) -> a)),
          arrival.body())).toList();
    }
  }
}
