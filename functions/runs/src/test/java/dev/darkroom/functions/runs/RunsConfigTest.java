package dev.darkroom.functions.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.darkroom.core.deployment.InboundIntegration;
import dev.darkroom.gcp.Env;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RunsConfigTest {
  @Test
  void eachIntegrationMapsItsTopicToAUserWithItsReplyTopics() {
    assertThat(RunsConfig.integrations("{\"acme\":{\"topic\":\"dev-runs-acme\",\"user\":\"u1\",\"tier\":\"pro\","
        + "\"reply_topics\":[\"projects/acme/topics/done\"]},\"beta\":{\"topic\":\"dev-runs-beta\",\"user\":\"u2\"}}"))
        .containsExactlyInAnyOrder(
            new InboundIntegration("acme", "dev-runs-acme", "u1", "pro", Set.of("projects/acme/topics/done")),
            new InboundIntegration("beta", "dev-runs-beta", "u2", "standard", Set.of()));
  }

  @Test
  void withoutTheVariableThereIsNoIntegration() {
    assertThat(RunsConfig.from(new Env(Map.of("GOOGLE_CLOUD_PROJECT", "p", "OUTPUTS_BUCKET", "b",
        "DATABASE_URL", "jdbc:postgresql://localhost/ledger"))).integrations())
        .isEmpty();
  }

  @Test
  void aMalformedMapFailsNamingTheVariableAndTheField() {
    assertThatThrownBy(() -> RunsConfig.integrations("[]")).isInstanceOf(Env.MissingConfigException.class)
        .hasMessageStartingWith("INBOUND_INTEGRATIONS is malformed");
    assertThatThrownBy(() -> RunsConfig.integrations("{\"acme\":{\"topic\":\"t\"}}"))
        .hasMessageContaining("acme.user is required");
    assertThatThrownBy(() -> RunsConfig.integrations("{\"acme\":{\"topic\":\"t\",\"user\":\"u\","
        + "\"reply_topics\":[1]}}")).hasMessageContaining("acme.reply_topics must be a list of topic names");
    assertThatThrownBy(() -> RunsConfig.integrations("{\"a\":{\"topic\":\"t\",\"user\":\"u1\"},"
        + "\"b\":{\"topic\":\"t\",\"user\":\"u2\"}}")).hasMessageContaining("a topic maps to one user");
  }
}
