package dev.darkroom.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.darkroom.core.auth.Caller;
import dev.darkroom.core.auth.StreamTicket;
import dev.darkroom.core.port.StreamTickets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** What every {@link StreamTickets} must do; run against the fake and against the Firestore emulator. */
public abstract class StreamTicketsContract {
  private static final Instant T0 = Instant.parse("2026-12-06T08:00:00Z");

  protected abstract StreamTickets tickets();

  private static String id() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  @Test
  void aSavedTicketIsTakenWithEverythingItStandsForThenIsGone() {
    String id = id();
    StreamTicket byKey = new StreamTicket(Caller.apiKey("alice", "pro", "k1"), StreamTicket.Purpose.WS, T0,
        T0.plusSeconds(60));
    tickets().save(id, byKey);
    assertThat(tickets().take(id)).contains(byKey);
    assertThat(tickets().take(id)).isEmpty();

    String other = id();
    StreamTicket byToken = new StreamTicket(Caller.idToken("bob", "free"), StreamTicket.Purpose.SSE,
        T0.plusMillis(123), T0.plusSeconds(60));
    tickets().save(other, byToken);
    assertThat(tickets().take(other)).contains(byToken);

    String third = id();
    StreamTicket byAdmin = new StreamTicket(Caller.idToken("dana", "free", true), StreamTicket.Purpose.WS, T0,
        T0.plusSeconds(60));
    tickets().save(third, byAdmin);
    assertThat(tickets().take(third)).contains(byAdmin);
  }

  @Test
  void anUnknownTicketIsEmpty() {
    assertThat(tickets().take(id())).isEmpty();
  }

  @Test
  void ofManyConcurrentTakersExactlyOneGetsTheTicket() throws Exception {
    String id = id();
    tickets().save(id, new StreamTicket(Caller.idToken("carol", "free"), StreamTicket.Purpose.WS, T0, T0.plusSeconds(60)));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<Optional<StreamTicket>>> takers = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        takers.add(() -> tickets().take(id));
      }
      long taken = 0;
      for (Future<Optional<StreamTicket>> result : pool.invokeAll(takers)) {
        taken += result.get().isPresent() ? 1 : 0;
      }
      assertThat(taken).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }
}
