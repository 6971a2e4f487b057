package dev.darkroom.functions.api.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobPrompt;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.JobChange.Outcome;
import dev.darkroom.core.port.JobStore;
import dev.darkroom.core.usecase.FindOwnJob;
import dev.darkroom.functions.api.http.Call;
import dev.darkroom.functions.api.http.Replies;
import dev.darkroom.functions.api.http.RequestBodies;
import dev.darkroom.functions.api.http.Route;
import dev.darkroom.functions.api.http.RouteGroup;
import dev.darkroom.functions.api.views.HistoryEntries;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /history}, {@code GET /history/{id}}, {@code POST /history}: the caller's finished
 * jobs. Clearing or deleting only hides jobs from this view; jobs and ledger rows stay.
 */
public final class HistoryRoutes implements RouteGroup {
  static final Set<JobStatus> FINISHED =
      EnumSet.copyOf(Arrays.stream(JobStatus.values()).filter(JobStatus::isTerminal).toList());

  private final JobStore jobs;
  private final Clock clock;
  private final FindOwnJob findOwn;

  public HistoryRoutes(JobStore jobs, Clock clock) {
    this.jobs = jobs;
    this.clock = clock;
    this.findOwn = new FindOwnJob(jobs);
  }

  @Override
  public List<Route> routes() {
    return List.of(
        new Route("GET", "/history", this::list),
        new Route("POST", "/history", this::post),
        new Route("GET", "/history/", this::one));
  }

  /**
   * ComfyUI's {@code get_history} walk, oldest first: {@code offset} skips, {@code max_items}
   * caps, and {@code max_items} with no (or a negative) offset gives the newest N. Both reach the
   * query, so the route reads what it shows (and the prompts of those, in one more read).
   */
  void list(Call call) throws IOException {
    Integer maxItems = intParameter(call, "max_items");
    Integer offsetParameter = intParameter(call, "offset");
    int offset = offsetParameter == null ? -1 : offsetParameter;
    List<Job> shown;
    if (offset < 0) {
      // The newest N (all when no N), shown oldest first; N <= 0 shows none, as ComfyUI's walk.
      int newest = maxItems == null ? HistoryEntries.MAX_LISTED : Math.max(0, maxItems);
      shown = new ArrayList<>(jobs.historyForUser(call.user(), true, 0, newest));
      Collections.reverse(shown);
    } else {
      // ComfyUI's walk adds an entry before it compares with max_items: at least one is shown.
      int limit = maxItems == null ? HistoryEntries.MAX_LISTED : Math.max(1, maxItems);
      shown = jobs.historyForUser(call.user(), false, offset, limit);
    }
    Map<String, JobPrompt> prompts = jobs.promptsOf(shown);
    ObjectNode reply = Replies.JSON.createObjectNode();
    for (Job job : shown) {
      reply.set(job.id(), HistoryEntries.entry(Replies.JSON, job, prompts.get(job.id())));
    }
    Replies.json(call.response(), 200, reply);
  }

  /** ComfyUI answers {@code {}} for a prompt that is queued, running or unknown; never 404. */
  void one(Call call) throws IOException {
    String promptId = call.path().substring("/history/".length());
    ObjectNode reply = Replies.JSON.createObjectNode();
    findOwn.find(promptId, call.user())
        .filter(job -> job.status().isTerminal() && !job.hiddenFromHistory())
        .ifPresent(job -> reply.set(job.id(),
            HistoryEntries.entry(Replies.JSON, job, jobs.promptOf(job.id()).orElse(null))));
    Replies.json(call.response(), 200, reply);
  }

  void post(Call call) throws IOException {
    JsonNode body = RequestBodies.jsonObject(call.request());
    List<String> targets = new ArrayList<>(RequestBodies.idsToDelete(body));
    if (RequestBodies.truthy(body.path("clear"))) {
      jobs.historyForUser(call.user(), true, 0, HistoryEntries.MAX_LISTED).forEach(job -> targets.add(job.id()));
    }
    for (String id : targets) {
      jobs.update(id, current -> current
          .filter(job -> job.userId().equals(call.user()) && job.status().isTerminal() && !job.hiddenFromHistory())
          .map(job -> Outcome.write(job.hiddenFromHistory(clock.instant()), (Void) null))
          .orElseGet(() -> Outcome.keep(null)));
    }
    Replies.ack(call.response());
  }

  /** ComfyUI's {@code int(...)} of a query parameter; it answers 500 for a non-integer, we 400. */
  private static Integer intParameter(Call call, String name) {
    String value = call.query(name);
    if (value == null) {
      return null;
    }
    try {
      return Integer.valueOf(value.strip());
    } catch (NumberFormatException e) {
      throw Replies.Refusal.badRequest(name + " must be an integer, got '" + value + "'");
    }
  }
}
