package dev.darkroom.gcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.Timestamp;
import com.google.cloud.firestore.DocumentSnapshot;
import dev.darkroom.core.event.SchemaVersion;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobError;
import dev.darkroom.core.job.JobOutput;
import dev.darkroom.core.job.JobPrompt;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.job.Progress;
import dev.darkroom.core.job.Thumbnail;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link Job} as a Firestore document that web clients can listen to, and its {@link JobPrompt}
 * as a document of its own beside it ({@code jobs/{id}/prompt/body}: {@code schemaVersion},
 * {@code promptJson}, {@code extraDataJson}). The prompt and {@code extra_data} are stored as JSON
 * text: ComfyUI prompts hold integers up to 2^64-1, which Firestore's 64-bit signed integers
 * cannot, and nobody queries inside a prompt.
 *
 * <p>A job document carries {@code promptJson} and {@code extraDataJson} only when the job does
 * (written before prompts moved out, or by a caller that wrote a job with its prompt through
 * {@code update}); such a document is read with its prompt and rewritten with it, so documents of
 * both shapes stay readable without a migration. The fields' meaning is unchanged (they became
 * optional, as {@code outputsToExecute} and others did), so the version stays 1.
 *
 * <p>Every deployable that touches jobs reads and writes this document (api, dispatch, runner,
 * job-events, reconcile, dead-letters, the realtime gateway), and web clients listen to it, so it
 * carries its {@link SchemaVersion}: a document without one (written before versions) is read as
 * version 1, one of a newer version is refused rather than misread and overwritten with less.
 * Golden examples: {@code src/test/resources/wire/v1/job-document-*.json}.
 */
final class JobDocuments {
  /** The version of the documents this code writes, and the newest it reads. */
  static final int SCHEMA_VERSION = 1;
  /** The subcollection of a job document that holds its prompt, and the prompt document's id. */
  static final String PROMPT_COLLECTION = "prompt";
  static final String PROMPT_DOCUMENT = "body";
  private static final ObjectMapper JSON = new ObjectMapper();

  private JobDocuments() {}

