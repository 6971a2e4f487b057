package dev.darkroom.gcp;

import dev.darkroom.core.port.StreamTickets;
import dev.darkroom.testing.StreamTicketsContract;

/** The Firestore adapter passes the same contract as the in-memory fake, on Google's emulator. */
class FirestoreStreamTicketsIT extends StreamTicketsContract {
  @Override
  protected StreamTickets tickets() {
    return SharedLocalCloud.adapters().streamTickets();
  }
}
