package dev.darkroom.core.comfy;

import dev.darkroom.core.models.ModelPaths;
import dev.darkroom.core.port.NodeCatalogStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catalog of the engine Darkroom runs ({@link NodeCatalogStore}), looked at once a minute so
 * a new image's nodes show up without a redeploy, and read again only when its version changed.
 * The published {@code /object_info} cannot say which inputs a {@code VALIDATE_INPUTS} checks or
 * which COMBOs list model folders, so the core catalog's markers are put back
 * ({@link NodeCatalog#fromPublished}). With {@link ModelLists}, the COMBOs that list a model folder
 * offer the models' current states instead of what the engine saw when it published: a model is
 * usable the moment it is ready and refused the moment it is deleted, without waiting for an
 * engine to publish again.
 */
public final class PublishedCatalog {
  private static final Logger log = LoggerFactory.getLogger(PublishedCatalog.class);
  public static final Duration REFRESH = Duration.ofMinutes(1);

  private final NodeCatalogStore store;
  private final ModelLists models;
  private final Clock clock;
  private volatile Loaded loaded;
  private volatile WithModels withModels;

  /** @param version the store's version of {@code catalog} ({@link NodeCatalogStore#version}) */
  private record Loaded(Optional<NodeCatalog> catalog, Optional<String> version, Instant at) {}

  /** The published catalog with the model lists of one snapshot (rebuilt only when either changes). */
  private record WithModels(NodeCatalog published, ModelLists.Snapshot models, NodeCatalog catalog) {}

  /** The model lists as the engine published them. */
  public PublishedCatalog(NodeCatalogStore store, Clock clock) {
    this(store, null, clock);
  }

  /** @param models the models' current states, or null for the lists the engine published */
  public PublishedCatalog(NodeCatalogStore store, ModelLists models, Clock clock) {
    this.store = store;
    this.models = models;
    this.clock = clock;
  }

  /** The catalog, or empty until an engine has published one (which is logged). */
  public Optional<NodeCatalog> current() {
    Optional<NodeCatalog> published = published();
    if (models == null || published.isEmpty()) {
      return published;
    }
    ModelLists.Snapshot snapshot = models.current();
    WithModels last = withModels;
    if (last != null && last.published() == published.get() && last.models().sameStates(snapshot)) {
      return Optional.of(last.catalog());
    }
    Map<String, List<String>> engineListed = published.get().folderFiles();
    NodeCatalog catalog = published.get().withFolderChoices(folder -> ModelPaths.FOLDERS.contains(folder)
        ? snapshot.files(folder, engineListed.getOrDefault(folder, List.of())) : null);
    withModels = new WithModels(published.get(), snapshot, catalog);
    return Optional.of(catalog);
  }

  /**
   * Each model folder's files, as {@code /models/{folder}} lists them: the COMBOs' choices, and
   * with {@link ModelLists} the ready models of every folder no COMBO lists (ComfyUI lists each of
   * its folders, {@code embeddings} for one, whether or not a node's input offers it).
   */
  public Map<String, List<String>> folderFiles() {
    Optional<NodeCatalog> catalog = current();
    if (models == null) {
      return catalog.map(NodeCatalog::folderFiles).orElse(Map.of());
    }
    ModelLists.Snapshot snapshot = models.current();
    Map<String, List<String>> files = new TreeMap<>(catalog.map(NodeCatalog::folderFiles).orElse(Map.of()));
    for (String folder : snapshot.ready().keySet()) {
      files.computeIfAbsent(folder, f -> snapshot.files(f, List.of()));
    }
    return files;
  }

  private Optional<NodeCatalog> published() {
    Loaded now = loaded;
    if (now == null || now.at().plus(REFRESH).isBefore(clock.instant())) {
      synchronized (this) {
        now = loaded;
        if (now == null || now.at().plus(REFRESH).isBefore(clock.instant())) {
          // Asked first: the catalog is the engine's whole /object_info, and the one held is nearly always current.
          Optional<String> version = store.version();
          if (now != null && now.version().equals(version)) {
            now = new Loaded(now.catalog(), version, clock.instant());
          } else {
            Optional<NodeCatalog> catalog = store.current().map(NodeCatalog::fromPublished);
            if (catalog.isEmpty()) {
              log.warn("no node catalog published yet: prompts get the structural check only, /object_info is {}");
            }
            now = new Loaded(catalog, version, clock.instant());
          }
          loaded = now;
        }
      }
    }
    return now.catalog();
  }
}
