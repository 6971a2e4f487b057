package dev.darkroom.core.comfy;

import dev.darkroom.core.port.NodeCatalogStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catalog of the engine Darkroom runs ({@link NodeCatalogStore}), re-read at most once a
 * minute so a new image's nodes show up without a redeploy. The published {@code /object_info}
 * cannot say which inputs a {@code VALIDATE_INPUTS} checks or which COMBOs list model folders,
 * so the core catalog's markers are put back ({@link NodeCatalog#fromPublished}).
 */
public final class PublishedCatalog {
  private static final Logger log = LoggerFactory.getLogger(PublishedCatalog.class);
  public static final Duration REFRESH = Duration.ofMinutes(1);

  private final NodeCatalogStore store;
  private final Clock clock;
  private volatile Loaded loaded;

  private record Loaded(Optional<NodeCatalog> catalog, Instant at) {}

  public PublishedCatalog(NodeCatalogStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** The catalog, or empty until an engine has published one (which is logged). */
  public Optional<NodeCatalog> current() {
    Loaded now = loaded;
    if (now == null || now.at().plus(REFRESH).isBefore(clock.instant())) {
      synchronized (this) {
        now = loaded;
        if (now == null || now.at().plus(REFRESH).isBefore(clock.instant())) {
          Optional<NodeCatalog> catalog = store.current().map(NodeCatalog::fromPublished);
          if (catalog.isEmpty()) {
            log.warn("no node catalog published yet: prompts get the structural check only, /object_info is {}");
          }
          now = new Loaded(catalog, clock.instant());
          loaded = now;
        }
      }
    }
    return now.catalog();
  }
}
