package dev.darkroom.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.port.NodeCatalogStore;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** A {@link NodeCatalogStore} in memory, counting publications and reads of the catalog. */
public final class InMemoryNodeCatalogStore implements NodeCatalogStore {
  private volatile ObjectNode current;
  public final AtomicInteger publications = new AtomicInteger();
  public final AtomicInteger reads = new AtomicInteger();

  @Override
  public Optional<ObjectNode> current() {
    reads.incrementAndGet();
    return Optional.ofNullable(current);
  }

  /** The number of the publication the catalog comes from. */
  @Override
  public Optional<String> version() {
    int published = publications.get();
    return published == 0 ? Optional.empty() : Optional.of(Integer.toString(published));
  }

  @Override
  public synchronized void publish(ObjectNode objectInfo) {
    current = objectInfo.deepCopy();
    publications.incrementAndGet();
  }
}
