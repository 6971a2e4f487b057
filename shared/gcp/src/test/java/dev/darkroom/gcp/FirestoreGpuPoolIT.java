package dev.darkroom.gcp;

import dev.darkroom.core.port.GpuPool;
import dev.darkroom.testing.GpuPoolContract;
import java.util.UUID;

/** The Firestore adapter passes the same contract as the in-memory fake, on Google's emulator. */
class FirestoreGpuPoolIT extends GpuPoolContract {
  @Override
  protected GpuPool pool(int cap) {
    return new FirestoreGpuPool(SharedLocalCloud.adapters().clients().firestore(), "gpuSlots-" + UUID.randomUUID(), cap);
  }
}
