package dev.darkroom.core.usecase;

import dev.darkroom.core.port.ArrivalHistory;
import dev.darkroom.core.port.WarmSignals;
import dev.darkroom.core.traffic.ArrivalProfile;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the deployment's usual traffic ({@link ArrivalProfile}) from the ledger when the saved
 * one is missing or older than {@link ArrivalProfile#REFRESH_EVERY}: the jobs created per minute
 * over the last {@link ArrivalProfile#HISTORY}, from the first of them, and the mean GPU-seconds
 * of those that succeeded. Run by the reconciler each tick, so at most one tick late.
 *
 * <p>A ledger or store that cannot be read is logged and nothing is saved: the next tick tries
 * again, and the policy keeps the profile it had.
 */
public final class RefreshArrivalProfile {
  private static final Logger log = LoggerFactory.getLogger(RefreshArrivalProfile.class);

  private final WarmSignals signals;
  private final ArrivalHistory history;
  private final Clock clock;

  public RefreshArrivalProfile(WarmSignals signals, ArrivalHistory history, Clock clock) {
    this.signals = signals;
    this.history = history;
    this.clock = clock;
  }

  /** @return true if a new profile was saved */
  public boolean refresh() {
    Instant now = clock.instant();
    try {
      Optional<ArrivalProfile> saved = signals.profile();
      if (saved.isPresent() && now.isBefore(saved.get().computedAt().plus(ArrivalProfile.REFRESH_EVERY))) {
        return false;
      }
      // Whole minutes only: the minute under way is not over, and would read as a quiet one.
      Instant until = now.truncatedTo(ChronoUnit.MINUTES);
      Instant from = until.minus(ArrivalProfile.HISTORY);
      Optional<ArrivalHistory.MinuteCounts> counts = history.createdPerMinute(from, until);
      ArrivalProfile profile;
      if (counts.isEmpty()) {
        profile = ArrivalProfile.empty(now);
      } else {
        double typicalJobSeconds = history.meanSucceededGpuSeconds(from, until);
        profile = ArrivalProfile.fromMinuteCounts(counts.get().firstMinute(), counts.get().perMinute(), now,
            typicalJobSeconds);
      }
      signals.saveProfile(profile);
      log.info("arrival profile refreshed from the ledger: {} minute(s) of history since {}, typical job {} s",
          counts.map(c -> c.perMinute().length).orElse(0),
          counts.map(c -> c.firstMinute().toString()).orElse("(no job yet)"), profile.typicalJobSeconds());
      return true;
    } catch (RuntimeException e) {
      log.warn("arrival profile not refreshed (the next tick tries again): {}", e.toString());
      return false;
    }
  }
}
