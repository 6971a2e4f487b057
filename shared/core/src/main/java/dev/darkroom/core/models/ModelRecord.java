package dev.darkroom.core.models;

import java.time.Instant;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the deployment knows of one model file of the models bucket, {@code {folder}/{name}}: the
 * object generation it describes, and whether that generation may be loaded.
 *
 * @param generation the object generation checked (0 while only announced, before any upload)
 * @param sha256 hex SHA-256 of the file's bytes once computed, else the one announced, else null
 * @param reason why it was refused; null unless {@code state} is {@link State#REFUSED}
 * @param tensors the safetensors header's tensor count (0 for other formats)
 * @param dtypes how many tensors of each dtype (empty for other formats)
 * @param addedBy the user who announced the upload, or {@code "storage"} for a file copied in directly
 * @param imported the import from a URL this file came or is coming from ({@code POST /api/v2/models/imports}),
 *     or null for an upload or a copy
 */
public record ModelRecord(String folder, String name, long generation, long size, String sha256, State state,
    String reason, int tensors, SortedMap<String, Integer> dtypes, Instant addedAt, String addedBy, Import imported) {

  /** Where a model is in its check. */
  public enum State {
    /** Announced or uploaded, not yet checked: not usable. */
    CHECKING,
    /** Being fetched from a URL by the import job ({@link Import} has its progress): not usable. */
    IMPORTING,
    /** The import from a URL ended without a file ({@code reason} says why): not usable; a new import may replace it. */
    FAILED,
    /** Checked: ComfyUI may load it. */
    READY,
    /** Checked and refused ({@code reason} says why): never offered to ComfyUI. */
    REFUSED,
    /**
     * Deleted through the API: a tombstone at the deleted generation, so that a finalize event of
     * that generation delivered late cannot bring the file back. Never listed.
     */
    DELETED;

    /** The name clients see: {@code ready}, {@code checking}, {@code importing}, {@code failed}, {@code refused}. */
    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * An import from a URL, as the api recorded it and the import job advances it.
   *
   * @param id the import's id: the same (folder, name, url) always has the same id ({@link ModelImports#importId})
   * @param url the URL to fetch; shown to users only without its query ({@link ModelImports#shown})
   * @param sealedToken the hub's bearer token, sealed for this import's id; null if none was given or once used
   * @param bytesDone how many bytes the job has streamed into the bucket
   * @param bytesTotal the download's length, or -1 while unknown
   * @param execution the job execution that runs it, or null until one was launched
   * @param updatedAt when the api or the job last wrote it
   */
  public record Import(String id, String url, String sealedToken, long bytesDone, long bytesTotal, String execution,
      Instant updatedAt) {
    public Import {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(updatedAt, "updatedAt");
    }

    public Import withProgress(long done, long total, Instant now) {
      return new Import(id, url, sealedToken, done, total, execution, now);
    }

    public Import withExecution(String name, Instant now) {
      return new Import(id, url, sealedToken, bytesDone, bytesTotal, name, now);
    }

    /** The record of a finished import keeps where the file came from, never the credential that fetched it. */
    public Import withoutToken() {
      return sealedToken == null ? this : new Import(id, url, null, bytesDone, bytesTotal, execution, updatedAt);
    }
  }

  /** A record of no import (an upload, or a file copied into the bucket). */
  public ModelRecord(String folder, String name, long generation, long size, String sha256, State state,
      String reason, int tensors, SortedMap<String, Integer> dtypes, Instant addedAt, String addedBy) {
    this(folder, name, generation, size, sha256, state, reason, tensors, dtypes, addedAt, addedBy, null);
  }

  public ModelRecord {
    Objects.requireNonNull(folder, "folder");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(addedAt, "addedAt");
    Objects.requireNonNull(addedBy, "addedBy");
    dtypes = dtypes == null ? new TreeMap<>() : new TreeMap<>(dtypes);
  }

  /** The object's name in the models bucket. */
  public String objectName() {
    return folder + "/" + name;
  }

  /**
   * Whether this record's verdict is final for its generation (a check need not run again): only
   * {@code ready} and {@code refused} are verdicts on a file, and a tombstone ({@code deleted}) is
   * final for the generation it deleted; {@code importing} and {@code failed} describe an import
   * that has no file yet.
   */
  public boolean checked() {
    return state == State.READY || state == State.REFUSED || state == State.DELETED;
  }

  /** This record in {@code state}, with {@code reason} and the import's new progress. */
  public ModelRecord withImport(State newState, String newReason, Import newImport) {
    return new ModelRecord(folder, name, generation, size, sha256, newState, newReason, tensors, dtypes, addedAt,
        addedBy, newImport);
  }

  /** Whether ComfyUI may load it: what model lists and prompt validation offer. */
  public boolean usable() {
    return state == State.READY;
  }

  /** Whether the file is gone (a tombstone): {@code GET /api/v2/models} does not list it. */
  public boolean deleted() {
    return state == State.DELETED;
  }
}
