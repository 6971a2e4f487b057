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
   * one transaction: the compare-and-set of announcements and imports (start an import only where
   * none of the same id runs, advance its progress only while it is still the one recorded).
   * {@code change} may run more than once (a transaction that collided is tried again), so it must
   * only compute.
   *
   * @param change given the stored record (empty if none), returns the record to store, or empty to
   *     leave the stored one as it is
   * @return the record stored after the call (empty if none)
   */
  Optional<ModelRecord> compute(String folder, String name,
      java.util.function.Function<Optional<ModelRecord>, Optional<ModelRecord>> change);

  /**
   * Records, atomically, that {@code announcement} (state checking) is about to be uploaded, unless
   * a file or an import has the name ({@link #announces}).
   *
   * @return the record stored after the call: the announcement (at the generation it was given
   *     by {@link #announces}) if it was written, else the record in its way
   */
  default ModelRecord announce(ModelRecord announcement) {
    return compute(announcement.folder(), announcement.name(),
        stored -> Optional.ofNullable(announces(announcement, stored.orElse(null))))
        .orElseThrow(() -> new IllegalStateException("an announcement stored nothing"));
  }

  /**
   * Every record but the tombstones (kept for {@link #get} and late events, never listed), ordered
   * by folder then name; of one folder only if {@code folder} is not null. A listing reads what it
   * returns, however many files were deleted before.
   */
  List<ModelRecord> list(String folder);

  /**
   * The rule of {@link #put}: whether {@code model} replaces {@code stored} (null: none). A
   * tombstone is replaced only by a newer generation (or another tombstone), never by a verdict on
   * the generation it deleted.
   */
  static boolean replaces(ModelRecord model, ModelRecord stored) {
    return stored == null || model.generation() > stored.generation()
        || model.generation() == stored.generation() && (!stored.deleted() || model.deleted())
        && (model.checked() || !stored.checked());
  }

  /**
   * The rule of {@link #announce}: an upload may be announced where there is no record, a
   * tombstone, a failed import, or another announcement (an upload that was started and may be
   * started again); a ready or refused file must be deleted first, and an import that runs must end. The announcement keeps the stored generation, so
   * only the finalize event of a newer generation (the upload's) is checked as this announcement.
   *
   * @return the record to store, or null when {@code stored} is in the way
   */
  static ModelRecord announces(ModelRecord announcement, ModelRecord stored) {
    if (stored != null && (stored.state() == ModelRecord.State.READY || stored.state() == ModelRecord.State.REFUSED
        || stored.state() == ModelRecord.State.IMPORTING)) {
      return null;
    }
    ModelRecord a = announcement;
    return new ModelRecord(a.folder(), a.name(), stored == null ? 0 : stored.generation(), a.size(), a.sha256(),
        ModelRecord.State.CHECKING, null, 0, null, a.addedAt(), a.addedBy());
  }
}
