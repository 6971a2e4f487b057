package dev.darkroom.functions.api.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.job.PromptIds;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.limits.InputLimits;
import dev.darkroom.core.port.JobStore;
import dev.darkroom.core.usecase.CancelJobs;
import dev.darkroom.functions.api.http.Call;
import dev.darkroom.functions.api.http.Replies;
import dev.darkroom.functions.api.http.RequestBodies;
import dev.darkroom.functions.api.http.Route;
import dev.darkroom.functions.api.http.RouteGroup;
import dev.darkroom.functions.api.views.HistoryEntries;
import dev.darkroom.functions.api.views.PromptListing;
import dev.darkroom.functions.api.views.QueueItems;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** {@code GET|POST /queue} and {@code POST /interrupt}, over the caller's jobs. */
public final class QueueRoutes implements RouteGroup {
  private final JobStore jobs;
  private final CancelJobs cancel;
  private final long maxBytes;

  public QueueRoutes(JobStore jobs, CancelJobs cancel) {
    this(jobs, cancel, PromptListing.DEFAULT_MAX_BYTES);
  }

  /** @param maxBytes the most bytes of items one answer shows ({@code LISTING_MAX_BYTES}) */
  public QueueRoutes(JobStore jobs, CancelJobs cancel, long maxBytes) {
    this.jobs = jobs;
    this.cancel = cancel;
    this.maxBytes = maxBytes;
  }

  @Override
  public List<Route> routes() {
    return List.of(
        new Route("GET", "/queue", this::get),
        new Route("POST", "/queue", this::post),
        new Route("POST", "/interrupt", this::interrupt));
  }

  /**
   * Running first as ComfyUI lists them; pending in heap order, which is ascending number. Items
   * stop where the answer would pass its byte budget ({@link PromptListing}): the running ones and
   * the front of the queue are what a client needs first. The job documents read are the caller's
   * unfinished ones (small: no prompt, few outputs); their prompts only as far as the budget goes.
   */
  void get(Call call) throws IOException {
    PromptListing listing = new PromptListing(jobs, maxBytes);
    int running = listing.add(inQueueOrder(CancelJobs.RUNNING, call), 1, QueueItems::of);
    listing.add(inQueueOrder(CancelJobs.PENDING, call), 1, QueueItems::of);
    PromptListing.Result result = listing.result();
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    body.writeBytes("{\"queue_running\":[".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    for (int i = 0; i < result.entries().size(); i++) {
      if (i == running) {
        body.writeBytes("],\"queue_pending\":[".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      } else if (i > 0) {
        body.write(',');
      }
      body.writeBytes(result.entries().get(i).json());
    }
    if (running == result.entries().size()) {
      body.writeBytes("],\"queue_pending\":[".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
    body.writeBytes("]}".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    PromptListing.reply(call.response(), result.truncated(), body.toByteArray());
  }

  private List<Job> inQueueOrder(java.util.Set<dev.darkroom.core.job.JobStatus> statuses, Call call) {
    return jobs.listForUser(call.user(), statuses, HistoryEntries.MAX_LISTED).stream()
        .sorted(Comparator.comparingDouble(Job::number)).toList();
  }

  /** {@code {"clear": true}} and/or {@code {"delete": [ids]}}: pending jobs only, as ComfyUI. */
  void post(Call call) throws IOException {
    JsonNode body = RequestBodies.jsonObject(call.request());
    List<String> targets = new ArrayList<>(RequestBodies.idsToDelete(body));
    if (RequestBodies.truthy(body.path("clear"))) {
      jobs.listForUser(call.user(), CancelJobs.PENDING, HistoryEntries.MAX_LISTED).forEach(job -> targets.add(job.id()));
    }
    targets.forEach(id -> cancel.cancelPending(call.user(), id));
    Replies.ack(call.response());
  }

  /**
   * With a {@code prompt_id}: that job, if it is the caller's (pending: cancelled now; running:
   * asked to stop). Without: every running job of the caller, as ComfyUI's global flag stops
   * whatever runs. Unreadable bodies count as {@code {}}, as in ComfyUI.
   */
  void interrupt(Call call) throws IOException {
    JsonNode body = RequestBodies.json(RequestBodies.read(call.request(), InputLimits.CONTROL_BODY_BYTES))
        .filter(JsonNode::isObject)
        .orElse(Replies.JSON.createObjectNode());
    JsonNode id = body.get("prompt_id");
    if (id != null && RequestBodies.truthy(id)) {
      String promptId = id.isTextual() ? id.textValue() : id.toString();
      if (PromptIds.isValid(promptId)) {
        cancel.interrupt(call.user(), promptId);
      }
    } else {
      jobs.listForUser(call.user(), CancelJobs.RUNNING, HistoryEntries.MAX_LISTED)
          .forEach(job -> cancel.interrupt(call.user(), job.id()));
    }
    Replies.ack(call.response());
  }
}
