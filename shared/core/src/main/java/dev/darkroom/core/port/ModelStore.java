package dev.darkroom.core.port;

import dev.darkroom.core.models.ModelRecord;
import java.util.List;
import java.util.Optional;

/**
 * The models' states (Firestore {@code models/{folder}__{name}} in the cloud): one record per file
 * of the models bucket, replaced only by a record of the same or a newer object generation.
 */
public interface ModelStore {

  Optional<ModelRecord> get(String folder, String name);

  /**
   * Stores {@code model} atomically unless the stored record is of a newer generation, or of the
   * same generation and already checked while {@code model} is not (a late or redelivered event
   * never regresses a verdict).
   *
   * @return the record stored after the call: {@code model} if it was written
   */
  ModelRecord put(ModelRecord model);

  /**
   * Reads the stored record of {@code folder/name} and writes what {@code change} makes of it, in
   * one transaction: the import's compare-and-set (start an import only where none of the same id
   * runs, advance its progress only while it is still the one recorded). {@code change} may run
   * more than once (a transaction that collided is tried again), so it must only compute.
   *
   * @param change given the stored record (empty if none), returns the record to store, or empty to
   *     leave the stored one as it is
   * @return the record stored after the call (empty if none)
   */
  Optional<ModelRecord> compute(String folder, String name,
      java.util.function.Function<Optional<ModelRecord>, Optional<ModelRecord>> change);

  /** Every record, ordered by folder then name; of one folder only if {@code folder} is not null. */
  List<ModelRecord> list(String folder);

  /** The rule of {@link #put}: whether {@code model} replaces {@code stored} (null: none). */
  static boolean replaces(ModelRecord model, ModelRecord stored) {
    return stored == null || model.generation() > stored.generation()
        || model.generation() == stored.generation() && (model.checked() || !stored.checked());
  }
}
