package dev.darkroom.realtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.comfy.PreviewFrames;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.LiveFrame;
import dev.darkroom.core.job.LiveWindow;
import dev.darkroom.core.job.PromptIds;
import dev.darkroom.core.port.JobFeed;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What one client has been told of one attempt of one job, from either source: the job document
 * (start, end, and the node and step while the engine's own frames are not there) and the job's
 * live stream (every node, step and preview the engine sent, {@link dev.darkroom.core.port.JobLiveStream}).
 * Guarded by the user's lock, as its {@link ClientConnection} is.
 *
 * <p>The two sources race, so each message that both could give is given once, by the first:
 * {@code execution_start} by whichever sees the job start; {@code execution_cached} by the live
 * stream, which knows the cached nodes (the document's empty list is held back until something else
 * must follow it); {@code executing} and {@code progress} by the live stream alone, unless its
 * follow broke: the document may tell a node before the live frames that led to it arrive (they are
 * written at most twice a second), and the nodes it skipped could then only come out of order.
 * The end is always the document's (outputs under Darkroom's names, the error as recorded), and
 * waits until the live stream is complete, so nothing of the engine's follows {@code executing null}.
 */
final class LiveJob {
  /** The live frame types relayed: the rest are told from the job document. */
  private static final List<String> RELAYED = List.of("execution_start", "execution_cached", "executing", "progress",
      "progress_state");

  final String jobId;
  final int attempt;
  private final String clientPromptId;
  private final String enginePromptId;
  JobFeed.Subscription subscription;
  private long run = -1;
  private long lastSequence;
  /** The first window is history to a client that connected while the job ran: only later frames are news. */
  private boolean skipBacklog;
  private boolean startTold;
  private boolean cachedTold;
  private ObjectNode heldCached;
  /** The live stream has relayed a node or a step (and so may still be sending). */
  private boolean live;
  /** The follow broke: the document tells the nodes and steps, as it does without live frames. */
  boolean broken;
  private boolean complete;
  /** The node last announced to the client, by either source. */
  private String toldNode;
  /** The nodes the engine reported cached ({@code execution_cached}). */
  private final Set<String> cachedNodes = new HashSet<>();
  /** The nodes the engine's {@code progress_state} showed finished, in the order it first did. */
  private final Set<String> finishedNodes = new LinkedHashSet<>();
  /** A terminal job document waiting for the live stream to complete, and the state before it. */
  Job heldEnd;
  Job heldBefore;

  LiveJob(Job job, boolean skipBacklog) {
    this.jobId = job.id();
    this.attempt = job.attempt();
    this.clientPromptId = job.promptId();
    this.enginePromptId = PromptIds.forEngine(job.id());
    this.skipBacklog = skipBacklog;
  }

  /** The told node and whether live drives the nodes, for {@link JobMessages#between}. */
  JobMessages.Told told() {
    List<String> executed = new ArrayList<>(finishedNodes);
    executed.removeAll(cachedNodes);
    return new JobMessages.Told(toldNode, !broken, cachedNodes, executed);
  }

  boolean waitsForLive() {
    return live && !complete && !broken;
  }

  /**
   * The job document's messages for this job, minus what was told already: in the order given,
   * with a held {@code execution_cached} put before the first message that is not it.
   */
  List<ObjectNode> fromDocument(List<ObjectNode> messages) {
    List<ObjectNode> out = new ArrayList<>();
    for (ObjectNode message : messages) {
      String type = message.path("type").asText();
      if (type.equals("execution_start")) {
        if (!startTold) {
          startTold = true;
          out.add(message);
        }
        continue;
      }
      if (type.equals("execution_cached")) {
        if (!cachedTold && heldCached == null) {
          heldCached = message;
        }
        continue;
      }
      releaseCached(out);
      if (type.equals("executing") && !message.path("data").path("node").isNull()) {
        toldNode = message.path("data").path("node").asText();
      }
      out.add(message);
    }
    return out;
  }

  private void releaseCached(List<? super ObjectNode> out) {
    if (heldCached != null) {
      out.add(heldCached);
      heldCached = null;
      cachedTold = true;
    }
  }

