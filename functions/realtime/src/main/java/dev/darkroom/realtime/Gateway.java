package dev.darkroom.realtime;

import dev.darkroom.core.job.JobPrompt;
import dev.darkroom.core.port.JobFeed;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every open socket, by user. A user's queue is followed while they have a socket open. Lock
 * order: this, then a {@link UserChannel}; feed callbacks take only the latter.
 */
final class Gateway implements AutoCloseable {
  private final JobFeed feed;
  private final Function<String, Optional<JobPrompt>> prompts;
  private final Clock clock;
  private final Map<String, UserChannel> users = new HashMap<>();

  /**
   * @param prompts a job's prompt by its id ({@code JobStore#promptOf}): the job documents the feed
   *     delivers carry none, and an error or interruption names its node's type from it
   */
  Gateway(JobFeed feed, Function<String, Optional<JobPrompt>> prompts) {
    this(feed, prompts, Clock.systemUTC());
  }

  /** @param clock when sockets open, compared with the jobs' times (see {@link ClientConnection}) */
  Gateway(JobFeed feed, Function<String, Optional<JobPrompt>> prompts, Clock clock) {
    this.feed = feed;
    this.prompts = prompts;
    this.clock = clock;
  }

  /** A socket opened for {@code userId} with {@code clientId}; a socket of theirs with that id is replaced. */
  synchronized void open(String userId, String clientId, ClientSink sink) {
    UserChannel user = users.get(userId);
    if (user == null || user.broken()) {
      user = UserChannel.open(userId, feed, prompts);
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
