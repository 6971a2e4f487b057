package dev.darkroom.testing;

import dev.darkroom.core.port.JobStore;

/** The fake passes the same contract as the Firestore adapter. */
class InMemoryJobStoreTest extends JobStoreContract {
  private final InMemoryJobStore store = new InMemoryJobStore();

  @Override
  protected JobStore store() {
    return store;
  }
}
