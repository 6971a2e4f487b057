package dev.darkroom.testing;

import dev.darkroom.core.notify.DeliveryAttempt;
import dev.darkroom.core.notify.DeliveryHistory;
import dev.darkroom.core.port.DeliveryLog;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Same rules as the SQL log: one final outcome per (notification, target), attempt numbers unique. */
public final class InMemoryDeliveryLog implements DeliveryLog {
  public final List<DeliveryAttempt> attempts = new CopyOnWriteArrayList<>();

  @Override
  public synchronized DeliveryHistory history(String notificationId, String target) {
    List<DeliveryAttempt> mine = attempts.stream()
        .filter(a -> a.notificationId().equals(notificationId) && a.target().equals(target)).toList();
    if (mine.isEmpty()) {
      return DeliveryHistory.NONE;
    }
    return new DeliveryHistory(mine.stream().mapToInt(DeliveryAttempt::attempt).max().orElse(0),
        mine.stream().anyMatch(a -> a.outcome().isFinal()), mine.get(0).at(),
        mine.stream().map(DeliveryAttempt::at).max(Comparator.naturalOrder()).orElseThrow());
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

  @Override
  public synchronized List<DeliveryAttempt> latest(String target, int limit) {
    return attempts.stream().filter(a -> a.target().equals(target))
        .sorted(Comparator.comparing(DeliveryAttempt::at).thenComparing(DeliveryAttempt::notificationId)
            .thenComparingInt(DeliveryAttempt::attempt).reversed())
        .limit(limit).toList();
  }
}
