package dev.darkroom.testing;

import dev.darkroom.core.event.JobNotification;
import dev.darkroom.core.notify.DeliveryAttempt;
import dev.darkroom.core.notify.DeliveryHistory;
import dev.darkroom.core.notify.WebhookEndpoint;
import dev.darkroom.core.port.DeliveryLog;
import dev.darkroom.core.port.DeviceTokens;
import dev.darkroom.core.port.EmailRecipients;
import dev.darkroom.core.port.EmailSender;
import dev.darkroom.core.port.PendingNotifications;
import dev.darkroom.core.port.IntegrationEvents;
import dev.darkroom.core.port.PushSender;
import dev.darkroom.core.port.WebhookEndpoints;
import dev.darkroom.core.port.WebhookSender;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** In-memory fakes of the notify use case's ports. */
public final class NotifyFakes {
  private NotifyFakes() {}

  /** Endpoints with the SQL adapter's rules: a rotated-out secret signs until it expires, on {@code clock}. */
  public static final class Endpoints implements WebhookEndpoints {
    public final List<WebhookEndpoint> all = new CopyOnWriteArrayList<>();
    public final Set<String> disabled = ConcurrentHashMap.newKeySet();
    private final Map<String, Instant> previousExpiresAt = new ConcurrentHashMap<>();
    private final Clock clock;

    public Endpoints() {
      this(Clock.systemUTC());
    }

    public Endpoints(Clock clock) {
      this.clock = clock;
    }

    @Override
    public List<WebhookEndpoint> forUser(String userId) {
      return all.stream().filter(e -> e.userId().equals(userId) && !disabled.contains(e.id())).map(this::current)
          .toList();
    }

    private WebhookEndpoint current(WebhookEndpoint e) {
      Instant expires = previousExpiresAt.get(e.id());
      if (expires == null || clock.instant().isBefore(expires) || e.secrets().size() < 2) {
        return e;
      }
      return new WebhookEndpoint(e.id(), e.userId(), e.url(), e.secrets().subList(0, 1), e.jobId(), e.createdAt());
    }

    @Override
    public void add(WebhookEndpoint endpoint) {
      all.add(endpoint);
    }

    @Override
    public synchronized boolean delete(String userId, String endpointId) {
      return all.removeIf(e -> e.id().equals(endpointId) && e.userId().equals(userId));
    }

    @Override
    public synchronized Optional<WebhookEndpoint> rotate(String userId, String endpointId, String newSecret,
                                                         Instant expires) {
      for (WebhookEndpoint e : all) {
        if (e.id().equals(endpointId) && e.userId().equals(userId) && !disabled.contains(endpointId)) {
          WebhookEndpoint rotated = new WebhookEndpoint(e.id(), userId, e.url(), List.of(newSecret, e.secrets().get(0)),
              e.jobId(), e.createdAt());
          all.set(all.indexOf(e), rotated);
          previousExpiresAt.put(endpointId, expires);
          return Optional.of(current(rotated));
        }
      }
      return Optional.empty();
    }

    @Override
    public void disable(String endpointId) {
      disabled.add(endpointId);
    }
  }

  /** Same rules as the SQL table: claim only if new or due; take only due ones not just republished. */
  public static final class Pending implements PendingNotifications {
    public record Entry(JobNotification notification, Instant nextAttemptAt, Instant republishedAt) {}

    public final Map<String, Entry> entries = new LinkedHashMap<>();

    @Override
    public synchronized boolean claim(JobNotification notification, Instant now, Duration lease) {
      Entry entry = entries.get(notification.id());
      if (entry != null && entry.nextAttemptAt().isAfter(now)) {
        return false;
      }
      entries.put(notification.id(), new Entry(notification, now.plus(lease), entry == null ? null : entry.republishedAt()));
      return true;
    }

    @Override
    public synchronized void retryAt(String notificationId, Instant next) {
      entries.computeIfPresent(notificationId, (id, e) -> new Entry(e.notification(), next, null));
    }

    @Override
    public synchronized void finish(String notificationId) {
      entries.remove(notificationId);
    }

    @Override
    public synchronized List<JobNotification> takeDue(Instant now, Duration guard, int limit) {
      List<JobNotification> due = new ArrayList<>();
      for (Map.Entry<String, Entry> e : entries.entrySet()) {
        Entry entry = e.getValue();
        if (due.size() < limit && !entry.nextAttemptAt().isAfter(now)
            && (entry.republishedAt() == null || !entry.republishedAt().isAfter(now.minus(guard)))) {
          due.add(entry.notification());
          e.setValue(new Entry(entry.notification(), entry.nextAttemptAt(), now));
        }
      }
      return due;
    }
  }

