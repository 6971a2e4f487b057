package dev.darkroom.gcp;

import dev.darkroom.core.port.DeploymentStore;
import dev.darkroom.testing.DeploymentStoreContract;

/** The Firestore adapter passes the same contract as the in-memory fake, on Google's emulator. */
class FirestoreDeploymentStoreIT extends DeploymentStoreContract {
  @Override
  protected DeploymentStore store() {
    return SharedLocalCloud.adapters().deployments();
  }
}
