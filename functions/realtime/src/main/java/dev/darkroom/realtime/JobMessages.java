package dev.darkroom.realtime;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobOutput;
import dev.darkroom.core.job.JobPrompt;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.job.Progress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * What a client of ComfyUI would have been told between two states of one job document. Pure:
 * documents may skip states (Firestore delivers the latest), so each call reports every step from
 * {@code before} to {@code after} in ComfyUI's order (§7): {@code execution_start} and
 * {@code execution_cached} once the job runs; {@code executing} when the running node changes;
 * {@code progress}; at the end {@code executed} per output node, the terminal message,
 * {@code status}, and last {@code executing null}, which a client may take to mean history is there.
 */
final class JobMessages {
  private JobMessages() {}

  /**
   * @param before the job as last seen by this client, or null if never seen
   * @param queueRemaining the user's queue once {@code after} is counted, for the final {@code status}
   * @param prompts a job's prompt by id, read only to name the type of the node an error or an
   *     interruption stopped at (the job documents carry no prompt)
   */
  static List<ObjectNode> between(Job before, Job after, int queueRemaining,
      Function<String, Optional<JobPrompt>> prompts) {
    return between(before, after, queueRemaining, prompts, null);
  }

  /**
   * What the client was told of the running job from elsewhere (the engine's live frames, {@link LiveJob}).
   *
   * @param node the node last announced to the client
   * @param live the live frames announce the nodes and steps: the document's node and progress are not told
   * @param cached the nodes the live frames reported cached: ComfyUI announces none of them with
   *     {@code executing}, and sends a cached output node's {@code executed} alone
   * @param executed the nodes the live frames reported finished, less the cached ones: what ComfyUI
   *     lists as {@code executed} when a prompt fails or is interrupted
   */
  record Told(String node, boolean live, Set<String> cached, List<String> executed) {
    Told {
      cached = Set.copyOf(cached);
      executed = List.copyOf(executed);
    }
  }

  /** As {@link #between(Job, Job, int, Function)}, given what the client was told besides, or null. */
  static List<ObjectNode> between(Job before, Job after, int queueRemaining,
      Function<String, Optional<JobPrompt>> prompts, Told told) {
    boolean sameAttempt = before != null && before.attempt() == after.attempt();
    if (sameAttempt && before.status().isTerminal()) {
      return List.of();
    }
    JobStatus status = after.status();
    boolean wasRunning = sameAttempt && before.status() == JobStatus.RUNNING;
    boolean ended = status.isTerminal();
    if (status != JobStatus.RUNNING && !ended) {
      return List.of(); // queued, dispatched, lost: the queue's status message says it
    }
    if (status == JobStatus.CANCELLED && !wasRunning) {
      return List.of(); // deleted from the queue before it ran: ComfyUI sends only a status
    }
    String id = after.promptId();
    long timestamp = millis(after.updatedAt());
    List<ObjectNode> out = new ArrayList<>();
    if (!wasRunning) {
      out.add(ComfyMessages.executionStart(id, timestamp));
      out.add(ComfyMessages.executionCached(id, timestamp));
    }
    Progress last = wasRunning ? before.progress() : null;
    String runningNode = last == null ? null : last.nodeId();
    boolean liveNodes = told != null && told.live();
    if (told != null && told.node() != null) {
      runningNode = told.node();
    }
    Progress now = after.progress();
    if (now != null && now.nodeId() != null && !liveNodes) {
      if (!now.nodeId().equals(runningNode)) {
        out.add(ComfyMessages.executing(now.nodeId(), id));
        runningNode = now.nodeId();
      }
      // max 0 marks a node starting (the runner's node-change report), not a step.
      if (now.max() > 0 && !now.equals(last)) {
        out.add(ComfyMessages.progress(now, id));
      }
    }
    if (!ended) {
      return out;
    }
    String interruptedAt = runningNode;
    Set<String> cached = told == null ? Set.of() : told.cached();
    for (Map.Entry<String, List<JobOutput>> node : byNode(after.outputs()).entrySet()) {
      if (!node.getKey().equals(runningNode) && !cached.contains(node.getKey())) {
        out.add(ComfyMessages.executing(node.getKey(), id));
        runningNode = node.getKey();
      }
      out.add(ComfyMessages.executed(node.getKey(), node.getValue(), id));
    }
    out.add(terminal(after, interruptedAt, told == null ? List.of() : told.executed(), timestamp, prompts));
    out.add(ComfyMessages.status(queueRemaining, null));
    out.add(ComfyMessages.executing(null, id));
    return out;
  }

  private static ObjectNode terminal(Job job, String runningNode, List<String> executed, long timestamp,
      Function<String, Optional<JobPrompt>> prompts) {
    switch (job.status()) {
      case SUCCEEDED:
        return ComfyMessages.executionSuccess(job.promptId(), timestamp);
      case CANCELLED:
        return ComfyMessages.executionInterrupted(job.promptId(), runningNode, classType(job, runningNode, prompts),
            executed, timestamp);
      default:
        String nodeId = job.error() == null ? null : job.error().nodeId();
        String type = job.error() == null ? job.status().wireName() : job.error().type();
        String message = job.error() == null ? "" : Objects.toString(job.error().message(), "");
        return ComfyMessages.executionError(job.promptId(), nodeId, classType(job, nodeId, prompts), type, message,
            executed, timestamp);
    }
  }

  private static Map<String, List<JobOutput>> byNode(List<JobOutput> outputs) {
    Map<String, List<JobOutput>> nodes = new LinkedHashMap<>();
    outputs.forEach(o -> nodes.computeIfAbsent(o.nodeId(), n -> new ArrayList<>()).add(o));
    return nodes;
  }

  private static String classType(Job job, String nodeId, Function<String, Optional<JobPrompt>> prompts) {
    if (nodeId == null) {
      return null;
    }
    ObjectNode prompt = job.prompt() != null ? job.prompt()
        : prompts.apply(job.id()).map(JobPrompt::prompt).orElse(null);
    return prompt == null ? null : prompt.path(nodeId).path("class_type").asText(null);
  }

  private static long millis(Instant instant) {
    return (instant == null ? Instant.now() : instant).toEpochMilli();
  }
}
