package dev.darkroom.realtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.JobFeed;
import java.time.Duration;
import java.time.Instant;
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
 * state: a client that POSTs as soon as it is greeted must not have its job land in the initial
 * snapshot, where a job is taken as already known and reported to nobody. A client may also POST
 * without waiting for any message (ComfyUI's websockets example does), and a slow first snapshot
 * then holds its job, perhaps already ended: so a job in the first snapshot submitted since the
 * socket opened (give or take {@link #CLOCK_SKEW}) is told from its start, as if seen changing.
 */
final class ClientConnection implements JobFeed.JobsListener {
  private static final Logger log = LoggerFactory.getLogger(ClientConnection.class);
  /**
   * How far the api's clock (a job's {@code createdAt}) may trail the gateway's: hosts keep time to
   * milliseconds. Telling a job submitted just before the socket opened costs its client a few
   * messages about its own prompt; missing one left a client waiting for it forever.
   */
  static final Duration CLOCK_SKEW = Duration.ofSeconds(2);

  private final UserChannel user;
  private final String clientId;
  private final ClientSink sink;
  private final Instant openedAt;
  private final Map<String, Job> seen = new HashMap<>();
  private final List<ObjectNode> held = new ArrayList<>();
  private JobFeed.Subscription subscription;
  private boolean jobsKnown;
  private boolean greeted;
  private boolean stopped;

  ClientConnection(UserChannel user, String clientId, ClientSink sink, Instant openedAt) {
    this.user = user;
    this.clientId = clientId;
    this.sink = sink;
    this.openedAt = openedAt;
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
        if (job.createdAt().isBefore(openedAt.minus(CLOCK_SKEW))) {
          seen.put(job.id(), job);
        } else {
          // Held until the greeting below, which goes first.
          tell(job);
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
      tell(job);
    }
  }

  /** What the client is to hear of {@code job}'s new state; called with the user's lock held. */
  private void tell(Job job) {
    Job before = seen.put(job.id(), job);
    boolean justEnded = job.status().isTerminal()
        && (before == null || before.attempt() != job.attempt() || !before.status().isTerminal());
    if (justEnded) {
      user.jobEnded(job.id());
    }
    List<ObjectNode> messages = JobMessages.between(before, job, user.queueRemaining());
    messages.forEach(this::send);
    if (justEnded) {
      user.reportQueue(messages.isEmpty() ? null : this);
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
