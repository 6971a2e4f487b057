package dev.darkroom.functions.api.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobPrompt;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.job.PromptIds;
import dev.darkroom.core.limits.InputLimits;
import dev.darkroom.core.port.JobStore;
import dev.darkroom.core.usecase.CancelJobs;
import dev.darkroom.core.usecase.FindOwnJob;
import dev.darkroom.functions.api.http.Call;
import dev.darkroom.functions.api.http.Replies;
import dev.darkroom.functions.api.http.RequestBodies;
import dev.darkroom.functions.api.http.Route;
import dev.darkroom.functions.api.http.RouteGroup;
import dev.darkroom.functions.api.views.ComfyJobs;
import dev.darkroom.functions.api.views.HistoryEntries;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Newer ComfyUI's jobs API (server.py {@code get_jobs}, {@code get_job_by_id}, {@code cancel_job_by_id};
 * comfy_execution/jobs.py): {@code GET /api/jobs}, {@code GET /api/jobs/{id}}, {@code POST /api/jobs/{id}/cancel},
 * {@code POST /api/jobs/cancel},
 * over the caller's own jobs, with its parameters, statuses, error bodies ({@code {"error": ...}}) and answers.
 *
 * <p>The default listing (newest first by creation) reads the jobs it shows plus those its {@code offset}
 * skips and one more, in pages; its {@code total} is a count, which reads no job. Other orders and the
 * {@code workflow_id} filter need every candidate: they look at the caller's newest {@link #SORT_WINDOW}
 * jobs ({@link #WORKFLOW_WINDOW} with {@code workflow_id}, whose id is in each job's stored prompt).
 */
public final class ComfyJobsRoutes implements RouteGroup {
  /** The most jobs one answer lists, with or without {@code limit} (ComfyUI: no limit). */
  public static final int MAX_LIMIT = 100;
  /** Jobs read per query while listing. */
  static final int PAGE = 100;
  /** The newest jobs an order other than the default sorts. */
  public static final int SORT_WINDOW = 1_000;
  /** The newest jobs whose prompts a {@code workflow_id} filter reads. */
  public static final int WORKFLOW_WINDOW = 100;
  /** The most ids one {@code POST /api/jobs/cancel} takes. */
  public static final int MAX_CANCELLED_AT_ONCE = 100;

  private final JobStore jobs;
  private final CancelJobs cancel;
  private final FindOwnJob findOwn;

  public ComfyJobsRoutes(JobStore jobs, CancelJobs cancel) {
    this.jobs = jobs;
    this.cancel = cancel;
    this.findOwn = new FindOwnJob(jobs);
  }

  @Override
  public List<Route> routes() {
    return List.of(
        new Route("GET", "/jobs", this::list),
        new Route("GET", "/jobs/{id}", this::one),
        new Route("POST", "/jobs/{id}/cancel", this::cancel),
        new Route("POST", "/jobs/cancel", this::cancelMany));
  }

  /** server.py {@code get_jobs}: its checks in its order, each a 400 with {@code {"error"}}. */
  void list(Call call) throws IOException {
    String statusParameter = call.query("status");
    String workflowId = call.query("workflow_id");
    String sortBy = Optional.ofNullable(call.query("sort_by")).orElse("created_at").toLowerCase(Locale.ROOT);
    String sortOrder = Optional.ofNullable(call.query("sort_order")).orElse("desc").toLowerCase(Locale.ROOT);
    Set<String> statuses = new LinkedHashSet<>(ComfyJobs.STATUSES);
    if (statusParameter != null && !statusParameter.isEmpty()) {
      statuses.clear();
      Arrays.stream(statusParameter.split(",")).map(s -> s.strip().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty())
          .forEach(statuses::add);
      List<String> invalid = statuses.stream().filter(s -> !ComfyJobs.STATUSES.contains(s)).toList();
      if (!invalid.isEmpty()) {
        error(call, 400, "Invalid status value(s): " + String.join(", ", invalid) + ". Valid values: "
            + String.join(", ", ComfyJobs.STATUSES));
        return;
      }
    }
    if (!List.of("created_at", "execution_duration").contains(sortBy)) {
      error(call, 400, "sort_by must be 'created_at' or 'execution_duration'");
      return;
    }
    if (!List.of("asc", "desc").contains(sortOrder)) {
      error(call, 400, "sort_order must be 'asc' or 'desc'");
      return;
    }
    Integer limit = null;
    if (call.query("limit") != null) {
      Optional<Integer> parsed = integer(call.query("limit"));
      if (parsed.isEmpty()) {
        error(call, 400, "limit must be an integer");
        return;
      }
      if (parsed.get() <= 0) {
        error(call, 400, "limit must be a positive integer");
        return;
      }
      limit = parsed.get();
    }
    int offset = 0;
    if (call.query("offset") != null) {
      Optional<Integer> parsed = integer(call.query("offset"));
      if (parsed.isEmpty()) {
        error(call, 400, "offset must be an integer");
        return;
      }
      offset = Math.max(0, parsed.get());
    }
    Set<JobStatus> matching = ComfyJobs.statusesOf(statuses);
    int shown = Math.min(limit == null ? MAX_LIMIT : limit, MAX_LIMIT);
    List<ObjectNode> page;
    long total;
    if (matching.isEmpty()) {
      page = List.of();
      total = 0;
    } else if (workflowId == null && sortBy.equals("created_at") && sortOrder.equals("desc")) {
      offset = Math.min(offset, HistoryEntries.MAX_LISTED);
      List<Job> newest = newest(call.user(), matching, offset + shown);
      page = newest.subList(Math.min(offset, newest.size()), newest.size()).stream().map(ComfyJobs::summary).toList();
      total = jobs.countForUser(call.user(), matching, HistoryEntries.MAX_LISTED);
    } else {
      List<ObjectNode> candidates = candidates(call.user(), matching, workflowId);
      candidates.sort(order(sortBy, sortOrder));
      total = candidates.size();
      page = candidates.subList(Math.min(offset, candidates.size()), Math.min(offset + shown, candidates.size()));
    }
    ObjectNode reply = Replies.JSON.createObjectNode();
    ArrayNode listed = reply.putArray("jobs");
    page.forEach(listed::add);
    ObjectNode pagination = reply.putObject("pagination").put("offset", offset);
    if (limit == null) {
      pagination.putNull("limit");
    } else {
      pagination.put("limit", limit);
    }
    pagination.put("total", total).put("has_more", offset + page.size() < total);
    Replies.json(call.response(), 200, reply);
  }

  /** The caller's newest {@code count} jobs in {@code statuses}, a page of {@link #PAGE} per query. */
  private List<Job> newest(String user, Set<JobStatus> statuses, int count) {
    List<Job> found = new ArrayList<>();
    JobStore.Page.Position after = null;
    while (found.size() < count) {
      int want = Math.min(PAGE, count - found.size());
      List<Job> read = jobs.pageForUser(user, new JobStore.Page(statuses, null, null, after, want));
      found.addAll(read);
      if (read.size() < want) {
        break;
      }
      Job last = read.get(read.size() - 1);
      after = new JobStore.Page.Position(last.createdAt(), last.id());
    }
    return found;
  }

  /** The caller's newest jobs an order or a filter looks at, as summaries; with {@code workflowId}, only its. */
  private List<ObjectNode> candidates(String user, Set<JobStatus> statuses, String workflowId) {
    List<Job> window = newest(user, statuses, workflowId == null ? SORT_WINDOW : WORKFLOW_WINDOW);
    if (workflowId == null) {
      return new ArrayList<>(window.stream().map(ComfyJobs::summary).toList());
    }
    Map<String, JobPrompt> prompts = jobs.promptsOf(window);
    List<ObjectNode> kept = new ArrayList<>();
    for (Job job : window) {
      ObjectNode detail = ComfyJobs.detail(job, prompts.get(job.id()));
      if (workflowId.equals(detail.path("workflow_id").asText(null))) {
        ObjectNode summary = ComfyJobs.summary(job);
        summary.set("workflow_id", detail.get("workflow_id"));
        kept.add(summary);
      }
    }
    return kept;
  }

  /** jobs.py {@code apply_sorting}: by creation time, or by run time (0 when unknown). */
  private static Comparator<ObjectNode> order(String sortBy, String sortOrder) {
    Comparator<ObjectNode> order = sortBy.equals("execution_duration")
        ? Comparator.comparingLong(job -> {
          long start = job.path("execution_start_time").asLong(0);
          long end = job.path("execution_end_time").asLong(0);
          return start != 0 && end != 0 ? end - start : 0;
        })
        : Comparator.comparingLong(job -> job.path("create_time").asLong(0));
    return sortOrder.equals("desc") ? order.reversed() : order;
  }

  /** server.py {@code get_job_by_id}: the job with its workflow (and outputs, once finished), or 404. */
  void one(Call call) throws IOException {
    Optional<Job> job = findOwn.find(call.segment(2), call.user());
    if (job.isEmpty()) {
      error(call, 404, "Job not found");
      return;
    }
    Replies.json(call.response(), 200, ComfyJobs.detail(job.get(), jobs.promptOf(job.get().id()).orElse(null)));
  }

  /**
   * server.py {@code cancel_job_by_id}: a pending job is dequeued, a running one interrupted;
   * {@code {"cancelled": false}} for a finished, unknown or another user's job, never an error.
   */
  void cancel(Call call) throws IOException {
    boolean cancelled = cancelOwn(call.user(), call.segment(2));
    Replies.json(call.response(), 200, Replies.JSON.createObjectNode().put("cancelled", cancelled));
  }

  /**
   * server.py {@code cancel_jobs_batch}: {@code {"job_ids": [...]}}, every id a canonical lowercase UUID
   * (else 400 with {@code invalid_ids}), then each cancelled as by {@link #cancel}; {@code {"cancelled"}} is
   * whether any was. At most {@link #MAX_CANCELLED_AT_ONCE} ids (ComfyUI: no bound), each costing a read.
   */
  void cancelMany(Call call) throws IOException {
    JsonNode body;
    try {
      body = RequestBodies.parse(RequestBodies.read(call.request(), InputLimits.CONTROL_BODY_BYTES));
    } catch (RequestBodies.Unusable e) {
      error(call, 400, "Request body must be valid JSON");
      return;
    }
    JsonNode ids = body.isObject() ? body.get("job_ids") : null;
    if (ids == null || !ids.isArray()) {
      error(call, 400, "job_ids must be a list");
      return;
    }
    ArrayNode invalid = Replies.JSON.createArrayNode();
    for (JsonNode id : ids) {
      if (!id.isTextual() || !PromptIds.isValid(id.textValue())) {
        invalid.add(id.isTextual() ? id.textValue() : id.toString());
      }
    }
    if (!invalid.isEmpty()) {
      ObjectNode reply = Replies.JSON.createObjectNode().put("error", "job_ids contains invalid id(s)");
      reply.set("invalid_ids", invalid);
      Replies.json(call.response(), 400, reply);
      return;
    }
    if (ids.size() > MAX_CANCELLED_AT_ONCE) {
      error(call, 400, "job_ids holds more than " + MAX_CANCELLED_AT_ONCE + " ids; send them in batches");
      return;
    }
    boolean cancelled = false;
    for (JsonNode id : ids) {
      cancelled |= cancelOwn(call.user(), id.textValue());
    }
    Replies.json(call.response(), 200, Replies.JSON.createObjectNode().put("cancelled", cancelled));
  }

  /** Whether a cancel was dispatched: the caller's job, pending or running. */
  private boolean cancelOwn(String user, String jobId) {
    Optional<Job> job = findOwn.find(jobId, user);
    return job.isPresent() && !job.get().status().isTerminal()
        && cancel.interrupt(user, job.get().id()) != CancelJobs.Result.UNCHANGED;
  }

  private static void error(Call call, int status, String message) throws IOException {
    Replies.json(call.response(), status, Replies.JSON.createObjectNode().put("error", message));
  }

  /** Python's {@code int()} of a query value: surrounding blanks allowed, else an integer or nothing. */
  private static Optional<Integer> integer(String value) {
    try {
      return Optional.of(Integer.valueOf(value.strip()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
