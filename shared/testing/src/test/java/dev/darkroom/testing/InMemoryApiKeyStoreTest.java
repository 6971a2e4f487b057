package dev.darkroom.testing;

import dev.darkroom.core.port.ApiKeyStore;

class InMemoryApiKeyStoreTest extends ApiKeyStoreContract {
  private final InMemoryApiKeyStore store = new InMemoryApiKeyStore();

  @Override
  protected ApiKeyStore store() {
    return store;
  }
}