  static Map<String, Object> toDocument(Job job) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put(SchemaVersion.FIELD, SCHEMA_VERSION);
    doc.put("userId", job.userId());
    doc.put("status", job.status().wireName());
    doc.put("number", job.number());
    if (job.prompt() != null) {
      doc.put("promptJson", write(job.prompt()));
      doc.put("extraDataJson", write(job.extraData()));
    }
    doc.put("clientId", job.clientId());
    doc.put("attempt", job.attempt());
    doc.put("lastSequence", job.lastSequence());
    doc.put("executionName", job.executionName());
    doc.put("progress", job.progress() == null ? null : Map.of(
        "nodeId", job.progress().nodeId(), "value", job.progress().value(), "max", job.progress().max()));
    List<Map<String, Object>> outputs = new ArrayList<>();
    for (JobOutput o : job.outputs()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("nodeId", o.nodeId());
      m.put("kind", o.kind());
      m.put("filename", o.filename());
      m.put("subfolder", o.subfolder());
      m.put("type", o.type());
      m.put("objectName", o.objectName());
      m.put("contentType", o.contentType());
      m.put("size", o.size());
      m.put("sha256", o.sha256());
      if (o.text() != null) {
        m.put("text", o.text());
      }
      outputs.add(m);
    }
    doc.put("outputs", outputs);
    if (job.error() == null) {
      doc.put("error", null);
    } else {
      Map<String, Object> error = new LinkedHashMap<>();
      error.put("type", job.error().type());
      error.put("message", job.error().message());
      error.put("nodeId", job.error().nodeId());
      doc.put("error", error);
    }
    doc.put("gpuSeconds", job.gpuSeconds());
    doc.put("createdAt", timestamp(job.createdAt()));
    doc.put("updatedAt", timestamp(job.updatedAt()));
    doc.put("outputsToExecute", job.outputsToExecute());
    doc.put("cancelRequested", job.cancelRequested());
    doc.put("hiddenFromHistory", job.hiddenFromHistory());
    doc.put("fingerprint", job.fingerprint());
    doc.put("tier", job.tier());
    doc.put("endingAt", timestamp(job.endingAt()));
    doc.put("heartbeatAt", timestamp(job.heartbeatAt()));
    // Written only when set, so that documents of jobs that never needed them keep the v1 golden shape.
    if (job.runningSince() != null) {
      doc.put("runningSince", timestamp(job.runningSince()));
    }
    if (job.earlierAttemptsGpuSeconds() != 0) {
      doc.put("earlierAttemptsGpuSeconds", job.earlierAttemptsGpuSeconds());
    }
    List<Map<String, Object>> thumbnails = new ArrayList<>();
    for (Thumbnail t : job.thumbnails()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("sourceObject", t.sourceObject());
      m.put("sourceGeneration", t.sourceGeneration());
      m.put("objectName", t.objectName());
      m.put("width", t.width());
      m.put("height", t.height());
      m.put("contentType", t.contentType());
      thumbnails.add(m);
    }
    doc.put("thumbnails", thumbnails);
    return doc;
  }

  static Map<String, Object> toPromptDocument(JobPrompt prompt) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put(SchemaVersion.FIELD, SCHEMA_VERSION);
    doc.put("promptJson", write(prompt.prompt()));
    doc.put("extraDataJson", write(prompt.extraData()));
    return doc;
  }

  /** @throws SchemaVersion.UnsupportedSchemaVersionException if the document is of a newer version */
  static JobPrompt fromPromptDocument(String jobId, Map<String, Object> doc) {
    SchemaVersion.accepted(doc.get(SchemaVersion.FIELD), SCHEMA_VERSION, "prompt document of job " + jobId);
    return new JobPrompt(read((String) doc.get("promptJson")), read((String) doc.get("extraDataJson")));
  }

  static Job fromDocument(DocumentSnapshot doc) {
    return fromFields(doc.getId(), doc.getData());
  }

  /**
   * The job stored as {@code fields}, typed as the Firestore client reads them (integers as
   * {@code Long}, timestamps as {@link Timestamp}).
   *
   * @throws SchemaVersion.UnsupportedSchemaVersionException if the document is of a newer version
   */
  @SuppressWarnings("unchecked")
  static Job fromFields(String id, Map<String, Object> doc) {
    SchemaVersion.accepted(doc.get(SchemaVersion.FIELD), SCHEMA_VERSION, "job document " + id);
    Map<String, Object> progress = (Map<String, Object>) doc.get("progress");
    Map<String, Object> error = (Map<String, Object>) doc.get("error");
    List<Map<String, Object>> outputs = (List<Map<String, Object>>) doc.get("outputs");
    List<JobOutput> jobOutputs = new ArrayList<>();
    if (outputs != null) {
      for (Map<String, Object> o : outputs) {
        jobOutputs.add(new JobOutput((String) o.get("nodeId"), (String) o.get("kind"),
            (String) o.get("filename"), (String) o.get("subfolder"), (String) o.get("type"),
            (String) o.get("objectName"), (String) o.get("contentType"),
            ((Number) o.get("size")).longValue(), (String) o.get("sha256"), (String) o.get("text")));
      }
    }
    return Job.builder(id, (String) doc.get("userId"), JobStatus.fromWireName((String) doc.get("status")))
        .number(((Number) doc.get("number")).doubleValue())
        .prompt(read((String) doc.get("promptJson")))
        .extraData(read((String) doc.get("extraDataJson")))
        .clientId((String) doc.get("clientId"))
        .attempt(((Number) doc.get("attempt")).intValue())
        .lastSequence(((Number) doc.get("lastSequence")).longValue())
        .executionName((String) doc.get("executionName"))
        .progress(progress == null ? null : new Progress((String) progress.get("nodeId"),
            ((Number) progress.get("value")).longValue(), ((Number) progress.get("max")).longValue()))
        .outputs(jobOutputs)
        .error(error == null ? null : new JobError((String) error.get("type"), (String) error.get("message"),
            (String) error.get("nodeId")))
        .gpuSeconds(((Number) doc.get("gpuSeconds")).doubleValue())
        .createdAt(instant((Timestamp) doc.get("createdAt")))
        .updatedAt(instant((Timestamp) doc.get("updatedAt")))
        // Documents written before these fields existed read as "none", "false" and null.
        .outputsToExecute((List<String>) doc.get("outputsToExecute"))
        .cancelRequested(Boolean.TRUE.equals(doc.get("cancelRequested")))
        .hiddenFromHistory(Boolean.TRUE.equals(doc.get("hiddenFromHistory")))
        .fingerprint((String) doc.get("fingerprint"))
        .tier((String) doc.get("tier"))
        .endingAt(instant((Timestamp) doc.get("endingAt")))
        .heartbeatAt(instant((Timestamp) doc.get("heartbeatAt")))
        .runningSince(instant((Timestamp) doc.get("runningSince")))
        .earlierAttemptsGpuSeconds(doc.get("earlierAttemptsGpuSeconds") instanceof Number earlier
            ? earlier.doubleValue() : 0)
        .thumbnails(thumbnails((List<Map<String, Object>>) doc.get("thumbnails")))
        .build();
  }

  private static List<Thumbnail> thumbnails(List<Map<String, Object>> stored) {
    List<Thumbnail> thumbnails = new ArrayList<>();
    if (stored != null) {
      for (Map<String, Object> t : stored) {
        Number generation = (Number) t.get("sourceGeneration"); // absent in documents written before it was kept
        thumbnails.add(new Thumbnail((String) t.get("sourceObject"), generation == null ? 0 : generation.longValue(),
            (String) t.get("objectName"),
            ((Number) t.get("width")).intValue(), ((Number) t.get("height")).intValue(), (String) t.get("contentType")));
      }
    }
    return thumbnails;
  }

  static Timestamp timestamp(Instant instant) {
    return instant == null ? null : Timestamp.ofTimeSecondsAndNanos(instant.getEpochSecond(), instant.getNano());
  }

  static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }

  private static String write(ObjectNode node) {
    try {
      return node == null ? null : JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot serialise JSON", e);
    }
  }

  private static ObjectNode read(String json) {
    try {
      return json == null ? null : (ObjectNode) JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored JSON is corrupt", e);
    }
  }
}
