package dev.darkroom.realtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.job.JobPrompt;
import dev.darkroom.core.job.LiveWindow;
import dev.darkroom.core.port.JobFeed;
import dev.darkroom.core.port.JobLiveStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
  private final Gateway.LiveFrames live;
  /** The jobs of this client under way, whose engine frames are followed live. */
  private final Map<String, LiveJob> liveJobs = new HashMap<>();
  private final List<ObjectNode> held = new ArrayList<>();
  private JobFeed.Subscription subscription;
  private boolean jobsKnown;
  private boolean greeted;
  private boolean stopped;

  ClientConnection(UserChannel user, String clientId, ClientSink sink,
      Function<String, Optional<JobPrompt>> prompts, Instant openedAt, Gateway.LiveFrames live) {
    this.user = user;
    this.live = live;
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
          if (isUnderWay(job) && live.stream() != JobLiveStream.NONE) {
            followLive(job, true);
          }
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
      LiveJob liveJob = liveJobOf(job);
      if (liveJob != null && (liveJob.heldEnd != null || (justEnded(before, job) && liveJob.waitsForLive()))) {
        holdEnd(liveJob, before, job);
        return;
      }
      tell(before, job, liveJob);
    }
  }

  private static boolean justEnded(Job before, Job job) {
    return job.status().isTerminal()
        && (before == null || before.attempt() != job.attempt() || !before.status().isTerminal());
  }

  /** The messages from {@code before} to {@code job}, less what its live frames told already. */
  private void tell(Job before, Job job, LiveJob liveJob) {
    boolean ended = justEnded(before, job);
    if (ended) {
      user.jobEnded(job.id());
    }
    List<ObjectNode> messages = JobMessages.between(before, job, user.queueRemaining(), prompts,
        liveJob == null ? null : liveJob.told());
    if (liveJob != null) {
      messages = liveJob.fromDocument(messages);
    }
    messages.forEach(this::send);
    if (ended) {
      user.reportQueue(messages.isEmpty() ? null : this);
      if (liveJob != null) {
        liveJob.close();
        liveJobs.remove(job.id());
      }
    }
  }

  private static boolean isUnderWay(Job job) {
    return job.status() == JobStatus.DISPATCHED || job.status() == JobStatus.RUNNING;
  }

  /** The job's live follow: a new one once it is under way, none before; a new attempt starts afresh. */
  private LiveJob liveJobOf(Job job) {
    LiveJob current = liveJobs.get(job.id());
    if (current != null && current.attempt != job.attempt()) {
      current.close();
      liveJobs.remove(job.id());
      current = null;
    }
    if (current == null && isUnderWay(job) && live.stream() != JobLiveStream.NONE) {
      current = followLive(job, false);
    }
    return current;
  }

  /** @param skipBacklog the client connected while the job ran: frames already written are not news to it */
  private LiveJob followLive(Job job, boolean skipBacklog) {
    LiveJob liveJob = new LiveJob(job, skipBacklog);
    liveJobs.put(job.id(), liveJob);
    liveJob.subscription = live.stream().follow(job.id(), new JobLiveStream.Listener() {
      @Override
      public void window(LiveWindow window) {
        synchronized (user) {
          if (!stopped && liveJobs.get(liveJob.jobId) == liveJob) {
            relay(liveJob, window);
          }
        }
      }

      @Override
      public void failed(RuntimeException cause) {
        // The job document still tells the client the job's course, only coarser.
        log.warn("live frames of job {} for client {} broke: {}", liveJob.jobId, clientId, cause.toString());
        synchronized (user) {
          liveJob.broken = true;
          if (!stopped && liveJob.heldEnd != null) {
            releaseEnd(liveJob);
          }
        }
      }
    });
    return liveJob;
  }

  private void relay(LiveJob liveJob, LiveWindow window) {
    for (Object item : liveJob.fromLive(window, sink.wantsPreviewMetadata())) {
      if (item instanceof ObjectNode message) {
        send(message);
      } else if (greeted) { // a preview before the greeting is stale by the time it is greeted
        sink.sendBinary((byte[]) item);
      }
    }
    if (liveJob.heldEnd != null && !liveJob.waitsForLive()) {
      releaseEnd(liveJob);
    }
  }

  /**
   * The job ended before the last of its live frames arrived: its end waits for them (so that
   * nothing follows {@code executing null}), at most {@link Gateway.LiveFrames#grace}.
   */
  private void holdEnd(LiveJob liveJob, Job before, Job job) {
    if (liveJob.heldEnd == null) {
      // The rest of the user's sockets hear the queue shrink now; this one in its turn, with the end.
      user.jobEnded(job.id());
      user.reportQueue(this);
      liveJob.heldBefore = before;
      live.timer().schedule(() -> {
        synchronized (user) {
          if (!stopped && liveJob.heldEnd != null) {
            releaseEnd(liveJob);
          }
        }
      }, live.grace().toMillis(), TimeUnit.MILLISECONDS);
    }
    liveJob.heldEnd = job;
  }

  private void releaseEnd(LiveJob liveJob) {
    Job before = liveJob.heldBefore;
    Job end = liveJob.heldEnd;
    liveJob.heldEnd = null;
    liveJob.heldBefore = null;
    tell(before, end, liveJob);
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
    liveJobs.values().forEach(LiveJob::close);
    liveJobs.clear();
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
