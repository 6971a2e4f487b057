package dev.darkroom.functions.api.views;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.comfy.OutputPaths;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobOutput;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.media.SignedReadUrls;
import dev.darkroom.core.port.JobStore;
import dev.darkroom.core.port.OutputStore;
import dev.darkroom.functions.api.http.Replies;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A job as the v2 API shows it (the {@code Job} schema of {@code openapi.yaml}): its state, its
 * queue position while queued, its progress, and its outputs each with a short-lived signed URL,
 * as {@code /view} would redirect to. Never the prompt: it can be large, and {@code /queue} shows it.
 *
 * <p>Signing is bounded per answer ({@link SignedReadUrls}): an answer signs at most
 * {@code signaturesPerAnswer} URLs (cached ones are free); an output or thumbnail past that gets
 * the stable URL {@code /api/v2/jobs/{id}/outputs/{n}} (or {@code .../thumbnail}), which redirects
 * to a signed URL when followed ({@link #outputUrl}). A listing of batch jobs would otherwise make
 * thousands of IAM {@code signBlob} calls, from the project's quota that {@code /view} needs too.
 */
public final class JobResources {
  /** How long a signed URL to an output (or a thumbnail) lets its holder download it, from its signing. */
  public static final Duration SIGNED_URL_TTL = SignedReadUrls.SIGNED_FOR;
  /** {@code SIGNED_URLS_PER_REQUEST}'s default: a page of 20 jobs with an image and a thumbnail each. */
  public static final int DEFAULT_SIGNATURES_PER_ANSWER = 50;

  private final JobStore jobs;
  private final SignedReadUrls urls;
  private final int signaturesPerAnswer;

  public JobResources(JobStore jobs, OutputStore outputs) {
    this(jobs, new SignedReadUrls(outputs, Clock.systemUTC()), DEFAULT_SIGNATURES_PER_ANSWER);
  }

  /** @param signaturesPerAnswer the most URLs one answer signs anew */
  public JobResources(JobStore jobs, SignedReadUrls urls, int signaturesPerAnswer) {
    this.jobs = jobs;
    this.urls = urls;
    this.signaturesPerAnswer = signaturesPerAnswer;
  }

  /** The signing budget of one answer, to be shared by every job it shows. */
  public SignedReadUrls.Request signing() {
    return urls.request(signaturesPerAnswer);
  }

  public ObjectNode of(Job job) {
    return of(job, positions(List.of(job)), signing());
  }

  /**
   * A signed URL of output {@code n} of the job (its thumbnail's, with {@code thumbnail}), for the
   * stable URL an answer gave in place of one; empty if there is no such output or thumbnail.
   */
  public Optional<URI> outputUrl(Job job, int n, boolean thumbnail) {
    if (n < 0 || n >= job.outputs().size()) {
      return Optional.empty();
    }
    String object = job.outputs().get(n).objectName();
    Optional<String> target = thumbnail
        ? job.thumbnailOf(object).map(dev.darkroom.core.job.Thumbnail::objectName) : Optional.of(object);
    return target.map(urls::url);
  }

  /**
   * 1-based queue positions of those of {@code jobs} that are queued: counted by aggregation (the
   * queued jobs ahead of each), so a job far back costs what the first does, and no queued
   * document is read.
   */
  public Map<String, Integer> positions(Collection<Job> shown) {
    Map<String, Integer> positions = new HashMap<>();
    if (shown.stream().noneMatch(job -> job.status() == JobStatus.QUEUED)) {
      return positions;
    }
    jobs.queuedAhead(shown).forEach((id, ahead) -> positions.put(id, Math.toIntExact(ahead + 1)));
    return positions;
  }

  public ObjectNode of(Job job, Map<String, Integer> positions, SignedReadUrls.Request signing) {
    ObjectNode node = Replies.JSON.createObjectNode();
    node.put("id", job.promptId());
    node.put("status", job.status().wireName());
    node.put("created_at", job.createdAt().toString());
    node.put("updated_at", job.updatedAt().toString());
    Integer position = job.status() == JobStatus.QUEUED ? positions.get(job.id()) : null;
    if (position == null) {
      node.putNull("queue_position");
    } else {
      node.put("queue_position", position);
    }
    node.set("progress", progress(job));
    var list = node.putArray("outputs");
    for (int n = 0; n < job.outputs().size(); n++) {
      list.add(output(job, n, signing));
    }
    if (job.error() == null) {
      node.putNull("error");
    } else {
      node.putObject("error").put("type", job.error().type()).put("message", job.error().message())
          .put("node_id", job.error().nodeId());
    }
    node.put("client_id", job.clientId());
    node.put("cancel_requested", job.cancelRequested());
    if (job.maxRunSeconds() > 0) {
      node.put("max_run_seconds", job.maxRunSeconds());
    } else {
      node.putNull("max_run_seconds");
    }
    return node;
  }

  public static com.fasterxml.jackson.databind.JsonNode progress(Job job) {
    if (job.progress() == null) {
      return Replies.JSON.nullNode();
    }
    return Replies.JSON.createObjectNode().put("node_id", job.progress().nodeId())
        .put("value", job.progress().value()).put("max", job.progress().max());
  }

  /** {@link #output(Job, int, SignedReadUrls.Request)} of this output, with an answer's own budget. */
  public ObjectNode output(Job job, JobOutput output) {
    return output(job, Math.max(0, job.outputs().indexOf(output)), signing());
  }

  /** As in a history entry ({@code subfolder} prefixed with the job id), plus where to fetch it. */
  public ObjectNode output(Job job, int n, SignedReadUrls.Request signing) {
    JobOutput output = job.outputs().get(n);
    String stable = "/api/v2/jobs/" + job.promptId() + "/outputs/" + n;
    ObjectNode node = Replies.JSON.createObjectNode();
    node.put("node_id", output.nodeId());
    node.put("kind", output.kind());
    node.put("filename", output.filename());
    node.put("subfolder", OutputPaths.publicSubfolder(job.id(), output.subfolder()));
    node.put("type", output.type());
    node.put("content_type", output.contentType());
    node.put("size", output.size());
    node.put("url", signing.url(output.objectName()).map(URI::toString).orElse(stable));
    if (output.text() != null) {
      node.put("text", output.text());
    }
    job.thumbnailOf(output.objectName()).ifPresent(thumbnail -> node.putObject("thumbnail")
        .put("url", signing.url(thumbnail.objectName()).map(URI::toString).orElse(stable + "/thumbnail"))
        .put("width", thumbnail.width())
        .put("height", thumbnail.height())
        .put("content_type", thumbnail.contentType()));
    return node;
  }
}
