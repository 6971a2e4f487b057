package dev.darkroom.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.darkroom.core.notify.WebhookEndpoint;
import dev.darkroom.core.port.WebhookEndpoints;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What every {@link WebhookEndpoints} must do, the in-memory fake and the SQL table alike. A
 * rotated-out secret expires by the store's own clock, so the store runs on the real time here.
 */
public abstract class WebhookEndpointsContract {
  protected abstract WebhookEndpoints endpoints();

  /** Each test its own users and endpoint ids, so tests sharing one store cannot meet. */
  private final String run = UUID.randomUUID().toString();
  private final String gina = "gina-" + run;
  private final String hank = "hank-" + run;
  private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

  @Test
  void aUsersEndpointsAreTheEnabledOnesUserWideAndJobScopedWithEverySecret() {
    WebhookEndpoints endpoints = endpoints();
    endpoints.add(endpoint("a", gina, null, 0, "whsec_AAAA", "whsec_BBBB"));
    endpoints.add(endpoint("job", gina, "job-9", 1, "whsec_JJJJ"));
    endpoints.add(endpoint("off", gina, null, 2, "whsec_CCCC"));
    endpoints.add(endpoint("h", hank, null, 3, "whsec_DDDD"));
    endpoints.disable(id("off"));

    List<WebhookEndpoint> mine = endpoints.forUser(gina);
    assertThat(mine).extracting(WebhookEndpoint::id).containsExactly(id("a"), id("job"));
    assertThat(mine.get(0)).satisfies(e -> {
      assertThat(e.userId()).isEqualTo(gina);
      assertThat(e.url()).isEqualTo("https://a.example.com/" + id("a"));
      assertThat(e.secrets()).containsExactly("whsec_AAAA", "whsec_BBBB");
      assertThat(e.jobId()).isNull();
      assertThat(e.createdAt()).isEqualTo(now);
    });
    assertThat(mine.get(1).jobId()).isEqualTo("job-9");
    assertThat(endpoints.forUser("nobody-" + run)).isEmpty();
  }

  @Test
  void aRotatedOutSecretSignsUntilItExpires() {
    WebhookEndpoints endpoints = endpoints();
    endpoints.add(endpoint("g1", gina, null, 0, "whsec_OLD1"));
    endpoints.add(endpoint("g2", gina, "job-9", 1, "whsec_OLD2"));

    assertThat(endpoints.rotate(gina, id("g1"), "whsec_NEW1", now.plus(Duration.ofHours(24))).orElseThrow().secrets())
        .containsExactly("whsec_NEW1", "whsec_OLD1");
    endpoints.rotate(gina, id("g2"), "whsec_NEW2", now.minusSeconds(1));
    assertThat(endpoints.forUser(gina)).extracting(WebhookEndpoint::secrets)
        .containsExactly(List.of("whsec_NEW1", "whsec_OLD1"), List.of("whsec_NEW2"));
  }

  @Test
  void anotherUsersEndpointCannotBeRotatedOrDeleted() {
    WebhookEndpoints endpoints = endpoints();
    endpoints.add(endpoint("g1", gina, null, 0, "whsec_OLD1"));

    assertThat(endpoints.rotate(hank, id("g1"), "whsec_X", now)).isEmpty();
    assertThat(endpoints.delete(hank, id("g1"))).isFalse();
    assertThat(endpoints.forUser(gina)).singleElement().extracting(WebhookEndpoint::secrets)
        .isEqualTo(List.of("whsec_OLD1"));
    assertThat(endpoints.rotate(gina, id("missing"), "whsec_X", now)).isEmpty();
  }

  @Test
  void aDeletedOrDisabledEndpointIsNoLongerSentTo() {
    WebhookEndpoints endpoints = endpoints();
    endpoints.add(endpoint("g1", gina, null, 0, "whsec_1"));
    endpoints.add(endpoint("g2", gina, "job-9", 1, "whsec_2"));

    assertThat(endpoints.delete(gina, id("g1"))).isTrue();
    assertThat(endpoints.delete(gina, id("g1"))).isFalse();
    endpoints.disable(id("g2"));
    assertThat(endpoints.forUser(gina)).isEmpty();
    assertThat(endpoints.rotate(gina, id("g2"), "whsec_X", now)).as("a disabled endpoint").isEmpty();
  }

  private String id(String name) {
    return "ep-" + name + "-" + run;
  }

  /** An endpoint created {@code order} milliseconds after the first, so that creation order is unambiguous. */
  private WebhookEndpoint endpoint(String name, String user, String jobId, int order, String... secrets) {
    return new WebhookEndpoint(id(name), user, "https://" + name + ".example.com/" + id(name), List.of(secrets), jobId,
        now.plusMillis(order));
  }
}
