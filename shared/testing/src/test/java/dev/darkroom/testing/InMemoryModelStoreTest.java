package dev.darkroom.testing;

import dev.darkroom.core.port.ModelStore;

class InMemoryModelStoreTest extends ModelStoreContract {
  private final InMemoryModelStore models = new InMemoryModelStore();

  @Override
  protected ModelStore models() {
    return models;
  }
}
