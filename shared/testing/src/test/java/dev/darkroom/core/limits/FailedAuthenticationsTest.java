package dev.darkroom.core.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.darkroom.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FailedAuthenticationsTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-23T10:00:00Z"));
  private final FailedAuthentications failures = new FailedAuthentications(2, clock);

  @Test
  void anAddressIsRefusedOnceItFailedTheLimitAndRefusalsCountAsFailures() {
    failures.failed("a");
    assertThat(failures.refusal("a")).isEmpty();
    failures.failed("a");

    Admission.Refusal refused = failures.refusal("a").orElseThrow();
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.retryAfter()).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(120));
    assertThat(failures.refusal("b")).as("another address").isEmpty();

    clock.advance(Duration.ofSeconds(30));
    assertThat(failures.refusal("a")).isPresent();
    // Two windows later, nothing is left of them.
    clock.advance(Duration.ofMinutes(2));
    assertThat(failures.refusal("a")).isEmpty();
  }

  @Test
  void aClientThatKeepsTryingStaysRefused() {
    failures.failed("a");
    failures.failed("a");
    for (int second = 0; second < 180; second += 5) {
      assertThat(failures.refusal("a")).as("at +%d s", second).isPresent();
      clock.advance(Duration.ofSeconds(5));
    }
  }

  @Test
  void zeroIsNoLimitAndTheAddressesRememberedAreBounded() {
    FailedAuthentications off = new FailedAuthentications(0, clock);
    for (int i = 0; i < 10; i++) {
      off.failed("a");
    }
    assertThat(off.refusal("a")).isEmpty();

    for (int i = 0; i <= FailedAuthentications.MAX_ADDRESSES; i++) {
      failures.failed("10.0." + (i / 256) + "." + (i % 256));
    }
    failures.failed("a");
    failures.failed("a");
    assertThat(failures.refusal("a")).as("a new address past the bound is still counted").isPresent();
  }
}
