package dev.darkroom.testing;

import dev.darkroom.core.port.NodeCatalogStore;

/** The fake passes the same contract as the Cloud Storage adapter. */
class InMemoryNodeCatalogStoreTest extends NodeCatalogStoreContract {
  @Override
  protected NodeCatalogStore emptyStore() {
    return new InMemoryNodeCatalogStore();
  }
}
