package dev.darkroom.core.usecase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.darkroom.core.event.JobNotification;
import dev.darkroom.core.notify.DeliveryAttempt;
import dev.darkroom.core.notify.DeliveryAttempt.Outcome;
import dev.darkroom.core.notify.DeliveryBudget;
import dev.darkroom.core.notify.RetrySchedule;
import dev.darkroom.core.notify.WebhookEndpoint;
import dev.darkroom.core.notify.WebhookSignature;
import dev.darkroom.core.port.WebhookSender.Response;
import dev.darkroom.testing.InMemoryDeliveryLog;
import dev.darkroom.testing.InMemoryDeviceTokens;
import dev.darkroom.testing.InMemoryEmailRecipients;
import dev.darkroom.testing.InMemoryPendingNotifications;
import dev.darkroom.testing.InMemoryWebhookEndpoints;
import dev.darkroom.testing.RecordingEmailSender;
import dev.darkroom.testing.RecordingIntegrationEvents;
import dev.darkroom.testing.RecordingPushSender;
import dev.darkroom.testing.RecordingWebhookSender;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class NotifyJobEndedTest {
  private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private Instant now = Instant.parse("2026-11-23T10:00:00Z");
  private final Clock clock = new Clock() {
    @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
    @Override public Clock withZone(java.time.ZoneId zone) { return this; }
    @Override public Instant instant() { return now; }
  };
  private final InMemoryWebhookEndpoints endpoints = new InMemoryWebhookEndpoints(clock);
  private final RecordingWebhookSender webhooks = new RecordingWebhookSender();
  private final InMemoryDeviceTokens devices = new InMemoryDeviceTokens();
  private final RecordingPushSender push = new RecordingPushSender();
  private final RecordingIntegrationEvents events = new RecordingIntegrationEvents();
  private final InMemoryEmailRecipients recipients = new InMemoryEmailRecipients();
  private final RecordingEmailSender mailbox = new RecordingEmailSender();
  private final InMemoryDeliveryLog deliveries = new InMemoryDeliveryLog();
  private final InMemoryPendingNotifications pending = new InMemoryPendingNotifications();
  /** No jitter, so that due times can be asserted exactly. */
  private final RetrySchedule schedule = new RetrySchedule(RetrySchedule.standard().waits(), () -> 0.5);
  /** One attempt at a time, so that scripted answers go to targets in order; the clock stands still. */
  private final DeliveryBudget budget =
      new DeliveryBudget(Duration.ofSeconds(120), DeliveryBudget.DEFAULT_MARGIN, Duration.ofSeconds(15), 1);
  private final NotifyJobEnded notify = new NotifyJobEnded(endpoints, webhooks, devices, push, events,
      new NotifyJobEnded.Mail(recipients, mailbox), deliveries, pending, schedule, budget, clock);
  private final JobNotification ended = new JobNotification("n-1", "job-1", "alice", "succeeded", now);

  /** Moves the clock to the notification's next attempt, as the reconcile sweep's republish would. */
  private NotifyJobEnded.Result whenDue(NotifyJobEnded.Result previous) {
    now = previous.nextAttemptAt();
    return notify.notify(ended);
  }

  @Test
  void aFailingWebhookIsRetriedOnTheScheduleAndDeliveredOnceWithTheSameId() {
    endpoints.add(new WebhookEndpoint("ep1", "alice", "https://hooks.example.com/a", List.of(SECRET)));
    webhooks.thenAnswer(Response.answered(503), Response.failed("connect timed out"));
    Instant start = now;

    NotifyJobEnded.Result first = notify.notify(ended);
    assertThat(first.pending()).containsExactly("ep1");
    assertThat(first.nextAttemptAt()).isEqualTo(start.plusSeconds(5));
    NotifyJobEnded.Result second = whenDue(first);
    assertThat(second.nextAttemptAt()).isEqualTo(start.plusSeconds(5).plus(Duration.ofMinutes(5)));
    NotifyJobEnded.Result third = whenDue(second);

    assertThat(third.delivered()).containsExactly("ep1");
    assertThat(third.retryLater()).isFalse();
    assertThat(pending.entries).isEmpty();
    assertThat(notify.notify(ended).skipped()).containsExactly(DeliveryAttempt.EVENTS, DeliveryAttempt.PUSH, "ep1");
    assertThat(webhooks.requests).hasSize(3)
        .allSatisfy(r -> assertThat(r.headers()).containsEntry("webhook-id", "n-1"));
    assertThat(events.published).hasSize(1);
    assertThat(deliveries.attempts).filteredOn(a -> a.target().equals("ep1"))
        .extracting(DeliveryAttempt::attempt, DeliveryAttempt::outcome, DeliveryAttempt::statusCode)
        .containsExactly(tuple(1, Outcome.RETRY, 503), tuple(2, Outcome.RETRY, null), tuple(3, Outcome.DELIVERED, 200));
    // What the endpoint's owner is shown of each attempt (GET /api/v2/webhooks/{id}/deliveries).
    assertThat(deliveries.attempts).filteredOn(a -> a.target().equals("ep1"))
        .allSatisfy(a -> {
          assertThat(a.jobId()).isEqualTo(ended.jobId());
          assertThat(a.event()).isEqualTo(ended.status());
          assertThat(a.duration()).isNotNull();
          assertThat(a.duration().isNegative()).isFalse();
        });
  }

  @Test
  void aDuplicateDeliveryBeforeTheNextAttemptIsDueSendsNothing() {
    endpoints.add(new WebhookEndpoint("ep1", "alice", "https://hooks.example.com/a", List.of(SECRET)));
    webhooks.thenAnswer(Response.answered(500));
    NotifyJobEnded.Result first = notify.notify(ended);

    now = first.nextAttemptAt().minusMillis(1);
    NotifyJobEnded.Result duplicate = notify.notify(ended);

    assertThat(duplicate.notDue()).isTrue();
    assertThat(webhooks.requests).hasSize(1);
    assertThat(deliveries.attempts).filteredOn(a -> a.target().equals("ep1")).hasSize(1);
  }

  @Test
  void aTargetStillFailingAtTheEndOfTheScheduleIsGivenUpOnAfterAboutADayAndAHalf() {
    endpoints.add(new WebhookEndpoint("ep1", "alice", "https://hooks.example.com/a", List.of(SECRET)));
    for (int i = 0; i < 20; i++) {
      webhooks.thenAnswer(Response.answered(500));
    }
    Instant start = now;
    NotifyJobEnded.Result result = notify.notify(ended);
    while (result.retryLater()) {
      result = whenDue(result);
    }
    assertThat(result.gaveUp()).containsExactly("ep1");
    assertThat(webhooks.requests).hasSize(schedule.attempts());
    assertThat(Duration.between(start, now)).isEqualTo(schedule.span()).isGreaterThanOrEqualTo(Duration.ofHours(24));
    assertThat(deliveries.attempts).filteredOn(a -> a.target().equals("ep1")).last()
        .extracting(DeliveryAttempt::outcome).isEqualTo(Outcome.GAVE_UP);
    assertThat(pending.entries).isEmpty();
  }

  @Test
  void theSoonestFailingTargetSetsTheNextAttempt() {
    endpoints.add(new WebhookEndpoint("ep1", "alice", "https://hooks.example.com/a", List.of(SECRET)));
    endpoints.add(new WebhookEndpoint("ep2", "alice", "https://hooks.example.com/b", List.of(SECRET)));
    webhooks.thenAnswer(Response.answered(500), Response.answered(200));
    NotifyJobEnded.Result first = notify.notify(ended);
    webhooks.thenAnswer(Response.answered(500));
    NotifyJobEnded.Result second = whenDue(first);
    assertThat(second.pending()).containsExactly("ep1");
    assertThat(second.skipped()).contains("ep2");
    assertThat(pending.takeDue(second.nextAttemptAt(), Duration.ofMinutes(5), 10)).containsExactly(ended);
    assertThat(pending.takeDue(second.nextAttemptAt(), Duration.ofMinutes(5), 10)).isEmpty();
  }

  @Test
  void eachEndpointIsRetriedOnItsOwnScheduleNotWhenAnotherOneIsDue() {
    endpoints.add(new WebhookEndpoint("ep1", "alice", "https://hooks.example.com/a", List.of(SECRET)));
    Instant start = now;
    webhooks.thenAnswer(Response.answered(500));
    NotifyJobEnded.Result first = notify.notify(ended);
    // A second endpoint registered meanwhile starts its own schedule at the next run.
    endpoints.add(new WebhookEndpoint("ep2", "alice", "https://hooks.example.com/b", List.of(SECRET)));
    webhooks.thenAnswer(Response.answered(500), Response.answered(500));
    NotifyJobEnded.Result second = whenDue(first);
    assertThat(second.nextAttemptAt()).isEqualTo(start.plusSeconds(10));

    NotifyJobEnded.Result third = whenDue(second);

    assertThat(webhooks.requests).filteredOn(r -> r.url().getPath().equals("/a"))
        .as("ep1 failed twice: its next attempt is 5 min after the second, not when ep2's is due").hasSize(2);
    assertThat(third.delivered()).containsExactly("ep2");
    assertThat(third.pending()).containsExactly("ep1");
    assertThat(third.nextAttemptAt()).isEqualTo(start.plusSeconds(5).plus(Duration.ofMinutes(5)));
  }

  @Test
  void aJobScopedEndpointGetsOnlyItsJob() {
    endpoints.add(new WebhookEndpoint("all", "alice", "https://hooks.example.com/all", List.of(SECRET)));
    endpoints.add(new WebhookEndpoint("only-1", "alice", "https://hooks.example.com/1", List.of(SECRET), "job-1", now));
    endpoints.add(new WebhookEndpoint("only-2", "alice", "https://hooks.example.com/2", List.of(SECRET), "job-2", now));

    assertThat(notify.notify(ended).delivered()).contains("all", "only-1").doesNotContain("only-2");
    assertThat(webhooks.requests).extracting(r -> r.url().getPath()).containsExactly("/all", "/1");
  }

  @Test
  void aRotatedEndpointIsSignedWithBothSecretsUntilTheOldOneExpires() {
    endpoints.add(new WebhookEndpoint("ep1", "alice", "https://hooks.example.com/a", List.of(SECRET)));
    String next = WebhookSignature.newSecret(new java.security.SecureRandom());
    endpoints.rotate("alice", "ep1", next, now.plus(Duration.ofHours(24)));
    webhooks.thenAnswer(Response.answered(500));
    notify.notify(ended);
    now = now.plus(Duration.ofHours(24));
    notify.notify(new JobNotification("n-2", "job-2", "alice", "failed", now));

    var first = webhooks.requests.get(0);
    var later = webhooks.requests.get(1);
    assertThat(verifies(SECRET, first)).isTrue();
    assertThat(verifies(next, first)).isTrue();
    assertThat(verifies(next, later)).isTrue();
    assertThat(verifies(SECRET, later)).isFalse();
  }

  private static boolean verifies(String secret, RecordingWebhookSender.Request r) {
    String ts = r.headers().get("webhook-timestamp");
    return WebhookSignature.verify(secret, r.headers().get("webhook-id"), ts, r.headers().get("webhook-signature"),
        r.body(), Long.parseLong(ts), 300);
  }

  @Test
  void aRefusedUrlOrAGoneEndpointIsNotRetriedAndAGoneOneIsDisabled() {
    endpoints.add(new WebhookEndpoint("internal", "alice", "http://10.0.0.1/", List.of(SECRET)));
    endpoints.add(new WebhookEndpoint("gone", "alice", "https://gone.example.com/", List.of(SECRET)));
    endpoints.add(new WebhookEndpoint("ok", "alice", "https://ok.example.com/", List.of(SECRET)));
    endpoints.add(new WebhookEndpoint("bob", "bob", "https://bob.example.com/", List.of(SECRET)));
    webhooks.thenAnswer(Response.refused("10.0.0.1 is a private address"), Response.answered(410));

    NotifyJobEnded.Result result = notify.notify(ended);
    assertThat(result.gaveUp()).containsExactly("internal", "gone");
    assertThat(result.delivered()).contains("ok");
    assertThat(result.retryLater()).isFalse();
    assertThat(webhooks.requests).extracting(r -> r.url().getHost()).doesNotContain("bob.example.com");
    assertThat(endpoints.forUser("alice")).extracting(WebhookEndpoint::id).containsExactly("internal", "ok");
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
  void anOptedInUserGetsOneMailRetriedLikeAnyTargetAndOthersNone() {
    recipients.optIn("alice", "alice@example.com");
    mailbox.failures = 1;
    NotifyJobEnded.Result first = notify.notify(ended);
    assertThat(first.pending()).containsExactly(NotifyJobEnded.EMAIL);
    whenDue(first);
    notify.notify(new JobNotification("n-b", "job-b", "bob", "succeeded", now));

    assertThat(mailbox.sent).singleElement().satisfies(mail -> {
      assertThat(mail.to()).isEqualTo("alice@example.com");
      assertThat(mail.subject()).contains("job-1", "succeeded");
      assertThat(mail.body()).contains("job-1", "succeeded", ended.at().toString()).doesNotContain("http");
    });
  }

  @Test
  void aFailedIntegrationEventIsRetriedWithoutRepeatingWhatWasDelivered() {
    endpoints.add(new WebhookEndpoint("ep1", "alice", "https://hooks.example.com/a", List.of(SECRET)));
    events.failures.add(new IllegalStateException("publishing failed"));
    NotifyJobEnded.Result first = notify.notify(ended);
    assertThat(first.pending()).containsExactly(DeliveryAttempt.EVENTS);
    assertThat(whenDue(first).delivered()).containsExactly(DeliveryAttempt.EVENTS);
    assertThat(webhooks.requests).hasSize(1);
    assertThat(events.published).hasSize(1);
  }

  @Test
  void aDatabaseFailureThrowsAndTheRedeliveryRunsAtOnceWithoutResendingWhatWasDone() {
    endpoints.add(new WebhookEndpoint("ep1", "alice", "https://hooks.example.com/a", List.of(SECRET)));
    recipients.optIn("alice", "alice@example.com");
    dev.darkroom.core.port.EmailRecipients down = new dev.darkroom.core.port.EmailRecipients() {
      @Override
      public java.util.Optional<String> addressOf(String userId) {
        throw new IllegalStateException("the database is unreachable (simulated)");
      }

      @Override
      public void optIn(String userId, String address) {}

      @Override
      public boolean optOut(String userId) {
        return false;
      }
    };
    NotifyJobEnded failing = new NotifyJobEnded(endpoints, webhooks, devices, push, events,
        new NotifyJobEnded.Mail(down, mailbox), deliveries, pending, schedule, budget, clock);

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> failing.notify(ended)).hasMessageContaining("unreachable");
    NotifyJobEnded.Result redelivered = notify.notify(ended);

    assertThat(redelivered.notDue()).isFalse();
    assertThat(redelivered.skipped()).containsExactly(DeliveryAttempt.EVENTS, DeliveryAttempt.PUSH);
    assertThat(redelivered.delivered()).containsExactly(NotifyJobEnded.EMAIL, "ep1");
    assertThat(events.published).hasSize(1);
  }
}
