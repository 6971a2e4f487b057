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
 */
public record ModelRecord(String folder, String name, long generation, long size, String sha256, State state,
    String reason, int tensors, SortedMap<String, Integer> dtypes, Instant addedAt, String addedBy) {

  /** Where a model is in its check. */
  public enum State {
    /** Announced or uploaded, not yet checked: not usable. */
    CHECKING,
    /** Checked: ComfyUI may load it. */
    READY,
    /** Checked and refused ({@code reason} says why): never offered to ComfyUI. */
    REFUSED,
    /**
     * Deleted through the API: a tombstone at the deleted generation, so that a finalize event of
     * that generation delivered late cannot bring the file back. Never listed.
     */
    DELETED;

    /** The name clients see: {@code ready}, {@code checking}, {@code refused}. */
    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
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

  /** Whether this record's verdict is final for its generation (a check need not run again). */
  public boolean checked() {
    return state != State.CHECKING;
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
