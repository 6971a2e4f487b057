package dev.darkroom.functions.api.views;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobPrompt;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.usecase.CancelJobs;
import dev.darkroom.functions.api.http.Replies;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A job as newer ComfyUI's jobs API shows it (comfy_execution/jobs.py {@code normalize_queue_item},
 * {@code normalize_history_item}): a queued or running job from its queue item, a finished one from its
 * history entry ({@link HistoryEntries}), so {@code /api/jobs} and {@code /history} never disagree.
 */
public final class ComfyJobs {
  /** jobs.py {@code JobStatus.ALL}, in its order. */
  public static final List<String> STATUSES = List.of("pending", "in_progress", "completed", "failed", "cancelled");
  private static final Set<String> PREVIEWABLE = Set.of("images", "video", "audio", "3d", "text");
  private static final List<String> THREE_D = List.of(".obj", ".fbx", ".gltf", ".glb", ".usdz");
  private static final List<String> TEXT_FILES = List.of(".txt", ".md", ".json");
  private static final int TEXT_PREVIEW_MAX_LENGTH = 1024;

  private ComfyJobs() {}

  /** The jobs API's status of a Darkroom status: a timed-out job failed; a lost one, being retried, runs. */
  public static String status(JobStatus status) {
    if (CancelJobs.PENDING.contains(status)) {
      return "pending";
    }
    if (CancelJobs.RUNNING.contains(status)) {
      return "in_progress";
    }
    return switch (status) {
      case SUCCEEDED -> "completed";
      case CANCELLED -> "cancelled";
      default -> "failed";
    };
  }

  /** The Darkroom statuses that show as any of {@code statuses} (names of {@link #STATUSES}). */
  public static Set<JobStatus> statusesOf(Set<String> statuses) {
    Set<JobStatus> matching = EnumSet.noneOf(JobStatus.class);
    for (JobStatus status : JobStatus.values()) {
      if (statuses.contains(status(status))) {
        matching.add(status);
      }
    }
    return matching;
  }

  /** A listing's item (no prompt read: no {@code workflow_id}, which jobs.py leaves out when unknown too). */
  public static ObjectNode summary(Job job) {
    ObjectNode item = Replies.JSON.createObjectNode();
    item.put("id", job.promptId());
    item.put("status", status(job.status()));
    item.set("priority", QueueNumbers.asJson(Replies.JSON, job.number()));
    item.put("create_time", job.createdAt().toEpochMilli());
    if (!job.status().isTerminal()) {
      item.put("outputs_count", 0).put("previewable_outputs_count", 0);
      return item;
    }
    ObjectNode entry = HistoryEntries.entry(Replies.JSON, job, null);
    for (JsonNode message : entry.path("status").path("messages")) {
      String event = message.path(0).asText();
      JsonNode data = message.path(1);
      if (event.equals("execution_start")) {
        item.set("execution_start_time", data.path("timestamp"));
      } else if (List.of("execution_success", "execution_error", "execution_interrupted").contains(event)) {
        item.set("execution_end_time", data.path("timestamp"));
        if (event.equals("execution_error")) {
          item.set("execution_error", data);
        }
      }
    }
    summarizeOutputs(entry.path("outputs"), item);
    return item;
  }

  /**
   * jobs.py {@code get_job}: the summary with {@code workflow} ({@code {prompt, extra_data}}) and its
   * {@code workflow_id}; a finished job also with {@code outputs} and {@code execution_status}.
   *
   * @param prompt the job's prompt, or null if none is stored
   */
  public static ObjectNode detail(Job job, JobPrompt prompt) {
    ObjectNode item = summary(job);
    Optional.ofNullable(prompt).map(JobPrompt::extraData)
        .map(extra -> extra.path("extra_pnginfo").path("workflow").path("id"))
        .filter(id -> !id.isMissingNode() && !id.isNull())
        .ifPresent(id -> item.set("workflow_id", id));
    if (job.status().isTerminal()) {
      ObjectNode entry = HistoryEntries.entry(Replies.JSON, job, prompt);
      item.set("outputs", entry.path("outputs"));
      item.set("execution_status", entry.path("status"));
    }
    ObjectNode workflow = item.putObject("workflow");
    workflow.set("prompt", prompt == null ? null : prompt.prompt());
    workflow.set("extra_data", prompt == null ? null : prompt.extraData());
    return item;
  }

  /** jobs.py {@code get_outputs_summary} and {@code count_previewable_outputs} over a history entry's outputs. */
  private static void summarizeOutputs(JsonNode outputs, ObjectNode item) {
    int count = 0;
    int previewable = 0;
    ObjectNode preview = null;
    ObjectNode fallback = null;
    ObjectNode textFile = null;
    ObjectNode text = null;
    for (Iterator<Map.Entry<String, JsonNode>> nodes = outputs.fields(); nodes.hasNext(); ) {
      Map.Entry<String, JsonNode> node = nodes.next();
      for (Iterator<Map.Entry<String, JsonNode>> kinds = node.getValue().fields(); kinds.hasNext(); ) {
        Map.Entry<String, JsonNode> kind = kinds.next();
        String mediaType = kind.getKey();
        if (mediaType.equals("animated") || !kind.getValue().isArray()) {
          continue;
        }
        for (JsonNode value : kind.getValue()) {
          if (!value.isObject()) {
            // Text shown as strings: a preview of last resort, not an output (jobs.py's METADATA_KEYS).
            if (mediaType.equals("text") && text == null && value.isTextual()) {
              String content = value.asText();
              text = Replies.JSON.createObjectNode();
              text.put("content", content.length() <= TEXT_PREVIEW_MAX_LENGTH ? content
                  : content.substring(0, TEXT_PREVIEW_MAX_LENGTH));
              if (content.length() > TEXT_PREVIEW_MAX_LENGTH) {
                text.put("truncated", true);
              }
              text.put("nodeId", node.getKey()).put("mediaType", mediaType);
            }
            continue;
          }
          count++;
          if (!previewable(mediaType, value)) {
            continue;
          }
          previewable++;
          if (preview != null) {
            continue;
          }
          ObjectNode enriched = ((ObjectNode) value).deepCopy().put("nodeId", node.getKey());
          if (!value.has("mediaType")) {
            enriched.put("mediaType", mediaType);
          }
          if (mediaType.equals("text") || endsWithAny(value.path("filename").asText(), TEXT_FILES)) {
            textFile = textFile == null ? enriched : textFile;
          } else if (value.path("type").asText().equals("output")) {
            preview = enriched;
          } else if (fallback == null) {
            fallback = enriched;
          }
        }
      }
    }
    item.put("outputs_count", count).put("previewable_outputs_count", previewable);
    ObjectNode chosen = preview != null ? preview : fallback != null ? fallback : textFile != null ? textFile : text;
    if (chosen != null) {
      item.set("preview_output", chosen);
    }
  }

  /** jobs.py {@code is_previewable}. */
  private static boolean previewable(String mediaType, JsonNode item) {
    String format = item.path("format").asText("");
    String filename = item.path("filename").asText("");
    return PREVIEWABLE.contains(mediaType) || format.startsWith("video/") || format.startsWith("audio/")
        || endsWithAny(filename, THREE_D) || endsWithAny(filename, TEXT_FILES);
  }

  private static boolean endsWithAny(String filename, List<String> extensions) {
    String lower = filename.toLowerCase(Locale.ROOT);
    return extensions.stream().anyMatch(lower::endsWith);
  }
}
