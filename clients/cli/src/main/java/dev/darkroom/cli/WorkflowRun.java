package dev.darkroom.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One {@code darkroom run}: submits the workflow, follows the job's event stream to its end
 * (reconnecting with {@code Last-Event-ID} when the stream breaks), then downloads the outputs.
 * While the job runs, Ctrl-C asks Darkroom to cancel it before the JVM exits.
 */
final class WorkflowRun {
  /** Streams in a row that closed with no event before the client gives up on following. */
  static final int MAX_FRUITLESS_STREAMS = 5;
  static final Duration CANCEL_TIMEOUT = Duration.ofSeconds(5);
  /** How often a job is read when its event stream is refused (429). */
  static final Duration POLL_INTERVAL = Duration.ofSeconds(2);

  private final DarkroomApi api;
  private final ProgressDisplay display;
  private final PrintStream out;
  private final PrintStream err;
  private final ShutdownHooks hooks;
  private final Duration reconnectDelay;
  private final Duration pollInterval;

  /**
   * @param reconnectDelay the wait before reopening a stream that closed with no news, times the
   *     number of such streams in a row
   * @param pollInterval how often the job is read when its stream is refused
   */
  WorkflowRun(DarkroomApi api, ProgressDisplay display, PrintStream out, PrintStream err, ShutdownHooks hooks,
      Duration reconnectDelay, Duration pollInterval) {
    this.api = api;
    this.display = display;
    this.out = out;
    this.err = err;
    this.hooks = hooks;
    this.reconnectDelay = reconnectDelay;
    this.pollInterval = pollInterval;
  }

  /** The downloaded files; a job that did not succeed is a {@link CliFailure} with its error. */
  List<Path> run(Workflow workflow, Path outputDir) {
    Job job = api.submit(workflow.requestBody(), "darkroom-cli-" + UUID.randomUUID());
    out.println("job " + job.id() + " submitted to " + api.base());
    AtomicBoolean ended = new AtomicBoolean();
    Thread cancelOnExit = new Thread(() -> {
      if (!ended.get()) {
        err.println(api.cancel(job.id(), CANCEL_TIMEOUT) ? "interrupted: job " + job.id() + " cancelled"
            : "interrupted: could not cancel job " + job.id() + "; it may still run (POST /api/v2/jobs/" + job.id() + "/cancel)");
      }
    }, "darkroom-cancel-on-exit");
    hooks.add(cancelOnExit);
    Job last;
    try {
      last = follow(job, workflow);
    } finally {
      ended.set(true);
      display.close();
      hooks.remove(cancelOnExit);
    }
    if (!last.status().equals("succeeded")) {
      throw CliFailure.jobFailed(failure(last, workflow));
    }
    out.println("job " + last.id() + " succeeded: " + last.outputs().size() + " output"
        + (last.outputs().size() == 1 ? "" : "s") + " in " + outputDir);
    List<Path> saved = new ArrayList<>();
    for (Job.Output output : last.outputs()) {
      Path file = api.download(output, outputDir);
      saved.add(file);
      out.println(file);
    }
    return saved;
  }

  /** What happened to a job that ended otherwise than succeeded, as ComfyUI reported it. */
  static String failure(Job job, Workflow workflow) {
    String verb = switch (job.status()) {
      case "cancelled" -> "was cancelled";
      case "timed_out" -> "timed out";
      default -> job.status();
    };
    StringBuilder message = new StringBuilder("job ").append(job.id()).append(' ').append(verb);
    Job.Error error = job.error();
    if (error != null) {
      if (error.nodeId() != null && !error.nodeId().isEmpty()) {
        message.append(" in node ").append(workflow.label(error.nodeId()));
      }
      message.append(": ");
      if (error.type() != null && !error.type().isEmpty()) {
        message.append(error.type()).append(": ");
      }
      message.append(error.message() == null ? "no message" : error.message());
    }
    return message.toString();
  }

  /** Follows the job until its stream says it ended; the job as it ended. */
  private Job follow(Job submitted, Workflow workflow) {
    display.status(submitted);
    String id = submitted.id();
    long lastEventId = -1;
    int fruitless = 0;
    while (true) {
      HttpResponse<InputStream> response = api.events(id, lastEventId);
      if (response.statusCode() == 204) {
        return api.job(id);
      }
      if (response.statusCode() == 429) {
        return poll(id, workflow);
      }
      StreamState state = new StreamState(workflow);
      try (InputStream events = response.body()) {
        ServerSentEvents.read(events, state::handle);
      } catch (IOException broken) {
        // Reconnected below, from the last event seen.
      }
      if (state.ended) {
        return api.job(id);
      }
      if (state.refusal != null) {
        throw CliFailure.badInput("Darkroom ended the event stream of job " + id + ": " + state.refusal);
      }
      lastEventId = Math.max(lastEventId, state.lastId);
      fruitless = state.events > 0 ? 0 : fruitless + 1;
      if (fruitless >= MAX_FRUITLESS_STREAMS) {
        throw CliFailure.unavailable("the event stream of job " + id + " closed " + fruitless
            + " times in a row without news; the job may still run (GET " + api.base() + "/api/v2/jobs/" + id + ")", null);
      }
      pause(reconnectDelay.multipliedBy(fruitless));
    }
  }

  /**
   * Follows the job by reading it every {@link #POLL_INTERVAL}: for a caller with as many event
   * streams open as Darkroom allows (several runs at once from one script), whose job runs all the same.
   */
  private Job poll(String id, Workflow workflow) {
    err.println("darkroom: too many event streams open for this user; following job " + id + " by reading it every "
        + pollInterval.toSeconds() + " s");
    Job.Progress shown = null;
    while (true) {
      Job job = api.job(id);
      if (job.progress() != null && job.progress().nodeId() != null && !job.progress().equals(shown)) {
        display.progress(workflow.label(job.progress().nodeId()), job.progress().value(), job.progress().max());
        shown = job.progress();
      }
      display.status(job);
      if (job.ended()) {
        return job;
      }
      pause(pollInterval);
    }
  }

  /** What one connection of the stream told. */
  private final class StreamState {
    private final Workflow workflow;
    long lastId = -1;
    int events;
    boolean ended;
    String refusal;

    StreamState(Workflow workflow) {
      this.workflow = workflow;
    }

    /** False to stop reading: the job ended, or the stream was refused. */
    boolean handle(ServerSentEvents.Event event) {
      events++;
      if (event.id() != null) {
        try {
          lastId = Math.max(lastId, Long.parseLong(event.id().strip()));
        } catch (NumberFormatException ignored) {
          // Darkroom's ids are numbers; another id cannot be resumed from, so it is not kept.
        }
      }
      JsonNode data = parse(event.data());
      switch (event.name()) {
        case "status" -> display.status(Job.from(data));
        case "progress" -> {
          Job.Progress progress = Job.Progress.from(data.get("progress"));
          if (progress != null) {
            display.progress(workflow.label(progress.nodeId()), progress.value(), progress.max());
          }
        }
        case "end" -> {
          ended = true;
          return false;
        }
        case "error" -> {
          refusal = data.path("error").path("message").asText("no message");
          return false;
        }
        default -> { }
      }
      return true;
    }
  }

  private static JsonNode parse(String data) {
    try {
      return Workflow.JSON.readTree(data);
    } catch (IOException e) {
      return Workflow.JSON.missingNode();
    }
  }

  private static void pause(Duration delay) {
    try {
      Thread.sleep(delay.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CliFailure.unavailable("interrupted while reconnecting", e);
    }
  }
}
