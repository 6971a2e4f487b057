package dev.darkroom.realtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.job.JobPrompt;
import dev.darkroom.core.port.JobFeed;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open socket: follows the jobs its client submitted and tells it what ComfyUI would have.
 * All state is guarded by its user's {@link UserChannel}, which also orders it against the queue.
 *
 * <p>The greeting {@code status} is sent only once both subscriptions have reported their first
 * state, which can take seconds. A client may POST before that, as soon as its handshake is done
 * (ComfyUI's websockets example does), so its job can be in the first state already, even ended.
 * Jobs there that were created, or ended, after the socket opened are told in full, as a job seen
 * for the first time; older ones are known to the client and only a running one's node is told.
 */
final class ClientConnection implements JobFeed.JobsListener {
  private static final Logger log = LoggerFactory.getLogger(ClientConnection.class);
  /**
   * How far this gateway's clock may be from the api's, which stamped the jobs. A job created up
   * to this long before the socket opened is told in full too: a repeat a client ignores is better
   * than a job it never hears end.
   */
  static final Duration CLOCK_SKEW = Duration.ofSeconds(5);

  private final UserChannel user;
  private final String clientId;
  private final ClientSink sink;
  /** When the socket opened, less {@link #CLOCK_SKEW}: jobs changed after this are news to the client. */
  private final Instant newsSince;
  private final Function<String, Optional<JobPrompt>> prompts;
  private final Map<String, Job> seen = new HashMap<>();
  private final List<ObjectNode> held = new ArrayList<>();
  private JobFeed.Subscription subscription;
  private boolean jobsKnown;
  private boolean greeted;
  private boolean stopped;

  ClientConnection(UserChannel user, String clientId, ClientSink sink,
      Function<String, Optional<JobPrompt>> prompts, Instant openedAt) {
    this.user = user;
    this.clientId = clientId;
    this.sink = sink;
    this.prompts = prompts;
    this.newsSince = openedAt.minus(CLOCK_SKEW);
  }

  void follow(JobFeed feed) {
    subscription = feed.jobsOfClient(user.userId(), clientId, this);
  }

  ClientSink sink() {
    return sink;
  }

  @Override
  public void current(List<Job> jobs) {
    synchronized (user) {
      if (stopped) {
        return;
      }
      for (Job job : jobs) {
        if (isNews(job)) {
          changed(job);
        } else {
          seen.put(job.id(), job);
        }
      }
      jobsKnown = true;
      greetIfReady();
    }
  }

  @Override
  public void changed(Job job) {
    synchronized (user) {
      if (stopped) {
        return;
      }
      Job before = seen.put(job.id(), job);
      boolean justEnded = job.status().isTerminal()
          && (before == null || before.attempt() != job.attempt() || !before.status().isTerminal());
      if (justEnded) {
        user.jobEnded(job.id());
      }
      List<ObjectNode> messages = JobMessages.between(before, job, user.queueRemaining(), prompts);
      messages.forEach(this::send);
      if (justEnded) {
        user.reportQueue(messages.isEmpty() ? null : this);
      }
    }
  }

  @Override
  public void failed(RuntimeException cause) {
    log.warn("job feed of client {} of user {} broke: {}", clientId, user.userId(), cause.toString());
    synchronized (user) {
      stop();
    }
    sink.close(1011, "job feed unavailable, reconnect");
  }

  /** Submitted after the socket opened, or ended since: the client has not heard it (whole). */
  private boolean isNews(Job job) {
    return !job.createdAt().isBefore(newsSince)
        || (job.status().isTerminal() && job.updatedAt() != null && !job.updatedAt().isBefore(newsSince));
  }

  /** Called with the user's lock held, when either subscription may have become ready. */
  void greetIfReady() {
    if (greeted || !jobsKnown || !user.queueKnown()) {
      return;
    }
    greeted = true;
    sink.send(text(ComfyMessages.status(user.queueRemaining(), clientId)));
    // As ComfyUI does for a client whose prompt is running: which node it is at.
    seen.values().stream()
        .filter(job -> job.status() == JobStatus.RUNNING && job.progress() != null && job.progress().nodeId() != null)
        .filter(job -> !isNews(job))
        .findFirst()
        .ifPresent(job -> sink.send(text(ComfyMessages.executingNodeOnly(job.progress().nodeId()))));
    held.forEach(message -> sink.send(text(message)));
    held.clear();
  }

  /** A queue {@code status} for every socket of the user; one not yet greeted gets the count then. */
  void queueChanged(int queueRemaining) {
    if (greeted) {
      send(ComfyMessages.status(queueRemaining, null));
    }
  }

  /** No more messages for this socket (closed, or replaced by a new one with its client id). */
  void stop() {
    stopped = true;
    held.clear();
    if (subscription != null) {
      subscription.close();
    }
  }

  private void send(ObjectNode message) {
    if (greeted) {
      sink.send(text(message));
    } else {
      held.add(message);
    }
  }

  private static String text(ObjectNode message) {
    try {
      return ComfyMessages.JSON.writeValueAsString(message);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
