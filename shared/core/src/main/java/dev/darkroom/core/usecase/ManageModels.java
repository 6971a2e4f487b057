package dev.darkroom.core.usecase;

import dev.darkroom.core.auth.Caller;
import dev.darkroom.core.models.ModelPaths;
import dev.darkroom.core.models.ModelRecord;
import dev.darkroom.core.models.ModelRecord.State;
import dev.darkroom.core.port.ModelBucket;
import dev.darkroom.core.port.ModelStore;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * What an administrator does to the deployment's models: starts an upload straight into the
 * models bucket (announced as {@code checking}, with who added it and the checksum it must have,
 * which {@link CheckModelFile} verifies when the upload finishes), and deletes a model (the file,
 * then a tombstone at the generation deleted, so that a late finalize event cannot bring it back).
 * Every signed-in user may list models; only administrators ({@link Caller#admin}) change them.
 */
public final class ManageModels {
  /** How long an upload URL starts an upload; a started session lasts as Cloud Storage keeps it (a week). */
  public static final Duration UPLOAD_URL_TTL = Duration.ofMinutes(15);
  /** Cloud Storage's largest object. */
  public static final long MAX_SIZE = 5L * 1024 * 1024 * 1024 * 1024;
  private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
  static final String NOT_ADMIN = "only an administrator manages models: an account with the Firebase custom claim"
      + " admin: true, signed in with a new ID token, or an API key of such an account";

  private final ModelStore models;
  private final ModelBucket bucket;
  private final boolean allowPickled;
  private final Runnable changed;
  private final Clock clock;

  /**
   * @param allowPickled whether pickled formats may be ready here ({@link CheckModelFile}'s
   *     setting): if not, their uploads are refused before any byte is sent
   * @param changed called after a model was announced or deleted here (model lists read again)
   */
  public ManageModels(ModelStore models, ModelBucket bucket, boolean allowPickled, Runnable changed, Clock clock) {
    this.models = models;
    this.bucket = bucket;
    this.allowPickled = allowPickled;
    this.changed = changed;
    this.clock = clock;
  }

  /** The outcome of a request to upload a model. */
  public sealed interface Upload {
    record Started(ModelBucket.SignedUpload upload, ModelRecord announced) implements Upload {}

    record Refused(int status, String message) implements Upload {}
  }

  /** @param sha256 the file's hex SHA-256 if the uploader knows it, else null */
  public Upload startUpload(Caller caller, String folder, String name, long size, String sha256) {
    if (!caller.admin()) {
      return new Upload.Refused(403, NOT_ADMIN);
    }
    Optional<String> problem = ModelPaths.problem(folder, name);
    if (problem.isPresent()) {
      return new Upload.Refused(400, problem.get());
    }
    String extension = ModelPaths.extension(name).orElseThrow();
    if (!allowPickled && ModelPaths.PICKLED.contains(extension)) {
      return new Upload.Refused(400, "name '" + name + "' is a pickled format (" + extension + "), which can run code"
          + " when loaded; this deployment does not allow them (ALLOW_PICKLED_MODELS): upload a .safetensors file");
    }
    if (size < 1 || size > MAX_SIZE) {
      return new Upload.Refused(400, "size must be the file's size in bytes, 1 to " + MAX_SIZE);
    }
    if (sha256 != null && !SHA256.matcher(sha256).matches()) {
      return new Upload.Refused(400, "sha256 must be 64 hexadecimal digits (the file's SHA-256), or absent");
    }
    ModelRecord announcement = new ModelRecord(folder, name, 0, size,
        sha256 == null ? null : HexFormat.of().formatHex(HexFormat.of().parseHex(sha256)), State.CHECKING, null, 0, null,
        clock.instant(), caller.userId());
    ModelRecord stored = models.announce(announcement);
    if (stored.state() != State.CHECKING) {
      return new Upload.Refused(409, folder + "/" + name + " already exists (" + stored.state().wireName()
          + "): delete it first (DELETE /api/v2/models/" + folder + "/" + name + ")");
    }
    changed.run();
    return new Upload.Started(bucket.signResumableUpload(stored.objectName(), size, UPLOAD_URL_TTL), stored);
  }

  /** The outcome of a request to delete a model. */
  public enum Deletion { DELETED, NOT_FOUND, NOT_ADMIN, BAD_FOLDER }

  /**
   * Deletes the file's live generation, then records a tombstone at the newest generation known.
   * Idempotent: deleting a deleted model is {@code DELETED} again; a name never seen is
   * {@code NOT_FOUND}. The file goes first, so a listing never shows a model whose file is gone
   * and then shows it again.
   */
  public Deletion delete(Caller caller, String folder, String name) {
    if (!caller.admin()) {
      return Deletion.NOT_ADMIN;
    }
    if (!ModelPaths.FOLDERS.contains(folder)) {
      return Deletion.BAD_FOLDER;
    }
    Optional<ModelRecord> stored = models.get(folder, name);
    OptionalLong deleted = bucket.delete(folder + "/" + name);
    if (stored.isEmpty() && deleted.isEmpty()) {
      return Deletion.NOT_FOUND;
    }
    long generation = Math.max(stored.map(ModelRecord::generation).orElse(0L), deleted.orElse(0L));
    if (stored.isEmpty() || !stored.get().deleted() || generation > stored.get().generation()) {
      ModelRecord before = stored.orElse(null);
      models.put(new ModelRecord(folder, name, generation, before == null ? 0 : before.size(),
          before == null ? null : before.sha256(), State.DELETED, null, 0, null,
          before == null ? clock.instant() : before.addedAt(), before == null ? caller.userId() : before.addedBy()));
    }
    changed.run();
    return Deletion.DELETED;
  }
}
