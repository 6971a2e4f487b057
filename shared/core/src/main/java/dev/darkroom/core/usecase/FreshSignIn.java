package dev.darkroom.core.usecase;

import dev.darkroom.core.auth.AuthFailure;
import dev.darkroom.core.auth.Caller;
import dev.darkroom.core.port.SignInTimes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What only a recent sign-in may do: create an API key. An ID token lives an hour, and one that was
 * ever in a URL (an old client's {@code ?token=}, refused but logged) may be read from a log within
 * it; a key minted with it would never expire. So the token must come from a sign-in (its
 * {@code auth_time}, which token refreshes keep) at most {@code maxAge} ago: a token read from a log
 * is older than that unless read within minutes of the sign-in. The local user (no authentication)
 * and API keys (which {@link ApiKeys} refuses anyway) are not asked.
 */
public final class FreshSignIn {
  /** The default {@code maxAge}, as Firebase's own "requires recent login" is a few minutes. */
  public static final Duration MAX_AGE = Duration.ofMinutes(5);

  private final SignInTimes signIns;
  private final Duration maxAge;
  private final Clock clock;

  public FreshSignIn(SignInTimes signIns, Duration maxAge, Clock clock) {
    this.signIns = Objects.requireNonNull(signIns, "signIns");
    this.maxAge = Objects.requireNonNull(maxAge, "maxAge");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * @param idToken the bearer ID token the caller was authenticated with (null if none)
   * @return why the caller may not go on (a 403), or empty when they may
   * @throws AuthFailure UNAVAILABLE when Firebase cannot be asked (a 503)
   */
  public Optional<String> refusal(Caller caller, String idToken) throws AuthFailure {
    if (caller.method() != Caller.Method.ID_TOKEN) {
      return Optional.empty();
    }
    String again = "creating an API key needs a sign-in within the last " + maxAge.toMinutes()
        + " minutes: sign in again, then retry";
    if (idToken == null || idToken.isBlank()) {
      return Optional.of(again);
    }
    Instant signedInAt = signIns.signedInAt(idToken);
    return signedInAt.plus(maxAge).isBefore(clock.instant()) ? Optional.of(again) : Optional.empty();
  }
}
