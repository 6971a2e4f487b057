package dev.darkroom.core.port;

import dev.darkroom.core.auth.StreamTicket;
import java.util.Optional;

/**
 * Stream tickets by the hash of their secret (Firestore {@code stream_tickets} in the cloud),
 * shared by the api, which issues them and opens event streams, and the realtime gateway, which
 * opens sockets. A ticket is taken at most once, whoever asks and however many ask at once.
 */
public interface StreamTickets {

  /** Stores a new ticket under {@code id} (a hash of its secret; ids are never reused). */
  void save(String id, StreamTicket ticket);

  /**
   * Removes the ticket and returns it, atomically: of concurrent takers of one id, exactly one gets
   * it. Expired tickets are returned too (the caller decides); a ticket never saved, or already
   * taken, is empty.
   */
  Optional<StreamTicket> take(String id);
}
