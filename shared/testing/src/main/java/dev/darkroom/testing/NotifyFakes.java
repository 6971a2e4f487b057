package dev.darkroom.testing;

import dev.darkroom.core.event.JobNotification;
import dev.darkroom.core.notify.DeliveryAttempt;
import dev.darkroom.core.notify.DeliveryHistory;
import dev.darkroom.core.notify.WebhookEndpoint;
import dev.darkroom.core.port.DeliveryLog;
import dev.darkroom.core.port.DeviceTokens;
import dev.darkroom.core.port.IntegrationEvents;
import dev.darkroom.core.port.PushSender;
import dev.darkroom.core.port.WebhookEndpoints;
import dev.darkroom.core.port.WebhookSender;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/** In-memory fakes of the notify use case's ports. */
public final class NotifyFakes {
  private NotifyFakes() {}

  public static final class Endpoints implements WebhookEndpoints {
    public final List<WebhookEndpoint> all = new CopyOnWriteArrayList<>();

    @Override
    public List<WebhookEndpoint> forUser(String userId) {
      return all.stream().filter(e -> e.userId().equals(userId)).toList();
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
