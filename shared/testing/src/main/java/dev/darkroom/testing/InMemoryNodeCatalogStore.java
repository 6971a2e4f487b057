package dev.darkroom.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.port.NodeCatalogStore;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** A {@link NodeCatalogStore} in memory, counting publications and reads. */
public final class InMemoryNodeCatalogStore implements NodeCatalogStore {
  private volatile ObjectNode current;
  public final AtomicInteger publications = new AtomicInteger();
  public final AtomicInteger reads = new AtomicInteger();

  @Override
  public Optional<ObjectNode> current() {
    reads.incrementAndGet();
    return Optional.ofNullable(current);
  }

  @Override
  public void publish(ObjectNode objectInfo) {
    publications.incrementAndGet();
    current = objectInfo.deepCopy();
  }
}
