package dev.darkroom.realtime;

import dev.darkroom.core.job.JobPrompt;
import dev.darkroom.core.port.JobFeed;
import dev.darkroom.core.port.JobLiveStream;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every open socket, by user. A user's queue is followed while they have a socket open. Lock
 * order: this, then a {@link UserChannel}; feed callbacks take only the latter.
 */
final class Gateway implements AutoCloseable {
  /**
   * How long a job's end waits for the last of its live frames (the runner writes them before it
   * reports the end, but the two reach the gateway by separate listeners).
   */
  static final Duration LIVE_GRACE = Duration.ofSeconds(2);

  /** The engine's live frames of running jobs, and the timer that bounds how long an end waits for them. */
  record LiveFrames(JobLiveStream stream, ScheduledExecutorService timer, Duration grace) {}

  private final JobFeed feed;
  private final Function<String, Optional<JobPrompt>> prompts;
  private final Clock clock;
  private final LiveFrames live;
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
    this(feed, prompts, clock, JobLiveStream.NONE, LIVE_GRACE);
  }

  /** @param live the engine's frames of each running job, relayed to the client that submitted it */
  Gateway(JobFeed feed, Function<String, Optional<JobPrompt>> prompts, Clock clock, JobLiveStream live, Duration grace) {
    this.feed = feed;
    this.prompts = prompts;
    this.clock = clock;
    this.live = new LiveFrames(live, Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "live-grace");
      thread.setDaemon(true);
      return thread;
    }), grace);
  }

  /** A socket opened for {@code userId} with {@code clientId}; a socket of theirs with that id is replaced. */
  synchronized void open(String userId, String clientId, ClientSink sink) {
    UserChannel user = users.get(userId);
    if (user == null || user.broken()) {
      user = UserChannel.open(userId, feed, prompts, live);
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
    live.timer().shutdownNow();
  }
}
