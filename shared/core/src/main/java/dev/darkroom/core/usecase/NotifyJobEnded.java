package dev.darkroom.core.usecase;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.event.JobNotification;
import dev.darkroom.core.event.SchemaVersion;
import dev.darkroom.core.notify.DeliveryAttempt;
import dev.darkroom.core.notify.DeliveryAttempt.Outcome;
import dev.darkroom.core.notify.DeliveryBudget;
import dev.darkroom.core.notify.DeliveryHistory;
import dev.darkroom.core.notify.RetrySchedule;
import dev.darkroom.core.notify.WebhookEndpoint;
import dev.darkroom.core.notify.WebhookSignature;
import dev.darkroom.core.port.DeliveryLog;
import dev.darkroom.core.port.DeviceTokens;
import dev.darkroom.core.port.EmailRecipients;
import dev.darkroom.core.port.EmailSender;
import dev.darkroom.core.port.IntegrationEvents;
import dev.darkroom.core.port.JobStore;
import dev.darkroom.core.port.RunEvents;
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
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells everyone who asked that a job ended: the public integration event (and the same event on
 * the reply topic of an event-driven run that named one, {@link Replies}), a push to the user's
 * devices, an email if the user opted in, a signed webhook to each of the user's endpoints that
 * covers the job (user-wide ones and those registered for this job). Each target is one logical
 * delivery: every attempt is logged per (notification id, target), a target already delivered (or
 * given up on) is skipped when the notification comes again.
 *
 * <p>Retries follow {@link RetrySchedule}, kept in {@link PendingNotifications} rather than in
 * Pub/Sub's redelivery (which gives up within minutes): a run first claims the notification, so a
 * duplicate delivery while it is scheduled for later does nothing; after the run, the time of the
 * next attempt (the soonest of the failing targets') is stored, and the reconcile sweep
 * republishes the notification then. Each target follows its own schedule: a run tries only the
 * targets whose own next attempt is due (from their own last attempt in the log), so a failing
 * endpoint neither repeats nor delays the others. A target whose schedule is over is given up on.
 *
 * <p>Every run fits its {@link DeliveryBudget}: attempts run in parallel on a bounded pool, each
 * bounded in time, and none is started that could still be running at the run's deadline (the
 * function's timeout less a margin), so the platform never kills a run between a post and its
 * record. A target left out for that is due at once and tried first by the next run (the sweep's
 * next republish: within a minute, or within {@link #LEASE} when the run was itself a republish).
 */
public final class NotifyJobEnded {
  private static final Logger log = LoggerFactory.getLogger(NotifyJobEnded.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  public static final String EMAIL = "email";
  /** The target of an event-driven run's reply topic ({@link Replies}). */
  public static final String REPLY = "reply";
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
  private final Replies replies;
  private final DeliveryLog deliveries;
  private final PendingNotifications pending;
  private final RetrySchedule schedule;
  private final DeliveryBudget budget;
  private final ExecutorService attempts;
  private final Clock clock;

  /** Email: where each user wants it, and the sender. */
  public record Mail(EmailRecipients recipients, EmailSender sender) {}

  /**
   * Event-driven runs' replies ({@link RunFromMessage}): the job's end, as the public CloudEvent, also
   * on the reply topic its run message named, which the job records ({@link RunDeployment#REPLY_TOPIC}).
   * Costs two reads per notification (the job, then its {@code extra_data}).
   */
  public record Replies(JobStore jobs, RunEvents events) {
    /** The reply topic the job's run asked for; the job is read by the id its owner knows, so it must be the owner's. */
    Optional<String> topicOf(JobNotification n) {
      return jobs.get(n.jobId())
          .filter(job -> job.userId().equals(n.userId()) && job.promptId().equals(n.jobId()))
          .flatMap(job -> jobs.promptOf(job.id()))
          .map(prompt -> prompt.extraData() == null ? null
              : prompt.extraData().path(RunDeployment.EXTRA_DATA_KEY).path(RunDeployment.REPLY_TOPIC).textValue());
    }
  }

  public NotifyJobEnded(WebhookEndpoints endpoints, WebhookSender webhooks, DeviceTokens devices, PushSender push,
                        IntegrationEvents events, Mail mail, DeliveryLog deliveries, PendingNotifications pending,
                        RetrySchedule schedule, DeliveryBudget budget, Clock clock) {
    this(endpoints, webhooks, devices, push, events, mail, null, deliveries, pending, schedule, budget, clock);
  }

  /** @param replies reply topics of event-driven runs; null for a notifier that publishes to none */
  public NotifyJobEnded(WebhookEndpoints endpoints, WebhookSender webhooks, DeviceTokens devices, PushSender push,
                        IntegrationEvents events, Mail mail, Replies replies, DeliveryLog deliveries,
                        PendingNotifications pending, RetrySchedule schedule, DeliveryBudget budget, Clock clock) {
    this.replies = replies;
    this.endpoints = endpoints;
    this.webhooks = webhooks;
    this.devices = devices;
    this.push = push;
    this.events = events;
    this.mail = mail;
    this.deliveries = deliveries;
    this.pending = pending;
    this.schedule = schedule;
    this.budget = budget;
    this.clock = clock;
    AtomicInteger threads = new AtomicInteger();
    this.attempts = Executors.newFixedThreadPool(budget.concurrency(), task -> {
      Thread thread = new Thread(task, "notify-attempt-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
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
      tally = deliver(notification, now, budget.deadline(now));
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
      next = tally.soonest;
      pending.retryAt(notification.id(), next);
    }
    return new Result(List.copyOf(tally.delivered), List.copyOf(tally.pending), List.copyOf(tally.gaveUp),
        List.copyOf(tally.skipped), next, false);
  }

  /**
   * Starts every due target's attempt on the pool (channels first, then webhooks, the longest
   * overdue first) and waits for all of them, so that nothing of this run is still posting when it
   * returns or throws.
   */
  private Tally deliver(JobNotification notification, Instant start, Instant deadline) {
    Tally tally = new Tally();
    List<Started> started = new ArrayList<>();
    RuntimeException infrastructure = null;
    try {
      startIfDue(notification, DeliveryAttempt.EVENTS, () -> {
        events.publish(notification);
        return new Try(Outcome.DELIVERED, null, null);
      }, start, deadline, tally, started);
      Optional<String> replyTopic = replies == null ? Optional.empty() : replies.topicOf(notification);
      if (replyTopic.isPresent()) {
        startIfDue(notification, REPLY, () -> {
          replies.events().ended(notification, replyTopic.get());
          return new Try(Outcome.DELIVERED, null, null);
        }, start, deadline, tally, started);
      }
      startIfDue(notification, DeliveryAttempt.PUSH, () -> pushToDevices(notification), start, deadline, tally, started);
      if (mail.sender().enabled()) {
        Optional<String> address = mail.recipients().addressOf(notification.userId());
        if (address.isPresent()) {
          startIfDue(notification, EMAIL, () -> email(notification, address.get()), start, deadline, tally, started);
        }
      }
      List<Due> hooks = new ArrayList<>();
      for (WebhookEndpoint endpoint : endpoints.forUser(notification.userId())) {
        if (endpoint.covers(notification.jobId())) {
          hooks.add(new Due(endpoint.id(), deliveries.history(notification.id(), endpoint.id()),
              () -> postWebhook(notification, endpoint)));
        }
      }
      hooks.stream().filter(due -> !due.history.finished())
          .sorted(Comparator.comparing(due -> dueAt(notification, due.target, due.history, start)))
          .forEach(due -> start(notification, due, start, deadline, tally, started));
      hooks.stream().filter(due -> due.history.finished()).forEach(due -> tally.skipped.add(due.target));
    } catch (RuntimeException e) {
      infrastructure = e;
    }
    for (Started attempt : started) {
      try {
        Settled settled = attempt.result.get();
        tally.settle(attempt.target, settled.outcome, settled.next);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof RuntimeException failure)) {
          throw new IllegalStateException("attempt for " + attempt.target + " failed", e.getCause());
        }
        infrastructure = infrastructure == null ? failure : infrastructure;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while delivering notification " + notification.id(), e);
      }
    }
    if (infrastructure != null) {
      throw infrastructure;
    }
    return tally;
  }

  private record Due(String target, DeliveryHistory history, Attempt attempt) {}

  /** One target's attempt, on the pool. */
  private record Started(String target, Future<Settled> result) {}

  /**
   * @param outcome null when the attempt was not started (no time left in the run)
   * @param next when the target's next attempt is due, null if it will have none
   */
  private record Settled(Outcome outcome, Instant next) {}

  private void startIfDue(JobNotification n, String target, Attempt attempt, Instant start, Instant deadline,
                          Tally tally, List<Started> started) {
    DeliveryHistory history = deliveries.history(n.id(), target);
    if (history.finished()) {
      tally.skipped.add(target);
      return;
    }
    start(n, new Due(target, history, attempt), start, deadline, tally, started);
  }

  private void start(JobNotification n, Due due, Instant start, Instant deadline, Tally tally, List<Started> started) {
    Instant dueAt = dueAt(n, due.target, due.history, start);
    if (dueAt.isAfter(start)) {
      tally.waiting(due.target, dueAt);
      return;
    }
    started.add(new Started(due.target, attempts.submit(() -> attempt(n, due, deadline))));
  }

  /** When a target's own next attempt is due: at once for a new one, else its own wait after its own last attempt. */
  private Instant dueAt(JobNotification n, String target, DeliveryHistory history, Instant now) {
    if (history.attempts() == 0) {
      return now;
    }
    int next = history.attempts() + 1;
    return schedule.waitBefore(next, retryKey(n, target, next)).map(history.lastAttemptAt()::plus).orElse(now);
  }

  private static String retryKey(JobNotification n, String target, int attempt) {
    return n.id() + "/" + target + "/" + attempt;
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
    Instant soonest;

    void waiting(String target, Instant next) {
      pending.add(target);
      soonest = soonest == null || next.isBefore(soonest) ? next : soonest;
    }

    /** @param outcome null when the attempt was not started (no time left): due at once, {@code next} */
    void settle(String target, Outcome outcome, Instant next) {
      if (outcome == null || outcome == Outcome.RETRY) {
        waiting(target, next);
      } else if (outcome == Outcome.DELIVERED) {
        delivered.add(target);
      } else {
        gaveUp.add(target);
      }
    }
  }

  /**
   * On the pool: makes the attempt if it can end before {@code deadline} and records it. Reading or
   * writing the log failing (the database down) escapes: the message is redelivered.
   *
   */
  private Settled attempt(JobNotification n, Due due, Instant deadline) {
    Instant now = clock.instant();
    if (!budget.fits(now, deadline)) {
      log.info("notification {} of job {} to {}: no time left in this run for an attempt; the next run makes it",
          n.id(), n.jobId(), due.target);
      return new Settled(null, now);
    }
    String target = due.target;
    int number = due.history.attempts() + 1;
    Try result;
    try {
      result = due.attempt.run();
    } catch (RuntimeException e) {
      result = new Try(Outcome.RETRY, null, e.toString());
    }
    Duration took = Duration.between(now, clock.instant());
    Optional<Duration> wait = schedule.waitBefore(number + 1, retryKey(n, target, number + 1));
    if (result.outcome() == Outcome.RETRY && wait.isEmpty()) {
      result = new Try(Outcome.GAVE_UP, result.statusCode(),
          "still failing after " + number + " attempts (retry schedule over): " + result.error());
    }
    deliveries.record(new DeliveryAttempt(n.id(), target, number, result.outcome(),
        result.statusCode(), result.error(), now, n.jobId(), n.status(), took));
    if (result.outcome() == Outcome.GAVE_UP) {
      // ERROR and "delivery given up": what the webhook-failures log metric counts (terraform/monitoring.tf).
      log.error("notification {} of job {} to {}: delivery given up at attempt {} ({})", n.id(), n.jobId(), target,
          number, result.error());
    } else if (result.outcome() != Outcome.DELIVERED) {
      log.warn("notification {} of job {} to {}: attempt {} {} ({})", n.id(), n.jobId(), target,
          number, result.outcome(), result.error());
    }
    return new Settled(result.outcome(), result.outcome() == Outcome.RETRY ? now.plus(wait.orElseThrow()) : null);
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
