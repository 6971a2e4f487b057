package dev.darkroom.core.comfy;

import dev.darkroom.core.models.ModelRecord;
import dev.darkroom.core.port.ModelStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The files of each model folder as prompts may name them, from the models' current states
 * ({@link ModelStore}): a file is offered exactly while its record is {@code ready}. The store
 * decides for every file it has a record of (ready, checking, refused, deleted); a file the engine
 * listed that it has no record of at all (baked into the image, or copied into the bucket before
 * the models check existed) stays as the engine listed it.
 *
 * <p>The store is read at most once per {@link #REFRESH} per instance (one query of every record:
 * a deployment has tens to hundreds of models), and at once after {@link #invalidate} (a model
 * deleted or announced through this instance): so a model is usable, or refused, on every
 * instance within {@link #REFRESH} of its state changing, and on the instance that changed it at
 * once. Two seconds is below what a person notices between an upload finishing and a prompt naming
 * it, and bounds the reads to 30 a minute per instance, whatever the request rate.
 */
public final class ModelLists {
  public static final Duration REFRESH = Duration.ofSeconds(2);

  /**
   * ComfyUI lists some folders together ({@code folder_paths}: {@code text_encoders} reads
   * {@code models/clip} too, {@code diffusion_models} reads {@code models/unet}).
   */
  static final Map<String, List<String>> READ_WITH = Map.of(
      "text_encoders", List.of("text_encoders", "clip"),
      "clip", List.of("text_encoders", "clip"),
      "diffusion_models", List.of("diffusion_models", "unet"),
      "unet", List.of("diffusion_models", "unet"));

  private final ModelStore store;
  private final Clock clock;
  private volatile Snapshot snapshot;

  public ModelLists(ModelStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /**
   * The models' states at one moment.
   *
   * @param ready the ready files' names by folder
   * @param known every recorded file's name by folder, whatever its state
   */
  public record Snapshot(Map<String, Set<String>> ready, Map<String, Set<String>> known, Instant at) {

    /**
     * What a COMBO of {@code folder} offers: the ready files of the folder (and of the folders
     * ComfyUI reads with it), and of {@code engineListed} those the store has no record of; sorted.
     */
    public List<String> files(String folder, List<String> engineListed) {
      TreeSet<String> files = new TreeSet<>();
      List<String> folders = READ_WITH.getOrDefault(folder, List.of(folder));
      for (String f : folders) {
        files.addAll(ready.getOrDefault(f, Set.of()));
      }
      for (String name : engineListed) {
        if (folders.stream().noneMatch(f -> known.getOrDefault(f, Set.of()).contains(name))) {
          files.add(name);
        }
      }
      return List.copyOf(files);
    }

    /** The same states, regardless of when they were read. */
    boolean sameStates(Snapshot other) {
      return other != null && ready.equals(other.ready) && known.equals(other.known);
    }
  }

  /** The models' states, read again if the last read is older than {@link #REFRESH}. */
  public Snapshot current() {
    Snapshot now = snapshot;
    if (now == null || !clock.instant().isBefore(now.at().plus(REFRESH))) {
      synchronized (this) {
        now = snapshot;
        if (now == null || !clock.instant().isBefore(now.at().plus(REFRESH))) {
          now = read();
          snapshot = now;
        }
      }
    }
    return now;
  }

  /** Forgets the last read: the next {@link #current} reads the store (after a change made here). */
  public void invalidate() {
    snapshot = null;
  }

  private Snapshot read() {
    Map<String, Set<String>> ready = new TreeMap<>();
    Map<String, Set<String>> known = new TreeMap<>();
    for (ModelRecord model : store.list(null)) {
      known.computeIfAbsent(model.folder(), f -> new TreeSet<>()).add(model.name());
      if (model.usable()) {
        ready.computeIfAbsent(model.folder(), f -> new TreeSet<>()).add(model.name());
      }
    }
    return new Snapshot(ready, known, clock.instant());
  }
}
