package dev.darkroom.functions.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.darkroom.core.event.JobNotification;
import dev.darkroom.core.event.Messages;
import dev.darkroom.core.notify.WebhookEndpoint;
import dev.darkroom.core.port.WebhookSender.Response;
import dev.darkroom.core.usecase.NotifyJobEnded;
import dev.darkroom.testing.EventarcEvents;
import dev.darkroom.testing.NotifyFakes;
import io.cloudevents.CloudEvent;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class NotifyFunctionTest {
  private final NotifyFakes.Endpoints endpoints = new NotifyFakes.Endpoints();
  private final NotifyFakes.Webhooks webhooks = new NotifyFakes.Webhooks();
  private final NotifyFakes.Events events = new NotifyFakes.Events();
  private final NotifyFakes.Deliveries deliveries = new NotifyFakes.Deliveries();
  private final NotifyFunction function = new NotifyFunction(() -> new NotifyJobEnded(endpoints, webhooks,
      new NotifyFakes.Devices(), new NotifyFakes.Push(), events, deliveries, Clock.systemUTC()));

  private final CloudEvent ended = EventarcEvents.messagePublished("notifications", Messages.encode(
      new JobNotification("n-1", "j1", "alice", "failed", Instant.parse("2026-11-23T10:00:00Z"))));

  @Test
  void aFailedWebhookThrowsSoPubSubRedeliversAndTheRedeliveryIsAcknowledged() {
    endpoints.all.add(new WebhookEndpoint("ep1", "alice", "https://hooks.example.com/", List.of("whsec_AAAA")));
    webhooks.thenAnswer(Response.answered(502));

    assertThatThrownBy(() -> function.accept(ended)).hasMessageContaining("ep1");
    function.accept(ended);
    function.accept(ended);

    assertThat(webhooks.requests).hasSize(2);
    assertThat(events.published).extracting(JobNotification::status).containsExactly("failed");
  }

  @Test
  void aMalformedNotificationIsAcknowledgedNotRetried() {
    function.accept(EventarcEvents.messagePublished("notifications", "[1]".getBytes(StandardCharsets.UTF_8)));
    assertThat(events.published).isEmpty();
    assertThat(deliveries.attempts).isEmpty();
  }
}
