package dev.darkroom.functions.api.routes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.comfy.PromptError;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.limits.InputLimits;
import dev.darkroom.core.port.JobStore;
import dev.darkroom.core.usecase.CancelJobs;
import dev.darkroom.core.usecase.FindOwnJob;
import dev.darkroom.core.usecase.PromptRequests;
import dev.darkroom.core.usecase.SubmitJob;
import dev.darkroom.functions.api.http.Call;
import dev.darkroom.functions.api.http.ComfyErrors;
import dev.darkroom.functions.api.http.Replies;
import dev.darkroom.functions.api.http.RequestBodies;
import dev.darkroom.functions.api.http.Route;
import dev.darkroom.functions.api.http.RouteGroup;
import dev.darkroom.functions.api.views.JobListings;
import dev.darkroom.functions.api.views.JobResources;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/v2/jobs}: Darkroom's own job API beside ComfyUI's. {@code POST} submits (validated
 * and limited exactly as {@code POST /prompt}; {@code Idempotency-Key} makes retries safe),
 * {@code GET} lists the caller's jobs a page at a time, {@code GET /{id}} shows one,
 * {@code POST /{id}/cancel} cancels one. Another user's job answers as no job: 404.
 */
public final class JobRoutes implements RouteGroup {

  private final SubmitJob submit;
  private final JobStore jobs;
  private final CancelJobs cancel;
  private final JobResources resources;
  private final FindOwnJob findOwn;

  public JobRoutes(SubmitJob submit, JobStore jobs, CancelJobs cancel, JobResources resources) {
    this.submit = submit;
    this.jobs = jobs;
    this.cancel = cancel;
    this.resources = resources;
    this.findOwn = new FindOwnJob(jobs);
  }

  @Override
  public List<Route> routes() {
    return List.of(
        new Route("POST", "/v2/jobs", this::create),
        new Route("GET", "/v2/jobs", this::list),
        new Route("GET", "/v2/jobs/{id}", this::one),
        new Route("GET", "/v2/jobs/{id}/outputs/{n}", this::outputRedirect),
        new Route("GET", "/v2/jobs/{id}/outputs/{n}/thumbnail", this::outputRedirect),
        new Route("POST", "/v2/jobs/{id}/cancel", this::cancel));
  }

  /**
   * The body is {@code POST /prompt}'s, plus {@code max_run_seconds} ({@link PromptRequests#parseJob}).
   * Body errors answer in {@code POST /prompt}'s ComfyUI error shape (the same parser and
   * validation); the key's own errors, a reused key and a missing job in the v2 JSON error shape.
   */
  void create(Call call) throws IOException {
    String key = JobSubmissions.idempotencyKey(call);
    byte[] body = RequestBodies.read(call.request(), InputLimits.PROMPT_BODY_BYTES);
    PromptRequests.Parsed parsed = RequestBodies.promptRequest(body, call.user(), PromptRequests::parseJob);
    if (parsed.error() == null && parsed.request().promptId() != null) {
      parsed = PromptRequests.Parsed.refused(PromptError.invalidBody(
          "prompt_id is not accepted here: the server names each job; retry safely with an Idempotency-Key"));
    }
    if (parsed.error() != null) {
      ComfyErrors.reply(call.response(), parsed.error(), null);
      return;
    }
    SubmitJob.Result result = submit.submit(call.caller(), parsed.request(), key,
        key == null ? "" : JobSubmissions.requestHash(body));
    JobSubmissions.reply(call, result, jobs, resources);
  }

  void list(Call call) throws IOException {
    JobStore.Page page = JobListings.page(call);
    // One more than asked: whether a next page exists, without a client's last request finding none.
    List<Job> found = jobs.pageForUser(call.user(), new JobStore.Page(page.statuses(), page.createdAfter(),
        page.createdBefore(), page.after(), page.limit() + 1));
    List<Job> shown = found.size() > page.limit() ? found.subList(0, page.limit()) : found;
    Map<String, Integer> positions = resources.positions(shown);
    var signing = resources.signing();
    ObjectNode reply = Replies.JSON.createObjectNode();
    var array = reply.putArray("jobs");
    shown.forEach(job -> array.add(resources.of(job, positions, signing)));
    if (found.size() > page.limit()) {
      Job last = shown.get(shown.size() - 1);
      reply.put("next_cursor", JobListings.cursor(page, new JobStore.Page.Position(last.createdAt(), last.id())));
    } else {
      reply.putNull("next_cursor");
    }
    Replies.json(call.response(), 200, reply);
  }

  void one(Call call) throws IOException {
    Job job = ownJob(call);
    Replies.json(call.response(), 200, resources.of(job));
  }

  /**
   * The stable URL of an output (or its thumbnail) that an answer gave in place of a signed one:
   * a redirect to a signed URL, as {@code /view} answers. 404 for no such output of the caller's.
   */
  void outputRedirect(Call call) throws IOException {
    Job job = ownJob(call);
    int n;
    try {
      n = Integer.parseInt(call.segment(5));
    } catch (NumberFormatException e) {
      throw new Replies.ApiError(404, "job " + job.promptId() + " has no output " + InputLimits.shown(call.segment(5)));
    }
    boolean thumbnail = call.path().endsWith("/thumbnail");
    var url = resources.outputUrl(job, n, thumbnail).orElseThrow(() -> new Replies.ApiError(404,
        "job " + job.promptId() + " has no " + (thumbnail ? "thumbnail of output " : "output ") + n));
    call.response().setStatusCode(302);
    call.response().appendHeader("Location", url.toString());
    call.response().appendHeader("Cache-Control", "private, max-age=60");
  }

  /**
   * Pending: cancelled now. Running: asked to stop ({@code cancel_requested}; the runner ends it
   * as {@code cancelled}). Either way 202 with the job as it is now; again, the same. A job that
   * ended otherwise is a 409 naming its status; a cancelled one answers 202 again, so the call is
   * idempotent.
   */
  void cancel(Call call) throws IOException {
    Job job = ownJob(call);
    if (!job.status().isTerminal()) {
      cancel.interrupt(call.user(), job.id());
      job = jobs.get(job.id()).orElse(job);
    }
    if (job.status().isTerminal() && job.status() != JobStatus.CANCELLED) {
      Replies.apiError(call.response(), 409, "job " + job.promptId() + " has already ended: " + job.status().wireName());
      return;
    }
    Replies.json(call.response(), 202, resources.of(job));
  }

  /** The caller's job named by the path's fourth segment ({@code /v2/jobs/{id}...}), else a 404. */
  private Job ownJob(Call call) {
    return findOwn.find(call.segment(3), call.user()).orElseThrow(Replies.ApiError::noJobOfYours);
  }
}
