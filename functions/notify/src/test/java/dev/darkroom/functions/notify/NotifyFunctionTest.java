package dev.darkroom.functions.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.darkroom.core.event.JobNotification;
import dev.darkroom.core.event.Messages;
import dev.darkroom.core.notify.RetrySchedule;
import dev.darkroom.core.notify.WebhookEndpoint;
import dev.darkroom.core.port.WebhookSender.Response;
import dev.darkroom.core.usecase.NotifyJobEnded;
import dev.darkroom.gcp.Env;
import dev.darkroom.testing.EventarcEvents;
import dev.darkroom.testing.InMemoryDeliveryLog;
import dev.darkroom.testing.InMemoryDeviceTokens;
import dev.darkroom.testing.InMemoryEmailRecipients;
import dev.darkroom.testing.InMemoryPendingNotifications;
import dev.darkroom.testing.InMemoryWebhookEndpoints;
import dev.darkroom.testing.RecordingEmailSender;
import dev.darkroom.testing.RecordingIntegrationEvents;
import dev.darkroom.testing.RecordingPushSender;
import dev.darkroom.testing.RecordingWebhookSender;
import io.cloudevents.CloudEvent;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class NotifyFunctionTest {
  private final InMemoryWebhookEndpoints endpoints = new InMemoryWebhookEndpoints();
  private final RecordingWebhookSender webhooks = new RecordingWebhookSender();
  private final RecordingIntegrationEvents events = new RecordingIntegrationEvents();
  private final InMemoryDeliveryLog deliveries = new InMemoryDeliveryLog();
  private final InMemoryPendingNotifications pending = new InMemoryPendingNotifications();
  private final NotifyFunction function = new NotifyFunction(() -> new NotifyJobEnded(endpoints, webhooks,
      new InMemoryDeviceTokens(), new RecordingPushSender(), events,
      new NotifyJobEnded.Mail(new InMemoryEmailRecipients(), new RecordingEmailSender()), deliveries, pending,
      RetrySchedule.parse("0s,1h"), NotifyConfig.budget(new Env(java.util.Map.of())), Clock.systemUTC()));

  private final CloudEvent ended = EventarcEvents.messagePublished("notifications", Messages.encode(
      new JobNotification("n-1", "j1", "alice", "failed", Instant.parse("2026-11-23T10:00:00Z"))));

  @Test
  void aFailedWebhookIsAcknowledgedAndScheduledAndADuplicateDeliverySendsNothing() {
    endpoints.all.add(new WebhookEndpoint("ep1", "alice", "https://hooks.example.com/", List.of("whsec_AAAA")));
    webhooks.thenAnswer(Response.answered(502));

    function.accept(ended);
    function.accept(ended);

    assertThat(webhooks.requests).hasSize(1);
    assertThat(pending.entries).containsKey("n-1");
    assertThat(events.published).extracting(JobNotification::status).containsExactly("failed");
  }

  @Test
  void aMalformedNotificationIsAcknowledgedNotRetried() {
    function.accept(EventarcEvents.messagePublished("notifications", "[1]".getBytes(StandardCharsets.UTF_8)));
    assertThat(events.published).isEmpty();
    assertThat(deliveries.attempts).isEmpty();
  }
}
