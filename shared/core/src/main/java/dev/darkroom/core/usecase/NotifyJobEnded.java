package dev.darkroom.core.usecase;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.event.JobNotification;
import dev.darkroom.core.notify.DeliveryAttempt;
import dev.darkroom.core.notify.DeliveryAttempt.Outcome;
import dev.darkroom.core.notify.DeliveryHistory;
import dev.darkroom.core.notify.WebhookEndpoint;
import dev.darkroom.core.notify.WebhookSignature;
import dev.darkroom.core.port.DeliveryLog;
import dev.darkroom.core.port.DeviceTokens;
import dev.darkroom.core.port.IntegrationEvents;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells everyone who asked that a job ended: the public integration event, a push to the user's
 * devices, a signed webhook to each of the user's endpoints. Each target is one logical delivery:
 * every attempt is logged per (notification id, target), a target already delivered (or given up
 * on) is skipped when the notification comes again, and a target that failed for now makes the
 * result {@link Result#retryLater()} so the caller has the notification redelivered. A target
 * still failing {@link #RETRY_WINDOW} after its first attempt is given up on.
 */
public final class NotifyJobEnded {
  private static final Logger log = LoggerFactory.getLogger(NotifyJobEnded.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How long a failing target keeps being retried: at least a day, as receivers expect. */
  public static final Duration RETRY_WINDOW = Duration.ofHours(24);

  private final WebhookEndpoints endpoints;
  private final WebhookSender webhooks;
  private final DeviceTokens devices;
  private final PushSender push;
  private final IntegrationEvents events;
  private final DeliveryLog deliveries;
  private final Clock clock;

  public NotifyJobEnded(WebhookEndpoints endpoints, WebhookSender webhooks, DeviceTokens devices, PushSender push,
                        IntegrationEvents events, DeliveryLog deliveries, Clock clock) {
    this.endpoints = endpoints;
    this.webhooks = webhooks;
    this.devices = devices;
    this.push = push;
    this.events = events;
    this.deliveries = deliveries;
    this.clock = clock;
  }

  /** @param pending targets that failed for now and must be retried */
  public record Result(List<String> delivered, List<String> pending, List<String> gaveUp, List<String> skipped) {
    public boolean retryLater() {
      return !pending.isEmpty();
    }
  }

  public Result notify(JobNotification notification) {
    Tally tally = new Tally();
    attempt(notification, DeliveryAttempt.EVENTS, tally, () -> {
      events.publish(notification);
      return new Try(Outcome.DELIVERED, null, null);
    });
    attempt(notification, DeliveryAttempt.PUSH, tally, () -> pushToDevices(notification));
    for (WebhookEndpoint endpoint : endpoints.forUser(notification.userId())) {
      attempt(notification, endpoint.id(), tally, () -> postWebhook(notification, endpoint));
    }
    return new Result(List.copyOf(tally.delivered), List.copyOf(tally.pending), List.copyOf(tally.gaveUp),
        List.copyOf(tally.skipped));
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
  }

  private void attempt(JobNotification n, String target, Tally tally, Attempt attempt) {
    DeliveryHistory history = deliveries.history(n.id(), target);
    if (history.finished()) {
      tally.skipped.add(target);
      return;
    }
    Instant now = clock.instant();
    Try result;
    try {
      result = attempt.run();
    } catch (RuntimeException e) {
      result = new Try(Outcome.RETRY, null, e.toString());
    }
    if (result.outcome() == Outcome.RETRY && history.firstAttemptAt() != null
        && !now.isBefore(history.firstAttemptAt().plus(RETRY_WINDOW))) {
      result = new Try(Outcome.GAVE_UP, result.statusCode(),
          "still failing " + RETRY_WINDOW.toHours() + " h after the first attempt: " + result.error());
    }
    deliveries.record(new DeliveryAttempt(n.id(), target, history.attempts() + 1, result.outcome(),
        result.statusCode(), result.error(), now));
    switch (result.outcome()) {
      case DELIVERED -> tally.delivered.add(target);
      case RETRY -> tally.pending.add(target);
      case GAVE_UP -> tally.gaveUp.add(target);
      default -> throw new IllegalStateException();
    }
    if (result.outcome() != Outcome.DELIVERED) {
      log.warn("notification {} of job {} to {}: attempt {} {} ({})", n.id(), n.jobId(), target,
          history.attempts() + 1, result.outcome(), result.error());
    }
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
    Outcome outcome = response.statusCode() == 410 ? Outcome.GAVE_UP : Outcome.RETRY;
    return new Try(outcome, status, response.error() != null ? response.error() : "HTTP " + response.statusCode());
  }

  /** The Standard Webhooks payload shape: type, timestamp of the event, data. */
  public static byte[] webhookBody(JobNotification n) {
    ObjectNode body = JSON.createObjectNode();
    body.put("type", "job." + n.status());
    body.put("timestamp", n.at().toString());
    ObjectNode data = body.putObject("data");
    data.put("jobId", n.jobId());
    data.put("status", n.status());
    data.put("notificationId", n.id());
    return body.toString().getBytes(StandardCharsets.UTF_8);
  }
}
