package dev.darkroom.gcp;

import dev.darkroom.core.notify.OutboundUrlPolicy;
import dev.darkroom.core.port.WebhookSender;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link WebhookSender} on {@link OutboundHttp}: every address checked against the {@link
 * OutboundUrlPolicy} where it is connected to, no redirects (a 3xx is the receiver's answer, and
 * not a delivery), and a bound on the whole call (a slow receiver is retried, it does not hold the
 * function).
 */
public final class HttpWebhookSender implements WebhookSender {
  /** The bound on one whole call: what notify's run budget counts per attempt. */
  public static final Duration TIMEOUT = Duration.ofSeconds(15);

  private final OutboundHttp http;

  public HttpWebhookSender(OutboundUrlPolicy policy) {
    this(new OutboundHttp(policy));
  }

  HttpWebhookSender(OutboundHttp http) {
    this.http = http;
  }

  @Override
  public Response post(URI url, Map<String, String> headers, byte[] body) {
    Map<String, String> all = new LinkedHashMap<>();
    all.put("user-agent", "Darkroom-Webhooks/1");
    all.putAll(headers);
    try {
      return Response.answered(http.post(url, all, body, TIMEOUT));
    } catch (OutboundRefusedException e) {
      return Response.refused(e.getMessage());
    } catch (IOException e) {
      return Response.failed(e.toString());
    }
  }
}
