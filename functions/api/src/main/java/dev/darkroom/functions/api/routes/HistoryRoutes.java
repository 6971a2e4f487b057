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
import dev.darkroom.functions.api.views.PromptListing;
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
  private final long maxBytes;

  /** Job documents read in one query of a listing: the most a listing reads past what it shows. */
  static final int JOBS_PER_READ = 100;
  /** An entry's key's quotes, its colon and the comma before the next. */
  private static final int ENTRY_OVERHEAD = 4;

  public HistoryRoutes(JobStore jobs, Clock clock) {
    this(jobs, clock, PromptListing.DEFAULT_MAX_BYTES);
  }

  /** @param maxBytes the most bytes of entries one listing answers ({@code LISTING_MAX_BYTES}) */
  public HistoryRoutes(JobStore jobs, Clock clock, long maxBytes) {
    this.jobs = jobs;
    this.clock = clock;
    this.findOwn = new FindOwnJob(jobs);
    this.maxBytes = maxBytes;
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
   * query, which reads a page of jobs at a time, and the prompts of those; entries stop where the
   * answer would pass its byte budget ({@link PromptListing}), so a request reads what it shows
   * plus one page of job documents and one read of prompts.
   */
  void list(Call call) throws IOException {
    Integer maxItems = intParameter(call, "max_items");
    Integer offsetParameter = intParameter(call, "offset");
    int offset = offsetParameter == null ? -1 : offsetParameter;
    // The newest N (all when no N), shown oldest first; N <= 0 shows none, as ComfyUI's walk.
    // With an offset, ComfyUI's walk adds an entry before it compares with max_items: at least one.
    boolean newestFirst = offset < 0;
    int wanted = maxItems == null ? HistoryEntries.MAX_LISTED : Math.max(newestFirst ? 0 : 1, maxItems);
    int skip = Math.max(0, offset);
    PromptListing listing = new PromptListing(jobs, maxBytes);
    int read = 0;
    while (read < wanted && !listing.full()) {
      int page = Math.min(JOBS_PER_READ, wanted - read);
      List<Job> found = jobs.historyForUser(call.user(), newestFirst, skip + read, page);
      listing.add(found, ENTRY_OVERHEAD, (job, prompt) -> HistoryEntries.entry(Replies.JSON, job, prompt));
      read += found.size();
      if (found.size() < page) {
        break;
      }
    }
    PromptListing.Result result = listing.result();
    List<PromptListing.Entry> shown = new ArrayList<>(result.entries());
    if (newestFirst) {
      Collections.reverse(shown);
    }
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    body.write('{');
    for (int i = 0; i < shown.size(); i++) {
      if (i > 0) {
        body.write(',');
      }
      body.write(Replies.JSON.writeValueAsBytes(shown.get(i).job().id()));
      body.write(':');
      body.write(shown.get(i).json());
    }
    body.write('}');
    PromptListing.reply(call.response(), result.truncated(), body.toByteArray());
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
