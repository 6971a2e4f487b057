package dev.darkroom.core.usecase;

import dev.darkroom.core.event.FinalizedObject;
import dev.darkroom.core.models.ModelPaths;
import dev.darkroom.core.models.ModelRecord;
import dev.darkroom.core.models.ModelRecord.State;
import dev.darkroom.core.models.SafetensorsHeader;
import dev.darkroom.core.port.ModelFiles;
import dev.darkroom.core.port.ModelStore;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decides whether a file written to the models bucket may be loaded, and records it: a
 * safetensors file by its header ({@link SafetensorsHeader}, a few ranged reads), then its SHA-256
 * by streaming the object (checked against the one announced with the upload, if any); a pickled
 * format only where the deployment allows pickles. Idempotent per object generation: a redelivered
 * event finds its generation checked and changes nothing, and a stale one (an older generation)
 * never replaces a newer record. A read failure throws (the event is delivered again); a generation
 * already gone is left to the event of the one that replaced it.
 */
public final class CheckModelFile {
  /** Who added a file that was copied into the bucket without being announced through the API. */
  public static final String ADDED_BY_STORAGE = "storage";
  private static final int HASH_BUFFER = 1 << 20;

  private final ModelStore models;
  private final ModelFiles files;
  private final boolean allowPickled;
  private final Clock clock;

  /** @param allowPickled whether pickled formats ({@link ModelPaths#PICKLED}) may be {@code ready} */
  public CheckModelFile(ModelStore models, ModelFiles files, boolean allowPickled, Clock clock) {
    this.models = models;
    this.files = files;
    this.allowPickled = allowPickled;
    this.clock = clock;
  }

  public enum Outcome { READY, REFUSED, UNCHANGED, IGNORED }

  public record Result(Outcome outcome, String reason) {}

  public Result handle(FinalizedObject object) {
    int slash = object.name().indexOf('/');
    if (slash < 0) {
      return new Result(Outcome.IGNORED, "not in a model folder");
    }
    String folder = object.name().substring(0, slash);
    String name = object.name().substring(slash + 1);
    if (!ModelPaths.FOLDERS.contains(folder)) {
      // ComfyUI never lists it; and no record is kept, so that an id of {folder}__{name} stays unique.
      return new Result(Outcome.IGNORED, "folder " + folder + " is not one of ComfyUI's model folders");
    }
    var stored = models.get(folder, name);
    if (stored.isPresent() && (stored.get().generation() > object.generation()
        || stored.get().generation() == object.generation() && stored.get().checked())) {
      return new Result(Outcome.UNCHANGED, "generation " + object.generation() + " already recorded as "
          + stored.get().state().wireName() + " at generation " + stored.get().generation());
    }
    // An announced upload (state checking) carries who added it and the checksum it promised.
    ModelRecord announced = stored.filter(model -> !model.checked()).orElse(null);
    try {
      ModelRecord verdict = verdict(object, folder, name, announced);
      ModelRecord now = models.put(verdict);
      if (now != verdict && !now.equals(verdict)) {
        return new Result(Outcome.UNCHANGED, "a newer record won: generation " + now.generation());
      }
      return new Result(verdict.state() == State.READY ? Outcome.READY : Outcome.REFUSED, verdict.reason());
    } catch (FileNotFoundException e) {
      return new Result(Outcome.IGNORED, "generation " + object.generation() + " no longer exists");
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + object.name() + " generation " + object.generation(), e);
    }
  }

  private ModelRecord verdict(FinalizedObject object, String folder, String name, ModelRecord announced)
      throws IOException {
    var problem = ModelPaths.problem(folder, name);
    if (problem.isPresent()) {
      return record(object, folder, name, announced, State.REFUSED, problem.get(), null, 0, Map.of());
    }
    String extension = ModelPaths.extension(name).orElseThrow();
    int tensors = 0;
    Map<String, Integer> dtypes = Map.of();
    if (ModelPaths.PICKLED.contains(extension)) {
      if (!allowPickled) {
        return record(object, folder, name, announced, State.REFUSED, "a pickled format (" + extension
            + "), which can run code when loaded; this deployment does not allow them (ALLOW_PICKLED_MODELS)",
            null, 0, Map.of());
      }
    } else {
      SafetensorsHeader.Verdict header = SafetensorsHeader.check(object.size(),
          (offset, length) -> files.read(object.name(), object.generation(), offset, length));
      if (header instanceof SafetensorsHeader.Verdict.Refused refused) {
        return record(object, folder, name, announced, State.REFUSED, refused.reason(), null, 0, Map.of());
      }
      SafetensorsHeader.Summary summary = ((SafetensorsHeader.Verdict.Usable) header).summary();
      tensors = summary.tensors();
      dtypes = summary.dtypes();
    }
    String sha256 = sha256(object);
    if (announced != null && announced.sha256() != null && !announced.sha256().equalsIgnoreCase(sha256)) {
      return record(object, folder, name, announced, State.REFUSED, "checksum mismatch: the upload announced sha256 "
          + announced.sha256() + " but the file's is " + sha256, sha256, tensors, dtypes);
    }
    return record(object, folder, name, announced, State.READY, null, sha256, tensors, dtypes);
  }

  private ModelRecord record(FinalizedObject object, String folder, String name, ModelRecord announced,
      State state, String reason, String sha256, int tensors, Map<String, Integer> dtypes) {
    return new ModelRecord(folder, name, object.generation(), object.size(), sha256, state, reason, tensors,
        new TreeMap<>(dtypes), announced != null ? announced.addedAt() : clock.instant(),
        announced != null ? announced.addedBy() : ADDED_BY_STORAGE,
        announced != null && announced.imported() != null ? announced.imported().withoutToken() : null);
  }

  private String sha256(FinalizedObject object) throws IOException {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
    try (InputStream in = new DigestInputStream(files.open(object.name(), object.generation()), sha)) {
      byte[] buffer = new byte[HASH_BUFFER];
      while (in.read(buffer) >= 0) {
        // the digest sees every byte read
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }
}
