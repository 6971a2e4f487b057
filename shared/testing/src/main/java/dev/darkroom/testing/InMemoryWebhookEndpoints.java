package dev.darkroom.testing;

import dev.darkroom.core.notify.WebhookEndpoint;
import dev.darkroom.core.port.WebhookEndpoints;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Endpoints with the SQL adapter's rules: a rotated-out secret signs until it expires, on {@code clock}. */
public final class InMemoryWebhookEndpoints implements WebhookEndpoints {
  public final List<WebhookEndpoint> all = new CopyOnWriteArrayList<>();
  public final Set<String> disabled = ConcurrentHashMap.newKeySet();
  private final Map<String, Instant> previousExpiresAt = new ConcurrentHashMap<>();
  private final Clock clock;

  public InMemoryWebhookEndpoints() {
    this(Clock.systemUTC());
  }

  public InMemoryWebhookEndpoints(Clock clock) {
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