  public static final class Recipients implements EmailRecipients {
    public final Map<String, String> addressByUser = new ConcurrentHashMap<>();

    @Override
    public Optional<String> addressOf(String userId) {
      return Optional.ofNullable(addressByUser.get(userId));
    }

    @Override
    public void optIn(String userId, String address) {
      addressByUser.put(userId, address);
    }

    @Override
    public boolean optOut(String userId) {
      return addressByUser.remove(userId) != null;
    }
  }

  /** Records mails; fails the next {@code failures} sends. */
  public static final class Mailbox implements EmailSender {
    public record Mail(String to, String subject, String body) {}

    public final List<Mail> sent = new CopyOnWriteArrayList<>();
    public int failures;

    @Override
    public synchronized void send(String to, String subject, String body) {
      if (failures > 0) {
        failures--;
        throw new IllegalStateException("SMTP server unavailable (simulated)");
      }
      sent.add(new Mail(to, subject, body));
    }
  }

  /** Same rules as the SQL log: one final outcome per (notification, target), attempt numbers unique. */
  public static final class Deliveries implements DeliveryLog {
    public final List<DeliveryAttempt> attempts = new CopyOnWriteArrayList<>();

    @Override
    public synchronized DeliveryHistory history(String notificationId, String target) {
      List<DeliveryAttempt> mine = attempts.stream()
          .filter(a -> a.notificationId().equals(notificationId) && a.target().equals(target)).toList();
      if (mine.isEmpty()) {
        return DeliveryHistory.NONE;
      }
      return new DeliveryHistory(mine.stream().mapToInt(DeliveryAttempt::attempt).max().orElse(0),
          mine.stream().anyMatch(a -> a.outcome().isFinal()), mine.get(0).at());
    }

    @Override
    public synchronized void record(DeliveryAttempt attempt) {
      boolean clash = attempts.stream().anyMatch(a -> a.notificationId().equals(attempt.notificationId())
          && a.target().equals(attempt.target())
          && (a.attempt() == attempt.attempt() || (a.outcome().isFinal() && attempt.outcome().isFinal())));
      if (!clash) {
        attempts.add(attempt);
      }
    }
  }

  /** Answers from a script (then 200), recording every request. */
  public static final class Webhooks implements WebhookSender {
    public record Request(URI url, Map<String, String> headers, byte[] body) {}

    public final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Deque<Response> script = new ArrayDeque<>();

    public synchronized Webhooks thenAnswer(Response... responses) {
      script.addAll(List.of(responses));
      return this;
    }

    @Override
    public synchronized Response post(URI url, Map<String, String> headers, byte[] body) {
      requests.add(new Request(url, Map.copyOf(headers), body.clone()));
      return script.isEmpty() ? Response.answered(200) : script.poll();
    }
  }

  public static final class Devices implements DeviceTokens {
    public final Map<String, String> userByToken = new LinkedHashMap<>();

    @Override
    public synchronized List<String> forUser(String userId) {
      return userByToken.entrySet().stream().filter(e -> e.getValue().equals(userId)).map(Map.Entry::getKey).toList();
    }

    @Override
    public synchronized void remove(String token) {
      userByToken.remove(token);
    }

    @Override
    public synchronized void register(String token, String userId, String platform) {
      userByToken.put(token, userId);
    }
  }

  /** Sends to every token except those marked invalid or failing. */
  public static final class Push implements PushSender {
    public record Sent(List<String> tokens, String title, Map<String, String> data, String collapseKey) {}

    public final List<Sent> sent = new CopyOnWriteArrayList<>();
    public final Set<String> invalid = new HashSet<>();
    public final Set<String> failing = new HashSet<>();

    @Override
    public Result send(List<String> tokens, String title, String body, Map<String, String> data, String collapseKey) {
      sent.add(new Sent(List.copyOf(tokens), title, Map.copyOf(data), collapseKey));
      List<String> bad = tokens.stream().filter(invalid::contains).toList();
      List<String> failed = tokens.stream().filter(failing::contains).toList();
      return new Result(tokens.size() - bad.size() - failed.size(), bad, failed);
    }
  }

  public static final class Events implements IntegrationEvents {
    public final List<JobNotification> published = new CopyOnWriteArrayList<>();
    public final List<RuntimeException> failures = new ArrayList<>();

    @Override
    public synchronized void publish(JobNotification notification) {
      if (!failures.isEmpty()) {
        throw failures.remove(0);
      }
      published.add(notification);
    }
  }
}
