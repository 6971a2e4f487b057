package dev.darkroom.testing;

import dev.darkroom.core.event.JobNotification;
import dev.darkroom.core.port.PendingNotifications;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Same rules as the SQL table: claim only if new or due; take only due ones not just republished. */
public final class InMemoryPendingNotifications implements PendingNotifications {
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
