package dev.darkroom.gcp;

import dev.darkroom.core.port.JobFeed;
import dev.darkroom.core.port.JobStore;
import dev.darkroom.testing.JobFeedContract;

/** The feed on Google's emulator passes the same contract as the in-memory feed. */
class FirestoreJobFeedIT extends JobFeedContract {
  private final JobStore store = SharedLocalCloud.adapters().jobStore();
  private final JobFeed feed = SharedLocalCloud.adapters().jobFeed();

  @Override
  protected JobStore store() {
    return store;
  }

  @Override
  protected JobFeed feed() {
    return feed;
  }
}
