package dev.darkroom.gcp;

import dev.darkroom.core.port.DeviceTokens;
import dev.darkroom.testing.DeviceTokensContract;

/** The Firestore adapter passes the same contract as the in-memory fake, on Google's emulator. */
class FirestoreDeviceTokensIT extends DeviceTokensContract {
  @Override
  protected DeviceTokens tokens() {
    return new FirestoreDeviceTokens(SharedLocalCloud.adapters().clients().firestore(), "devices");
  }
}
