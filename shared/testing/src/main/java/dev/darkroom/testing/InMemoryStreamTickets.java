package dev.darkroom.testing;

import dev.darkroom.core.auth.StreamTicket;
import dev.darkroom.core.port.StreamTickets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** {@link StreamTickets} in memory; a take is one atomic {@code remove}, like Firestore's transaction. */
public final class InMemoryStreamTickets implements StreamTickets {
  private final Map<String, StreamTicket> tickets = new ConcurrentHashMap<>();

  @Override
  public void save(String id, StreamTicket ticket) {
    tickets.put(id, ticket);
  }

  @Override
  public Optional<StreamTicket> take(String id) {
    return Optional.ofNullable(tickets.remove(id));
  }

  /** How many tickets are stored, live or not. */
  public int size() {
    return tickets.size();
  }
}
