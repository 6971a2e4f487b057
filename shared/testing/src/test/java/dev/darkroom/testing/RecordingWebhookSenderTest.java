package dev.darkroom.testing;

import dev.darkroom.core.port.WebhookSender;
import dev.darkroom.core.port.WebhookSender.Response;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The fake, answering from its script, passes the same contract as the HTTP sender. */
class RecordingWebhookSenderTest extends WebhookSenderContract {
  private final RecordingWebhookSender webhooks = new RecordingWebhookSender();

  @Override
  protected WebhookSender sender() {
    return webhooks;
  }

  @Override
  protected URI receiverAnswering(int status) {
    webhooks.thenAnswer(Response.answered(status));
    return URI.create("https://receiver.example.com/hook");
  }

  /** The fake records every request it is given; a receiver that is down saw none of them. */
  @Override
  protected URI receiverThatIsDown() {
    webhooks.thenAnswer(Response.failed("java.net.ConnectException: Connection refused"));
    return URI.create("https://down.example.com/hook");
  }

  @Override
  protected List<Received> received() {
    return webhooks.requests.stream().filter(r -> !r.url().getHost().startsWith("down."))
        .map(r -> new Received(r.url().getPath(), r.headers().entrySet().stream()
            .collect(Collectors.toMap(e -> e.getKey().toLowerCase(Locale.ROOT), Map.Entry::getValue)), r.body()))
        .toList();
  }
}