  /** What goes to a client of a live window: text messages and binary frames, in order. */
  List<Object> fromLive(LiveWindow window, boolean previewMetadata) {
    List<Object> out = new ArrayList<>();
    if (window.run() != run) {
      run = window.run();
      lastSequence = skipBacklog ? window.lastSequence() : 0;
    }
    skipBacklog = false;
    for (LiveFrame frame : window.frames()) {
      if (frame.sequence() <= lastSequence) {
        continue;
      }
      lastSequence = frame.sequence();
      if (frame.isBinary()) {
        boolean givenMetadata = previewMetadata && PreviewFrames.imageOf(frame.binary()).isPresent();
        binary(frame, previewMetadata).ifPresent(bytes -> {
          releaseCached(out);
          out.add(givenMetadata ? beforeItsProgress(out) : out.size(), bytes);
        });
      } else {
        text(frame).ifPresent(message -> {
          if (!message.path("type").asText().equals("execution_cached")) {
            releaseCached(out);
          }
          out.add(message);
        });
      }
    }
    complete = window.complete() && window.run() == run;
    return out;
  }

  /**
   * Where an image given metadata goes among the frames going out. The engine sends a step's image
   * after its {@code progress} (the runner's socket asks for no metadata); ComfyUI sends a client that
   * asked for metadata the image first (main.py {@code hijack_progress}: the progress registry's
   * handler sends it, then the hook sends {@code progress}). So it goes before the {@code progress}
   * just before it, if that has not gone out already (in an earlier window).
   */
  private static int beforeItsProgress(List<Object> out) {
    int last = out.size() - 1;
    boolean afterProgress = last >= 0 && out.get(last) instanceof ObjectNode message
        && message.path("type").asText().equals("progress");
    return afterProgress ? last : out.size();
  }

  private Optional<ObjectNode> text(LiveFrame frame) {
    ObjectNode message;
    try {
      JsonNode parsed = ComfyMessages.JSON.readTree(
          frame.text().replace("\"" + enginePromptId + "\"", "\"" + clientPromptId + "\""));
      if (!(parsed instanceof ObjectNode object)) {
        return Optional.empty();
      }
      message = object;
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
    String type = message.path("type").asText();
    if (!RELAYED.contains(type)) {
      return Optional.empty();
    }
    switch (type) {
      case "execution_start" -> {
        if (startTold) {
          return Optional.empty();
        }
        startTold = true;
        return Optional.of(message);
      }
      case "execution_cached" -> {
        if (cachedTold) {
          return Optional.empty();
        }
        heldCached = null;
        cachedTold = true;
        message.path("data").path("nodes").forEach(node -> cachedNodes.add(node.asText()));
        return Optional.of(message);
      }
      case "executing" -> {
        if (message.path("data").path("node").isNull()) {
          return Optional.empty(); // the end: the job document's, once history has it
        }
        live = true;
        toldNode = message.path("data").path("node").asText();
        return Optional.of(message);
      }
      case "progress_state" -> {
        // A node finishes (execution.py execute: finish_progress) just before ComfyUI counts it executed;
        // each progress_state carries every node that started, so the last one seen suffices.
        message.path("data").path("nodes").fields().forEachRemaining(node -> {
          if (node.getValue().path("state").asText().equals("finished")) {
            finishedNodes.add(node.getKey());
          }
        });
        live = true;
        return Optional.of(message);
      }
      default -> {
        live = true;
        return Optional.of(message);
      }
    }
  }

  /** A preview or an image: as the engine sent it, or with ComfyUI's metadata to a client that asked for it. */
  private Optional<byte[]> binary(LiveFrame frame, boolean previewMetadata) {
    byte[] bytes = frame.binary();
    if (!previewMetadata) {
      return Optional.of(bytes);
    }
    return PreviewFrames.imageOf(bytes)
        .map(image -> PreviewFrames.withMetadata(image.type(), image.encoded(), frame.nodeId(), clientPromptId))
        .or(() -> Optional.of(bytes));
  }

  void close() {
    if (subscription != null) {
      subscription.close();
      subscription = null;
    }
  }
}
