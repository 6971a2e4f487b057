package dev.darkroom.core.usecase;

import static org.assertj.core.api.Assertions.assertThat;

import dev.darkroom.core.event.JobNotification;
import dev.darkroom.core.notify.DeliveryAttempt;
import dev.darkroom.core.notify.DeliveryAttempt.Outcome;
import dev.darkroom.core.notify.WebhookEndpoint;
import dev.darkroom.core.notify.WebhookSignature;
import dev.darkroom.core.port.WebhookSender.Response;
import dev.darkroom.testing.NotifyFakes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class NotifyJobEndedTest {
  private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private final NotifyFakes.Endpoints endpoints = new NotifyFakes.Endpoints();
  private final NotifyFakes.Webhooks webhooks = new NotifyFakes.Webhooks();
  private final NotifyFakes.Devices devices = new NotifyFakes.Devices();
  private final NotifyFakes.Push push = new NotifyFakes.Push();
  private final NotifyFakes.Events events = new NotifyFakes.Events();
  private final NotifyFakes.Deliveries deliveries = new NotifyFakes.Deliveries();
  private Instant now = Instant.parse("2026-11-23T10:00:00Z");
  private final NotifyJobEnded notify = new NotifyJobEnded(endpoints, webhooks, devices, push, events, deliveries,
      new Clock() {
        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
      });
  private final JobNotification ended = new JobNotification("n-1", "job-1", "alice", "succeeded", now);

  @Test
  void aRedeliveredNotificationIsDeliveredOnceAfterTheFirstAttemptsFail() {
    endpoints.all.add(new WebhookEndpoint("ep1", "alice", "https://hooks.example.com/a", List.of(SECRET)));
    webhooks.thenAnswer(Response.answered(503), Response.failed("connect timed out"));

    assertThat(notify.notify(ended).pending()).containsExactly("ep1");
    now = now.plusSeconds(10);
    assertThat(notify.notify(ended).pending()).containsExactly("ep1");
    now = now.plusSeconds(20);
    NotifyJobEnded.Result third = notify.notify(ended);
    now = now.plusSeconds(40);
    NotifyJobEnded.Result fourth = notify.notify(ended); // Pub/Sub redelivers once more anyway

    assertThat(third.delivered()).containsExactly("ep1");
    assertThat(third.retryLater()).isFalse();
    assertThat(fourth.skipped()).containsExactly(DeliveryAttempt.EVENTS, DeliveryAttempt.PUSH, "ep1");
    assertThat(webhooks.requests).hasSize(3);
    assertThat(webhooks.requests).allSatisfy(r -> assertThat(r.headers()).containsEntry("webhook-id", "n-1"));
    assertThat(events.published).hasSize(1);
    assertThat(deliveries.attempts).filteredOn(a -> a.target().equals("ep1"))
        .extracting(DeliveryAttempt::attempt, DeliveryAttempt::outcome, DeliveryAttempt::statusCode)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1, Outcome.RETRY, 503),
            org.assertj.core.groups.Tuple.tuple(2, Outcome.RETRY, null),
            org.assertj.core.groups.Tuple.tuple(3, Outcome.DELIVERED, 200));
  }

  @Test
  void eachAttemptIsSignedForItsOwnTimestampWithEverySecretOfARotation() {
    String next = WebhookSignature.newSecret(new java.security.SecureRandom());
    endpoints.all.add(new WebhookEndpoint("ep1", "alice", "https://hooks.example.com/a", List.of(SECRET, next)));
    webhooks.thenAnswer(Response.answered(500));
    notify.notify(ended);
    now = now.plusSeconds(60);
    notify.notify(ended);

    assertThat(webhooks.requests).hasSize(2).allSatisfy(r -> {
      String id = r.headers().get("webhook-id");
      String ts = r.headers().get("webhook-timestamp");
      String sig = r.headers().get("webhook-signature");
      assertThat(WebhookSignature.verify(SECRET, id, ts, sig, r.body(), Long.parseLong(ts), 300)).isTrue();
      assertThat(WebhookSignature.verify(next, id, ts, sig, r.body(), Long.parseLong(ts), 300)).isTrue();
    });
    assertThat(webhooks.requests.get(1).headers().get("webhook-timestamp"))
        .isEqualTo(Long.toString(now.getEpochSecond()));
    assertThat(new String(webhooks.requests.get(0).body()))
        .isEqualTo("{\"type\":\"job.succeeded\",\"timestamp\":\"2026-11-23T10:00:00Z\","
            + "\"data\":{\"jobId\":\"job-1\",\"status\":\"succeeded\",\"notificationId\":\"n-1\"}}");
  }

  @Test
  void aFailingEndpointIsGivenUpOnADayAfterItsFirstAttemptAndNoSooner() {
    endpoints.all.add(new WebhookEndpoint("ep1", "alice", "https://hooks.example.com/a", List.of(SECRET)));
    webhooks.thenAnswer(Response.answered(500), Response.answered(500), Response.answered(500));
    notify.notify(ended);
    now = now.plus(NotifyJobEnded.RETRY_WINDOW).minusSeconds(1);
    assertThat(notify.notify(ended).pending()).containsExactly("ep1");
    now = now.plusSeconds(1);
    NotifyJobEnded.Result last = notify.notify(ended);
    assertThat(last.gaveUp()).containsExactly("ep1");
    assertThat(last.retryLater()).isFalse();
  }

  @Test
  void aRefusedUrlOrAGoneEndpointIsNotRetriedAndDoesNotHoldBackTheOthers() {
    endpoints.all.add(new WebhookEndpoint("internal", "alice", "http://10.0.0.1/", List.of(SECRET)));
    endpoints.all.add(new WebhookEndpoint("gone", "alice", "https://gone.example.com/", List.of(SECRET)));
    endpoints.all.add(new WebhookEndpoint("ok", "alice", "https://ok.example.com/", List.of(SECRET)));
    endpoints.all.add(new WebhookEndpoint("bob", "bob", "https://bob.example.com/", List.of(SECRET)));
    webhooks.thenAnswer(Response.refused("10.0.0.1 is a private address"), Response.answered(410));

    NotifyJobEnded.Result result = notify.notify(ended);
    assertThat(result.gaveUp()).containsExactly("internal", "gone");
    assertThat(result.delivered()).contains("ok");
    assertThat(result.retryLater()).isFalse();
    assertThat(webhooks.requests).extracting(r -> r.url().getHost()).doesNotContain("bob.example.com");
  }

  @Test
  void pushGoesToTheUsersDevicesAndForgetsTheTokensFcmRejects() {
    devices.userByToken.put("tok-phone", "alice");
    devices.userByToken.put("tok-old", "alice");
    devices.userByToken.put("tok-bob", "bob");
    push.invalid.add("tok-old");

    assertThat(notify.notify(ended).delivered()).contains(DeliveryAttempt.PUSH);
    assertThat(push.sent).singleElement().satisfies(s -> {
      assertThat(s.tokens()).containsExactly("tok-phone", "tok-old");
      assertThat(s.collapseKey()).isEqualTo("n-1");
      assertThat(s.data()).containsEntry("jobId", "job-1");
    });
    assertThat(devices.userByToken).containsOnlyKeys("tok-phone", "tok-bob");
  }

  @Test
  void aFailedIntegrationEventIsRetriedWithoutRepeatingWhatWasDelivered() {
    endpoints.all.add(new WebhookEndpoint("ep1", "alice", "https://hooks.example.com/a", List.of(SECRET)));
    events.failures.add(new IllegalStateException("publishing failed"));
    assertThat(notify.notify(ended).pending()).containsExactly(DeliveryAttempt.EVENTS);
    now = now.plus(Duration.ofSeconds(10));
    assertThat(notify.notify(ended).delivered()).containsExactly(DeliveryAttempt.EVENTS);
    assertThat(webhooks.requests).hasSize(1);
    assertThat(events.published).hasSize(1);
  }
}
