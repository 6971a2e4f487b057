package dev.darkroom.functions.api.routes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.limits.InputLimits;
import dev.darkroom.core.port.JobStore;
import dev.darkroom.core.usecase.CancelJobs;
import dev.darkroom.core.usecase.PromptRequests;
import dev.darkroom.core.usecase.SubmitPrompt;
import dev.darkroom.functions.api.http.Call;
import dev.darkroom.functions.api.http.ComfyErrors;
import dev.darkroom.functions.api.http.Replies;
import dev.darkroom.functions.api.http.RequestBodies;
import dev.darkroom.functions.api.http.Route;
import dev.darkroom.functions.api.http.RouteGroup;
import dev.darkroom.functions.api.views.HistoryEntries;
import dev.darkroom.functions.api.views.QueueNumbers;
import java.io.IOException;
import java.util.EnumSet;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code POST /prompt} (queue a workflow) and {@code GET /prompt} (how many are left). */
public final class PromptRoutes implements RouteGroup {
  private static final Logger log = LoggerFactory.getLogger(PromptRoutes.class);

  private final SubmitPrompt submit;
  private final JobStore jobs;

  public PromptRoutes(SubmitPrompt submit, JobStore jobs) {
    this.submit = submit;
    this.jobs = jobs;
  }

  @Override
  public List<Route> routes() {
    return List.of(
        Route.queuingJob("POST", "/prompt", this::post),
        new Route("GET", "/prompt", this::get));
  }

  /**
   * Any malformed body gets ComfyUI's error shape with a 400, where ComfyUI itself would crash with
   * a 500; a prompt past one of {@link InputLimits}' bounds the same shape with a 413. The caller's
   * job limits were checked with their rates, before the route ran ({@link Route#queuingJob}).
   */
  void post(Call call) throws IOException {
    byte[] body = RequestBodies.read(call.request(), InputLimits.PROMPT_BODY_BYTES);
    PromptRequests.Parsed parsed = RequestBodies.promptRequest(body, call.user());
    if (parsed.error() != null) {
      ComfyErrors.reply(call.response(), parsed.error(), null);
      return;
    }
    SubmitPrompt.Result result = submit.submit(parsed.request().withTier(call.caller().tier()));
    if (result instanceof SubmitPrompt.Result.Refused refused) {
      ComfyErrors.reply(call.response(), refused.error(), refused.nodeErrors());
      return;
    }
    SubmitPrompt.Result.Accepted accepted = (SubmitPrompt.Result.Accepted) result;
    ObjectNode reply = Replies.JSON.createObjectNode();
    reply.put("prompt_id", accepted.promptId());
    reply.set("number", QueueNumbers.asJson(Replies.JSON, accepted.number()));
    reply.set("node_errors", accepted.nodeErrors());
    log.info("job {} queued for user {}", accepted.promptId(), call.user());
    Replies.json(call.response(), 200, reply);
  }

  /** ComfyUI's pending + running, counted (not read) over the caller's jobs only. */
  void get(Call call) throws IOException {
    EnumSet<JobStatus> unfinished = EnumSet.copyOf(CancelJobs.PENDING);
    unfinished.addAll(CancelJobs.RUNNING);
    long remaining = jobs.countForUser(call.user(), unfinished, HistoryEntries.MAX_LISTED);
    ObjectNode reply = Replies.JSON.createObjectNode();
    reply.putObject("exec_info").put("queue_remaining", remaining);
    Replies.json(call.response(), 200, reply);
  }
}
