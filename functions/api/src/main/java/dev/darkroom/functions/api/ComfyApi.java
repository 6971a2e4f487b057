package dev.darkroom.functions.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobOutput;
import dev.darkroom.core.port.JobStore;
import dev.darkroom.core.port.OutputStore;
import dev.darkroom.core.usecase.SubmitPrompt;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ComfyUI's HTTP API over Darkroom's use cases. Every route answers under both {@code /x} and
 * {@code /api/x}, as ComfyUI does. Callers see only their own jobs.
 */
final class ComfyApi {
  private static final Logger log = LoggerFactory.getLogger(ComfyApi.class);
  static final Duration SIGNED_URL_TTL = Duration.ofMinutes(15);

  private final ObjectMapper json = new ObjectMapper();
  private final SubmitPrompt submit;
  private final JobStore jobs;
  private final OutputStore outputs;
  private final Callers callers;

  ComfyApi(SubmitPrompt submit, JobStore jobs, OutputStore outputs, Callers callers) {
    this.submit = submit;
    this.jobs = jobs;
    this.outputs = outputs;
    this.callers = callers;
  }

  void handle(HttpRequest request, HttpResponse response) throws IOException {
    String path = request.getPath();
    if (path.equals("/api") || path.startsWith("/api/")) {
      path = path.substring(4);
    }
    String method = request.getMethod();
    if (method.equals("OPTIONS")) {
      response.setStatusCode(200);
      return;
    }
    Optional<String> user = callers.userOf(request);
    if (user.isEmpty()) {
      text(response, 401, "401: Unauthorized");
      return;
    }
    if (path.equals("/prompt") && method.equals("POST")) {
      postPrompt(request, response, user.get());
    } else if (path.startsWith("/history/") && method.equals("GET")) {
      getHistory(path.substring("/history/".length()), response, user.get());
    } else if (path.equals("/view") && method.equals("GET")) {
      getView(request.getQueryParameters(), response, user.get());
    } else {
      text(response, 404, "404: Not Found");
    }
  }

  private void postPrompt(HttpRequest request, HttpResponse response, String user) throws IOException {
    byte[] body = request.getInputStream().readAllBytes();
    PromptRequests.Parsed parsed = PromptRequests.parse(json, body, user);
    if (parsed.error() != null) {
      json(response, 400, ComfyErrors.body(json, parsed.error(), null));
      return;
    }
    SubmitPrompt.Result result = submit.submit(parsed.request());
    if (result instanceof SubmitPrompt.Result.Refused refused) {
      json(response, 400, ComfyErrors.body(json, refused.error(), refused.nodeErrors()));
      return;
    }
    SubmitPrompt.Result.Accepted accepted = (SubmitPrompt.Result.Accepted) result;
    ObjectNode body200 = json.createObjectNode();
    body200.put("prompt_id", accepted.promptId());
    body200.set("number", QueueNumbers.asJson(json, accepted.number()));
    body200.set("node_errors", accepted.nodeErrors());
    log.info("job {} queued for user {}", accepted.promptId(), user);
    json(response, 200, body200);
  }

  /** ComfyUI answers {@code {}} for a prompt that is queued, running or unknown; never 404. */
  private void getHistory(String promptId, HttpResponse response, String user) throws IOException {
    ObjectNode body = json.createObjectNode();
    ownJob(promptId, user)
        .filter(job -> job.status().isTerminal())
        .ifPresent(job -> body.set(job.id(), HistoryEntries.entry(json, job)));
    json(response, 200, body);
  }

  /**
   * ComfyUI's checks, in its order (filename, then subfolder, then existence), then a redirect to
   * a short-lived signed URL: the bytes never pass through the function.
   */
  private void getView(Map<String, List<String>> query, HttpResponse response, String user) throws IOException {
    String filename = first(query, "filename");
    if (filename == null) {
      text(response, 404, "404: Not Found");
      return;
    }
    String type = Optional.ofNullable(first(query, "type")).orElse("output");
    String subfolder = Optional.ofNullable(first(query, "subfolder")).orElse("");
    if (filename.isEmpty() || filename.startsWith("/") || filename.contains("..")) {
      text(response, 400, "400: Bad Request");
      return;
    }
    if (!List.of("output", "input", "temp").contains(type)) {
      text(response, 400, "400: Bad Request");
      return;
    }
    if (subfolder.startsWith("/") || subfolder.contains("..")) {
      text(response, 403, "403: Forbidden");
      return;
    }
    int slash = subfolder.indexOf('/');
    String jobId = slash < 0 ? subfolder : subfolder.substring(0, slash);
    String inner = slash < 0 ? "" : subfolder.substring(slash + 1);
    Optional<JobOutput> output = ownJob(jobId, user).flatMap(job -> job.outputs().stream()
        .filter(o -> o.filename().equals(filename) && o.subfolder().equals(inner) && o.type().equals(type))
        .findFirst());
    if (output.isEmpty()) {
      text(response, 404, "404: Not Found");
      return;
    }
    response.setStatusCode(302);
    response.appendHeader("Location", outputs.signedReadUrl(output.get().objectName(), SIGNED_URL_TTL).toString());
    response.appendHeader("Cache-Control", "private, max-age=60");
  }

  /** The job, if it exists and belongs to {@code user}; another user's job looks like no job. */
  private Optional<Job> ownJob(String jobId, String user) {
    if (jobId.isEmpty() || jobId.contains("/")) {
      return Optional.empty();
    }
    return jobs.get(jobId).filter(job -> job.userId().equals(user));
  }

  private static String first(Map<String, List<String>> query, String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  private void json(HttpResponse response, int status, JsonNode body) throws IOException {
    response.setStatusCode(status);
    response.setContentType("application/json; charset=utf-8");
    try (OutputStream out = response.getOutputStream()) {
      json.writeValue(out, body);
    }
  }

  private static void text(HttpResponse response, int status, String body) throws IOException {
    response.setStatusCode(status);
    response.setContentType("text/plain; charset=utf-8");
    try (OutputStream out = response.getOutputStream()) {
      out.write(body.getBytes(StandardCharsets.UTF_8));
    }
  }
}
