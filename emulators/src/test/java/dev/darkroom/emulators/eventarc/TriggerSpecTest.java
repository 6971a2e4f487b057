package dev.darkroom.emulators.eventarc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TriggerSpecTest {
  private static final URI TARGET = URI.create("http://127.0.0.1:8081/");

  @Test
  void defaultsAreEventarcs() {
    TriggerSpec spec = TriggerSpec.of("job-events", "job-events", TARGET);

    assertThat(spec.maxDeliveryAttempts()).isEqualTo(5);
    assertThat(spec.minBackoff()).isEqualTo(Duration.ofSeconds(10));
    assertThat(spec.maxBackoff()).isEqualTo(Duration.ofSeconds(600));
    assertThat(spec.deadLetterTopic()).isNull();
    assertThat(spec.subscription()).isEqualTo("eventarc-job-events");
  }

  @Test
  void backoffDoublesFromTheMinimumUpToTheMaximum() {
    TriggerSpec spec = TriggerSpec.of("t", "topic", TARGET).withBackoff(Duration.ofMillis(100), Duration.ofMillis(1600));

    assertThat(IntStream.rangeClosed(1, 7).mapToObj(spec::backoffAfter).map(Duration::toMillis))
        .containsExactly(100L, 200L, 400L, 800L, 1600L, 1600L, 1600L);
  }

  @Test
  void gcpDefaultsReachTheCapAfterSixFailures() {
    TriggerSpec spec = TriggerSpec.of("t", "topic", TARGET);

    assertThat(spec.backoffAfter(6)).isEqualTo(Duration.ofSeconds(320));
    assertThat(spec.backoffAfter(7)).isEqualTo(Duration.ofSeconds(600));
    assertThat(spec.backoffAfter(1000)).isEqualTo(Duration.ofSeconds(600));
  }

  @Test
  void rejectsWhatPubSubOrEventarcWouldReject() {
    assertThatThrownBy(() -> TriggerSpec.of("t", "bad topic", TARGET)).hasMessageContaining("bad topic");
    assertThatThrownBy(() -> TriggerSpec.of("t", "topic", URI.create("ftp://x/"))).hasMessageContaining("http");
    assertThatThrownBy(() -> TriggerSpec.of("t", "topic", TARGET).withDeadLetter("topic", 5))
        .hasMessageContaining("must differ");
    assertThatThrownBy(() -> TriggerSpec.of("t", "topic", TARGET).withDeadLetter("dlq", 0))
        .hasMessageContaining("maxDeliveryAttempts");
    assertThatThrownBy(
            () -> TriggerSpec.of("t", "topic", TARGET).withBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessageContaining("minBackoff");
  }

  @Test
  void faultsRejectNonsense() {
    assertThatThrownBy(() -> DeliveryFaults.NONE.withDuplicates(0)).hasMessageContaining("duplicates");
    assertThatThrownBy(() -> DeliveryFaults.NONE.withDelay(Duration.ofMillis(-1))).hasMessageContaining("negative");
    assertThat(DeliveryFaults.NONE).isEqualTo(new DeliveryFaults(1, 0, Duration.ZERO, 0));
  }
}
