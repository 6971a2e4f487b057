package dev.darkroom.functions.api.views;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.comfy.OutputPaths;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobOutput;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.JobStore;
import dev.darkroom.core.port.OutputStore;
import dev.darkroom.functions.api.http.Replies;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A job as the v2 API shows it (the {@code Job} schema of {@code openapi.yaml}): its state, its
 * queue position while queued, its progress, and its outputs each with a short-lived signed URL,
 * as {@code /view} would redirect to. Never the prompt: it can be large, and {@code /queue} shows it.
 */
public final class JobResources {
  /** How long a signed URL to an output (or a thumbnail) lets its holder download it. */
  public static final Duration SIGNED_URL_TTL = Duration.ofMinutes(15);

  private final JobStore jobs;
  private final OutputStore outputs;

  public JobResources(JobStore jobs, OutputStore outputs) {
    this.jobs = jobs;
    this.outputs = outputs;
  }

  public ObjectNode of(Job job) {
    return of(job, positions(List.of(job)));
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

  public ObjectNode of(Job job, Map<String, Integer> positions) {
    ObjectNode node = Replies.JSON.createObjectNode();
    node.put("id", job.id());
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
    job.outputs().forEach(output -> list.add(output(job, output)));
    if (job.error() == null) {
      node.putNull("error");
    } else {
      node.putObject("error").put("type", job.error().type()).put("message", job.error().message())
          .put("node_id", job.error().nodeId());
    }
    node.put("client_id", job.clientId());
    node.put("cancel_requested", job.cancelRequested());
    return node;
  }

  public static com.fasterxml.jackson.databind.JsonNode progress(Job job) {
    if (job.progress() == null) {
      return Replies.JSON.nullNode();
    }
    return Replies.JSON.createObjectNode().put("node_id", job.progress().nodeId())
        .put("value", job.progress().value()).put("max", job.progress().max());
  }

  /** As in a history entry ({@code subfolder} prefixed with the job id), plus where to fetch it. */
  public ObjectNode output(Job job, JobOutput output) {
    ObjectNode node = Replies.JSON.createObjectNode();
    node.put("node_id", output.nodeId());
    node.put("kind", output.kind());
    node.put("filename", output.filename());
    node.put("subfolder", OutputPaths.publicSubfolder(job.id(), output.subfolder()));
    node.put("type", output.type());
    node.put("content_type", output.contentType());
    node.put("size", output.size());
    node.put("url", outputs.signedReadUrl(output.objectName(), SIGNED_URL_TTL).toString());
    if (output.text() != null) {
      node.put("text", output.text());
    }
    job.thumbnailOf(output.objectName()).ifPresent(thumbnail -> node.putObject("thumbnail")
        .put("url", outputs.signedReadUrl(thumbnail.objectName(), SIGNED_URL_TTL).toString())
        .put("width", thumbnail.width())
        .put("height", thumbnail.height())
        .put("content_type", thumbnail.contentType()));
    return node;
  }
}
