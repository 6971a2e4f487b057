package dev.darkroom.realtime;

import dev.darkroom.core.job.JobPrompt;
import dev.darkroom.core.port.JobFeed;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open sockets of one user and that user's queue. Its monitor guards its state and that of
 * its connections, so queue counts and job messages leave in one order. Messages of a user's jobs
 * reach only this user's sockets: nothing here is shared across users.
 */
final class UserChannel implements JobFeed.QueueListener {
  private static final Logger log = LoggerFactory.getLogger(UserChannel.class);

  private final String userId;
  private final JobFeed feed;
  private final Function<String, Optional<JobPrompt>> prompts;
  private final Gateway.LiveFrames live;
  private final Map<String, ClientConnection> clients = new HashMap<>();
  /** Unfinished job ids as the queue subscription last reported them; null until it first does. */
  private Set<String> unfinished;
  /**
   * Jobs a client subscription saw end that the queue subscription may still list: the two are
   * separate listeners, so either may be first. Cleared of ids the queue no longer lists.
   */
  private final Set<String> endedAhead = new HashSet<>();
  private int lastReported = -1;
  private boolean broken;
  private JobFeed.Subscription queueSubscription;

  private UserChannel(String userId, JobFeed feed, Function<String, Optional<JobPrompt>> prompts,
      Gateway.LiveFrames live) {
    this.userId = userId;
    this.feed = feed;
    this.prompts = prompts;
    this.live = live;
  }

  static UserChannel open(String userId, JobFeed feed, Function<String, Optional<JobPrompt>> prompts,
      Gateway.LiveFrames live) {
    UserChannel channel = new UserChannel(userId, feed, prompts, live);
    synchronized (channel) {
      channel.queueSubscription = feed.unfinishedJobsOf(userId, channel);
    }
    return channel;
  }

  String userId() {
    return userId;
  }

  /**
   * A new socket, opened at {@code openedAt}; an open one with the same client id is replaced and
   * hears nothing more.
   */
  synchronized void attach(String clientId, ClientSink sink, Instant openedAt) {
    ClientConnection previous = clients.remove(clientId);
    if (previous != null) {
      previous.stop();
    }
    ClientConnection connection = new ClientConnection(this, clientId, sink, prompts, openedAt, live);
    clients.put(clientId, connection);
    connection.follow(feed);
  }

  /** The socket closed; returns how many sockets the user still has. */
  synchronized int detach(String clientId, ClientSink sink) {
    ClientConnection connection = clients.get(clientId);
    if (connection != null && connection.sink() == sink) {
      clients.remove(clientId);
      connection.stop();
    }
    return clients.size();
  }

  @Override
  public synchronized void unfinished(Set<String> jobIds) {
    unfinished = Set.copyOf(jobIds);
    endedAhead.retainAll(unfinished);
    clients.values().forEach(ClientConnection::greetIfReady);
    reportQueue(null);
  }

  @Override
  public void failed(RuntimeException cause) {
    log.warn("queue feed of user {} broke: {}", userId, cause.toString());
    List<ClientConnection> all;
    synchronized (this) {
      broken = true;
      all = List.copyOf(clients.values());
      clients.clear();
      all.forEach(ClientConnection::stop);
    }
    all.forEach(c -> c.sink().close(1011, "job feed unavailable, reconnect"));
  }

  /** The queue subscription broke: a new socket needs a new channel. */
  synchronized boolean broken() {
    return broken;
  }

  synchronized boolean queueKnown() {
    return unfinished != null;
  }

  synchronized int queueRemaining() {
    if (unfinished == null) {
      return 0;
    }
    return (int) unfinished.stream().filter(id -> !endedAhead.contains(id)).count();
  }

  synchronized void jobEnded(String jobId) {
    endedAhead.add(jobId);
  }

  /** A {@code status} to every socket of the user if the count changed, except {@code told}, which has it. */
  synchronized void reportQueue(ClientConnection told) {
    if (unfinished == null) {
      return;
    }
    int remaining = queueRemaining();
    if (remaining == lastReported) {
      return;
    }
    lastReported = remaining;
    clients.values().stream().filter(c -> c != told).forEach(c -> c.queueChanged(remaining));
  }

  synchronized void close() {
    clients.values().forEach(ClientConnection::stop);
    clients.clear();
    if (queueSubscription != null) {
      queueSubscription.close();
    }
  }
}
