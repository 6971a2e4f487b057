package dev.darkroom.gcp;

import dev.darkroom.core.port.IdempotencyKeys;
import dev.darkroom.testing.IdempotencyKeysContract;

/** The Firestore adapter passes the same contract as the in-memory fake, on Google's emulator. */
class FirestoreIdempotencyKeysIT extends IdempotencyKeysContract {
  @Override
  protected IdempotencyKeys keys() {
    return SharedLocalCloud.adapters().idempotencyKeys();
  }
}
