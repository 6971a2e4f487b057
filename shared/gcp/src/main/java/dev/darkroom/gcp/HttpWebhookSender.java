package dev.darkroom.gcp;

import dev.darkroom.core.notify.OutboundUrlPolicy;
import dev.darkroom.core.port.WebhookSender;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * {@link WebhookSender} on the JDK's HTTP client: no redirects (a redirect could lead inside our
 * network), short timeouts (a slow receiver is retried, it does not hold the function), and the
 * {@link OutboundUrlPolicy} checked before every call.
 */
public final class HttpWebhookSender implements WebhookSender {
  static final Duration TIMEOUT = Duration.ofSeconds(15);

  private final HttpClient http;
  private final OutboundUrlPolicy policy;

  public HttpWebhookSender(OutboundUrlPolicy policy) {
    this(HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build(),
        policy);
  }

  HttpWebhookSender(HttpClient http, OutboundUrlPolicy policy) {
    this.http = http;
    this.policy = policy;
  }

  @Override
  public Response post(URI url, Map<String, String> headers, byte[] body) {
    Optional<String> refusal = policy.refusal(url);
    if (refusal.isPresent()) {
      return Response.refused(refusal.get());
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(TIMEOUT)
        .header("user-agent", "Darkroom-Webhooks/1").POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(request::header);
    try {
      HttpResponse<Void> response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
      return Response.answered(response.statusCode());
    } catch (IOException e) {
      return Response.failed(e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Response.failed("interrupted");
    }
  }
}
