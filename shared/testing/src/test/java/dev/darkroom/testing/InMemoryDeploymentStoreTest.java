package dev.darkroom.testing;

import dev.darkroom.core.port.DeploymentStore;

class InMemoryDeploymentStoreTest extends DeploymentStoreContract {
  private final InMemoryDeploymentStore store = new InMemoryDeploymentStore();

  @Override
  protected DeploymentStore store() {
    return store;
  }
}
