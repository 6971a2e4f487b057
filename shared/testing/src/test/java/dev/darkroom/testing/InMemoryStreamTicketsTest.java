package dev.darkroom.testing;

import dev.darkroom.core.port.StreamTickets;

class InMemoryStreamTicketsTest extends StreamTicketsContract {
  private final InMemoryStreamTickets tickets = new InMemoryStreamTickets();

  @Override
  protected StreamTickets tickets() {
    return tickets;
  }
}
