package dev.darkroom.realtime;

import dev.darkroom.core.port.JobFeed;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * Every open socket, by user. A user's queue is followed while they have a socket open. Lock
 * order: this, then a {@link UserChannel}; feed callbacks take only the latter.
 */
final class Gateway implements AutoCloseable {
  private final JobFeed feed;
  private final Clock clock;
  private final Map<String, UserChannel> users = new HashMap<>();

  Gateway(JobFeed feed) {
    this(feed, Clock.systemUTC());
  }

  /** @param clock when each socket opened: jobs submitted since are told from their start */
  Gateway(JobFeed feed, Clock clock) {
    this.feed = feed;
    this.clock = clock;
  }

  /** A socket opened for {@code userId} with {@code clientId}; a socket of theirs with that id is replaced. */
  synchronized void open(String userId, String clientId, ClientSink sink) {
    UserChannel user = users.get(userId);
    if (user == null || user.broken()) {
      user = UserChannel.open(userId, feed);
      users.put(userId, user);
    }
    user.attach(clientId, sink, clock.instant());
  }

  synchronized void closed(String userId, String clientId, ClientSink sink) {
    UserChannel user = users.get(userId);
    if (user != null && user.detach(clientId, sink) == 0 && !user.broken()) {
      users.remove(userId);
      user.close();
    }
  }

  @Override
  public synchronized void close() {
    users.values().forEach(UserChannel::close);
    users.clear();
  }
}
