package dev.darkroom.core.usecase;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.event.JobNotification;
import dev.darkroom.core.event.SchemaVersion;
import dev.darkroom.core.notify.DeliveryAttempt;
import dev.darkroom.core.notify.DeliveryAttempt.Outcome;
import dev.darkroom.core.notify.DeliveryHistory;
import dev.darkroom.core.notify.RetrySchedule;
import dev.darkroom.core.notify.WebhookEndpoint;
import dev.darkroom.core.notify.WebhookSignature;
import dev.darkroom.core.port.DeliveryLog;
import dev.darkroom.core.port.DeviceTokens;
import dev.darkroom.core.port.EmailRecipients;
import dev.darkroom.core.port.EmailSender;
import dev.darkroom.core.port.IntegrationEvents;
import dev.darkroom.core.port.PendingNotifications;
import dev.darkroom.core.port.PushSender;
import dev.darkroom.core.port.WebhookEndpoints;
import dev.darkroom.core.port.WebhookSender;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells everyone who asked that a job ended: the public integration event, a push to the user's
 * devices, an email if the user opted in, a signed webhook to each of the user's endpoints that
 * covers the job (user-wide ones and those registered for this job). Each target is one logical
 * delivery: every attempt is logged per (notification id, target), a target already delivered (or
 * given up on) is skipped when the notification comes again.
 *
 * <p>Retries follow {@link RetrySchedule}, kept in {@link PendingNotifications} rather than in
 * Pub/Sub's redelivery (which gives up within minutes): a run first claims the notification, so a
 * duplicate delivery while it is scheduled for later does nothing; after the run, the time of the
 * next attempt (the soonest of the failing targets') is stored, and the reconcile sweep
 * republishes the notification then. A target whose schedule is over is given up on.
 */
public final class NotifyJobEnded {
  private static final Logger log = LoggerFactory.getLogger(NotifyJobEnded.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  public static final String EMAIL = "email";
  /** The {@link SchemaVersion} of the webhook body ({@link #webhookBody}), which receivers outside Darkroom read. */
  public static final int WEBHOOK_SCHEMA_VERSION = 1;

  /** How long a run holds a notification: a run that crashed is retried after this. */
  public static final Duration LEASE = Duration.ofMinutes(5);

  private final WebhookEndpoints endpoints;
  private final WebhookSender webhooks;
  private final DeviceTokens devices;
  private final PushSender push;
  private final IntegrationEvents events;
  private final Mail mail;
  private final DeliveryLog deliveries;
  private final PendingNotifications pending;
  private final RetrySchedule schedule;
  private final Clock clock;

  /** Email: where each user wants it, and the sender. */
  public record Mail(EmailRecipients recipients, EmailSender sender) {}

  public NotifyJobEnded(WebhookEndpoints endpoints, WebhookSender webhooks, DeviceTokens devices, PushSender push,
                        IntegrationEvents events, Mail mail, DeliveryLog deliveries, PendingNotifications pending,
                        RetrySchedule schedule, Clock clock) {
    this.endpoints = endpoints;
    this.webhooks = webhooks;
    this.devices = devices;
    this.push = push;
    this.events = events;
    this.mail = mail;
    this.deliveries = deliveries;
    this.pending = pending;
    this.schedule = schedule;
    this.clock = clock;
  }

  /**
   * @param pending targets that failed for now and are scheduled again at {@code nextAttemptAt}
   * @param notDue true if nothing was tried: the notification is scheduled for later or being
   *     tried by another run (a duplicate delivery)
   */
  public record Result(List<String> delivered, List<String> pending, List<String> gaveUp, List<String> skipped,
                       Instant nextAttemptAt, boolean notDue) {
    public boolean retryLater() {
      return !pending.isEmpty();
    }
  }

  public Result notify(JobNotification notification) {
    Instant now = clock.instant();
    if (!pending.claim(notification, now, LEASE)) {
      return new Result(List.of(), List.of(), List.of(), List.of(), null, true);
    }
    Tally tally;
    try {
      tally = deliver(notification);
    } catch (RuntimeException infrastructure) {
      // The database failed mid-run: let the redelivery Pub/Sub is about to make run at once,
      // rather than wait for the lease (if even this fails, the lease and the sweep take over).
      try {
        pending.retryAt(notification.id(), now);
      } catch (RuntimeException alsoDown) {
        infrastructure.addSuppressed(alsoDown);
      }
      throw infrastructure;
    }
    Instant next = null;
    if (tally.pending.isEmpty()) {
      pending.finish(notification.id());
    } else {
      next = now.plus(tally.soonestWait);
      pending.retryAt(notification.id(), next);
    }
    return new Result(List.copyOf(tally.delivered), List.copyOf(tally.pending), List.copyOf(tally.gaveUp),
        List.copyOf(tally.skipped), next, false);
  }

  private Tally deliver(JobNotification notification) {
    Tally tally = new Tally();
    attempt(notification, DeliveryAttempt.EVENTS, tally, () -> {
      events.publish(notification);
      return new Try(Outcome.DELIVERED, null, null);
    });
    attempt(notification, DeliveryAttempt.PUSH, tally, () -> pushToDevices(notification));
    if (mail.sender().enabled()) {
      mail.recipients().addressOf(notification.userId()).ifPresent(address ->
          attempt(notification, EMAIL, tally, () -> email(notification, address)));
    }
    for (WebhookEndpoint endpoint : endpoints.forUser(notification.userId())) {
      if (endpoint.covers(notification.jobId())) {
        attempt(notification, endpoint.id(), tally, () -> postWebhook(notification, endpoint));
      }
    }
    return tally;
  }

  private record Try(Outcome outcome, Integer statusCode, String error) {}

  private interface Attempt {
    Try run();
  }

  private static final class Tally {
    final List<String> delivered = new ArrayList<>();
    final List<String> pending = new ArrayList<>();
    final List<String> gaveUp = new ArrayList<>();
    final List<String> skipped = new ArrayList<>();
    Duration soonestWait;

    void retry(String target, Duration wait) {
      pending.add(target);
      soonestWait = soonestWait == null || wait.compareTo(soonestWait) < 0 ? wait : soonestWait;
    }
  }

  /** Reading or writing the log failing (the database down) escapes: the message is redelivered. */
  private void attempt(JobNotification n, String target, Tally tally, Attempt attempt) {
    DeliveryHistory history = deliveries.history(n.id(), target);
    if (history.finished()) {
      tally.skipped.add(target);
      return;
    }
    Instant now = clock.instant();
    int number = history.attempts() + 1;
    Try result;
    try {
      result = attempt.run();
    } catch (RuntimeException e) {
      result = new Try(Outcome.RETRY, null, e.toString());
    }
    Optional<Duration> wait = schedule.waitBefore(number + 1);
    if (result.outcome() == Outcome.RETRY && wait.isEmpty()) {
      result = new Try(Outcome.GAVE_UP, result.statusCode(),
          "still failing after " + number + " attempts (retry schedule over): " + result.error());
    }
    deliveries.record(new DeliveryAttempt(n.id(), target, number, result.outcome(),
        result.statusCode(), result.error(), now));
    switch (result.outcome()) {
      case DELIVERED -> tally.delivered.add(target);
      case RETRY -> tally.retry(target, wait.orElseThrow());
      case GAVE_UP -> tally.gaveUp.add(target);
      default -> throw new IllegalStateException();
    }
    if (result.outcome() == Outcome.GAVE_UP) {
      // ERROR and "delivery given up": what the webhook-failures log metric counts (terraform/monitoring.tf).
      log.error("notification {} of job {} to {}: delivery given up at attempt {} ({})", n.id(), n.jobId(), target,
          number, result.error());
    } else if (result.outcome() != Outcome.DELIVERED) {
      log.warn("notification {} of job {} to {}: attempt {} {} ({})", n.id(), n.jobId(), target,
          number, result.outcome(), result.error());
    }
  }

  private Try email(JobNotification n, String address) {
    mail.sender().send(address, "Darkroom job " + n.jobId() + " " + n.status(), emailBody(n));
    return new Try(Outcome.DELIVERED, null, null);
  }

  /** Plain text, no links: a summary the user can match to the job in the app. */
  static String emailBody(JobNotification n) {
    return "Your Darkroom job has ended.\n\n"
        + "Job:    " + n.jobId() + "\n"
        + "Status: " + n.status() + "\n"
        + "Time:   " + n.at() + "\n\n"
        + "You get this mail because you asked for email notifications; turn them off with "
        + "DELETE /api/v2/notifications/email.\n";
  }

  private Try pushToDevices(JobNotification n) {
    List<String> tokens = devices.forUser(n.userId());
    if (tokens.isEmpty()) {
      return new Try(Outcome.DELIVERED, null, "no devices");
    }
    PushSender.Result sent = push.send(tokens, "Job " + n.status(), "Your job " + n.jobId() + " " + n.status() + ".",
        Map.of("jobId", n.jobId(), "status", n.status(), "notificationId", n.id()), n.id());
    sent.invalid().forEach(devices::remove);
    if (sent.sent() == 0 && !sent.failed().isEmpty()) {
      return new Try(Outcome.RETRY, null, sent.failed().size() + " of " + tokens.size() + " devices failed");
    }
    return new Try(Outcome.DELIVERED, null, sent.invalid().isEmpty() ? null : "pruned " + sent.invalid().size() + " tokens");
  }

  private Try postWebhook(JobNotification n, WebhookEndpoint endpoint) {
    byte[] body = webhookBody(n);
    long timestamp = clock.instant().getEpochSecond();
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("content-type", "application/json");
    headers.put("webhook-id", n.id());
    headers.put("webhook-timestamp", Long.toString(timestamp));
    headers.put("webhook-signature", WebhookSignature.header(endpoint.secrets(), n.id(), timestamp, body));
    URI url;
    try {
      url = URI.create(endpoint.url());
    } catch (IllegalArgumentException e) {
      return new Try(Outcome.GAVE_UP, null, "not a URL: " + endpoint.url());
    }
    WebhookSender.Response response = webhooks.post(url, headers, body);
    if (response.refusal() != null) {
      return new Try(Outcome.GAVE_UP, null, "refused: " + response.refusal());
    }
    Integer status = response.statusCode() == 0 ? null : response.statusCode();
    if (response.succeeded()) {
      return new Try(Outcome.DELIVERED, status, null);
    }
    // 410 Gone: the receiver says this endpoint is no more (Standard Webhooks' convention).
    if (response.statusCode() == 410) {
      endpoints.disable(endpoint.id());
      return new Try(Outcome.GAVE_UP, status, "410 Gone: endpoint disabled");
    }
    Outcome outcome = Outcome.RETRY;
    return new Try(outcome, status, response.error() != null ? response.error() : "HTTP " + response.statusCode());
  }

  /**
   * The Standard Webhooks payload shape: type, timestamp of the event, data; plus the body's
   * {@link SchemaVersion}, so a receiver can tell a future incompatible body from today's.
   */
  public static byte[] webhookBody(JobNotification n) {
    ObjectNode body = JSON.createObjectNode();
    body.put(SchemaVersion.FIELD, WEBHOOK_SCHEMA_VERSION);
    body.put("type", "job." + n.status());
    body.put("timestamp", n.at().toString());
    ObjectNode data = body.putObject("data");
    data.put("jobId", n.jobId());
    data.put("status", n.status());
    data.put("notificationId", n.id());
    return body.toString().getBytes(StandardCharsets.UTF_8);
  }
}
