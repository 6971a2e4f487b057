package dev.darkroom.functions.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.darkroom.core.auth.Caller;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobOutput;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.job.Progress;
import dev.darkroom.core.port.JobChange.Outcome;
import dev.darkroom.functions.api.http.Call;
import dev.darkroom.functions.api.http.ComfyApi;
import dev.darkroom.functions.api.routes.JobEventStream;
import dev.darkroom.functions.api.views.JobResources;
import dev.darkroom.testing.InMemoryJobFeed;
import dev.darkroom.testing.InMemoryJobStore;
import dev.darkroom.testing.InMemoryOutputStore;
import dev.darkroom.testing.ManualClock;
import dev.darkroom.testing.InMemoryLedger;
import dev.darkroom.testing.RecordingJobQueue;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** {@code GET /api/v2/jobs/{id}/events} as an SSE client reads it, on the in-memory feed. */
class JobEventStreamTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  private final InMemoryJobStore jobs = new InMemoryJobStore();
  private final InMemoryOutputStore outputs = new InMemoryOutputStore();
  private final ComfyApi api = ApiFixture.api(jobs, new RecordingJobQueue(), outputs,
      new InMemoryLedger(), null,
      request -> Caller.idToken("alice", Job.DEFAULT_TIER));
  private final String id = UUID.randomUUID().toString();
  private Instant at = T0;

  /** One parsed event: {@code event}, {@code id} and {@code data} (JSON). */
  record Event(String event, long id, JsonNode data) {}

  private Job write(UnaryOperator<Job> change) {
    at = at.plusMillis(1);
    Instant when = at;
    return jobs.update(id, current -> {
      Job next = change.apply(current.orElse(null)).toBuilder().updatedAt(when).build();
      return Outcome.write(next, next);
    });
  }

  static List<Event> events(String stream) throws Exception {
    List<Event> events = new ArrayList<>();
    for (String block : stream.split("\n\n")) {
      String event = null;
      long eventId = -1;
      JsonNode data = null;
      for (String line : block.split("\n")) {
        if (line.startsWith("event: ")) event = line.substring(7);
        if (line.startsWith("id: ")) eventId = Long.parseLong(line.substring(4));
        if (line.startsWith("data: ")) data = JSON.readTree(line.substring(6));
      }
      if (event != null) {
        events.add(new Event(event, eventId, data));
      }
    }
    return events;
  }

  private Job queued() {
    return Job.queued(id, "alice", 1, JSON.createObjectNode(), JSON.createObjectNode(), "c1", T0);
  }

  @Test
  void aJobIsStreamedFromQueuedThroughProgressAndOutputsToSucceededThenTheStreamEnds() throws Exception {
    write(job -> queued());
    FakeHttp.Response response = new FakeHttp.Response();
    CompletableFuture<Void> streaming = stream(response, null);
    await().atMost(Duration.ofSeconds(10)).until(() -> response.text().contains("event: status"));
    assertThat(response.status).isEqualTo(200);
    assertThat(response.contentType).startsWith("text/event-stream");

    write(job -> job.withStatus(JobStatus.DISPATCHED, at));
    write(job -> job.afterEvent(JobStatus.RUNNING, 1, new Progress("3", 1, 20), List.of(), null, 0, at));
    write(job -> job.afterEvent(JobStatus.RUNNING, 2, new Progress("3", 20, 20), List.of(), null, 0, at));
    JobOutput png = new JobOutput("9", "images", "x_00001_.png", "", "output", "outputs/alice/" + id + "/x.png",
        "image/png", 10, "abc");
    write(job -> job.afterEvent(JobStatus.SUCCEEDED, 3, job.progress(), List.of(png), null, 2, at));
    streaming.get(10, java.util.concurrent.TimeUnit.SECONDS);

    List<Event> events = events(response.text());
    assertThat(events).extracting(Event::event).containsExactly(
        "status", "status", "progress", "status", "progress", "output", "status", "end");
    assertThat(events).extracting(e -> e.data().path("status").asText(null)).containsExactly(
        "queued", "dispatched", null, "running", null, null, "succeeded", "succeeded");
    assertThat(events.get(0).data().get("queue_position").asInt()).isEqualTo(1);
    assertThat(events.get(4).data().at("/progress/value").asInt()).isEqualTo(20);
    assertThat(events.get(5).data().at("/output/url").asText()).startsWith("memory:/");
    assertThat(events).extracting(Event::id).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void reconnectingWithLastEventIdResumesWithoutRepeatsAndAnEndedJobAnswers204() throws Exception {
    write(job -> queued());
    FakeHttp.Response first = new FakeHttp.Response();
    CompletableFuture<Void> firstStream = stream(first, null);
    await().atMost(Duration.ofSeconds(10)).until(() -> first.text().contains("event: status"));
    long seen = events(first.text()).get(0).id();

    // The client that saw the queued state reconnects: nothing new yet, so nothing is sent...
    FakeHttp.Response second = new FakeHttp.Response();
    CompletableFuture<Void> secondStream = stream(second, Long.toString(seen));
    await().atMost(Duration.ofSeconds(10)).until(() -> second.text().contains(": keep-alive"));
    assertThat(events(second.text())).isEmpty();
    // ... until the job changes.
    write(job -> job.withStatus(JobStatus.CANCELLED, at));
    secondStream.get(10, java.util.concurrent.TimeUnit.SECONDS);
    firstStream.get(10, java.util.concurrent.TimeUnit.SECONDS);
    List<Event> resumed = events(second.text());
    assertThat(resumed).extracting(Event::event).containsExactly("status", "end");
    assertThat(resumed.get(0).id()).isGreaterThan(seen);
    assertThat(resumed.get(0).data().get("status").asText()).isEqualTo("cancelled");

    FakeHttp.Response after = new FakeHttp.Response();
    stream(after, Long.toString(resumed.get(1).id())).get(10, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(after.status).isEqualTo(204);
    assertThat(after.text()).isEmpty();
  }

  @Test
  void anotherUsersJobIs404AndAStreamEndsAtItsLifetime() throws Exception {
    write(job -> Job.queued(id, "bob", 1, JSON.createObjectNode(), JSON.createObjectNode(), null, T0));
    FakeHttp.Response others = new FakeHttp.Response();
    stream(others, null).get(10, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(others.status).isEqualTo(404);

    write(job -> queued());
    ManualClock clock = new ManualClock(T0);
    ApiFixture.Streams streams = ApiFixture.Streams.defaults();
    JobEventStream bounded = new JobEventStream(jobs, new InMemoryJobFeed(jobs), new JobResources(jobs, outputs), clock,
        Duration.ofMillis(20), Duration.ofMinutes(55), streams.open(), streams.standing());
    FakeHttp.Response response = new FakeHttp.Response();
    CompletableFuture<Void> streaming = CompletableFuture.runAsync(() -> {
      try {
        bounded.stream(new Call(FakeHttp.request("GET", "/v2/jobs/" + id + "/events", (String) null), response,
            Caller.idToken("alice", Job.DEFAULT_TIER), "/v2/jobs/" + id + "/events"));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> response.text().contains(": keep-alive"));
    clock.advance(Duration.ofMinutes(55));
    streaming.get(10, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(response.text()).contains("reconnect with Last-Event-ID");
    assertThat(events(response.text())).extracting(Event::event).containsExactly("status");
  }

  private CompletableFuture<Void> stream(FakeHttp.Response response, String lastEventId) {
    FakeHttp.Request request = FakeHttp.request("GET", "/api/v2/jobs/" + id + "/events", (String) null);
    if (lastEventId != null) {
      request.headers.put("Last-Event-ID", List.of(lastEventId));
    }
    return CompletableFuture.runAsync(() -> {
      try {
        api.handle(request, response);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
  }
}
