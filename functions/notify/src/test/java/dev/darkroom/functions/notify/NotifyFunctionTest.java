package dev.darkroom.functions.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.darkroom.core.event.JobNotification;
import dev.darkroom.core.event.Messages;
import dev.darkroom.core.notify.RetrySchedule;
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
  private final NotifyFakes.Pending pending = new NotifyFakes.Pending();
  private final NotifyFunction function = new NotifyFunction(() -> new NotifyJobEnded(endpoints, webhooks,
      new NotifyFakes.Devices(), new NotifyFakes.Push(), events,
      new NotifyJobEnded.Mail(new NotifyFakes.Recipients(), new NotifyFakes.Mailbox()), deliveries, pending,
      RetrySchedule.parse("0s,1h"), Clock.systemUTC()));

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
