package dev.darkroom.core.usecase;

import dev.darkroom.core.auth.AuthFailure;
import dev.darkroom.core.auth.Caller;
import dev.darkroom.core.port.CallerStanding;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether what a credential opened (a socket, an event stream) may stay open: its API key is not
 * revoked, its account is neither disabled nor deleted, and its user's sessions were not revoked
 * after it was authenticated. The answer for a caller is asked of {@link CallerStanding} at most
 * once per {@code period} and shared by all of their streams, so a stream outlives its credential
 * by at most {@code period} plus the time between the stream's own checks. When the answer cannot be
 * had (Firebase or the database unreachable) streams stay open: an outage must not cut every socket,
 * and the next check decides.
 */
public final class StandingRecheck {
  private static final Logger log = LoggerFactory.getLogger(StandingRecheck.class);
  /** The default {@code period}. */
  public static final Duration PERIOD = Duration.ofSeconds(60);
  /** Callers remembered at most; past it the stale are forgotten, then all. */
  static final int MAX_REMEMBERED = 10_000;

  /** One answer: the moment sessions are valid after, or the failure. */
  private record Answer(Instant at, Instant validAfter, AuthFailure failure) {}

  private final CallerStanding standing;
  private final Clock clock;
  private final Duration period;
  private final Map<Caller, Answer> answers = new ConcurrentHashMap<>();

  public StandingRecheck(CallerStanding standing, Clock clock, Duration period) {
    this.standing = Objects.requireNonNull(standing, "standing");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("the recheck period must be positive: " + period);
    }
    this.period = period;
  }

  public Duration period() {
    return period;
  }

  /**
   * @param authenticatedAt when the stream's credential was checked (for a ticket: when it was issued)
   * @throws AuthFailure when the stream must end; never UNAVAILABLE
   */
  public void confirm(Caller caller, Instant authenticatedAt) throws AuthFailure {
    if (caller.method() == Caller.Method.LOCAL) {
      return;
    }
    Instant now = clock.instant();
    Answer answer = answers.get(caller);
    if (answer == null || !now.isBefore(answer.at().plus(period))) {
      answer = ask(caller, now);
      if (answer == null) {
        return;
      }
    }
    if (answer.failure() != null) {
      throw answer.failure();
    }
    if (answer.validAfter().isAfter(authenticatedAt)) {
      throw new AuthFailure(AuthFailure.Reason.REVOKED, "the user's sessions were revoked: sign in again");
    }
  }

  private Answer ask(Caller caller, Instant now) {
    Answer answer;
    try {
      answer = new Answer(now, standing.sessionsValidAfter(caller), null);
    } catch (AuthFailure failure) {
      if (failure.reason() == AuthFailure.Reason.UNAVAILABLE) {
        log.warn("the standing of user {} could not be checked; their streams stay open: {}", caller.userId(),
            failure.getMessage());
        return null;
      }
      answer = new Answer(now, null, failure);
    }
    if (answers.size() >= MAX_REMEMBERED) {
      answers.values().removeIf(a -> !now.isBefore(a.at().plus(period)));
      if (answers.size() >= MAX_REMEMBERED) {
        answers.clear();
      }
    }
    answers.put(caller, answer);
    return answer;
  }
}
