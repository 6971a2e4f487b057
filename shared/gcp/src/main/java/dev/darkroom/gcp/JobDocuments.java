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
    List<Map<String, Object>> outputs = outputFields(job.outputs());
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
    if (job.chosenId() != null) {
      doc.put("chosenPromptId", job.chosenId());
    }
    if (job.maxRunSeconds() > 0) {
      doc.put("maxRunSeconds", job.maxRunSeconds());
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

  static List<Map<String, Object>> outputFields(List<JobOutput> jobOutputs) {
    List<Map<String, Object>> outputs = new ArrayList<>();
    for (JobOutput o : jobOutputs) {
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
    return outputs;
  }

  static List<JobOutput> outputsFrom(List<Map<String, Object>> outputs) {
    List<JobOutput> jobOutputs = new ArrayList<>();
    if (outputs != null) {
      for (Map<String, Object> o : outputs) {
        jobOutputs.add(new JobOutput((String) o.get("nodeId"), (String) o.get("kind"),
            (String) o.get("filename"), (String) o.get("subfolder"), (String) o.get("type"),
            (String) o.get("objectName"), (String) o.get("contentType"),
            ((Number) o.get("size")).longValue(), (String) o.get("sha256"), (String) o.get("text")));
      }
    }
    return jobOutputs;
  }

  /**
   * A job's document and, when its outputs would take it past {@link #JOB_DOCUMENT_BYTES}, the
   * pages its other outputs go to ({@code jobs/{id}/outputs/{n}}, each at most
   * {@link #OUTPUT_PAGE_BYTES}): the outputs that fit stay in the job document, in order, and
   * {@value #OUTPUT_PAGES} says how many pages follow them. Firestore refuses a document over 1 MiB,
   * so without pages a job with many outputs (or long texts) could never be written ended.
   */
  record Split(Map<String, Object> job, List<Map<String, Object>> pages) {}

  /** Where a job document stops taking outputs: well under 1 MiB, listeners and heartbeats move it. */
  static final long JOB_DOCUMENT_BYTES = 256 * 1024;
  /** The most one page of outputs takes: under Firestore's 1 MiB with room for its name. */
  static final long OUTPUT_PAGE_BYTES = 900 * 1024;
  static final String OUTPUT_PAGES = "outputPages";
  static final String OUTPUTS_COLLECTION = "outputs";

  @SuppressWarnings("unchecked")
  static Split split(Job job) {
    Map<String, Object> doc = toDocument(job);
    if (storedSize(doc) <= JOB_DOCUMENT_BYTES) {
      return new Split(doc, List.of());
    }
    List<Map<String, Object>> outputs = (List<Map<String, Object>>) doc.get("outputs");
    doc.put("outputs", List.of());
    doc.put(OUTPUT_PAGES, 0L);
    long size = storedSize(doc);
    int at = 0;
    List<Map<String, Object>> inline = new ArrayList<>();
    while (at < outputs.size() && size + storedSize(outputs.get(at)) <= JOB_DOCUMENT_BYTES) {
      size += storedSize(outputs.get(at));
      inline.add(outputs.get(at++));
    }
    List<Map<String, Object>> pages = new ArrayList<>();
    List<Map<String, Object>> page = new ArrayList<>();
    long pageSize = 0;
    for (; at < outputs.size(); at++) {
      long one = storedSize(outputs.get(at));
      if (!page.isEmpty() && pageSize + one > OUTPUT_PAGE_BYTES) {
        pages.add(outputPage(page));
        page = new ArrayList<>();
        pageSize = 0;
      }
      page.add(outputs.get(at));
      pageSize += one;
    }
    if (!page.isEmpty()) {
      pages.add(outputPage(page));
    }
    doc.put("outputs", inline);
    doc.put(OUTPUT_PAGES, (long) pages.size());
    return new Split(doc, pages);
  }

  private static Map<String, Object> outputPage(List<Map<String, Object>> outputs) {
    Map<String, Object> page = new LinkedHashMap<>();
    page.put(SchemaVersion.FIELD, SCHEMA_VERSION);
    page.put("outputs", outputs);
    return page;
  }

  /** How many pages of outputs follow a stored job document (none for documents without the field). */
  static int outputPages(Map<String, Object> doc) {
    Object pages = doc == null ? null : doc.get(OUTPUT_PAGES);
    return pages == null ? 0 : ((Number) pages).intValue();
  }

  /** The outputs of a page document. */
  @SuppressWarnings("unchecked")
  static List<JobOutput> pageOutputs(Map<String, Object> page) {
    return outputsFrom((List<Map<String, Object>>) page.get("outputs"));
  }

  /**
   * The bytes Firestore counts for a value (its storage-size rules): a string its UTF-8 bytes plus
   * one, numbers and timestamps 8, booleans and null 1, a map each field's name (plus one) and
   * value, an array its elements.
   */
  static long storedSize(Object value) {
    if (value == null || value instanceof Boolean) {
      return 1;
    }
    if (value instanceof String text) {
      return text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 1L;
    }
    if (value instanceof Map<?, ?> map) {
      long size = 0;
      for (Map.Entry<?, ?> field : map.entrySet()) {
        size += storedSize(field.getKey()) + storedSize(field.getValue());
      }
      return size;
    }
    if (value instanceof List<?> list) {
      long size = 0;
      for (Object element : list) {
        size += storedSize(element);
      }
      return size;
    }
    return 8;
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
    List<JobOutput> jobOutputs = outputsFrom((List<Map<String, Object>>) doc.get("outputs"));
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
        .chosenId((String) doc.get("chosenPromptId"))
        .maxRunSeconds(doc.get("maxRunSeconds") instanceof Number max ? max.longValue() : 0)
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
