package dev.darkroom.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.darkroom.core.port.WebhookSender;
import dev.darkroom.core.port.WebhookSender.Response;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What every {@link WebhookSender} must do, the recording fake and the HTTP sender alike: the
 * POST reaches the receiver whole, and whatever the receiver does is the answer, never an
 * exception (notify retries on a failure and disables the endpoint on 410 Gone).
 */
public abstract class WebhookSenderContract {
  private static final byte[] BODY = "{\"type\":\"job.succeeded\",\"data\":{\"jobId\":\"j\u00e9\"}}"
      .getBytes(StandardCharsets.UTF_8);
  private static final Map<String, String> HEADERS = Map.of("content-type", "application/json",
      "webhook-id", "n-1", "webhook-timestamp", "1764583200", "webhook-signature", "v1,c2lnbmF0dXJl");

  protected abstract WebhookSender sender();

  /** A receiver that answers the next POST with {@code status}, at {@code /hook} of the URL returned. */
  protected abstract URI receiverAnswering(int status);

  /** A URL where no receiver answers: the connection fails. */
  protected abstract URI receiverThatIsDown();

  /** The POSTs that reached a receiver, in order. */
  protected abstract List<Received> received();

  /**
   * One POST as the receiver saw it.
   *
   * @param headers at least the headers the sender was given, names in lower case
   */
  public record Received(String path, Map<String, String> headers, byte[] body) {}

  @Test
  void thePostReachesTheReceiverWithItsHeadersAndBody() {
    Response response = sender().post(receiverAnswering(200), HEADERS, BODY);

    assertThat(response).isEqualTo(Response.answered(200));
    assertThat(response.succeeded()).isTrue();
    assertThat(received()).singleElement().satisfies(post -> {
      assertThat(post.path()).isEqualTo("/hook");
      assertThat(post.headers()).containsAllEntriesOf(HEADERS);
      assertThat(post.body()).isEqualTo(BODY);
    });
  }

  @Test
  void theReceiversRefusalIsTheAnswerNotAnException() {
    WebhookSender sender = sender();
    Response failed = sender.post(receiverAnswering(500), HEADERS, BODY);
    Response gone = sender.post(receiverAnswering(410), HEADERS, BODY);

    assertThat(failed).isEqualTo(Response.answered(500));
    assertThat(failed.succeeded()).isFalse();
    assertThat(gone).isEqualTo(Response.answered(410));
    assertThat(received()).hasSize(2);
  }

  @Test
  void aReceiverThatIsDownIsAFailureWithNoStatus() {
    Response response = sender().post(receiverThatIsDown(), HEADERS, BODY);

    assertThat(response.statusCode()).isZero();
    assertThat(response.error()).isNotBlank();
    assertThat(response.refusal()).isNull();
    assertThat(response.succeeded()).isFalse();
    assertThat(received()).isEmpty();
  }
}
