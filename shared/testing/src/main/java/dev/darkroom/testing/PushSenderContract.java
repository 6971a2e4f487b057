package dev.darkroom.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.darkroom.core.port.PushSender;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What every {@link PushSender} must do, the recording fake and FCM alike: one message per token,
 * and the answer tells the tokens to forget (gone for good) from those to try again.
 */
public abstract class PushSenderContract {
  private static final Map<String, String> DATA = Map.of("jobId", "j1", "status", "succeeded");

  /** A sender to the push platform. */
  protected abstract PushSender sender();

  /** The platform will say {@code token} is gone for good (the app was uninstalled). */
  protected abstract void tokenIsGone(String token);

  /** The platform will fail {@code token} for now (unavailable, over quota). */
  protected abstract void tokenFailsForNow(String token);

  /** What the platform was asked to deliver, one entry per token, in any order. */
  protected abstract List<Pushed> pushed();

  public record Pushed(String token, String title, Map<String, String> data, String collapseKey) {}

  @Test
  void eachTokenIsSentTheMessageWithItsCollapseKey() {
    PushSender.Result result = sender().send(List.of("tok-phone", "tok-tablet"), "Job succeeded",
        "Your job j1 succeeded.", DATA, "n-1");

    assertThat(result).isEqualTo(new PushSender.Result(2, List.of(), List.of()));
    assertThat(pushed()).containsExactlyInAnyOrder(new Pushed("tok-phone", "Job succeeded", DATA, "n-1"),
        new Pushed("tok-tablet", "Job succeeded", DATA, "n-1"));
  }

  @Test
  void goneTokensAreToldApartFromTokensThatFailedForNow() {
    tokenIsGone("tok-gone");
    tokenFailsForNow("tok-busy");
    PushSender.Result result = sender().send(List.of("tok-phone", "tok-gone", "tok-busy"), "Job failed",
        "Your job j1 failed.", DATA, "n-2");

    assertThat(result.sent()).isEqualTo(1);
    assertThat(result.invalid()).containsExactly("tok-gone");
    assertThat(result.failed()).containsExactly("tok-busy");
  }
}
