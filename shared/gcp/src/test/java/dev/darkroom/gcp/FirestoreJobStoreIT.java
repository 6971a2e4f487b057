package dev.darkroom.gcp;

import dev.darkroom.core.port.JobStore;
import dev.darkroom.testing.JobStoreContract;

/** The Firestore adapter passes the same contract as the in-memory fake, on Google's emulator. */
class FirestoreJobStoreIT extends JobStoreContract {
  @Override
  protected JobStore store() {
    return SharedLocalCloud.adapters().jobStore();
  }
}
