package dev.darkroom.core.usecase;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.darkroom.core.auth.AuthFailure;
import dev.darkroom.core.auth.Caller;
import dev.darkroom.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class StandingRecheckTest {
  private static final Instant T0 = Instant.parse("2026-12-06T08:00:00Z");
  private final ManualClock clock = new ManualClock(T0);
  private final AtomicInteger asked = new AtomicInteger();
  /** What the account's standing is now: a moment sessions are valid after, or a failure. */
  private final AtomicReference<Object> standing = new AtomicReference<>(Instant.EPOCH);
  private final StandingRecheck recheck = new StandingRecheck(caller -> {
    asked.incrementAndGet();
    Object now = standing.get();
    if (now instanceof AuthFailure failure) {
      throw failure;
    }
    return (Instant) now;
  }, clock, Duration.ofSeconds(60));
  private final Caller alice = Caller.idToken("alice", "free");

  @Test
  void aStandingCallerGoesOnAndIsAskedAboutOncePerPeriod() throws Exception {
    recheck.confirm(alice, T0);
    recheck.confirm(alice, T0);
    clock.advance(Duration.ofSeconds(59));
    recheck.confirm(alice, T0);
    assertThat(asked).hasValue(1);
    clock.advance(Duration.ofSeconds(1));
    recheck.confirm(alice, T0);
    assertThat(asked).hasValue(2);
  }

  @Test
  void aDisabledAccountEndsItsStreamsWithinAPeriod() throws Exception {
    recheck.confirm(alice, T0);
    standing.set(new AuthFailure(AuthFailure.Reason.DISABLED, "the account is disabled"));
    recheck.confirm(alice, T0); // remembered answer, within the period
    clock.advance(Duration.ofSeconds(60));
    assertThatThrownBy(() -> recheck.confirm(alice, T0)).hasMessage("the account is disabled");
  }

  @Test
  void sessionsRevokedAfterTheStreamWasAuthenticatedEndIt() throws Exception {
    standing.set(T0.plusSeconds(10));
    assertThatThrownBy(() -> recheck.confirm(alice, T0))
        .isInstanceOfSatisfying(AuthFailure.class, f -> assertThat(f.reason()).isEqualTo(AuthFailure.Reason.REVOKED));
    // A stream authenticated after the revocation (a new sign-in) stands.
    recheck.confirm(alice, T0.plusSeconds(11));
  }

  @Test
  void whenTheAnswerCannotBeHadStreamsStayOpenAndTheNextCheckAsksAgain() throws Exception {
    standing.set(new AuthFailure(AuthFailure.Reason.UNAVAILABLE, "Firebase is down"));
    assertThatCode(() -> recheck.confirm(alice, T0)).doesNotThrowAnyException();
    recheck.confirm(alice, T0);
    assertThat(asked).hasValue(2);
  }

  @Test
  void theLocalUserIsNeverAsked() throws Exception {
    recheck.confirm(Caller.local("free"), T0);
    assertThat(asked).hasValue(0);
  }
}
