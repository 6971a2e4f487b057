package dev.darkroom.functions.api.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.functions.HttpResponse;
import dev.darkroom.core.auth.AuthFailure;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobOutput;
import dev.darkroom.core.limits.OpenStreams;
import dev.darkroom.core.port.JobFeed;
import dev.darkroom.core.port.JobStore;
import dev.darkroom.core.usecase.FindOwnJob;
import dev.darkroom.core.usecase.StandingRecheck;
import dev.darkroom.functions.api.http.Call;
import dev.darkroom.functions.api.http.Replies;
import dev.darkroom.functions.api.http.Route;
import dev.darkroom.functions.api.http.RouteGroup;
import dev.darkroom.functions.api.views.JobResources;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v2/jobs/{id}/events}: the job as Server-Sent Events, from the live feed of its
 * document (no polling). First a {@code status} event with the job as it is, then per change an
 * {@code output} event for each new output, a {@code progress} event when the progress moved and
 * a {@code status} event when the status did; at a terminal status an {@code end} event, and the
 * stream closes. A {@code : keep-alive} comment every 15 s keeps proxies from closing an idle stream.
 *
 * <p>Event ids are numbers that grow per job across connections: the first event of a change is
 * numbered by the job's {@code updatedAt} (epoch nanoseconds), later ones of the same change
 * count up from it. A client reconnecting with {@code Last-Event-ID} is sent nothing it had: a job
 * not changed since is not repeated, and one that had ended by then answers {@code 204}, which
 * tells an {@code EventSource} to stop reconnecting.
 *
 * <p>A browser's {@code EventSource} sends no headers: it opens the stream with a single-use ticket
 * in {@code ?ticket=} (the router redeems it, see {@link Route#eventStream}). One instance holds at
 * most {@link OpenStreams.Limits} streams per user and in all; beyond them the answer is 429 before
 * any event. An open stream's credential is rechecked ({@link StandingRecheck}) before each wait
 * for a change, so at least every {@link #KEEP_ALIVE}: when its key was revoked, its account disabled
 * or deleted, or its user's sessions revoked since it was authenticated, an {@code error} event
 * ({@code {"error": {"status": 401, "message": …}}}) ends it, at most the recheck period plus
 * {@link #KEEP_ALIVE} after the change.
 */
public final class JobEventStream implements RouteGroup {
  private static final Logger log = LoggerFactory.getLogger(JobEventStream.class);
  static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
  /**
   * Cloud Functions end an HTTP request at the function's timeout (Terraform sets the api's to
   * 60 min, the most 2nd gen allows): the stream ends a little before, cleanly, and the client
   * reconnects with {@code Last-Event-ID}, instead of being cut off mid-event by the platform.
   */
  static final Duration LIFETIME = Duration.ofMinutes(55);
  /** What the feed reports when the job's document is not there. */
  private static final Object GONE = new Object();

  private final JobStore jobs;
  private final FindOwnJob findOwn;
  private final JobFeed feed;
  private final JobResources resources;
  private final Clock clock;
  private final Duration keepAlive;
  private final Duration lifetime;
  private final OpenStreams open;
  private final StandingRecheck standing;

  public JobEventStream(JobStore jobs, JobFeed feed, JobResources resources, Clock clock, OpenStreams open,
      StandingRecheck standing) {
    this(jobs, feed, resources, clock, KEEP_ALIVE, LIFETIME, open, standing);
  }

  public JobEventStream(JobStore jobs, JobFeed feed, JobResources resources, Clock clock, Duration keepAlive,
      Duration lifetime, OpenStreams open, StandingRecheck standing) {
    this.jobs = jobs;
    this.findOwn = new FindOwnJob(jobs);
    this.feed = feed;
    this.resources = resources;
    this.clock = clock;
    this.keepAlive = keepAlive;
    this.lifetime = lifetime;
    this.open = Objects.requireNonNull(open, "open");
    this.standing = Objects.requireNonNull(standing, "standing");
  }

  @Override
  public List<Route> routes() {
    return List.of(
        Route.eventStream("GET", "/v2/jobs/{id}/events", this::stream));
  }

  public void stream(Call call) throws IOException {
    Job job = findOwn.find(call.segment(3), call.user()).orElseThrow(Replies.ApiError::noJobOfYours);
    long lastEventId = lastEventId(call);
    if (job.status().isTerminal() && lastEventId >= idOf(job)) {
      call.response().setStatusCode(204);
      return;
    }
    HttpResponse response = call.response();
    OpenStreams.Slot slot;
    try {
      slot = open.open(call.user());
    } catch (OpenStreams.LimitReached tooMany) {
      if (!tooMany.perUser()) {
        response.appendHeader("Retry-After", "5");
      }
      Replies.apiError(response, 429, tooMany.getMessage());
      return;
    }
    Instant authenticatedAt = call.authenticatedAt() != null ? call.authenticatedAt() : clock.instant();
    response.setStatusCode(200);
    response.setContentType("text/event-stream; charset=utf-8");
    response.appendHeader("Cache-Control", "no-cache");
    // Tells nginx-style proxies not to buffer; the local Edge and Google's front end stream anyway.
    response.appendHeader("X-Accel-Buffering", "no");
    BlockingQueue<Object> changes = new LinkedBlockingQueue<>();
    Instant deadline = clock.instant().plus(lifetime);
    try (OpenStreams.Slot held = slot;
         OutputStream out = response.getOutputStream();
         JobFeed.Subscription ignored = feed.job(job.id(), listener(changes))) {
      Events events = new Events(out, lastEventId);
      // The headers and a first byte go out now: clients and proxies see the stream is open.
      events.comment("job " + job.id());
      Job shown = null;
      while (true) {
        try {
          standing.confirm(call.caller(), authenticatedAt);
        } catch (AuthFailure ended) {
          ObjectNode error = Replies.JSON.createObjectNode();
          error.putObject("error").put("status", 401).put("message", "credential no longer valid: " + ended.getMessage());
          events.sendUnnumbered("error", error);
          return;
        }
        long left = Duration.between(clock.instant(), deadline).toMillis();
        if (left <= 0) {
          events.comment("this stream has lasted " + lifetime.toMinutes() + " min; reconnect with Last-Event-ID");
          return;
        }
        Object next = changes.poll(Math.min(keepAlive.toMillis(), left), TimeUnit.MILLISECONDS);
        if (next == null) {
          events.comment("keep-alive");
          continue;
        }
        if (next == GONE) {
          return;
        }
        if (next instanceof RuntimeException failure) {
          // The client reconnects with Last-Event-ID and gets a fresh subscription.
          log.warn("job {} event stream ends, the feed failed: {}", job.id(), failure.toString());
          return;
        }
        Job now = (Job) next;
        if (shown == null && idOf(now) <= lastEventId) {
          continue;
        }
        emit(events, shown, now);
        shown = now;
        if (now.status().isTerminal()) {
          events.send("end", Replies.JSON.createObjectNode().put("id", now.promptId()).put("status", now.status().wireName()));
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // The client went away: nothing to answer, and the subscription is closed above.
      log.debug("job {} event stream closed by the client: {}", job.id(), e.toString());
    } catch (RuntimeException e) {
      // The answer is under way (200 and events sent): no status can follow. The stream ends and
      // the client resumes with Last-Event-ID.
      log.warn("job {} event stream ends: {}", job.id(), e.toString());
    }
  }

  /** The events that take a client who saw {@code before} (null: nothing) to {@code now}. */
  private void emit(Events events, Job before, Job now) throws IOException {
    if (before == null) {
      events.at(idOf(now)).send("status", resources.of(now));
      return;
    }
    events.at(idOf(now));
    for (JobOutput output : now.outputs()) {
      if (!before.outputs().contains(output)) {
        ObjectNode data = Replies.JSON.createObjectNode().put("id", now.promptId());
        data.set("output", resources.output(now, output));
        events.send("output", data);
      }
    }
    for (JobOutput output : now.outputs()) {
      java.util.Optional<dev.darkroom.core.job.Thumbnail> preview = now.thumbnailOf(output.objectName());
      if (before.outputs().contains(output) && preview.isPresent() && !preview.equals(before.thumbnailOf(output.objectName()))) {
        ObjectNode data = Replies.JSON.createObjectNode().put("id", now.promptId());
        data.set("output", resources.output(now, output));
        events.send("thumbnail", data);
      }
    }
    if (now.progress() != null && !now.progress().equals(before.progress())) {
      ObjectNode data = Replies.JSON.createObjectNode().put("id", now.promptId());
      data.set("progress", JobResources.progress(now));
      events.send("progress", data);
    }
    if (now.status() != before.status() || !Objects.equals(now.error(), before.error())) {
      events.send("status", resources.of(now));
    }
  }

  private static JobFeed.JobsListener listener(BlockingQueue<Object> changes) {
    return new JobFeed.JobsListener() {
      @Override
      public void current(List<Job> jobs) {
        if (jobs.isEmpty()) {
          changes.add(GONE);
        }
        changes.addAll(jobs);
      }

      @Override
      public void changed(Job job) {
        changes.add(job);
      }

      @Override
      public void failed(RuntimeException cause) {
        changes.add(cause);
      }
    };
  }

  /** The id of the first event about this state of the job: its {@code updatedAt} in epoch nanoseconds. */
  static long idOf(Job job) {
    Instant at = job.updatedAt();
    return Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000_000L), at.getNano());
  }

  /** The client's {@code Last-Event-ID}, or -1 without a usable one (then the stream starts afresh). */
  private static long lastEventId(Call call) {
    String value = call.request().getFirstHeader("Last-Event-ID").orElse("").strip();
    try {
      return value.isEmpty() ? -1 : Long.parseLong(value);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Writes events and comments, each flushed at once: a buffered event is a late event. */
  private static final class Events {
    private final OutputStream out;
    private long lastId;
    private long nextId;

    Events(OutputStream out, long lastId) {
      this.out = out;
      this.lastId = lastId;
    }

    /** Numbers the next events from {@code id}, or from after the last one if that is higher. */
    Events at(long id) {
      nextId = Math.max(id, lastId + 1);
      return this;
    }

    void send(String event, JsonNode data) throws IOException {
      long id = Math.max(nextId, lastId + 1);
      lastId = id;
      nextId = id + 1;
      // Compact JSON has no raw newline (strings escape theirs), so the data is one line.
      write("event: " + event + "\nid: " + id + "\ndata: " + Replies.JSON.writeValueAsString(data) + "\n\n");
    }

    /** An event without an id, so a client resuming with {@code Last-Event-ID} misses nothing for it. */
    void sendUnnumbered(String event, JsonNode data) throws IOException {
      write("event: " + event + "\ndata: " + Replies.JSON.writeValueAsString(data) + "\n\n");
    }

    void comment(String text) throws IOException {
      write(": " + text + "\n\n");
    }

    private void write(String text) throws IOException {
      out.write(text.getBytes(StandardCharsets.UTF_8));
      out.flush();
    }
  }
}
