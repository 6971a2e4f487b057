package dev.darkroom.core.usecase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.darkroom.core.auth.AuthFailure;
import dev.darkroom.core.auth.Caller;
import dev.darkroom.core.auth.StreamTicket;
import dev.darkroom.core.auth.StreamTicket.Purpose;
import dev.darkroom.testing.InMemoryStreamTickets;
import dev.darkroom.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StreamTicketingTest {
  private static final Instant T0 = Instant.parse("2026-12-06T08:00:00Z");
  private final ManualClock clock = new ManualClock(T0);
  private final InMemoryStreamTickets store = new InMemoryStreamTickets();
  private final StreamTicketing tickets = new StreamTicketing(store, clock);
  private final Caller alice = Caller.apiKey("alice", "pro", "k1");

  @Test
  void aTicketOpensOneStreamOfItsKindAsItsCallerOnce() throws Exception {
    StreamTicketing.Issued issued = tickets.issue(alice, Purpose.WS);
    assertThat(issued.ticket()).startsWith("dst_").hasSize(47);
    assertThat(issued.expiresIn()).isEqualTo(Duration.ofSeconds(60));

    StreamTicket redeemed = tickets.redeem(issued.ticket(), Purpose.WS);
    assertThat(redeemed.caller()).isEqualTo(alice);
    assertThat(redeemed.issuedAt()).isEqualTo(T0);
    assertThatThrownBy(() -> tickets.redeem(issued.ticket(), Purpose.WS)).isInstanceOf(AuthFailure.class)
        .hasMessageContaining("already used").hasMessageContaining("POST /api/v2/stream-tickets");
  }

  @Test
  void theStoreNeverHoldsTheTicketItself() {
    StreamTicketing.Issued issued = tickets.issue(alice, Purpose.SSE);
    assertThat(store.take(issued.ticket())).isEmpty();
    assertThat(store.size()).isEqualTo(1);
  }

  @Test
  void anExpiredTicketIsRefusedAndGone() {
    StreamTicketing.Issued issued = tickets.issue(alice, Purpose.WS);
    clock.advance(Duration.ofSeconds(60));
    assertThatThrownBy(() -> tickets.redeem(issued.ticket(), Purpose.WS))
        .isInstanceOfSatisfying(AuthFailure.class, f -> assertThat(f.reason()).isEqualTo(AuthFailure.Reason.EXPIRED));
    assertThat(store.size()).isZero();
  }

  @Test
  void aTicketForEventStreamsOpensNoSocketAndIsSpentTrying() {
    StreamTicketing.Issued issued = tickets.issue(alice, Purpose.SSE);
    assertThatThrownBy(() -> tickets.redeem(issued.ticket(), Purpose.WS)).isInstanceOf(AuthFailure.class)
        .hasMessageContaining("'sse'");
    assertThatThrownBy(() -> tickets.redeem(issued.ticket(), Purpose.SSE)).isInstanceOf(AuthFailure.class);
  }

  @Test
  void neitherAKeyNorATokenNorNothingIsATicket() {
    for (String notATicket : new String[] {null, "", "drk_abcdefghijkm_" + "x".repeat(43), "eyJhbGciOi.x.y",
        "dst_" + "x".repeat(100)}) {
      assertThatThrownBy(() -> tickets.redeem(notATicket, Purpose.WS)).isInstanceOf(AuthFailure.class)
          .hasMessageContaining("POST /api/v2/stream-tickets");
    }
  }
}
