package dev.darkroom.functions.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.comfy.PromptIds;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.limits.InputLimits;
import dev.darkroom.core.port.JobStore;
import dev.darkroom.core.usecase.CancelJobs;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** {@code GET|POST /queue} and {@code POST /interrupt}, over the caller's jobs. */
final class QueueRoutes {
  /** ComfyUI keeps at most this many history items; the same bound caps every listing here. */
  static final int MAX_LISTED = 10_000;

  private final JobStore jobs;
  private final CancelJobs cancel;

  QueueRoutes(JobStore jobs, CancelJobs cancel) {
    this.jobs = jobs;
    this.cancel = cancel;
  }

  /** Running first as ComfyUI lists them; pending in heap order, which is ascending number. */
  void get(Call call) throws IOException {
    ObjectNode reply = Replies.JSON.createObjectNode();
    ArrayNode running = reply.putArray("queue_running");
    jobs.listForUser(call.user(), CancelJobs.RUNNING, MAX_LISTED).stream()
        .sorted(Comparator.comparingDouble(Job::number))
        .forEach(job -> running.add(QueueItems.of(job)));
    ArrayNode pending = reply.putArray("queue_pending");
    jobs.listForUser(call.user(), CancelJobs.PENDING, MAX_LISTED).stream()
        .sorted(Comparator.comparingDouble(Job::number))
        .forEach(job -> pending.add(QueueItems.of(job)));
    Replies.json(call.response(), 200, reply);
  }

  /** {@code {"clear": true}} and/or {@code {"delete": [ids]}}: pending jobs only, as ComfyUI. */
  void post(Call call) throws IOException {
    JsonNode body = RequestBodies.jsonObject(call.request());
    List<String> targets = new ArrayList<>(idsToDelete(body));
    if (truthy(body.path("clear"))) {
      jobs.listForUser(call.user(), CancelJobs.PENDING, MAX_LISTED).forEach(job -> targets.add(job.id()));
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
    if (id != null && truthy(id)) {
      String promptId = id.isTextual() ? id.textValue() : id.toString();
      if (PromptIds.isValid(promptId)) {
        cancel.interrupt(call.user(), promptId);
      }
    } else {
      jobs.listForUser(call.user(), CancelJobs.RUNNING, MAX_LISTED)
          .forEach(job -> cancel.interrupt(call.user(), job.id()));
    }
    Replies.ack(call.response());
  }

  /**
   * {@code delete} must list ids; a lone string is taken as one id rather than its characters.
   * Strings that cannot be prompt ids name no job and are dropped.
   */
  static List<String> idsToDelete(JsonNode body) {
    JsonNode delete = body.get("delete");
    if (delete == null || delete.isNull()) {
      return List.of();
    }
    if (delete.isTextual()) {
      return PromptIds.isValid(delete.textValue()) ? List.of(delete.textValue()) : List.of();
    }
    if (!delete.isArray()) {
      throw Replies.Refusal.badRequest("delete must be a list of prompt ids");
    }
    if (delete.size() > InputLimits.DELETE_IDS) {
      throw RequestBodies.tooLarge("delete lists " + delete.size() + " ids; at most " + InputLimits.DELETE_IDS
          + " per request");
    }
    List<String> ids = new ArrayList<>();
    delete.forEach(id -> {
      if (id.isTextual() && PromptIds.isValid(id.textValue())) ids.add(id.textValue());
    });
    return ids;
  }

  /** Python truthiness, which is how ComfyUI reads {@code clear}. */
  static boolean truthy(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) return false;
    if (v.isBoolean()) return v.booleanValue();
    if (v.isNumber()) return v.doubleValue() != 0;
    if (v.isTextual()) return !v.textValue().isEmpty();
    return v.size() > 0;
  }
}
