package dev.darkroom.testing;

import dev.darkroom.core.port.JobFeed;
import dev.darkroom.core.port.JobStore;

/** The fake feed passes the same contract as the Firestore listeners. */
class InMemoryJobFeedTest extends JobFeedContract {
  private final InMemoryJobStore store = new InMemoryJobStore();
  private final InMemoryJobFeed feed = new InMemoryJobFeed(store);

  @Override
  protected JobStore store() {
    return store;
  }

  @Override
  protected JobFeed feed() {
    return feed;
  }
}
