package dev.darkroom.functions.api.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.RequestHash;
import dev.darkroom.core.port.JobStore;
import dev.darkroom.core.usecase.SubmitJob;
import dev.darkroom.functions.api.http.Call;
import dev.darkroom.functions.api.http.ComfyErrors;
import dev.darkroom.functions.api.http.Replies;
import dev.darkroom.functions.api.http.RequestBodies;
import dev.darkroom.functions.api.views.JobResources;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every route that queues a job through {@link SubmitJob} shares ({@code POST /api/v2/jobs},
 * deployment runs): the {@code Idempotency-Key} header, the hash a key's request is compared by,
 * and the answer.
 */
final class JobSubmissions {
  private static final Logger log = LoggerFactory.getLogger(JobSubmissions.class);
  static final int MAX_IDEMPOTENCY_KEY_CHARS = 255;

  private JobSubmissions() {}

  /**
   * Answers a submission as {@code POST /api/v2/jobs} does: 201 with the job resource and its
   * {@code Location} (200 and {@code Idempotent-Replayed} for a replay), or the error it met.
   * Deployment runs answer the same way: a run is a job.
   */
  static void reply(Call call, SubmitJob.Result result, JobStore jobs, JobResources resources) throws IOException {
    reply(call, result, jobs, resources, job -> null);
  }

  /**
   * {@link #reply(Call, SubmitJob.Result, JobStore, JobResources)}, the job resource with what
   * {@code also} answers for the submitted job set beside its fields (nothing if null), e.g. the
   * webhook a deployment run registered for it.
   */
  static void reply(Call call, SubmitJob.Result result, JobStore jobs, JobResources resources,
      Function<Job, Map<String, JsonNode>> also) throws IOException {
    if (result instanceof SubmitJob.Result.OverLimit over) {
      Replies.refuse(call.response(), over.refusal());
    } else if (result instanceof SubmitJob.Result.Invalid invalid) {
      ComfyErrors.reply(call.response(), invalid.error(), invalid.nodeErrors());
    } else if (result instanceof SubmitJob.Result.KeyReused reused) {
      Replies.apiError(call.response(), 409, reused.message());
    } else {
      SubmitJob.Result.Submitted submitted = (SubmitJob.Result.Submitted) result;
      Job job = jobs.get(submitted.jobId()).orElseThrow(
          () -> new IllegalStateException("job " + submitted.jobId() + " was submitted but cannot be read"));
      call.response().appendHeader("Location", "/api/v2/jobs/" + job.promptId());
      if (submitted.replayed()) {
        call.response().appendHeader("Idempotent-Replayed", "true");
      } else {
        log.info("job {} queued for user {} (v2)", job.id(), call.user());
      }
      ObjectNode resource = resources.of(job);
      Map<String, JsonNode> more = also.apply(job);
      if (more != null) {
        more.forEach(resource::set);
      }
      Replies.json(call.response(), submitted.replayed() ? 200 : 201, resource);
    }
  }

  /** The header's value, or null without one; 400 unless 1 to 255 printable ASCII characters. */
  static String idempotencyKey(Call call) {
    Optional<String> header = call.request().getFirstHeader("Idempotency-Key");
    if (header.isEmpty()) {
      return null;
    }
    String key = header.get();
    if (key.isEmpty() || key.length() > MAX_IDEMPOTENCY_KEY_CHARS
        || !key.chars().allMatch(c -> c >= 0x20 && c <= 0x7e)) {
      throw new Replies.ApiError(400, "Idempotency-Key must be 1 to " + MAX_IDEMPOTENCY_KEY_CHARS
          + " printable ASCII characters");
    }
    return key;
  }

  /**
   * SHA-256 of the body as canonical JSON (keys sorted, no insignificant whitespace): the same
   * request re-sent with its keys in another order is the same request. The body already parsed
   * once, so it parses again.
   */
  static String requestHash(byte[] body) {
    try {
      return RequestHash.of(RequestBodies.parse(body));
    } catch (RequestBodies.Unusable e) {
      throw new IllegalStateException("a body that parsed once does not parse again", e);
    }
  }

}
