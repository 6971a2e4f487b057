package dev.darkroom.gcp;

import dev.darkroom.core.port.ModelStore;
import dev.darkroom.testing.ModelStoreContract;

/** The Firestore adapter passes the same contract as the in-memory fake, on Google's emulator. */
class FirestoreModelStoreIT extends ModelStoreContract {
  @Override
  protected ModelStore models() {
    return SharedLocalCloud.adapters().modelStore();
  }
}
