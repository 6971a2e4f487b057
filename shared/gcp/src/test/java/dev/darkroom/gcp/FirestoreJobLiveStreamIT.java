package dev.darkroom.gcp;

import dev.darkroom.core.port.JobLiveStream;
import dev.darkroom.testing.JobLiveStreamContract;

/** The Firestore adapter passes the same contract as the in-memory fake, on Google's emulator. */
class FirestoreJobLiveStreamIT extends JobLiveStreamContract {
  @Override
  protected JobLiveStream stream() {
    return SharedLocalCloud.adapters().jobLive();
  }
}
